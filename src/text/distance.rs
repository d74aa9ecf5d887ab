//! Distance statements in English and French text: "less than 9 km", "some 19 miles", "2,400 kilometres",
//! "à moins de 10 kilomètres", "une soixantaine de kilomètres". Each is found with its character span, the
//! distance it states in metres and what its qualifier makes of it (about, less than, more than…). Numbers
//! that are not followed by a unit of distance (fatalities, dates, durations) are never statements.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// How a stated distance is meant: as it is, roughly, or as a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// No qualifier: the number as stated.
    Exact,
    /// about, some, roughly, around, nearly, just ("just 19 miles": a small figure, stated) / environ, près de,
    /// une soixantaine…
    About,
    /// less than, under, within, up to, barely / à moins de, jusqu'à…
    AtMost,
    /// more than, over, beyond / à plus de, plus de…
    AtLeast,
}

/// One distance statement in a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distance {
    /// Character offsets (Unicode code points, end exclusive) of the statement, qualifier included.
    pub start: usize,
    /// See `start`.
    pub end: usize,
    /// The statement as written.
    pub text: String,
    /// The distance it states, in metres.
    pub stated_m: f64,
    /// What its qualifier makes of it.
    pub operator: Operator,
    /// Byte range of `text` in the text.
    #[serde(skip)]
    pub bytes: (usize, usize),
}

/// Qualifiers, longest first so that "less than" wins over "less", each with what it makes of the number.
const QUALIFIERS: &[(&str, Operator)] = &[
    ("a little less than", Operator::AtMost),
    ("a little more than", Operator::AtLeast),
    ("no more than", Operator::AtMost),
    ("not more than", Operator::AtMost),
    ("less than", Operator::AtMost),
    ("fewer than", Operator::AtMost),
    ("more than", Operator::AtLeast),
    ("up to", Operator::AtMost),
    ("within", Operator::AtMost),
    ("under", Operator::AtMost),
    ("barely", Operator::AtMost),
    ("just", Operator::About),
    ("over", Operator::AtLeast),
    ("beyond", Operator::AtLeast),
    ("at least", Operator::AtLeast),
    ("at most", Operator::AtMost),
    ("approximately", Operator::About),
    ("roughly", Operator::About),
    ("around", Operator::About),
    ("nearly", Operator::About),
    ("almost", Operator::About),
    ("about", Operator::About),
    ("some", Operator::About),
    ("circa", Operator::About),
    ("à moins de", Operator::AtMost),
    ("a moins de", Operator::AtMost),
    ("moins de", Operator::AtMost),
    ("à plus de", Operator::AtLeast),
    ("a plus de", Operator::AtLeast),
    ("plus de", Operator::AtLeast),
    ("jusqu'à", Operator::AtMost),
    ("jusqu’à", Operator::AtMost),
    ("à peine", Operator::AtMost),
    ("à quelque", Operator::About),
    ("à quelques", Operator::About),
    ("quelque", Operator::About),
    ("environ", Operator::About),
    ("près de", Operator::About),
    ("pres de", Operator::About),
    ("à près de", Operator::About),
    ("à environ", Operator::About),
];

/// French round-number nouns: "une soixantaine de kilomètres" is about sixty.
const ROUND_NOUNS: &[(&str, f64)] = &[
    ("dizaine", 10.0),
    ("douzaine", 12.0),
    ("quinzaine", 15.0),
    ("vingtaine", 20.0),
    ("trentaine", 30.0),
    ("quarantaine", 40.0),
    ("cinquantaine", 50.0),
    ("soixantaine", 60.0),
    ("centaine", 100.0),
];

/// Units of distance and their length in metres; `km` and `mi` also stand alone, `m` only after a number.
fn unit_metres(unit: &str) -> Option<f64> {
    let u = unit.to_lowercase();
    let u = u.trim_end_matches('.');
    Some(match u {
        "km" | "kms" | "kilometre" | "kilometres" | "kilometer" | "kilometers" | "kilomètre" | "kilomètres" => 1000.0,
        "mi" | "mile" | "miles" => 1609.344,
        "m" | "metre" | "metres" | "meter" | "meters" | "mètre" | "mètres" => 1.0,
        _ => return None,
    })
}

