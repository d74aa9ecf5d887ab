//! The places and countries a text names: every run of words that starts with a capital and is a name of the
//! gazetteer (by any spelling it knows) or of a country. A name several places carry is resolved from the text
//! around it; a capitalised name after "near", "town of", "à"… that the gazetteer lacks is kept as unknown.

use super::countries::{self, CountryWord};
use super::words::{Word, first_from, joinable, sentence_at};
use crate::gazetteer::{Gazetteer, MatchKind, normalise};
use crate::geodesy::distance_m;
use crate::model::{Iso3, Place};

/// Capitalised words that are names of some GeoNames place but, in running text, nearly always mean something
/// else (sentence-initial words, months, titles).
const NOT_PLACES: &[&str] = &[
    "a",
    "an",
    "the",
    "in",
    "at",
    "on",
    "of",
    "and",
    "or",
    "but",
    "as",
    "by",
    "to",
    "it",
    "is",
    "this",
    "that",
    "its",
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "de",
    "du",
    "et",
    "ou",
    "en",
    "au",
    "aux",
    "sur",
    "par",
    "pour",
    "il",
    "elle",
    "est",
    "ce",
    "cette",
    "nord",
    "sud",
    "ouest",
    "centre",
    "center",
    "north",
    "south",
    "east",
    "west",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "president",
    "minister",
    "general",
    "colonel",
    "sidi",
    "ain",
    "bir",
    "el",
    "al",
    "ben",
    "bou",
    "ould",
    "oued",
    "sahel",
    "sahara",
    "wagner",
    "russia",
    "france",
    "africa",
    "afrique",
    "union",
    "nations",
    "state",
    "states",
    "group",
    "groupe",
];

/// Whether a capitalised word is one of the [`NOT_PLACES`] words.
pub(crate) fn not_a_place(word: &str) -> bool {
    NOT_PLACES.contains(&normalise(word).as_str())
}

/// Where the longer proper name a name at byte `end` heads ends, if it heads one: "Adrar des Ifoghas", "Gulf of
/// Guinea", "Bank of Algeria" (the connector, then a capitalised word).
fn longer_name_end(text: &str, end: usize) -> Option<usize> {
    let rest = text[end..].trim_start_matches([' ', '\u{A0}']);
    let w = ["des ", "du ", "de la ", "of the ", "of "]
        .into_iter()
        .find(|w| rest.len() > w.len() && rest.is_char_boundary(w.len()) && rest[..w.len()].eq_ignore_ascii_case(w))?;
    let tail = &rest[w.len()..];
    if !tail.starts_with(char::is_uppercase) {
        return None;
    }
    let word = tail.find(|c: char| !c.is_alphanumeric() && c != '-').unwrap_or(tail.len());
    Some(text.len() - tail.len() + word)
}

/// Words after which a capitalised name is a place, whether or not the gazetteer has it (lower case, as written:
/// the French "à", not the English "a").
const PLACE_CUES: &[&str] = &[
    "near",
    "town of",
    "village of",
    "city of",
    "commune of",
    "outskirts of",
    "locality of",
    "region of",
    "près de",
    "à",
    "ville de",
    "village de",
    "commune de",
    "localité de",
    "région de",
    "environs de",
];

/// A place the text names.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Byte range in the text.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// The place meant (index into the gazetteer's places).
    pub place: usize,
    /// Every place the name fits equally well, `place` first; one element when the name is unambiguous.
    pub candidates: Vec<usize>,
    /// Why `place` was chosen over the others, when there were others.
    pub resolved_by: Option<String>,
}

/// A country the text names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CountryMention {
    /// Byte range in the text.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// What names it.
    pub word: CountryWord,
}

/// A name that reads as a place (it follows "near", "à"…) but that the gazetteer does not have.
#[derive(Clone, Debug, PartialEq)]
pub struct Unknown {
    /// Byte range in the text.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// The words that made it read as a place.
    pub cue: &'static str,
}

