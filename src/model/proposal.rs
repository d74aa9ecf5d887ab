use std::sync::Arc;

use super::Incident;

/// A correction an editor proposed to a published incident, waiting for a reviewer to accept or decline
/// it. The incident does not change until a reviewer accepts; meanwhile readers see the published version.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// Its number: the journal entry that first recorded it.
    pub number: u64,
    /// The incident as it would be (its version, status and times still the current ones').
    pub incident: Arc<Incident>,
    /// The version the correction was made to.
    pub replaces: u32,
    /// Who proposed it.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Why.
    pub reason: String,
    /// The fields it changes: `{field: [before, after]}`.
    pub changes: serde_json::Map<String, serde_json::Value>,
}
