//! Draft incidents from a text: a sentence that names a date, a place and an event ("ambushed", "attaque",
//! "drone strike"…) is offered as a draft, pre-filled in ACLED's terms, citing the sentence by its span. A draft
//! is never data: it becomes an incident only when a person submits it through the editing API and a reviewer
//! accepts it.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use super::words::first_from;
use super::{PlaceRef, Read};
use crate::store::Store;

/// An event a sentence may report, and how ACLED types it.
const EVENTS: &[(&str, &str, &str)] = &[
    ("airstrike", "Explosions/Remote violence", "Air/drone strike"),
    ("air strike", "Explosions/Remote violence", "Air/drone strike"),
    ("drone", "Explosions/Remote violence", "Air/drone strike"),
    ("frappe", "Explosions/Remote violence", "Air/drone strike"),
    ("bombard", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("shelling", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("ied", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("landmine", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("engin explosif", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("kidnap", "Violence against civilians", "Abduction/forced disappearance"),
    ("abduct", "Violence against civilians", "Abduction/forced disappearance"),
    ("enlèvement", "Violence against civilians", "Abduction/forced disappearance"),
    ("enlevé", "Violence against civilians", "Abduction/forced disappearance"),
    ("massacre", "Violence against civilians", "Attack"),
    ("ambush", "Battles", "Armed clash"),
    ("embuscade", "Battles", "Armed clash"),
    ("clash", "Battles", "Armed clash"),
    ("affrontement", "Battles", "Armed clash"),
    ("combats", "Battles", "Armed clash"),
    ("fighting", "Battles", "Armed clash"),
    ("battle", "Battles", "Armed clash"),
    ("bataille", "Battles", "Armed clash"),
    ("attack", "Battles", "Armed clash"),
    ("attaque", "Battles", "Armed clash"),
    ("assault", "Battles", "Armed clash"),
    ("strike", "Explosions/Remote violence", "Air/drone strike"),
];

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
];

/// "27 July 2024", "le 27 juillet 2024", "July 27, 2024", "July 2024", "juillet 2024", "in 2012".
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let months: Vec<&str> = MONTHS.iter().map(|m| m.0).collect();
    let m = months.join("|");
    Regex::new(&format!(
        r"(?i)\b(?:(?P<d1>\d{{1,2}})(?:er)?\s+(?P<m1>{m})\s+(?P<y1>(?:19|20)\d\d)|(?P<m2>{m})\s+(?P<d2>\d{{1,2}}),?\s+(?P<y2>(?:19|20)\d\d)|(?P<m3>{m})\s+(?P<y3>(?:19|20)\d\d)|(?:in|en)\s+(?P<y4>(?:19|20)\d\d))\b"
    ))
    .expect("valid pattern")
});

/// "killing 12", "12 soldiers were killed", "12 morts", "12 tués".
static FATALITIES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:killing|killed|tuant)\s+(?P<a>\d+)\b|\b(?P<b>\d+)\s+(?:\p{L}+\s+){0,3}?(?:were\s+|have\s+been\s+|had\s+been\s+)?(?:killed|dead|morts|tués)\b")
        .expect("valid pattern")
});

/// A draft incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    /// Character offsets of the sentence it comes from.
    pub sentence: [usize; 2],
    /// The words that date it, as written.
    pub date_text: String,
    /// First day of the interval the date names.
    pub date_start: NaiveDate,
    /// Last day.
    pub date_end: NaiveDate,
    /// ACLED time precision: 1 a day, 3 a month or more.
    pub time_precision: u8,
    /// ACLED event type.
    pub event_type: &'static str,
    /// ACLED sub-event type.
    pub sub_event_type: &'static str,
    /// The word that made it an event.
    pub event_word: String,
    /// The place.
    pub place: PlaceRef,
    /// Its country's name, as an incident's `country` holds it.
    pub country_name: String,
    /// ACLED geo precision: 1 at the place, 2 near it.
    pub geo_precision: u8,
    /// Deaths, when the sentence states a number.
    pub fatalities: Option<u32>,
    /// Always `draft`: published only through review.
    pub status: &'static str,
}

