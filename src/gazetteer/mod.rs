//! Finds places by any spelling: accents, case, hyphens, spaces and the Tamasheq/Arabic prefixes
//! `Tin-`, `Ti-n-`, `In`, `I-n-` are ignored, and French/English transliterations are folded
//! (`ou`/`w` → `u`), so `Tinzawatin`, `Tinsauaten` and `Tinzaouatène` all find Tinzaouatene.
//!
//! Names are keyed two ways: by their normalised form in a hash map (an exact name, for people and for scanning
//! texts), and by their folded keys in an [`fst`] set searched with Levenshtein automata (spellings, prefixes and
//! near misses), so a lookup never scans every name.

mod keys;

use std::sync::OnceLock;

use fst::{Automaton, IntoStreamer, Map, Streamer};
use levenshtein_automata::LevenshteinAutomatonBuilder;
use rustc_hash::FxHashMap;

use crate::model::Place;
pub use keys::normalise;
use keys::{keys, levenshtein};

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

/// The most edits a near miss may need, whatever its length (one edit per four letters below that).
const MAX_EDITS: u8 = 2;

/// Search keys for every name of every place.
#[derive(Debug)]
pub struct Gazetteer {
    /// Each place's id, lower-case, to its index.
    ids: FxHashMap<String, u32>,
    /// Every name of every place.
    entries: Vec<Entry>,
    /// Normalised name → the entries carrying it.
    exact: FxHashMap<String, Vec<u32>>,
    /// Folded key → index into `postings`.
    folded: Map<Vec<u8>>,
    /// The entries carrying each folded key.
    postings: Vec<Vec<u32>>,
    /// The most words a normalised name has.
    max_words: usize,
}

#[derive(Debug)]
struct Entry {
    place: u32,
    name: String,
    /// False for the preferred name.
    alternate: bool,
}

impl Default for Gazetteer {
    fn default() -> Gazetteer {
        Gazetteer::new(&[])
    }
}

/// One Levenshtein automaton builder per edit budget, built once (they are the costly part).
fn automaton_builder(edits: u8) -> &'static LevenshteinAutomatonBuilder {
    static BUILDERS: OnceLock<Vec<LevenshteinAutomatonBuilder>> = OnceLock::new();
    &BUILDERS.get_or_init(|| (0..=MAX_EDITS).map(|d| LevenshteinAutomatonBuilder::new(d, false)).collect())
        [usize::from(edits)]
}

impl Gazetteer {
    /// Indexes every name of every place.
    pub fn new(places: &[Place]) -> Gazetteer {
        let mut entries = Vec::new();
        let mut exact: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut by_key: std::collections::BTreeMap<String, Vec<u32>> = std::collections::BTreeMap::new();
        let mut max_words = 1;
        for (place, p) in places.iter().enumerate() {
            for (k, name) in p.all_names().enumerate() {
                let e = entries.len() as u32;
                let normalised = normalise(name);
                if normalised.is_empty() {
                    continue;
                }
                max_words = max_words.max(normalised.split(' ').count());
                for key in keys(name) {
                    let posting = by_key.entry(key).or_default();
                    if posting.last() != Some(&e) {
                        posting.push(e);
                    }
                }
                exact.entry(normalised).or_default().push(e);
                entries.push(Entry { place: place as u32, name: name.to_string(), alternate: k > 0 });
            }
        }
        let postings: Vec<Vec<u32>> = by_key.values().cloned().collect();
        let folded = Map::from_iter(by_key.keys().enumerate().map(|(i, k)| (k.as_bytes(), i as u64)))
            .expect("keys come sorted and unique from a BTreeMap");
        let ids = places.iter().enumerate().map(|(i, p)| (p.id.to_lowercase(), i as u32)).collect();
        Gazetteer { ids, entries, exact, folded, postings, max_words }
    }

    /// The most words any name has: a text scanner need not try longer phrases.
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// The places a phrase names exactly: by a name (case, accents and punctuation aside) or by a folded
    /// spelling, never by a prefix or a near miss. This is what a text scanner asks of every run of words.
    pub fn names_exactly(&self, phrase: &str) -> Vec<PlaceMatch> {
        let mut best = Best::default();
        self.offer_exact(&normalise(phrase), &mut best);
        for q in keys(phrase) {
            self.offer_key(&q, MatchKind::Spelling, 0, &mut best);
        }
        best.ranked(usize::MAX)
    }

    /// Places whose id or name matches `query`, best first (at most `limit`, one hit per place); hits of equal
    /// [`MatchKind`] and distance keep gazetteer order.
    ///
    /// A match is, best first: the place's id (unless it is also a name of another place); its preferred name; one of its alternate names (these three
    /// ignoring only case, accents and punctuation); an equal folded key; a folded key that starts with the
    /// query (3+ letters); a folded key within a small edit distance (one edit per four letters, at most two; the first letter kept, the
    /// first two from eight letters).
    pub fn search(&self, query: &str, limit: usize) -> Vec<PlaceMatch> {
        self.search_until(query, limit, limit)
    }

