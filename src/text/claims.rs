//! Claims: what each distance statement of a text compares, and the "on the border" statements.
//!
//! The forms read are "N km from PLACE" (also "north of", "away from", "de", "du"), "N km from the border",
//! "from the Algerian border" or "from COUNTRY" (the border of that country nearest the subject), "N km between A
//! and B", "the distance between A and B is N km" (and a second "while it is M km between A and C"), and "on the
//! border" / "sur la frontière". The subject is the place the sentence is about: the nearest place named before
//! the statement in its sentence, else the first after it, else the last of the sentence before.

use std::sync::LazyLock;

use regex::Regex;

use super::countries::{self, CountryWord};
use super::distance::{Distance, Operator};
use super::places::{Found, Mention};
use super::words::{first_from, head, sentence_at, tail};
use crate::model::{BorderPair, Iso3};

/// What a claim is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Between two places.
    Distance,
    /// From a place to a border.
    DistanceToBorder,
    /// A place on a border.
    OnBorder,
}

/// What the subject is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// A place the text names (index into the found places).
    Place(usize),
    /// A border: a given pair, or the nearest border of a country, or the nearest border of all.
    Border {
        /// The pair the text names ("the Algerian-Malian border").
        pair: Option<BorderPair>,
        /// The country whose nearest border is meant ("from Algeria", "the Algerian border").
        country: Option<Iso3>,
    },
    /// Words that should name a place but name none the gazetteer has ("into the desert").
    Unplaced(String),
}

/// One claim, not yet measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Byte range: the statement with what it compares.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// The kind.
    pub kind: Kind,
    /// The place it is about (index into the found places).
    pub subject: Option<usize>,
    /// How the subject was found, when not from its own sentence.
    pub subject_note: Option<&'static str>,
    /// The name the claim is about when the gazetteer does not have it ("Anefis, 120 km south of Kidal").
    pub unknown_subject: Option<String>,
    /// What the subject is compared with.
    pub object: Option<Object>,
    /// The distance stated (none for "on the border").
    pub stated_m: Option<f64>,
    /// Its qualifier.
    pub operator: Option<Operator>,
    /// The sentence's byte range.
    pub sentence: (usize, usize),
}

/// "from", "north of", "away from", "de la", "du", "au nord de" … right after a statement.
static FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^[\s,]*(?:away\s+)?(?:
            (?:to\s+the\s+)?(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of
          | from | of | off | into | towards? | inside
          | (?:au|à\s+l['’])\s*(?:nord|sud|est|ouest)(?:-(?:est|ouest))?\s+(?:de\s+la|de\s+l['’]|du|des|de|d['’])
          | de\s+la | de\s+l['’] | du | des | de | d['’]
        )\s*",
    )
    .expect("valid pattern")
});

/// "the border", "the Algerian border", "la frontière (algérienne)".
static BORDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:the\s+)?(?:(?P<adj>[\p{L}]+(?:-[\p{L}]+)?)\s+)?(?:border|frontier|frontière)(?:\s+(?P<fradj>[\p{L}]+(?:-[\p{L}]+)?))?\b")
        .expect("valid pattern")
});

/// "on the border", "along the Algerian-Malian border", "sur la frontière algéro-malienne".
static ON_BORDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:on|along|at|straddling|straddles|astride)\s+the\s+(?:(?P<adj>[\p{L}]+(?:-[\p{L}]+)?)\s+)?border\b|\b(?:sur|à)\s+la\s+frontière(?:\s+(?P<fradj>[\p{L}]+(?:-[\p{L}]+)?))?",
    )
    .expect("valid pattern")
});

/// The countries an adjective or a pair of them names: "Algerian-Malian", "algéro-malienne", "Algerian".
fn adjective_countries(adj: &str) -> Vec<Iso3> {
    let mut out: Vec<Iso3> = adj
        .split('-')
        .filter_map(|w| {
            let w = crate::gazetteer::normalise(w);
            let w = match w.as_str() {
                "algero" => "algerian",
                "malo" => "malian",
                "nigero" => "nigerien",
                "maroco" => "moroccan",
                "tuniso" => "tunisian",
                "libyo" => "libyan",
                "mauritano" => "mauritanian",
                w => w,
            };
            countries::country_word(w).map(CountryWord::iso3)
        })
        .collect();
    out.dedup();
    out
}