/// A number (digits with `,`, `.`, thin or plain spaces between thousands, an optional decimal part) or a French
/// round-number noun, followed by a unit of distance.
static STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    let nouns: Vec<&str> = ROUND_NOUNS.iter().map(|(n, _)| *n).collect();
    Regex::new(&format!(
        r"(?i)(?:\b(?P<number>\d{{1,3}}(?:[,.\u{{202F}}\u{{A0}} ]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)|\b(?:une\s+)?(?P<noun>{})\s+de)[\s\u{{A0}}\u{{202F}}-]*(?P<unit>kilom[eè]tres?|kilometers?|kms?|miles?|mi|m[eè]tres?|meters?|m)\b",
        nouns.join("|")
    ))
    .expect("the distance pattern is valid")
});

/// Parses a written number: "2,400", "2 400", "1.5", "1,5" (French decimal comma), "12.000" (French thousands).
fn parse_number(s: &str) -> Option<f64> {
    let groups: Vec<&str> = s.split([',', '.', '\u{202F}', '\u{A0}', ' ']).collect();
    let thousands = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3) && groups[0].len() <= 3;
    if thousands { groups.concat().parse().ok() } else { s.replace(',', ".").parse().ok() }
}

/// The last 40 bytes or so of `before` (the longest qualifier is 18 letters), and where they start: what is
/// looked at in front of a statement, so that a long text is not lower-cased once per statement.
fn last_words(before: &str) -> (usize, &str) {
    let mut from = before.len().saturating_sub(40);
    while !before.is_char_boundary(from) {
        from -= 1;
    }
    (from, &before[from..])
}

/// The qualifier that ends just before byte `at` of `text`, if any: its byte start and operator.
fn qualifier_before(text: &str, at: usize) -> Option<(usize, Operator)> {
    let before = text[..at].trim_end();
    let (from, tail) = last_words(before);
    let lower = tail.to_lowercase();
    // Lower-casing keeps byte lengths for the letters of the qualifiers, so ends line up.
    if lower.len() != tail.len() {
        return None;
    }
    QUALIFIERS
        .iter()
        .filter(|(q, _)| {
            lower.ends_with(q)
                && match lower[..lower.len() - q.len()].chars().next_back() {
                    Some(c) => !c.is_alphanumeric(),
                    None => from == 0 || !before[..from].chars().next_back().is_some_and(char::is_alphanumeric),
                }
        })
        .max_by_key(|(q, _)| q.len())
        .map(|(q, op)| (before.len() - q.len(), *op))
}

/// Whether what follows a statement makes it a speed or an area rather than a distance ("60 km/h", "km²",
/// "square kilometres" is caught before the unit, "kilomètres carrés" after it).
fn not_a_distance(after: &str) -> bool {
    // Only the next few characters matter: never lower-case the rest of a long text once per statement.
    let after: String = after.trim_start().chars().take(16).flat_map(char::to_lowercase).collect();
    ["/h", "/ h", "per hour", "an hour", "à l'heure", "/heure", "²", "carré", "square"]
        .iter()
        .any(|s| after.starts_with(s))
}

/// Every distance statement in `text`, in order.
pub fn find(text: &str) -> Vec<Distance> {
    let offsets = CharOffsets::new(text);
    STATEMENT
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0).expect("group 0 is the match");
            let squared = last_words(text[..whole.start()].trim_end()).1.to_lowercase().ends_with("square");
            if squared || not_a_distance(&text[whole.end()..]) {
                return None;
            }
            let metres = unit_metres(c.name("unit")?.as_str())?;
            let (value, mut operator) = match (c.name("number"), c.name("noun")) {
                (Some(n), _) => (parse_number(n.as_str())?, Operator::Exact),
                (None, Some(noun)) => {
                    let noun = noun.as_str().to_lowercase();
                    (ROUND_NOUNS.iter().find(|(n, _)| *n == noun)?.1, Operator::About)
                }
                (None, None) => return None,
            };
            let mut start = whole.start();
            if let Some((q, op)) = qualifier_before(text, start) {
                start = q;
                operator = op;
            }
            Some(Distance {
                start: offsets.of(start),
                end: offsets.of(whole.end()),
                text: text[start..whole.end()].to_string(),
                stated_m: value * metres,
                operator,
                bytes: (start, whole.end()),
            })
        })
        .collect()
}

