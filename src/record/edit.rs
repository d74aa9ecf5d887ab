//! What may change and how: a [`Request`] (a new feature, a replacement, a merge patch, a status change, an
//! imported incident, a new source) checked against the current state and the actor's role, and turned into
//! the incident's next version and the journal entry that records it. Nothing here writes; the writer
//! applies what this returns, in order, and acknowledges it once it is on disk.

use std::sync::Arc;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::journal::{Entry, Op};
use super::users::{Actor, Role};
use crate::model::{Incident, Proposal, Revision, SourceDocument, Status, format_time};
use crate::store::{Issue, Store};

/// The longest reason accepted, characters.
pub const MAX_REASON_CHARS: usize = 500;

/// A change someone asks for.
#[derive(Clone, Debug)]
pub enum Change {
    /// A new incident, as a GeoJSON feature; it starts as a draft.
    Create(Value),
    /// A new version of incident `id`, as a whole feature (`PUT`).
    Replace(String, Value),
    /// Some members of incident `id`'s feature changed, as a JSON Merge Patch (RFC 7396) of it.
    Patch(String, Value),
    /// Incident `id` moves to `status` (publish, reject, retire).
    Status(String, Status),
    /// A document added to the source register, with its text when it may be kept.
    Source(Box<SourceDocument>, Option<String>),
    /// A reviewer accepts open proposal number `n`: it becomes the incident's next version.
    Accept(u64),
    /// A reviewer declines open proposal number `n` (or its author withdraws it).
    Decline(u64),
}

/// A change, who asks for it, and on what terms.
#[derive(Clone, Debug)]
pub struct Request {
    /// What.
    pub change: Change,
    /// Who.
    pub actor: Actor,
    /// The version the change was made to (`If-Match`); none: whatever is current.
    pub if_match: Option<u32>,
    /// Why.
    pub reason: Option<String>,
}

/// One problem with a field of a request.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    /// The property or member (`event_date`, `geometry.coordinates`, `reason`, …).
    pub field: String,
    /// What is wrong and what would be right.
    pub message: String,
}

/// Why a change was refused; nothing was written.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The request is not valid: every problem found.
    #[error("the change is not valid: {}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    /// No such incident.
    #[error("no incident {0:?}")]
    NotFound(String),
    /// No such open proposal.
    #[error("no open proposal #{0}: it was accepted, declined or never made")]
    NoProposal(u64),
    /// The incident is at another version than the one the change was made to.
    #[error(
        "incident {id} is at version {current}, the change was made to version {given}: read it again and redo the change"
    )]
    Stale {
        /// The incident.
        id: String,
        /// Its version now.
        current: u32,
        /// The version the request named.
        given: u32,
    },
    /// The change does not fit the incident's state (an id taken, a retired incident).
    #[error("{0}")]
    Conflict(String),
    /// The actor's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The journal could not be written; nothing changed.
    #[error("the change could not be written to the journal ({0}); nothing changed, try again")]
    Unavailable(String),
    /// This record cannot change (no data directory).
    #[error("this server serves data that cannot change: start it with --data DIR to record changes")]
    ReadOnly,
}

impl EditError {
    fn invalid(field: &str, message: impl Into<String>) -> EditError {
        EditError::Invalid(vec![FieldProblem { field: field.to_string(), message: message.into() }])
    }
}

/// What an acknowledged change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The incident's (or document's) id.
    pub id: String,
    /// The incident's version after it (0 for a document).
    pub version: u32,
    /// Its status after it.
    pub status: Status,
    /// The journal entry's number.
    pub seq: u64,
    /// The operation recorded.
    pub op: Op,
}

