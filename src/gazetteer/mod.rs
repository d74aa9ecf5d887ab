//! Finds places by any spelling: accents, case, hyphens, spaces and the Tamasheq/Arabic prefixes
//! `Tin-`, `Ti-n-`, `In`, `I-n-` are ignored, and French/English transliterations are folded
//! (`ou`/`w` → `u`), so `Tinzawatin`, `Tinsauaten` and `Tinzaouatène` all find Tinzaouatene.

use unicode_normalization::UnicodeNormalization;

use crate::model::Place;

/// How a query met a place's name, best first: a user who types a place's id or its own name means that place,
/// whatever other place has a similar spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The query is the place's id.
    Id,
    /// The query is the place's preferred name (case, accents and punctuation aside).
    Name,
    /// The query is one of the place's alternate names (case, accents and punctuation aside).
    AlternateName,
    /// The query and a name meet once transliteration variants and `Tin-`/`In-` prefixes are folded.
    Spelling,
    /// A folded name starts with the query (3+ letters).
    Prefix,
    /// A folded name is within a small edit distance of the query.
    Similar,
}

/// One search hit.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceMatch {
    /// Index into the places slice the gazetteer was built from.
    pub place: usize,
    /// The spelling that matched best.
    pub matched_name: String,
    /// How it matched.
    pub kind: MatchKind,
    /// Edit distance between the folded query and the folded name (0 unless `kind` is `Similar`).
    pub distance: usize,
}

impl PlaceMatch {
    /// The rank of a hit: hits of equal rank match equally well.
    fn rank(&self) -> (MatchKind, usize) {
        (self.kind, self.distance)
    }
}

/// What a query names: one place, several equally well, or none.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    /// One place matches better than any other.
    Found(PlaceMatch),
    /// Several places match equally well (at least two, in gazetteer order); the caller must choose.
    Ambiguous(Vec<PlaceMatch>),
    /// No place matches.
    NotFound,
}

/// Search keys for every name of every place.
#[derive(Debug, Default)]
pub struct Gazetteer {
    /// Each place's id, lower-case.
    ids: Vec<String>,
    /// Every name of every place.
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    place: usize,
    name: String,
    /// False for the preferred name.
    alternate: bool,
    normalised: String,
    keys: Vec<String>,
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
            .flat_map(|(place, p)| {
                p.all_names().enumerate().map(move |(k, name)| Entry {
                    place,
                    name: name.to_string(),
                    alternate: k > 0,
                    normalised: normalise(name),
                    keys: keys(name),
                })
            })
            .collect();
        Gazetteer { ids: places.iter().map(|p| p.id.to_lowercase()).collect(), entries }
    }

    /// Places whose id or name matches `query`, best first (at most `limit`, one hit per place); hits of equal
    /// [`MatchKind`] and distance keep gazetteer order.
    ///
    /// A match is, best first: the place's id; its preferred name; one of its alternate names (these three
    /// ignoring only case, accents and punctuation); an equal folded key; a folded key that starts with the
    /// query (3+ letters); a folded key within a small edit distance (one edit per four letters).
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceMatch> {
        let (qnorm, qkeys) = (normalise(query), keys(query));
        if qkeys.iter().all(String::is_empty) {
            return Vec::new();
        }
        let qid = query.trim().to_lowercase();
        let mut best: std::collections::HashMap<usize, PlaceMatch> = std::collections::HashMap::new();
        let mut offer = |hit: PlaceMatch| {
            if best.get(&hit.place).is_none_or(|m| hit.rank() < m.rank()) {
                best.insert(hit.place, hit);
            }
        };
        for (place, id) in self.ids.iter().enumerate() {
            if *id == qid {
                offer(PlaceMatch { place, matched_name: id.clone(), kind: MatchKind::Id, distance: 0 });
            }
        }
        for e in &self.entries {
            let exact = match (e.normalised == qnorm, e.alternate) {
                (true, false) => Some((MatchKind::Name, 0)),
                (true, true) => Some((MatchKind::AlternateName, 0)),
                (false, _) => None,
            };
            let folded = qkeys.iter().flat_map(|q| e.keys.iter().filter_map(move |k| folded_match(q, k))).min();
            if let Some((kind, distance)) = exact.into_iter().chain(folded).min() {
                offer(PlaceMatch { place: e.place, matched_name: e.name.clone(), kind, distance });
            }
        }
        let mut hits: Vec<PlaceMatch> = best.into_values().collect();
        hits.sort_by(|a, b| a.rank().cmp(&b.rank()).then(a.place.cmp(&b.place)));
        hits.truncate(limit);
        hits
    }

    /// The place `query` names: an id wins, then a preferred name, then an alternate name, then the folded
    /// spellings; when several places still match equally well, the query is ambiguous.
    pub fn lookup(&self, query: &str) -> Lookup {
        let mut hits = self.search(query, usize::MAX);
        match Self::tied_best(&hits) {
            0 => Lookup::NotFound,
            1 => Lookup::Found(hits.swap_remove(0)),
            tied => {
                hits.truncate(tied);
                Lookup::Ambiguous(hits)
            }
        }
    }

    /// How many of `hits` (as [`Gazetteer::search`] returns them) tie for the best rank: more than one means the
    /// query is ambiguous.
    pub fn tied_best(hits: &[PlaceMatch]) -> usize {
        hits.first().map_or(0, |first| hits.iter().take_while(|h| h.rank() == first.rank()).count())
    }
}

/// How a folded query key meets a folded name key, if it does.
fn folded_match(q: &str, k: &str) -> Option<(MatchKind, usize)> {
    let qlen = q.chars().count();
    if q == k {
        Some((MatchKind::Spelling, 0))
    } else if qlen >= 3 && k.starts_with(q) {
        Some((MatchKind::Prefix, 0))
    } else {
        let d = levenshtein(q, k);
        (d <= (qlen / 4).max(1)).then_some((MatchKind::Similar, d))
    }
}
