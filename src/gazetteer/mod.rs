//! Finds places by any spelling: accents, case, hyphens, spaces and the Tamasheq/Arabic prefixes
//! `Tin-`, `Ti-n-`, `In`, `I-n-` are ignored, and French/English transliterations are folded
//! (`ou`/`w` → `u`), so `Tinzawatin`, `Tinsauaten` and `Tinzaouatène` all find Tinzaouatene.

use unicode_normalization::UnicodeNormalization;

use crate::model::Place;

/// One search hit.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceMatch {
    /// Index into the places slice the gazetteer was built from.
    pub place: usize,
    /// The spelling that matched best.
    pub matched_name: String,
    /// 0 for an exact match of the normalised forms; larger is worse.
    pub distance: usize,
}

/// Search keys for every name of every place.
#[derive(Debug, Default)]
pub struct Gazetteer {
    /// (place index, name, keys of that name)
    entries: Vec<(usize, String, Vec<String>)>,
}

/// Lower-case, accents removed, only letters and digits kept, word breaks as single spaces.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for ch in name.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        if ch.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(ch.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// Folds transliteration variants so that French and English spellings meet.
fn fold(s: &str) -> String {
    let s = s.replace("ou", "u").replace('w', "u").replace("gh", "g").replace("kh", "k");
    // Collapse doubled letters (Guezzam/Guezam).
    let mut out = String::with_capacity(s.len());
    let mut last = None;
    for ch in s.chars() {
        if Some(ch) != last {
            out.push(ch);
        }
        last = Some(ch);
    }
    out
}

/// The search keys of one name: the whole name, and the name without a Tin-/In- prefix, both folded.
fn keys(name: &str) -> Vec<String> {
    let norm = normalise(name);
    let words: Vec<&str> = norm.split(' ').collect();
    let joined = words.concat();
    let mut out = vec![fold(&joined)];
    // "ti n zaouatene", "tin zaouatine", "i n guezzam", "in guezzam"
    let stripped = match words.as_slice() {
        ["ti", "n", rest @ ..] | ["i", "n", rest @ ..] | ["tin", rest @ ..] | ["in", rest @ ..] if !rest.is_empty() => {
            Some(rest.concat())
        }
        _ => None,
    }
    // "tinzaouatene" written as one word
    .or_else(|| joined.strip_prefix("tin").filter(|r| r.len() >= 4).map(str::to_string));
    if let Some(s) = stripped {
        out.push(fold(&s));
    }
    out.dedup();
    out
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

impl Gazetteer {
    /// Indexes every name of every place.
    pub fn new(places: &[Place]) -> Gazetteer {
        let entries = places
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.all_names().map(move |n| (i, n.to_string(), keys(n))))
            .collect();
        Gazetteer { entries }
    }

    /// Places whose name matches `query`, best first (at most `limit`, one hit per place).
    ///
    /// A match is an equal normalised key, a key that starts with the query (3+ letters), or a key within a
    /// small edit distance (one edit per four letters).
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceMatch> {
        let qkeys = keys(query);
        if qkeys.iter().all(String::is_empty) {
            return Vec::new();
        }
        let mut best: std::collections::HashMap<usize, PlaceMatch> = std::collections::HashMap::new();
        for (place, name, nkeys) in &self.entries {
            let mut score: Option<usize> = None;
            for q in &qkeys {
                for k in nkeys {
                    let qlen = q.chars().count();
                    let s = if q == k {
                        Some(0)
                    } else if qlen >= 3 && k.starts_with(q.as_str()) {
                        Some(1)
                    } else {
                        let d = levenshtein(q, k);
                        (d <= (qlen / 4).max(1)).then_some(d + 1)
                    };
                    score = match (score, s) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
            }
            if let Some(distance) = score {
                let better = best.get(place).is_none_or(|m| distance < m.distance);
                if better {
                    best.insert(*place, PlaceMatch { place: *place, matched_name: name.clone(), distance });
                }
            }
        }
        let mut hits: Vec<PlaceMatch> = best.into_values().collect();
        hits.sort_by(|a, b| a.distance.cmp(&b.distance).then(a.place.cmp(&b.place)));
        hits.truncate(limit);
        hits
    }
}
