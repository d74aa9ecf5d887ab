//! Measures a text's claims with the exact geodesy (place to place, or place to a border on each source's line)
//! and judges them with the register's rules ([`crate::store::judge`]).

use serde::Serialize;

use super::claims::{Claim, Kind, Object};
use super::distance::Operator;
use super::{PlaceRef, Read};
use crate::geodesy::distance_m;
use crate::model::{BorderPair, BorderSource, ClaimQualifier, Iso3, LonLat};
use crate::store::{BorderChoice, BorderDistance, Store, Verdict};

/// The subject of a claim: the place, where the text names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subject {
    /// Character offsets of the mention.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// As written.
    pub text: String,
    /// The place.
    #[serde(flatten)]
    pub place: PlaceRef,
    /// How it was found, when not in the claim's own sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'static str>,
}

/// What the subject is compared with.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectOut {
    /// A place of the text.
    Place {
        /// Character offsets of the mention.
        start: usize,
        /// See `start`.
        end: usize,
        /// As written.
        text: String,
        /// The place.
        #[serde(flatten)]
        place: PlaceRef,
    },
    /// A border.
    Border {
        /// The pair measured to (`None` when nothing could be measured).
        border: Option<String>,
        /// The country named, when the text names one ("from Algeria").
        #[serde(skip_serializing_if = "Option::is_none")]
        country: Option<String>,
        /// The nearest point of that border's OpenStreetMap line.
        #[serde(skip_serializing_if = "Option::is_none")]
        nearest: Option<[f64; 2]>,
    },
    /// Words naming no place the gazetteer has.
    Unplaced {
        /// The words.
        text: String,
    },
}

/// A claim with its measure and verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JudgedClaim {
    /// Character offsets of the claim (the statement and what it compares).
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// As written.
    pub text: String,
    /// Place to place, place to border, or on the border.
    pub kind: Kind,
    /// The place it is about.
    pub subject: Option<Subject>,
    /// What it compares the subject with.
    pub object: Option<ObjectOut>,
    /// The distance stated, metres (none for "on the border").
    pub stated_m: Option<f64>,
    /// The qualifier's meaning.
    pub operator: Option<Operator>,
    /// The straight-line (geodesic) value, metres; to a border, on the OpenStreetMap line.
    pub measured_m: Option<f64>,
    /// To a border, on the Natural Earth line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured_naturalearth_m: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why it is unverifiable, or what was compared.
    pub reason: Option<String>,
    /// The rule applied.
    pub tolerance: Option<String>,
    /// When it fails but a road distance would explain it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Character offsets of its sentence.
    pub sentence: [usize; 2],
    /// The measured line (from the subject to the object or the nearest border point), lon/lat, for a map.
    pub line: Option<[[f64; 2]; 2]>,
}

/// The register's qualifier for a text's operator: a figure with no qualifier is read as a round one.
pub fn qualifier(op: Operator) -> ClaimQualifier {
    match op {
        Operator::Exact | Operator::About => ClaimQualifier::About,
        Operator::AtMost => ClaimQualifier::LessThan,
        Operator::AtLeast => ClaimQualifier::MoreThan,
    }
}

/// The nearest border to `p` of the given pair, of any border of `country`, or of any border at all.
pub fn nearest_border(
    store: &Store,
    p: LonLat,
    pair: Option<BorderPair>,
    country: Option<Iso3>,
    source: BorderSource,
) -> Option<BorderDistance> {
    match (pair, country) {
        (Some(pair), _) => store.distance_to_border(p, BorderChoice { pair: Some(pair), source }).ok(),
        (None, Some(c)) => {
            let mut pairs: Vec<BorderPair> =
                store.borders.iter().filter(|b| b.pair.left == c || b.pair.right == c).map(|b| b.pair).collect();
            pairs.sort_unstable_by_key(|p| p.to_string());
            pairs.dedup();
            pairs
                .into_iter()
                .filter_map(|pair| store.distance_to_border(p, BorderChoice { pair: Some(pair), source }).ok())
                .min_by(|a, b| a.distance_m.total_cmp(&b.distance_m))
        }
        (None, None) => store.distance_to_border(p, BorderChoice { pair: None, source }).ok(),
    }
}