/// The journal entry a change makes, before it has a place in the chain (`seq`, `prev`, `at`).
pub struct Planned {
    /// The entry, with `seq`, `prev` and `at` still to set.
    pub entry: Entry,
    /// The new version to layer on the state, if an incident changes.
    pub incident: Option<Incident>,
    /// The storage form of the version it replaces, to set beside the new one in the entry's `changes`.
    pub before: Option<Vec<u8>>,
    /// The document to add, if one is added.
    pub document: Option<SourceDocument>,
    /// The proposal to open, if one is made.
    pub proposal: Option<Proposal>,
    /// The proposal this closes (accepted or declined).
    pub closes: Option<u64>,
    /// What to tell the caller.
    pub applied: Applied,
}

/// The reason given with `request`; `required` names the change that cannot go without one.
fn reason_of(request: &Request, required: Option<&str>) -> Result<Option<String>, EditError> {
    match request.reason.as_deref().map(str::trim) {
        Some(r) if r.chars().count() > MAX_REASON_CHARS => {
            Err(EditError::invalid("reason", format!("is over {MAX_REASON_CHARS} characters; keep it short")))
        }
        Some(r) if !r.is_empty() => Ok(Some(r.to_string())),
        _ => match required {
            Some(what) => Err(EditError::invalid(
                "reason",
                format!(
                    "{what} needs a short reason: give it as the Borderline-Reason header, the reason parameter, \
                     a change_reason property, or --reason"
                ),
            )),
            None => Ok(None),
        },
    }
}

/// The incident in borderline's storage form (a GeoJSON feature), as the journal holds it: what a patch
/// applies to and what a diff compares.
pub fn storage_text(i: &Incident) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    crate::formats::geojson::storage_feature(&mut out, i);
    out
}

/// The members of a JSON object in the order written, their values unread.
struct Members<'a>(Vec<(std::borrow::Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Members<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visit<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Members<'a>, M::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(32));
                while let Some((k, v)) = map.next_entry::<std::borrow::Cow<'a, str>, &'a RawValue>()? {
                    members.push((k, v));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// `{field: [before, after]}` for every property that differs, and `geometry` if the point moved.
fn diff(before: &Incident, after: &Incident) -> Map<String, Value> {
    diff_texts(&storage_text(before), &storage_text(after))
}

/// [`diff`] of two storage forms ([`storage_text`]). Both are written by the one storage writer, members in
/// the same order, and are compared member by member as text (equal values are equal text, a missing member
/// is `null`); only what differs is read back as values.
fn diff_texts(before: &[u8], after: &[u8]) -> Map<String, Value> {
    #[derive(serde::Deserialize)]
    struct Form<'a> {
        #[serde(borrow)]
        properties: Members<'a>,
        #[serde(borrow)]
        geometry: &'a RawValue,
    }
    fn form(text: &[u8]) -> Form<'_> {
        serde_json::from_slice(text).expect("the storage writer writes a feature")
    }
    let value = |raw: &RawValue| serde_json::from_str::<Value>(raw.get()).expect("JSON");
    // What the storage writer leaves out stands for its default: published, no variants, no background,
    // otherwise nothing.
    fn text<'t>(k: &str, raw: Option<&'t RawValue>) -> &'t str {
        raw.map_or(
            match k {
                "status" => "\"published\"",
                "variants" | "background" => "[]",
                _ => "null",
            },
            RawValue::get,
        )
    }
    let (b, a) = (form(before), form(after));
    let (bp, ap) = (&b.properties.0, &a.properties.0);
    let skipped = |k: &str| matches!(k, "version" | "updated_at" | "updated_by");
    let mut out = Map::new();
    let mut differs = |k: &str, x: Option<&RawValue>, y: Option<&RawValue>| {
        if !skipped(k) && text(k, x) != text(k, y) {
            let side = |raw: Option<&RawValue>| serde_json::from_str::<Value>(text(k, raw)).expect("JSON");
            out.insert(k.to_string(), Value::Array(vec![side(x), side(y)]));
        }
    };
    // The same writer puts members in the same order, so the one sought is nearly always the next one.
    let (mut next, mut found) = (0, 0);
    for (k, x) in bp {
        let at = (next..ap.len()).chain(0..next).find(|&j| ap[j].0 == *k);
        if let Some(j) = at {
            (next, found) = (j + 1, found + 1);
        }
        differs(k, Some(x), at.map(|j| ap[j].1));
    }
    if found < ap.len() {
        for (k, y) in ap.iter().filter(|(k, _)| !bp.iter().any(|(j, _)| j == k)) {
            differs(k, None, Some(y));
        }
    }
    if b.geometry.get() != a.geometry.get() {
        out.insert("geometry".into(), Value::Array(vec![value(b.geometry), value(a.geometry)]));
    }
    out
}