/// A border object from its adjectives.
fn border_of(adjs: &[Option<&str>]) -> Object {
    let named: Vec<Iso3> = adjs.iter().flatten().flat_map(|a| adjective_countries(a)).collect();
    match named.as_slice() {
        [a, b, ..] if a != b => Object::Border { pair: Some(BorderPair::new(*a, *b)), country: None },
        [a, ..] => Object::Border { pair: None, country: Some(*a) },
        [] => Object::Border { pair: None, country: None },
    }
}

/// Every claim of the text, in order.
pub fn find(text: &str, statements: &[Distance], found: &Found, sentences: &[(usize, usize)]) -> Vec<Claim> {
    let sentence_of = |at: usize| sentence_at(sentences, at).unwrap_or((0, text.len()));
    let mut claims: Vec<Claim> = Vec::with_capacity(statements.len());
    for d in statements {
        let sentence = sentence_of(d.bytes.0);
        // The places earlier claims of the sentence measured to are not what this one is about: "Kidal is 300 km
        // from Gao, and 230 km from Tinzaouatene".
        let avoid: Vec<usize> = claims
            .iter()
            .rev()
            .take_while(|c| c.sentence == sentence)
            .take(AVOID_AT_MOST)
            .filter_map(|c| match c.object {
                Some(Object::Place(k)) => Some(k),
                _ => None,
            })
            .collect();
        claims.push(distance_claim(text, d, found, sentence, sentences, &avoid));
    }
    for c in ON_BORDER.captures_iter(text) {
        let whole = c.get(0).expect("group 0");
        let sentence = sentence_of(whole.start());
        let object = border_of(&[c.name("adj").map(|m| m.as_str()), c.name("fradj").map(|m| m.as_str())]);
        let pick = subject(text, found, sentence, (whole.start(), whole.end()), &[], sentences);
        claims.push(Claim {
            start: whole.start(),
            end: whole.end(),
            kind: Kind::OnBorder,
            subject: pick.place,
            subject_note: pick.note,
            unknown_subject: pick.unknown,
            object: Some(object),
            stated_m: None,
            operator: None,
            sentence,
        });
    }
    claims.sort_by_key(|c| c.start);
    claims
}

fn distance_claim(
    text: &str,
    d: &Distance,
    found: &Found,
    sentence: (usize, usize),
    sentences: &[(usize, usize)],
    avoid: &[usize],
) -> Claim {
    let (s, e) = d.bytes;
    let mut claim = Claim {
        start: s,
        end: e,
        kind: Kind::Distance,
        subject: None,
        subject_note: None,
        unknown_subject: None,
        object: None,
        stated_m: Some(d.stated_m),
        operator: Some(d.operator),
        sentence,
    };
    let after = &text[e..sentence.1];
    if let Some((a, b, end)) = between_after(text, e, sentence.1, found) {
        (claim.kind, claim.subject, claim.object, claim.end) = (Kind::Distance, Some(a), Some(Object::Place(b)), end);
        return claim;
    }
    if let Some(m) = FROM.find(after) {
        let at = e + m.end();
        let rest = &text[at..sentence.1];
        if let Some(c) = BORDER.captures(rest) {
            claim.kind = Kind::DistanceToBorder;
            claim.object = Some(border_of(&[c.name("adj").map(|m| m.as_str()), c.name("fradj").map(|m| m.as_str())]));
            claim.end = at + c.get(0).expect("group 0").end();
        } else if let Some(country) = found.countries.get(first_from(&found.countries, at, |c| c.start)).filter(|c| {
            c.end <= sentence.1 && matches!(c.word, CountryWord::Name(_)) && gap_is_article(&text[at..c.start])
        }) {
            claim.kind = Kind::DistanceToBorder;
            claim.object = Some(Object::Border { pair: None, country: Some(country.word.iso3()) });
            claim.end = country.end;
        } else if let Some((k, m)) = Some(first_from(&found.places, at, |p| p.start))
            .and_then(|k| Some((k, found.places.get(k)?)))
            .filter(|(_, p)| p.end <= sentence.1 && plain_words(&text[at..p.start], 6))
        {
            claim.object = Some(Object::Place(k));
            claim.end = m.end;
        } else {
            // What an unknown object could be named in is a few words: a look at the next line's worth will do.
            let rest = head(rest, 200);
            let words: String = rest
                .split([',', '.', ';', ':', '(', ')', '\n'])
                .next()
                .unwrap_or_default()
                .split_whitespace()
                .take_while(|w| !UNPLACED_STOP.contains(&w.to_lowercase().as_str()))
                .take(4)
                .collect::<Vec<_>>()
                .join(" ");
            claim.object = Some(Object::Unplaced(format!("{} {words}", m.as_str().trim()).trim().to_string()));
        }
        let mut avoid = avoid.to_vec();
        if let Some(Object::Place(k)) = claim.object {
            avoid.push(k);
        }
        claim.set_subject(subject(text, found, sentence, (s, claim.end), &avoid, sentences));
        return claim;
    }
    if let Some((a, b, from)) = between_before(text, sentence.0, s, found) {
        (claim.subject, claim.object, claim.start) = (Some(a), Some(Object::Place(b)), from);
        return claim;
    }
    claim.set_subject(subject(text, found, sentence, (s, e), avoid, sentences));
    claim
}