    /// [`Gazetteer::search`], skipping the prefix and near-miss walks once `enough` places match by id, name or
    /// folded spelling: those walks can only add hits ranked below them.
    fn search_until(&self, query: &str, limit: usize, enough: usize) -> Vec<PlaceMatch> {
        let qkeys = keys(query);
        if qkeys.iter().all(String::is_empty) {
            return Vec::new();
        }
        let mut best = Best::default();
        let qid = query.trim().to_lowercase();
        let qnorm = normalise(query);
        if let Some(&place) = self.ids.get(&qid) {
            // An id is made from a name: "gao" is the Malian city's id and a name of the Burkinabe town too, and
            // whoever types it may mean either. It names its place only when no other place has it as a name.
            let named_elsewhere =
                self.exact.get(&qnorm).into_iter().flatten().any(|&e| self.entries[e as usize].place != place);
            if !named_elsewhere {
                best.offer(PlaceMatch { place: place as usize, matched_name: qid, kind: MatchKind::Id, distance: 0 });
            }
        }
        self.offer_exact(&qnorm, &mut best);
        for q in &qkeys {
            self.offer_key(q, MatchKind::Spelling, 0, &mut best);
        }
        if best.0.len() >= enough {
            return best.ranked(limit);
        }
        for q in &qkeys {
            let len = q.chars().count();
            if len >= 3 {
                let mut prefixes = self.folded.search(fst::automaton::Str::new(q).starts_with()).into_stream();
                while let Some((_, posting)) = prefixes.next() {
                    self.offer_posting(posting, MatchKind::Prefix, 0, &mut best);
                }
            }
            let edits = (len / 4).clamp(1, usize::from(MAX_EDITS)) as u8;
            let dfa = automaton_builder(edits).build_dfa(q);
            // A near miss keeps its first letter, or its first two in a name of eight letters or more (as Lucene's
            // fuzzy prefix length): the walk then visits one branch of the index instead of all of them.
            let kept = q.char_indices().nth(if len >= 8 { 2 } else { 1 }).map_or(q.len(), |(i, _)| i);
            let within = fst::automaton::Str::new(&q[..kept]).starts_with().intersection(&dfa);
            let mut near = self.folded.search(within).into_stream();
            while let Some((key, posting)) = near.next() {
                let key = std::str::from_utf8(key).expect("keys are UTF-8");
                self.offer_posting(posting, MatchKind::Similar, levenshtein(q, key), &mut best);
            }
        }
        best.ranked(limit)
    }

    /// The place `query` names: an id wins, then a preferred name, then an alternate name, then the folded
    /// spellings; when several places still match equally well, the query is ambiguous.
    pub fn lookup(&self, query: &str) -> Lookup {
        // One place found by id, name or spelling outranks every prefix and near miss.
        let mut hits = self.search_until(query, usize::MAX, 1);
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

    fn offer_exact(&self, normalised: &str, best: &mut Best) {
        for &e in self.exact.get(normalised).into_iter().flatten() {
            let entry = &self.entries[e as usize];
            let kind = if entry.alternate { MatchKind::AlternateName } else { MatchKind::Name };
            best.offer(self.hit(e, kind, 0));
        }
    }

    fn offer_key(&self, key: &str, kind: MatchKind, distance: usize, best: &mut Best) {
        if let Some(posting) = self.folded.get(key) {
            self.offer_posting(posting, kind, distance, best);
        }
    }

    fn offer_posting(&self, posting: u64, kind: MatchKind, distance: usize, best: &mut Best) {
        for &e in &self.postings[posting as usize] {
            best.offer(self.hit(e, kind, distance));
        }
    }

    fn hit(&self, entry: u32, kind: MatchKind, distance: usize) -> PlaceMatch {
        let e = &self.entries[entry as usize];
        PlaceMatch { place: e.place as usize, matched_name: e.name.clone(), kind, distance }
    }
}

/// The best hit per place so far.
#[derive(Default)]
struct Best(FxHashMap<usize, PlaceMatch>);

impl Best {
    fn offer(&mut self, hit: PlaceMatch) {
        if self.0.get(&hit.place).is_none_or(|m| hit.rank() < m.rank()) {
            self.0.insert(hit.place, hit);
        }
    }

    fn ranked(self, limit: usize) -> Vec<PlaceMatch> {
        let mut hits: Vec<PlaceMatch> = self.0.into_values().collect();
        hits.sort_by(|a, b| a.rank().cmp(&b.rank()).then(a.place.cmp(&b.place)));
        hits.truncate(limit);
        hits
    }
}