/// Applies a JSON Merge Patch (RFC 7396) to `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let t = target.as_object_mut().expect("made an object above");
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

fn problems_of(issues: Vec<Issue>) -> Vec<FieldProblem> {
    issues
        .into_iter()
        .map(|i| FieldProblem { field: i.field.unwrap_or_else(|| "feature".into()), message: i.message })
        .collect()
}

/// Reads a feature a client sent as incident `id` (given or assigned), with every field problem found.
fn read_feature(store: &Store, mut feature: Value, id: &str) -> Result<(Incident, Option<Status>), EditError> {
    let Some(obj) = feature.as_object_mut() else {
        return Err(EditError::invalid("feature", "expected a GeoJSON Feature object"));
    };
    obj.remove("id");
    let props = obj.entry("properties").or_insert_with(|| Value::Object(Map::new()));
    let Some(props) = props.as_object_mut() else {
        return Err(EditError::invalid("properties", "expected an object"));
    };
    for key in crate::store::DERIVED_FIELDS {
        props.remove(*key);
    }
    let asked_status = match props.remove("status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.parse::<Status>().map_err(|m| EditError::invalid("status", m))?),
        Some(other) => return Err(EditError::invalid("status", format!("{other} is not a status name"))),
    };
    for key in ["event_id", "event_id_cnty"] {
        if let Some(given) = props.remove(key)
            && given.as_str() != Some(id)
        {
            return Err(EditError::invalid(key, format!("{given} is not this incident's id {id:?}: ids never change")));
        }
    }
    // A field borderline does not record would be dropped without a word: a misspelt name is refused instead.
    let mut problems: Vec<FieldProblem> = props
        .keys()
        .filter(|k| !crate::store::INCIDENT_FIELDS.iter().any(|f| f.name == k.as_str()))
        .map(|k| FieldProblem {
            field: k.clone(),
            message: "is not a field of an incident: an item read from the server shows every field, and \
                      docs/fields.md says what each means"
                .into(),
        })
        .collect();
    props.insert("event_id_cnty".into(), Value::String(id.to_string()));
    let text = serde_json::to_string(&feature).expect("a value serialises");
    let incident = match store.read_incident(&text) {
        Ok(incident) if problems.is_empty() => incident,
        Ok(_) => return Err(EditError::Invalid(problems)),
        Err(issues) => {
            problems.extend(problems_of(issues));
            return Err(EditError::Invalid(problems));
        }
    };
    if incident.sources.is_empty() {
        return Err(EditError::invalid(
            "sources",
            "cite at least one document of the source register (GET /api/sources; add one with POST /api/sources)",
        ));
    }
    Ok((incident, asked_status))
}

fn may(actor: &Actor, role: Role, what: &str) -> Result<(), EditError> {
    if actor.role >= role {
        Ok(())
    } else {
        Err(EditError::Forbidden(format!("{what} needs the {role} role; {} is {}", actor.name, actor.role)))
    }
}

/// Who may correct or retire an incident in `status`, and whether it can change at all.
fn may_change(actor: &Actor, current: &Incident, what: &str) -> Result<(), EditError> {
    match current.revision.status {
        Status::Retired => Err(EditError::Conflict(format!(
            "incident {} is retired: it stays in the history but no longer changes",
            current.event_id
        ))),
        Status::Draft | Status::Rejected => may(actor, Role::Editor, what),
        Status::Published => may(actor, Role::Reviewer, &format!("{what} once it is published")),
    }
}