fn month(name: &str) -> Option<u32> {
    let n = name.to_lowercase();
    MONTHS.iter().find(|m| m.0 == n).map(|m| m.1)
}

/// The date a sentence names: its text, interval and ACLED precision.
fn date_in(sentence: &str) -> Option<(String, NaiveDate, NaiveDate, u8)> {
    let c = DATE.captures(sentence)?;
    let year = |k: &str| c.name(k).and_then(|y| y.as_str().parse::<i32>().ok());
    let text = c.get(0)?.as_str().to_string();
    let day = |y: i32, m: u32, d: &str| NaiveDate::from_ymd_opt(y, m, d.parse().ok()?);
    let month_end = |y: i32, m: u32| {
        let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
        next.and_then(|d| d.pred_opt())
    };
    if let (Some(d), Some(m), Some(y)) = (c.name("d1"), c.name("m1"), year("y1")) {
        let date = day(y, month(m.as_str())?, d.as_str())?;
        return Some((text, date, date, 1));
    }
    if let (Some(m), Some(d), Some(y)) = (c.name("m2"), c.name("d2"), year("y2")) {
        let date = day(y, month(m.as_str())?, d.as_str())?;
        return Some((text, date, date, 1));
    }
    if let (Some(m), Some(y)) = (c.name("m3"), year("y3")) {
        let m = month(m.as_str())?;
        return Some((text, NaiveDate::from_ymd_opt(y, m, 1)?, month_end(y, m)?, 3));
    }
    let y = year("y4")?;
    Some((text, NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?, 3))
}

/// The event a sentence reports, by the first event word in it.
fn event_in(sentence: &str) -> Option<(&'static str, &'static str, String)> {
    let lower = sentence.to_lowercase();
    EVENTS
        .iter()
        .filter_map(|(w, t, s)| {
            let at = lower
                .match_indices(w)
                .find(|(i, _)| !lower[..*i].chars().next_back().is_some_and(char::is_alphanumeric))?;
            Some((at.0, *t, *s, w))
        })
        .min_by_key(|e| e.0)
        .map(|(_, t, s, w)| (t, s, (*w).to_string()))
}

/// Every sentence of the text that reads as a report of an event, as a draft.
pub(crate) fn find(store: &Store, read: &Read) -> Vec<Draft> {
    let mut out = Vec::new();
    for &(s0, s1) in &read.sentences {
        let sentence = &read.text[s0..s1];
        let Some((date_text, date_start, date_end, time_precision)) = date_in(sentence) else { continue };
        let Some((event_type, sub_event_type, event_word)) = event_in(sentence) else { continue };
        let places = &read.found.places;
        let Some(m) = places.get(first_from(places, s0, |m| m.start)).filter(|m| m.end <= s1) else { continue };
        let before = read.text[s0..m.start].to_lowercase();
        let near = ["near ", "close to ", "outside ", "près de ", "pres de ", "aux environs de "]
            .iter()
            .any(|cue| before.trim_end().ends_with(cue.trim_end()));
        let fatalities = FATALITIES
            .captures(sentence)
            .and_then(|c| c.name("a").or(c.name("b")))
            .and_then(|n| n.as_str().parse().ok());
        out.push(Draft {
            sentence: [read.offsets.of(s0), read.offsets.of(s1)],
            date_text,
            date_start,
            date_end,
            time_precision,
            event_type,
            sub_event_type,
            event_word,
            place: PlaceRef::new(store, m.place),
            country_name: store
                .countries
                .iter()
                .find(|c| c.iso3 == store.places[m.place].country)
                .map_or_else(|| store.places[m.place].country.to_string(), |c| c.name.clone()),
            geo_precision: if near { 2 } else { 1 },
            fatalities,
            status: "draft",
        });
    }
    out
}