/// Measures and judges one claim.
pub(crate) fn judge(store: &Store, read: &Read, c: &Claim) -> JudgedClaim {
    let (start, end, text) = read.span(c.start, c.end);
    let mention = |k: usize| &read.found.places[k];
    let subject = c.subject.map(|k| {
        let m = mention(k);
        let (start, end, text) = read.span(m.start, m.end);
        Subject { start, end, text, place: PlaceRef::new(store, m.place), note: c.subject_note }
    });
    let mut out = JudgedClaim {
        start,
        end,
        text,
        kind: c.kind,
        subject,
        object: None,
        stated_m: c.stated_m,
        operator: c.operator,
        measured_m: None,
        measured_naturalearth_m: None,
        verdict: Verdict::Unverifiable,
        reason: None,
        tolerance: None,
        note: None,
        sentence: [read.offsets.of(c.sentence.0), read.offsets.of(c.sentence.1)],
        line: None,
    };
    let from = c.subject.map(|k| store.places[mention(k).place].position);
    let measured = match (&c.object, from) {
        (None, _) => {
            out.reason = Some("the sentence does not say what the distance is measured to".into());
            None
        }
        (Some(Object::Unplaced(words)), _) => {
            out.object = Some(ObjectOut::Unplaced { text: words.clone() });
            out.reason = Some(format!("no place for {words:?}"));
            None
        }
        (Some(Object::Place(k)), from) => {
            let m = mention(*k);
            let (start, end, text) = read.span(m.start, m.end);
            let to = store.places[m.place].position;
            out.object = Some(ObjectOut::Place { start, end, text, place: PlaceRef::new(store, m.place) });
            from.map(|p| {
                out.line = Some([[p.x, p.y], [to.x, to.y]]);
                (distance_m(p, to), None)
            })
        }
        (Some(Object::Border { pair, country }), Some(p)) => {
            let osm = nearest_border(store, p, *pair, *country, BorderSource::Osm);
            let ne = nearest_border(store, p, *pair, *country, BorderSource::NaturalEarth);
            out.object = Some(ObjectOut::Border {
                border: osm.as_ref().map(|b| b.border.to_string()).or(pair.map(|p| p.to_string())),
                country: country.map(|c| c.to_string()),
                nearest: osm.as_ref().map(|b| [b.nearest.lon, b.nearest.lat]),
            });
            match osm {
                Some(b) => {
                    out.line = Some([[p.x, p.y], [b.nearest.lon, b.nearest.lat]]);
                    Some((b.distance_m, ne.map(|b| b.distance_m)))
                }
                None => {
                    out.reason = Some(match (pair, country) {
                        (Some(pair), _) => format!("no {pair} border in the data"),
                        (None, Some(c)) => format!("no border of {c} in the data"),
                        (None, None) => "no border in the data".into(),
                    });
                    None
                }
            }
        }
        (Some(Object::Border { pair, country }), None) => {
            out.object = Some(ObjectOut::Border {
                border: pair.map(|p| p.to_string()),
                country: country.map(|c| c.to_string()),
                nearest: None,
            });
            None
        }
    };
    if out.subject.is_none() {
        out.reason = Some(match &c.unknown_subject {
            Some(name) => format!("no place for {name:?}: it is not in the gazetteer"),
            None => "no place named in the sentence for the claim to be about".into(),
        });
    }
    if let Some((m, ne)) = measured {
        let q = c.operator.map_or(ClaimQualifier::About, qualifier);
        let j = crate::store::judge(m, c.stated_m, q, c.kind == Kind::Distance);
        out.measured_m = Some(m);
        out.measured_naturalearth_m = ne;
        out.verdict = j.verdict;
        out.tolerance = Some(j.tolerance);
        out.note = j.note;
    }
    out
}
