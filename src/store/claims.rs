//! Checks the quantitative geographic claims of the source documents against the data.

use serde::Serialize;

use super::{BorderChoice, Store};
use crate::geodesy::distance_m;
use crate::model::{BorderPair, BorderSource, Claim, ClaimQualifier};

/// A round figure ("about N km") is consistent with the straight-line value within this fraction, plus
/// [`ABOUT_SLACK_M`] for the size of the places themselves.
pub const ABOUT_TOLERANCE: f64 = 0.10;
/// Absolute slack for "about" claims, metres.
pub const ABOUT_SLACK_M: f64 = 2_000.0;
/// "On the border" holds within this distance of the line, metres.
pub const ON_BORDER_M: f64 = 5_000.0;
/// Roads in this region run this many times the straight-line distance (piste detours around the Adrar des
/// Ifoghas and the Tanezrouft); a claim that long and no longer is likely a road distance.
pub const ROAD_FACTOR: (f64, f64) = (1.1, 1.6);

/// Whether a claim holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The data agrees within the stated tolerance.
    Consistent,
    /// The data disagrees.
    Inconsistent,
    /// The claim cannot be measured (a place or border it names is not known); the reason says why.
    Unverifiable,
}

/// How a measured value meets a claim.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    /// Consistent or inconsistent.
    pub verdict: Verdict,
    /// The rule applied, in words.
    pub tolerance: String,
    /// When the claim fails but a road distance would explain it, that explanation.
    pub note: Option<String>,
}

/// Judges a claim: `claimed_m` is `None` for "on the border"; `place_to_place` says whether a road distance could
/// be what the writer meant.
pub fn judge(measured_m: f64, claimed_m: Option<f64>, qualifier: ClaimQualifier, place_to_place: bool) -> Judgement {
    let (ok, tolerance) = match (claimed_m, qualifier) {
        (None, _) => (measured_m <= ON_BORDER_M, format!("within {} km of the line", ON_BORDER_M / 1000.0)),
        (Some(c), ClaimQualifier::LessThan) => (measured_m < c, "straight-line value below the claim".into()),
        (Some(c), ClaimQualifier::MoreThan) => (measured_m > c, "straight-line value above the claim".into()),
        (Some(c), ClaimQualifier::About) => (
            (measured_m - c).abs() <= ABOUT_TOLERANCE * c + ABOUT_SLACK_M,
            format!("±{:.0} % of the claim + {} km", ABOUT_TOLERANCE * 100.0, ABOUT_SLACK_M / 1000.0),
        ),
    };
    let note = claimed_m.filter(|_| !ok && place_to_place).and_then(|c| {
        let ratio = c / measured_m;
        (ratio >= ROAD_FACTOR.0 && ratio <= ROAD_FACTOR.1).then(|| {
            format!(
                "the claim is {ratio:.2}× the straight line: a road distance (roads here run {}–{}× the straight line) is a likely explanation",
                ROAD_FACTOR.0, ROAD_FACTOR.1
            )
        })
    });
    Judgement { verdict: if ok { Verdict::Consistent } else { Verdict::Inconsistent }, tolerance, note }
}

/// The check of one claim.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimCheck {
    /// Claim id in the register.
    pub id: String,
    /// The document making it.
    pub document: String,
    /// What is claimed, in words.
    pub claim: String,
    /// The claimed value in metres (`None` for "on the border").
    pub claimed_m: Option<f64>,
    /// The straight-line (geodesic) value from the data, metres.
    pub measured_m: f64,
    /// The same measured against the Natural Earth line, for border claims.
    pub measured_naturalearth_m: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// The rule applied.
    pub tolerance: String,
    /// Why it may still have been written, when a road distance would explain it.
    pub note: Option<String>,
}

impl Store {
    /// Checks every claim in the register.
    pub fn check_claims(&self) -> Vec<ClaimCheck> {
        self.register
            .documents
            .iter()
            .flat_map(|doc| doc.claims.iter().map(move |c| (doc.id.as_str(), c)))
            .filter_map(|(doc, claim)| self.check_claim(doc, claim))
            .collect()
    }

    fn border_distance(&self, place: &str, border: &str, source: BorderSource) -> Option<f64> {
        let p = self.place(place)?.position;
        let pair: BorderPair = border.parse().ok()?;
        self.distance_to_border(p, BorderChoice { pair: Some(pair), source }).ok().map(|d| d.distance_m)
    }

    fn check_claim(&self, document: &str, claim: &Claim) -> Option<ClaimCheck> {
        let name = |id: &str| self.place(id).map_or(id.to_string(), |p| p.name.clone());
        let (text, claimed_m, qualifier, measured_m, measured_ne) = match claim {
            Claim::Distance { from, to, as_written, value, unit, qualifier, .. } => {
                let d = distance_m(self.place(from)?.position, self.place(to)?.position);
                let text = format!(
                    "{as_written} ({} – {}): {} {value} {}",
                    name(from),
                    name(to),
                    hedge(*qualifier),
                    unit_label(unit)
                );
                (text, Some(value * unit.metres()), *qualifier, d, None)
            }
            Claim::DistanceToBorder { place, as_written, border, value, unit, qualifier, .. } => {
                let d = self.border_distance(place, border, BorderSource::Osm)?;
                let ne = self.border_distance(place, border, BorderSource::NaturalEarth);
                let text = format!(
                    "{as_written} ({}) is {} {value} {} from the {border} border",
                    name(place),
                    hedge(*qualifier),
                    unit_label(unit)
                );
                (text, Some(value * unit.metres()), *qualifier, d, ne)
            }
            Claim::OnBorder { place, as_written, border, qualifier, .. } => {
                let d = self.border_distance(place, border, BorderSource::Osm)?;
                let ne = self.border_distance(place, border, BorderSource::NaturalEarth);
                let text = format!("{as_written} ({}) is on the {border} border", name(place));
                (text, None, *qualifier, d, ne)
            }
        };
        let judged = judge(measured_m, claimed_m, qualifier, matches!(claim, Claim::Distance { .. }));
        Some(ClaimCheck {
            id: claim.id().to_string(),
            document: document.to_string(),
            claim: text,
            claimed_m,
            measured_m,
            measured_naturalearth_m: measured_ne,
            verdict: judged.verdict,
            tolerance: judged.tolerance,
            note: judged.note,
        })
    }
}

fn hedge(q: ClaimQualifier) -> &'static str {
    match q {
        ClaimQualifier::About => "about",
        ClaimQualifier::LessThan => "less than",
        ClaimQualifier::MoreThan => "more than",
    }
}

fn unit_label(unit: &crate::model::DistanceUnit) -> &'static str {
    match unit {
        crate::model::DistanceUnit::Kilometre => "km",
        crate::model::DistanceUnit::Mile => "mi",
        crate::model::DistanceUnit::Metre => "m",
    }
}