/// Turns byte offsets into character offsets.
pub(crate) struct CharOffsets {
    /// The byte offset of every character, and the text's length last.
    starts: Vec<usize>,
}

impl CharOffsets {
    pub(crate) fn new(text: &str) -> CharOffsets {
        CharOffsets { starts: text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect() }
    }

    /// The character offset of byte offset `byte` (a character boundary).
    pub(crate) fn of(&self, byte: usize) -> usize {
        self.starts.partition_point(|&b| b < byte)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Distance {
        let found = find(text);
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        found.into_iter().next().unwrap()
    }

    #[test]
    fn english_statements_with_their_qualifiers() {
        let d = one("Tinzaouatène is less than 9 km from In Guezzam.");
        assert_eq!((d.text.as_str(), d.stated_m, d.operator), ("less than 9 km", 9000.0, Operator::AtMost));
        assert_eq!((d.start, d.end), (16, 30));
        let d = one("the town, some 19 miles from Algeria");
        assert_eq!((d.text.as_str(), d.operator), ("some 19 miles", Operator::About));
        assert!((d.stated_m - 19.0 * 1609.344).abs() < 1e-9);
        let d = one("Algiers lies 2,400 km to the north");
        assert_eq!((d.stated_m, d.operator), (2_400_000.0, Operator::Exact));
        assert_eq!(one("barely 500 metres away").operator, Operator::AtMost);
        assert_eq!(one("more than 1.5 kilometers").stated_m, 1500.0);
        assert_eq!(one("within 50km of the border").operator, Operator::AtMost);
    }

    #[test]
    fn french_statements_with_their_qualifiers() {
        let d = one("Tinzaouatène, à moins de 10 kilomètres de la frontière");
        assert_eq!((d.text.as_str(), d.stated_m, d.operator), ("à moins de 10 kilomètres", 10_000.0, Operator::AtMost));
        assert_eq!(d.start, 14);
        let d = one("à une soixantaine de kilomètres de Kidal");
        assert_eq!(
            (d.text.as_str(), d.stated_m, d.operator),
            ("une soixantaine de kilomètres", 60_000.0, Operator::About)
        );
        assert_eq!(one("environ 2 400 km d'Alger").stated_m, 2_400_000.0);
        assert_eq!(one("à plus de 1 500 km").operator, Operator::AtLeast);
        assert_eq!(one("à 1,5 km du poste").stated_m, 1500.0);
        assert_eq!(one("près de 300 km").operator, Operator::About);
    }

    #[test]
    fn numbers_that_are_not_distances_are_not_statements() {
        for text in [
            "47 soldiers were killed on 27 July 2024",
            "the fighting lasted 3 days and 12 hours",
            "une cinquantaine de morts",
            "in 2012, 2,400 people fled",
            "some 300 militants, more than 20 vehicles",
            "Route N1 km marker",
            "a 5 mm round",
            "driving at 60 km/h, 40 miles per hour",
            "an area of 1,200 km² and 30 square kilometres, 12 kilomètres carrés",
        ] {
            assert_eq!(find(text), vec![], "{text:?}");
        }
    }

    #[test]
    fn several_statements_in_one_sentence_keep_their_order_and_spans() {
        let text = "The distance between A and B is 120 km, while it is about 35 miles between A and C.";
        let found = find(text);
        assert_eq!(found.iter().map(|d| d.text.as_str()).collect::<Vec<_>>(), ["120 km", "about 35 miles"]);
        for d in &found {
            assert_eq!(text.chars().skip(d.start).take(d.end - d.start).collect::<String>(), d.text);
        }
    }
}
