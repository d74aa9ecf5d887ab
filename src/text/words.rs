//! Words and sentences of a text, by byte offsets.

/// A run of letters and digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past it.
    pub end: usize,
}

impl Word {
    /// The word's text.
    pub fn of<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// Whether it starts with a capital letter, as names do.
    pub fn capitalised(&self, text: &str) -> bool {
        self.of(text).chars().next().is_some_and(char::is_uppercase)
    }
}

/// Every word of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word { start: s, end: i });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word { start: s, end: text.len() });
    }
    // A word hyphenated at a line break is one word: "Alge-\nrian".
    let mut merged: Vec<Word> = Vec::with_capacity(out.len());
    for w in out {
        match merged.last_mut() {
            Some(last)
                if is_line_hyphen(&text[last.end..w.start]) && text[w.start..].starts_with(char::is_lowercase) =>
            {
                last.end = w.end;
            }
            _ => merged.push(w),
        }
    }
    merged
}

/// Whether a gap is a hyphen at the end of a line: "-", spaces, one line break, spaces.
fn is_line_hyphen(gap: &str) -> bool {
    gap.strip_prefix('-').is_some_and(|rest| {
        let rest = rest.trim_matches([' ', '\t']);
        rest == "\n" || rest == "\r\n"
    })
}

/// A phrase with its line-end hyphenations undone ("Alge-\nrian" → "Algerian"), as names are looked up.
pub fn unwrap(phrase: &str) -> std::borrow::Cow<'_, str> {
    if !phrase.contains('\n') {
        return std::borrow::Cow::Borrowed(phrase);
    }
    let mut out = String::with_capacity(phrase.len());
    let mut rest = phrase;
    while let Some(i) = rest.find('-') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let next = after.trim_start_matches([' ', '\t', '\r', '\n']);
        let gap = &after[..after.len() - next.len()];
        if gap.matches('\n').count() == 1 && next.starts_with(char::is_lowercase) {
            rest = next;
        } else {
            out.push('-');
            rest = after;
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The sentence holding byte `at`: sentences are in order, so a binary search finds it.
pub fn sentence_at(sentences: &[(usize, usize)], at: usize) -> Option<(usize, usize)> {
    let k = sentences.partition_point(|s| s.1 <= at);
    sentences.get(k).copied().filter(|s| s.0 <= at)
}

/// The index of the first of `items` (in text order) that starts at or after byte `at`: every lookup of "the next
/// mention" is a binary search, so no text makes the reading quadratic.
pub fn first_from<T>(items: &[T], at: usize, start: impl Fn(&T) -> usize) -> usize {
    items.partition_point(|x| start(x) < at)
}

/// The longest beginning of `s` of at most `n` bytes that ends on a character boundary.
pub fn head(s: &str, n: usize) -> &str {
    let end = (0..=n.min(s.len())).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    &s[..end]
}

/// The longest end of `s` of at most `n` bytes that starts on a character boundary.
pub fn tail(s: &str, n: usize) -> &str {
    let start = (s.len().saturating_sub(n)..=s.len()).find(|&i| s.is_char_boundary(i)).unwrap_or(s.len());
    &s[start..]
}

/// Whether two neighbouring words may belong to one name: only spaces (a line break included) or a single hyphen
/// between them, as in "In Guezzam", "Ti-n-Zaouatene" or a name wrapped at the end of a line.
pub fn joinable(text: &str, a: Word, b: Word) -> bool {
    let gap = &text[a.end..b.start];
    let hyphens = gap.chars().filter(|&c| c == '-' || c == '\u{2011}').count();
    hyphens <= 1 && gap.chars().all(|c| c.is_whitespace() || c == '-' || c == '\u{2011}') && !gap.contains("\n\n")
}

/// The sentences of `text` as byte ranges: a sentence ends at `.`, `!` or `?` followed by a space and a capital
/// letter (or the end), or at a blank line. A line break alone does not end one (wrapped text).
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, c)| c);
        let blank_line = c == '\n' && text[i + 1..].trim_start_matches([' ', '\t', '\r']).starts_with('\n');
        let stop = matches!(c, '.' | '!' | '?') && next.is_none_or(char::is_whitespace) && {
            let rest = text[i + 1..].trim_start();
            rest.is_empty()
                || rest.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '"' || c == '“')
        };
        if stop || blank_line {
            let end = i + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push((start, end));
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push((start, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_before_capitals_and_at_blank_lines_not_at_line_breaks() {
        let text = "It is 9 km. Then it\nwraps here.\n\nNew para";
        let s: Vec<&str> = sentences(text).into_iter().map(|(a, b)| text[a..b].trim()).collect();
        assert_eq!(s, ["It is 9 km.", "Then it\nwraps here.", "New para"]);
    }

    #[test]
    fn names_join_across_spaces_and_one_hyphen_only() {
        let text = "Ti-n-Zaouatene, In  Guezzam";
        let w = words(text);
        assert!(joinable(text, w[0], w[1]) && joinable(text, w[1], w[2]));
        assert!(!joinable(text, w[2], w[3]));
        assert!(joinable(text, w[3], w[4]));
    }

    #[test]
    fn a_word_hyphenated_at_a_line_end_is_one_word() {
        let text = "seven Alge-\nrian diplomats, Ti-n-\nZaouatene";
        let w = words(text);
        assert_eq!(w[1].of(text), "Alge-\nrian");
        assert_eq!(unwrap(w[1].of(text)), "Algerian");
        // A capital after the break is a real hyphen.
        assert_eq!(unwrap("Ti-n-\nZaouatene"), "Ti-n-\nZaouatene");
    }
}