/// How many of the places a sentence's earlier claims measured from a later claim avoids as its subject: a real
/// sentence has a few, and the bound keeps a sentence of thousands of statements linear.
const AVOID_AT_MOST: usize = 16;

/// Words that end the description of an unplaced object: "into the desert before turning back".
const UNPLACED_STOP: &[&str] = &[
    "before", "after", "and", "then", "while", "when", "where", "towards", "toward", "to", "avant", "après", "et",
    "puis",
];

impl Claim {
    fn set_subject(&mut self, pick: Pick) {
        (self.subject, self.subject_note, self.unknown_subject) = (pick.place, pick.note, pick.unknown);
    }
}

/// Whether only an article (or nothing) stands between "from" and a country: "from Algeria", "de l'Algérie".
fn gap_is_article(gap: &str) -> bool {
    gap.len() <= 4 && matches!(gap.trim().to_lowercase().as_str(), "" | "the" | "l'" | "l’" | "la" | "le")
}

/// Whether `gap` is at most `n` words with no punctuation: "the Algerian commune of".
fn plain_words(gap: &str, n: usize) -> bool {
    gap.len() <= 16 * n
        && !gap.contains([',', '.', ';', ':', '(', ')', '!', '?'])
        && gap.split_whitespace().count() <= n
}

/// "… between A and B" / "entre A et B" right after a statement (byte `from`): the two places and where B ends.
fn between_after(text: &str, from: usize, to: usize, found: &Found) -> Option<(usize, usize, usize)> {
    let after = &text[from..to];
    let trimmed = after.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    let lower = head(trimmed, 8).to_lowercase();
    let word = ["between ", "entre "].into_iter().find(|w| lower.starts_with(w))?;
    let at = to - trimmed.len() + word.len();
    pair_from(text, at, to, found)
}

/// "The distance between A and B is N km": the last "between"/"entre" before the statement at byte `s` in its
/// sentence, when two places follow it before the statement; returns them and where "between" starts.
fn between_before(text: &str, from: usize, s: usize, found: &Found) -> Option<(usize, usize, usize)> {
    // "between" stands at most a few names before the statement.
    let before = tail(&text[from..s], 240);
    let from = s - before.len();
    let lower = before.to_lowercase();
    if lower.len() != before.len() {
        return None;
    }
    let at = ["between ", "entre "].iter().filter_map(|w| lower.rfind(w).map(|i| (i, w.len()))).max()?;
    let (a, b, _) = pair_from(text, from + at.0 + at.1, s, found)?;
    Some((a, b, from + at.0))
}