/// Checks `request` against `store` and works out what it changes.
pub fn plan(store: &Store, request: &Request, seq: u64) -> Result<Planned, EditError> {
    let actor = &request.actor;
    let current_of = |id: &str| store.incident(id).ok_or_else(|| EditError::NotFound(id.to_string()));
    let check_version = |current: &Incident| match request.if_match {
        Some(given) if given != current.revision.version => {
            Err(EditError::Stale { id: current.event_id.to_string(), current: current.revision.version, given })
        }
        _ => Ok(()),
    };
    let mut closes = None;
    // The storage form of the version replaced, once written (a patch applies to it).
    let mut before_text = None;
    let (op, before, mut incident, reason) = match &request.change {
        Change::Source(document, text) => {
            may(actor, Role::Editor, "adding a source")?;
            let mut entry = Entry::blank(&actor.name, Op::Source);
            entry.id = Some(document.id.clone());
            entry.document = Some((**document).clone());
            entry.text = text.clone();
            entry.reason = reason_of(request, None)?;
            return Ok(Planned {
                entry,
                incident: None,
                before: None,
                document: Some((**document).clone()),
                proposal: None,
                closes: None,
                applied: Applied {
                    id: document.id.clone(),
                    version: 0,
                    status: Status::Published,
                    seq,
                    op: Op::Source,
                },
            });
        }
        Change::Create(feature) => {
            may(actor, Role::Editor, "recording an incident")?;
            let given =
                feature.pointer("/properties/event_id_cnty").or_else(|| feature.pointer("/properties/event_id"));
            let id = match given.or_else(|| feature.get("id")) {
                Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
                None | Some(Value::Null) => format!("BL{seq:06}"),
                Some(other) => return Err(EditError::invalid("event_id_cnty", format!("{other} is not a text id"))),
            };
            if store.incident(&id).is_some() {
                return Err(EditError::Conflict(format!(
                    "there is already an incident {id:?}: change it with PUT or PATCH on its item"
                )));
            }
            let (incident, _) = read_feature(store, feature.clone(), &id)?;
            (
                Op::Create,
                None,
                Incident { revision: Revision { status: Status::Draft, ..Revision::default() }, ..incident },
                reason_of(request, None)?,
            )
        }
        Change::Replace(id, feature) | Change::Patch(id, feature) => {
            let current = current_of(id)?;
            check_version(current)?;
            // An editor's correction of a published incident waits for a reviewer: it is proposed.
            let proposing = current.revision.status == Status::Published && actor.role < Role::Reviewer;
            if proposing {
                may(actor, Role::Editor, "proposing a correction")?;
            } else {
                may_change(actor, current, "correcting an incident")?;
            }
            let body = match &request.change {
                Change::Patch(..) => {
                    let text = before_text.insert(storage_text(current));
                    let mut merged: Value = serde_json::from_slice(text).expect("the storage writer writes JSON");
                    merge_patch(&mut merged, feature);
                    merged
                }
                _ => feature.clone(),
            };
            let (incident, asked) = read_feature(store, body, id)?;
            let status = match (current.revision.status, asked) {
                (now, None) => now,
                (now, Some(s)) if s == now => now,
                (_, Some(_)) => {
                    return Err(EditError::invalid(
                        "status",
                        "a correction keeps the status; publish, reject or retire the incident on its own",
                    ));
                }
            };
            // A correction of a rejected draft puts it back in the review queue.
            let status = if status == Status::Rejected { Status::Draft } else { status };
            let op = if matches!(request.change, Change::Patch(..)) { Op::Update } else { Op::Replace };
            let revision = Revision { status, ..current.revision.clone() };
            let incident = Incident { revision, ..incident };
            let reason = reason_of(request, Some("a correction"))?;
            if proposing {
                return Ok(propose(actor, current, incident, reason.unwrap_or_default(), seq));
            }
            (op, Some(current), incident, reason)
        }
        Change::Status(id, status) => {
            let current = current_of(id)?;
            check_version(current)?;
            let (op, reason) = match status {
                Status::Published => {
                    may(actor, Role::Reviewer, "publishing")?;
                    if !matches!(current.revision.status, Status::Draft | Status::Rejected) {
                        return Err(EditError::Conflict(format!(
                            "incident {id} is {}: only drafts (or rejected ones) are published",
                            current.revision.status
                        )));
                    }
                    (Op::Publish, reason_of(request, None)?)
                }
                Status::Rejected => {
                    may(actor, Role::Reviewer, "rejecting")?;
                    if current.revision.status != Status::Draft {
                        return Err(EditError::Conflict(format!(
                            "incident {id} is {}: only drafts are rejected",
                            current.revision.status
                        )));
                    }
                    (Op::Reject, reason_of(request, Some("a rejection"))?)
                }
                Status::Retired => {
                    may_change(actor, current, "retiring an incident")?;
                    (Op::Retire, reason_of(request, Some("a retirement"))?)
                }
                Status::Draft => {
                    return Err(EditError::invalid("status", "an incident becomes a draft only when first recorded"));
                }
            };
            let revision = Revision { status: *status, ..current.revision.clone() };
            (op, Some(current), Incident { revision, ..current.clone() }, reason)
        }
        Change::Accept(n) => {
            may(actor, Role::Reviewer, "accepting a proposal")?;
            let proposal = store.proposal(*n).ok_or(EditError::NoProposal(*n))?;
            let current = current_of(&proposal.incident.event_id)?;
            check_version(current)?;
            may_change(actor, current, "accepting a proposal")?;
            if current.revision.version != proposal.replaces {
                return Err(EditError::Conflict(format!(
                    "incident {} is at version {}, proposal #{n} was made to version {}: accepting it would undo \
                     what changed since; decline it and propose the correction again",
                    current.event_id, current.revision.version, proposal.replaces
                )));
            }
            closes = Some(*n);
            let reason = match reason_of(request, None)? {
                Some(r) => format!("{} (proposed by {} as #{n}; {r})", proposal.reason, proposal.by),
                None => format!("{} (proposed by {} as #{n})", proposal.reason, proposal.by),
            };
            let revision = current.revision.clone();
            let incident = Incident { revision, ..(*proposal.incident).clone() };
            (Op::Accept, Some(current), incident, Some(reason))
        }
        Change::Decline(n) => {
            let proposal = store.proposal(*n).ok_or(EditError::NoProposal(*n))?;
            if proposal.by != actor.name {
                may(actor, Role::Reviewer, "declining someone else's proposal")?;
            }
            let current = current_of(&proposal.incident.event_id)?;
            let mut entry = Entry::blank(&actor.name, Op::Decline);
            entry.id = Some(current.event_id.to_string());
            entry.proposal = Some(*n);
            entry.reason = reason_of(request, Some("declining a proposal"))?;
            let applied = Applied {
                id: current.event_id.to_string(),
                version: current.revision.version,
                status: current.revision.status,
                seq,
                op: Op::Decline,
            };
            return Ok(Planned {
                entry,
                incident: None,
                before: None,
                document: None,
                proposal: None,
                closes: Some(*n),
                applied,
            });
        }
    };
    let replaces = before.map(|c| c.revision.version);
    next_revision(&mut incident, replaces, actor);
    let mut entry = entry_of(actor, op, before, &incident, reason);
    entry.proposal = closes;
    let before = before.map(|b| before_text.unwrap_or_else(|| storage_text(b)));
    let applied = Applied {
        id: incident.event_id.to_string(),
        version: incident.revision.version,
        status: incident.revision.status,
        seq,
        op,
    };
    Ok(Planned { entry, incident: Some(incident), before, document: None, proposal: None, closes, applied })
}