/// What a text names.
#[derive(Debug, Default)]
pub struct Found {
    /// Places, in text order.
    pub places: Vec<Mention>,
    /// Countries, in text order.
    pub countries: Vec<CountryMention>,
    /// Unknown places, in text order.
    pub unknown: Vec<Unknown>,
    /// Byte ranges of longer proper names headed by a place's name ("Adrar des Ifoghas"), which are not places.
    pub features: Vec<(usize, usize)>,
}

/// Finds the places and countries of `text`; `sentences` are its sentences' byte ranges (for context).
pub fn scan(
    text: &str,
    words: &[Word],
    gazetteer: &Gazetteer,
    places: &[Place],
    sentences: &[(usize, usize)],
) -> Found {
    let mut found = Found::default();
    let longest = gazetteer.max_words().max(countries::MAX_WORDS);
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if !w.capitalised(text) {
            i += 1;
            continue;
        }
        // The longest run of joinable words from here that names something.
        let mut run = 1;
        while run < longest && i + run < words.len() && joinable(text, words[i + run - 1], words[i + run]) {
            run += 1;
        }
        let mut taken = 0;
        for n in (1..=run).rev() {
            let (start, end) = (w.start, words[i + n - 1].end);
            let phrase = &*super::words::unwrap(&text[start..end]);
            if let Some(word) = countries::country_word(phrase) {
                found.countries.push(CountryMention { start, end, word });
                taken = n;
                break;
            }
            if n == 1 && NOT_PLACES.contains(&normalise(phrase).as_str()) || nisba(text, start) {
                break;
            }
            let candidates = best_candidates(gazetteer, phrase);
            if !candidates.is_empty()
                && let Some(feature_end) = longer_name_end(text, end)
            {
                found.features.push((start, feature_end));
                taken = n;
                break;
            }
            if !candidates.is_empty() {
                found.places.push(Mention { start, end, place: candidates[0], candidates, resolved_by: None });
                taken = n;
                break;
            }
        }
        if taken == 0 {
            if let Some(cue) = cue_before(text, words, i) {
                let mut n = 1;
                while n < 3
                    && i + n < words.len()
                    && words[i + n].capitalised(text)
                    && joinable(text, words[i + n - 1], words[i + n])
                {
                    n += 1;
                }
                let phrase = normalise(&text[w.start..words[i + n - 1].end]);
                if !NOT_PLACES.contains(&phrase.as_str()) {
                    found.unknown.push(Unknown { start: w.start, end: words[i + n - 1].end, cue });
                }
                taken = n;
            } else {
                taken = 1;
            }
        }
        i += taken;
    }
    resolve(&mut found, places, sentences);
    found
}

/// Whether the word at byte `start` follows a lower-case "al-"/"el-": the nisba of a person's name
/// ("Abu Abdelhamid al-Kidali"), not a place.
fn nisba(text: &str, start: usize) -> bool {
    let before = &text[..start];
    ["al-", "el-", "al‑"].iter().any(|p| {
        before.ends_with(p) && !before[..before.len() - p.len()].chars().next_back().is_some_and(char::is_alphanumeric)
    })
}

/// The places a phrase names best: by a name exactly (preferred or alternate alike: a text has no reason to use
/// the preferred one), else by a folded spelling.
fn best_candidates(gazetteer: &Gazetteer, phrase: &str) -> Vec<usize> {
    let hits = gazetteer.names_exactly(phrase);
    let tier = |k: MatchKind| u8::from(k > MatchKind::AlternateName);
    let Some(best) = hits.iter().map(|h| tier(h.kind)).min() else { return Vec::new() };
    hits.iter().filter(|h| tier(h.kind) == best).map(|h| h.place).collect()
}

/// The cue ("near", "à", "town of"…) just before word `i`, if any.
fn cue_before(text: &str, words: &[Word], i: usize) -> Option<&'static str> {
    // Lower-case comparison without allocating: this runs for every capitalised word no name matched.
    let same = |w: &Word, cue: &str| w.of(text).chars().flat_map(char::to_lowercase).eq(cue.chars());
    PLACE_CUES.iter().copied().find(|cue| {
        let n = cue.split(' ').count();
        i >= n && {
            // The cue and the name must be one phrase: no punctuation between them.
            let spaced = (i - n..i).all(|k| text[words[k].end..words[k + 1].start].chars().all(char::is_whitespace));
            spaced && cue.split(' ').zip(&words[i - n..i]).all(|(c, w)| same(w, c))
        }
    })
}