/// Two places from byte `at`, the first right there and the second after "and"/"et"/"–" before byte `to`.
fn pair_from(text: &str, at: usize, to: usize, found: &Found) -> Option<(usize, usize, usize)> {
    let first = first_from(&found.places, at, |p| p.start);
    let mut within =
        found.places.iter().enumerate().skip(first).take_while(|(_, p)| p.start < to).filter(|(_, p)| p.end <= to);
    let (a, pa) = within.next()?;
    if !plain_words(&text[at..pa.start], 1) {
        return None;
    }
    let (b, pb) = within.next()?;
    let link = text[pa.end..pb.start].to_lowercase();
    let link = link.trim_start_matches(|c: char| c == ')' || c == '(' || c.is_whitespace());
    // "Tinzawatin (Mali) and Algiers": a country in brackets may stand between.
    let ok = ["and ", "et ", "– ", "- ", "to "].iter().any(|w| link.starts_with(w) || link.contains(&format!(") {w}")))
        && !link.contains([',', '.', ';']);
    ok.then_some((a, b, pb.end))
}

/// The subject found for a claim.
struct Pick {
    place: Option<usize>,
    note: Option<&'static str>,
    unknown: Option<String>,
}

/// The place a claim at bytes `span` is about: the name just before it in apposition ("Aguelhok, about 125 km
/// from Kidal"), else the nearest place named before it in its sentence, else the first after it, else the last
/// of the sentence before; never one of the `avoid` mentions or the same place as them.
fn subject(
    text: &str,
    found: &Found,
    sentence: (usize, usize),
    span: (usize, usize),
    avoid: &[usize],
    sentences: &[(usize, usize)],
) -> Pick {
    let places = &found.places;
    let avoided: Vec<usize> = avoid.iter().map(|&k| places[k].place).collect();
    let fits = |k: &usize| !avoid.contains(k) && !avoided.contains(&places[*k].place);
    let pick = |place: Option<usize>, note| Pick { place, note, unknown: None };
    // Mentions are in text order and never overlap, so every search below is a binary search and a short walk.
    let from = |at: usize| first_from(places, at, |p: &Mention| p.start);
    let before = text[sentence.0..span.0].trim_end();
    if let Some(head) = before.strip_suffix(',') {
        let head = head.trim_end();
        let at = sentence.0 + head.len();
        // The last mention of each kind that starts before `at`, if it ends there.
        if let Some(k) = from(at).checked_sub(1).filter(|&k| places[k].end == at && fits(&k)) {
            return pick(Some(k), None);
        }
        let last = head.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or_default();
        let first_of_sentence = head.trim_start().len() == last.len();
        let feature = first_from(&found.features, at, |f| f.0).checked_sub(1).map(|f| found.features[f].1);
        let country = first_from(&found.countries, at, |c| c.start).checked_sub(1).map(|c| found.countries[c].end);
        if last.starts_with(char::is_uppercase)
            && !first_of_sentence
            && feature != Some(at)
            && !super::places::not_a_place(last)
            && super::countries::country_word(last).is_none()
            && country != Some(at)
        {
            return Pick { place: None, note: None, unknown: Some(last.to_string()) };
        }
    }
    let in_sentence = from(sentence.0);
    let before = (in_sentence..from(span.0)).rev().filter(fits).find(|&k| places[k].end <= span.0);
    if before.is_some() {
        return pick(before, None);
    }
    let after = (from(span.1)..places.len())
        .take_while(|&k| places[k].start < sentence.1)
        .filter(fits)
        .find(|&k| places[k].end <= sentence.1);
    if after.is_some() {
        return pick(after, None);
    }
    // Only from the sentence just before.
    let previous_sentence = sentences[..sentences.partition_point(|s| s.1 <= sentence.0)].last().map_or(0, |s| s.0);
    let in_previous = (0..in_sentence)
        .rev()
        .take_while(|&k| places[k].start >= previous_sentence)
        .filter(fits)
        .find(|&k| places[k].end <= sentence.0);
    pick(in_previous, in_previous.map(|_| "the last place named in the sentence before"))
}