/// Numbers `incident` as the version after `replaces` (none: the first), made by `actor`.
fn next_revision(incident: &mut Incident, replaces: Option<u32>, actor: &Actor) {
    incident.revision.version = replaces.map_or(1, |v| v + 1);
    incident.revision.updated_by = Some(Arc::from(actor.name.as_str()));
}

/// The entry recording that `actor` made `incident` the next version after `before`, without its place in
/// the chain, its time, the feature or what changed (see [`seal`]).
fn entry_of(actor: &Actor, op: Op, before: Option<&Incident>, incident: &Incident, reason: Option<String>) -> Entry {
    let mut entry = Entry::blank(&actor.name, op);
    entry.id = Some(incident.event_id.to_string());
    entry.version = Some(incident.revision.version);
    entry.replaces = before.map(|c| c.revision.version);
    entry.reason = reason;
    entry.sources = incident.sources.iter().map(|s| s.to_string()).collect();
    entry
}

/// Whether `actor` may import (every incident of an import asks the same).
pub fn may_import(actor: &Actor) -> Result<(), EditError> {
    may(actor, Role::Editor, "importing")
}

/// Whether `actor` may import `incoming` into `store`: an import is no way around review, so an editor's
/// may change drafts and rejected ones only (its new incidents arrive as drafts, see [`imported`]); a
/// published incident is corrected by a reviewer, or proposed for review.
pub fn may_import_into(store: &Store, incoming: &[Incident], actor: &Actor) -> Result<(), EditError> {
    may_import(actor)?;
    if actor.role >= Role::Reviewer {
        return Ok(());
    }
    let published: Vec<&str> = incoming
        .iter()
        .filter(|i| store.incident(&i.event_id).is_some_and(|c| c.revision.status == Status::Published))
        .map(|i| &*i.event_id)
        .collect();
    match published.as_slice() {
        [] => Ok(()),
        ids => Err(EditError::Forbidden(format!(
            "the import changes {} published incident(s) ({}{}), which needs the reviewer role; {} is an editor: \
             propose the corrections for review (PUT or PATCH on each item, or `borderline incidents edit`), \
             or have a reviewer import the file",
            ids.len(),
            ids[..ids.len().min(5)].join(", "),
            if ids.len() > 5 { ", …" } else { "" },
            actor.name
        ))),
    }
}