/// Chooses among the places an ambiguous name fits: a country named in the same sentence, then the country named
/// most in the text, then nearness to the places the text names unambiguously, then population.
fn resolve(found: &mut Found, places: &[Place], sentences: &[(usize, usize)]) {
    let sentence_of = |at: usize| sentence_at(sentences, at).unwrap_or((at, at));
    let mut sure: Vec<usize> = found.places.iter().filter(|m| m.candidates.len() == 1).map(|m| m.place).collect();
    sure.sort_unstable();
    sure.dedup();
    // Each candidate's distance to the nearest sure place, measured once however often its name recurs.
    let mut nearest: rustc_hash::FxHashMap<usize, f64> = rustc_hash::FxHashMap::default();
    let mut nearest_km = |p: usize| {
        *nearest.entry(p).or_insert_with(|| {
            sure.iter()
                .filter(|&&q| q != p)
                .map(|&q| distance_m(places[p].position, places[q].position) / 1000.0)
                .fold(f64::INFINITY, f64::min)
        })
    };
    let mut mentions: rustc_hash::FxHashMap<Iso3, usize> = rustc_hash::FxHashMap::default();
    for c in &found.countries {
        *mentions.entry(c.word.iso3()).or_default() += 1;
    }
    let mentions_of = |c: Iso3| mentions.get(&c).copied().unwrap_or(0);
    let mut decided = Vec::new();
    for (k, m) in found.places.iter().enumerate() {
        if m.candidates.len() < 2 {
            continue;
        }
        let (s0, s1) = sentence_of(m.start);
        // "Gao (Burkina Faso)", "Gao, Mali": a country named right after the name.
        let countries = &found.countries;
        let adjacent: Option<Iso3> = countries
            .get(first_from(countries, m.end, |c| c.start))
            .filter(|c| c.start - m.end <= 3 && matches!(c.word, CountryWord::Name(_)))
            .map(|c| c.word.iso3());
        let mut nearby: Vec<Iso3> = countries[first_from(countries, s0, |c| c.start)..]
            .iter()
            .take_while(|c| c.start < s1)
            .filter(|c| c.end <= s1)
            .map(|c| c.word.iso3())
            .collect();
        nearby.sort_unstable();
        nearby.dedup();
        let mut score = |&p: &usize| {
            let place = &places[p];
            (
                adjacent == Some(place.country),
                nearby.contains(&place.country),
                mentions_of(place.country),
                -nearest_km(p),
                place.population.unwrap_or(0),
            )
        };
        let mut ranked: Vec<(usize, _)> = m.candidates.iter().map(|p| (*p, score(p))).collect();
        ranked.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        let ((best, a), (_, b)) = (ranked[0], ranked[1]);
        let place = &places[best];
        let reason = if a.0 != b.0 {
            format!("{} is named right after it", place.country)
        } else if a.1 != b.1 {
            format!("{} is named in the same sentence", place.country)
        } else if a.2 != b.2 {
            format!("{} is named {} times in the text, more than the other candidates' countries", place.country, a.2)
        } else if a.3 != b.3 && a.3.is_finite() {
            format!("nearest to the other places the text names ({:.0} km)", -a.3)
        } else if a.4 != b.4 {
            format!("the most populous ({} inhabitants)", a.4)
        } else {
            "nothing in the text tells them apart: the first in the gazetteer".to_string()
        };
        let mut candidates: Vec<usize> = ranked.iter().map(|r| r.0).collect();
        candidates.dedup();
        decided.push((k, best, candidates, reason));
    }
    for (k, best, candidates, reason) in decided {
        let m = &mut found.places[k];
        (m.place, m.candidates, m.resolved_by) = (best, candidates, Some(reason));
    }
}
