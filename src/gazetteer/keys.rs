//! The keys names are found by: a normalised form (case, accents and punctuation aside) and folded spellings.

use unicode_normalization::UnicodeNormalization;

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
pub(super) fn keys(name: &str) -> Vec<String> {
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

/// Edit distance in characters.
pub(super) fn levenshtein(a: &str, b: &str) -> usize {
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