/// What an import makes of an `incoming` incident whose current version is `current` (none: a new one): its
/// next version, made by `actor` at `at`. It keeps the current status; a new one has the file's, or is a
/// draft when an editor imports it.
pub fn imported(
    current: Option<&Incident>,
    incoming: Incident,
    actor: &Actor,
    at: chrono::DateTime<chrono::Utc>,
) -> Incident {
    // A new incident keeps the file's status when a reviewer imports it; an editor's arrives as a draft.
    let first = if actor.role >= Role::Reviewer { incoming.revision.status } else { Status::Draft };
    let status = current.map_or(first, |c| c.revision.status);
    let revision = Revision { status, ..current.map(|c| c.revision.clone()).unwrap_or_default() };
    let mut incident = Incident { revision, ..incoming };
    next_revision(&mut incident, current.map(|c| c.revision.version), actor);
    incident.revision.updated_at = Some(at);
    incident
}

/// The journal entry of an incident an import made (see [`imported`]) from `current`; its feature, its place in
/// the chain and its time are the caller's (see [`super::journal::Unchained::push`]).
pub fn import_entry(current: Option<&Incident>, incident: &Incident, actor: &Actor, reason: &str) -> Entry {
    let mut entry = entry_of(actor, Op::Import, current, incident, Some(reason.to_string()));
    entry.changes = current.map(|c| diff(c, incident));
    entry
}

