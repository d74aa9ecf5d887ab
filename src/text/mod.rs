//! Reading articles: the geography stated in a text, found where it is written (character spans), measured and
//! judged. [`words`] splits the text, [`places`] finds the places and countries it names, [`distance`] the distance
//! statements, [`claims`] what each compares, [`judge`] measures and judges them, and [`drafts`] offers the
//! sentences that report an event as draft incidents.

pub mod claims;
pub mod countries;
pub mod distance;
pub mod drafts;
pub mod judge;
pub mod places;
pub mod register;
pub mod words;

use serde::Serialize;

use crate::store::Store;
use distance::CharOffsets;

/// The language a text is read in (the forms of both are always looked for; this decides the report's words).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(s: &str) -> Result<Language, String> {
        match s {
            "en" => Ok(Language::En),
            "fr" => Ok(Language::Fr),
            _ => Err(format!("{s:?} is not a language this reads: en or fr (or auto)")),
        }
    }
}

/// Guesses English or French from the commonest short words.
pub fn detect_language(text: &str) -> Language {
    const EN: &[&str] = &["the", "and", "of", "is", "from", "with", "that", "was", "in"];
    const FR: &[&str] = &["le", "la", "les", "des", "et", "est", "du", "une", "à", "dans", "que"];
    let (mut en, mut fr) = (0, 0);
    for w in text.split(|c: char| !c.is_alphanumeric()).take(5_000) {
        let w = w.to_lowercase();
        en += usize::from(EN.contains(&w.as_str()));
        fr += usize::from(FR.contains(&w.as_str()));
    }
    if fr > en { Language::Fr } else { Language::En }
}

/// A place, as the report names it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaceRef {
    /// Gazetteer id.
    pub place_id: String,
    /// Preferred name.
    pub name: String,
    /// ISO3.
    pub country: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

impl PlaceRef {
    fn new(store: &Store, place: usize) -> PlaceRef {
        let p = &store.places[place];
        PlaceRef {
            place_id: p.id.clone(),
            name: p.name.clone(),
            country: p.country.to_string(),
            lon: p.position.x,
            lat: p.position.y,
        }
    }
}

/// A mention of a place.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaceMention {
    /// Character offsets (Unicode code points, end exclusive).
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// As written.
    pub text: String,
    /// The place meant.
    #[serde(flatten)]
    pub place: PlaceRef,
    /// The other places the name fits as well, when it is ambiguous.
    pub alternatives: Vec<PlaceRef>,
    /// Why this place and not the alternatives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
}

/// A mention of a country.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CountryRef {
    /// Character offsets.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// As written.
    pub text: String,
    /// ISO3.
    pub iso3: String,
}

/// A name that reads as a place but is not in the gazetteer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnknownPlace {
    /// Character offsets.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// As written.
    pub text: String,
    /// Why it reads as a place.
    pub reason: String,
}

/// Everything found in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TextCheck {
    /// The language it was read as.
    pub language: Language,
    /// Its length in characters.
    pub chars: usize,
    /// Places named, in order.
    pub places: Vec<PlaceMention>,
    /// Names that read as places but are not in the gazetteer.
    pub unknown_places: Vec<UnknownPlace>,
    /// Countries named.
    pub countries: Vec<CountryRef>,
    /// Claims, measured and judged.
    pub claims: Vec<judge::JudgedClaim>,
    /// Sentences that report an event, as draft incidents.
    pub drafts: Vec<drafts::Draft>,
}

/// The spans a check needs, in bytes, and their conversion to characters.
pub(crate) struct Read<'t> {
    pub(crate) text: &'t str,
    pub(crate) offsets: CharOffsets,
    pub(crate) sentences: Vec<(usize, usize)>,
    pub(crate) found: places::Found,
    pub(crate) claims: Vec<claims::Claim>,
}

impl Read<'_> {
    /// Character span and text of a byte range.
    pub(crate) fn span(&self, start: usize, end: usize) -> (usize, usize, String) {
        (self.offsets.of(start), self.offsets.of(end), self.text[start..end].to_string())
    }
}

/// Reads `text` against the store's gazetteer and borders.
pub fn check(store: &Store, text: &str, language: Option<Language>) -> TextCheck {
    let language = language.unwrap_or_else(|| detect_language(text));
    let read = read(store, text);
    let place = |k: usize| PlaceRef::new(store, k);
    let places = read
        .found
        .places
        .iter()
        .map(|m| {
            let (start, end, text) = read.span(m.start, m.end);
            PlaceMention {
                start,
                end,
                text,
                place: place(m.place),
                alternatives: m.candidates.iter().filter(|&&c| c != m.place).map(|&c| place(c)).collect(),
                resolved_by: m.resolved_by.clone(),
            }
        })
        .collect();
    let unknown_places = read
        .found
        .unknown
        .iter()
        .map(|u| {
            let (start, end, text) = read.span(u.start, u.end);
            UnknownPlace { start, end, text, reason: format!("written after {:?} but not in the gazetteer", u.cue) }
        })
        .collect();
    let countries = read
        .found
        .countries
        .iter()
        .map(|c| {
            let (start, end, text) = read.span(c.start, c.end);
            CountryRef { start, end, text, iso3: c.word.iso3().to_string() }
        })
        .collect();
    let claims = read.claims.iter().map(|c| judge::judge(store, &read, c)).collect();
    let drafts = drafts::find(store, &read);
    TextCheck { language, chars: read.offsets.of(text.len()), places, unknown_places, countries, claims, drafts }
}

fn read<'t>(store: &Store, text: &'t str) -> Read<'t> {
    let offsets = CharOffsets::new(text);
    let sentences = words::sentences(text);
    let all_words = words::words(text);
    let found = places::scan(text, &all_words, &store.gazetteer, &store.places, &sentences);
    let statements = distance::find(text);
    let claims = claims::find(text, &statements, &found, &sentences);
    Read { text, offsets, sentences, found, claims }
}
