//! A checked text's claims as the source register keeps them, so that `borderline claims` and `/api/claims`
//! cover every registered document: only claims whose subject and object are known are kept (the others cannot be
//! checked later either).

use super::TextCheck;
use super::claims::Kind;
use super::judge::{ObjectOut, qualifier};
use crate::model::{Claim, DistanceUnit};

/// The register claims of a checked text, with ids `{document}-t1`, `{document}-t2`… in text order.
pub fn register_claims(check: &TextCheck, document: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    for c in &check.claims {
        let Some(subject) = &c.subject else { continue };
        let id = format!("{document}-t{}", out.len() + 1);
        let (value, unit) = match c.stated_m {
            Some(m) if m < 1000.0 => (m, DistanceUnit::Metre),
            Some(m) => (m / 1000.0, DistanceUnit::Kilometre),
            None => (0.0, DistanceUnit::Kilometre),
        };
        let q = c.operator.map_or(crate::model::ClaimQualifier::About, qualifier);
        let claim = match (&c.object, c.kind) {
            (Some(ObjectOut::Place { text, place, .. }), Kind::Distance) => Claim::Distance {
                id,
                from: subject.place.place_id.clone(),
                to: place.place_id.clone(),
                as_written: format!("{} – {text}", subject.text),
                value,
                unit,
                qualifier: q,
            },
            (Some(ObjectOut::Border { border: Some(border), .. }), Kind::DistanceToBorder) => Claim::DistanceToBorder {
                id,
                place: subject.place.place_id.clone(),
                as_written: subject.text.clone(),
                border: border.clone(),
                value,
                unit,
                qualifier: q,
            },
            (Some(ObjectOut::Border { border: Some(border), .. }), Kind::OnBorder) => Claim::OnBorder {
                id,
                place: subject.place.place_id.clone(),
                as_written: subject.text.clone(),
                border: border.clone(),
                qualifier: q,
            },
            _ => continue,
        };
        out.push(claim);
    }
    out
}

/// Reads `text` and returns its register claims for document `document`.
pub fn claims_of_text(store: &crate::store::Store, text: &str, document: &str) -> Vec<Claim> {
    register_claims(&super::check(store, text, None), document)
}