/// The plan of an editor's correction of a published incident: a proposal, numbered by its journal entry,
/// that leaves the incident as it is.
fn propose(actor: &Actor, current: &Incident, incident: Incident, reason: String, seq: u64) -> Planned {
    let changes = diff(current, &incident);
    let mut entry = Entry::blank(&actor.name, Op::Propose);
    entry.id = Some(current.event_id.to_string());
    entry.replaces = Some(current.revision.version);
    entry.reason = Some(reason.clone());
    entry.sources = incident.sources.iter().map(|s| s.to_string()).collect();
    entry.changes = Some(changes.clone());
    let applied = Applied {
        id: current.event_id.to_string(),
        version: current.revision.version,
        status: current.revision.status,
        seq,
        op: Op::Propose,
    };
    let proposal = Proposal {
        number: seq,
        incident: Arc::new(incident),
        replaces: current.revision.version,
        by: actor.name.clone(),
        at: String::new(),
        reason,
        changes,
    };
    Planned { entry, incident: None, before: None, document: None, proposal: Some(proposal), closes: None, applied }
}

/// Fills in the entry's place in the chain, its time, the feature and what changed (against the storage form
/// of the version replaced), and the incident's time.
pub fn seal(planned: &mut Planned, seq: u64, prev: &str, at: chrono::DateTime<chrono::Utc>) {
    planned.entry.seq = seq;
    planned.entry.prev = prev.to_string();
    planned.entry.at = format_time(&at);
    planned.applied.seq = seq;
    if let Some(incident) = &mut planned.incident {
        incident.revision.updated_at = Some(at);
        let after = storage_text(incident);
        if let Some(before) = planned.before.take() {
            planned.entry.changes = Some(diff_texts(&before, &after));
        }
        planned.entry.feature = Some(raw_json(after));
    }
    if let Some(proposal) = &mut planned.proposal {
        proposal.number = seq;
        proposal.at = planned.entry.at.clone();
        planned.entry.proposed = Some(storage_json(&proposal.incident));
    }
}

/// An incident in borderline's storage form, as a journal entry holds it.
pub fn storage_json(incident: &Incident) -> Box<RawValue> {
    raw_json(storage_text(incident))
}

/// JSON that borderline wrote, as a raw value.
fn raw_json(text: Vec<u8>) -> Box<RawValue> {
    let text = String::from_utf8(text).expect("borderline writes UTF-8");
    RawValue::from_string(text).expect("valid JSON")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::diff_texts;

    fn feature(properties: serde_json::Value, lon: f64) -> Vec<u8> {
        serde_json::to_vec(&json!({"type": "Feature", "properties": properties,
            "geometry": {"type": "Point", "coordinates": [lon, 20.0]}}))
        .unwrap()
    }

    #[test]
    fn a_diff_names_what_changed_and_nothing_else() {
        let before = feature(json!({"a": 1, "b": "x", "c": null, "gone": [1, 2], "version": 1}), 1.0);
        let after = feature(json!({"b": "y", "a": 1, "new": {"k": 2}, "version": 2, "updated_by": "u"}), 1.0);
        let changes = serde_json::Value::Object(diff_texts(&before, &after));
        assert_eq!(changes, json!({"b": ["x", "y"], "gone": [[1, 2], null], "new": [null, {"k": 2}]}));
        // A member the storage writer leaves out when it has its default reads as that default.
        let draft = feature(json!({"status": "draft", "variants": [{"name": "x"}]}), 1.0);
        let changes = serde_json::Value::Object(diff_texts(&draft, &feature(json!({}), 1.0)));
        assert_eq!(changes, json!({"status": ["draft", "published"], "variants": [[{"name": "x"}], []]}));
        let moved = feature(json!({"a": 1}), 2.5);
        let changes = serde_json::Value::Object(diff_texts(&feature(json!({"a": 1}), 1.0), &moved));
        assert_eq!(
            changes,
            json!({"geometry": [{"type": "Point", "coordinates": [1.0, 20.0]}, {"type": "Point", "coordinates": [2.5, 20.0]}]})
        );
    }
}
