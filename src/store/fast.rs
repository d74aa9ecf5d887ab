//! A hand-written reader for the common shape of an incident feature, several times faster than the
//! generic path. It accepts only what it fully understands (valid JSON, expected member types, no duplicate
//! members) and otherwise returns `None`, so the serde path, with its precise error messages, takes over.

use std::borrow::Cow;

use super::parse::{IncidentFeatureWire, IncidentWire, PointWire};

/// Reads JSON from text already known to be UTF-8; every cut it makes is at an ASCII byte.
struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let start = self.i;
        // Eight bytes at a time while none of them is a quote, a backslash or a control character.
        let mut end = start;
        while let Some(chunk) = self.b.get(end..end + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if has_special_byte(w) {
                break;
            }
            end += 8;
        }
        loop {
            match *self.b.get(end)? {
                b'"' => {
                    self.i = end + 1;
                    return Some(Cow::Borrowed(&self.s[start..end]));
                }
                b'\\' => break,
                c if c < 0x20 => return None, // control characters must be escaped in JSON
                _ => end += 1,
            }
        }
        // Escapes: find the real end, then let serde_json decode the string.
        let mut j = end;
        loop {
            let k = j + memchr::memchr2(b'"', b'\\', &self.b[j..])?;
            if self.b[k] == b'\\' {
                j = k + 2;
            } else {
                let decoded: String = serde_json::from_slice(&self.b[start - 1..=k]).ok()?;
                self.i = k + 1;
                return Some(Cow::Owned(decoded));
            }
        }
    }

    fn null(&mut self) -> bool {
        if self.peek() == Some(b'n') && self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            true
        } else {
            false
        }
    }

    fn number_token(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    fn opt_string(&mut self) -> Option<Option<Cow<'a, str>>> {
        if self.null() { Some(None) } else { self.string().map(Some) }
    }

    fn opt_u64(&mut self) -> Option<Option<u64>> {
        if self.null() {
            return Some(None);
        }
        let t = self.number_token()?;
        (t.bytes().all(|c| c.is_ascii_digit()) && (t == "0" || !t.starts_with('0')))
            .then(|| t.parse().ok())
            .flatten()
            .map(Some)
    }

    fn opt_i64(&mut self) -> Option<Option<i64>> {
        if self.null() {
            return Some(None);
        }
        let t = self.number_token()?;
        let digits = t.strip_prefix('-').unwrap_or(t);
        (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse().ok()).flatten().map(Some)
    }

    fn f64(&mut self) -> Option<f64> {
        let t = self.number_token()?;
        // JSON forbids a leading '+', leading zeros and a bare '.'; Rust's parser is laxer.
        let body = t.strip_prefix('-').unwrap_or(t);
        let ok = body.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && !(body.len() > 1 && body.starts_with('0') && body.as_bytes()[1].is_ascii_digit())
            && !t.contains('+') | t.contains(['e', 'E']);
        ok.then(|| t.parse().ok()).flatten().filter(|v: &f64| v.is_finite())
    }

    fn opt_f64(&mut self) -> Option<Option<f64>> {
        if self.null() { Some(None) } else { self.f64().map(Some) }
    }

    /// The end of any JSON value at the cursor (validated later by serde only when it is used).
    fn skip_value(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        match self.b.get(self.i)? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match *self.b.get(self.i)? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            b't' if self.b[self.i..].starts_with(b"true") => self.i += 4,
            b'f' if self.b[self.i..].starts_with(b"false") => self.i += 5,
            b'n' if self.b[self.i..].starts_with(b"null") => self.i += 4,
            _ => {
                self.f64()?;
            }
        }
        Some(&self.s[start..self.i])
    }

    /// Calls `member` for each key of an object; `member` must consume the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, &key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// Whether any byte of `w` is `"`, `\\` or below 0x20 (SWAR: "has a zero byte" on masked copies).
fn has_special_byte(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero_byte(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(w ^ (ONES * u64::from(b'\\')));
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    quote | backslash | control != 0
}

/// Marks a member as seen; a second occurrence aborts (serde reports duplicates).
fn once(seen: &mut u64, bit: u32) -> Option<()> {
    let mask = 1u64 << bit;
    if *seen & mask != 0 {
        return None;
    }
    *seen |= mask;
    Some(())
}

/// `null`, or an array whose elements `item` reads.
fn array<'a, T>(c: &mut Cursor<'a>, mut item: impl FnMut(&mut Cursor<'a>) -> Option<T>) -> Option<Option<Vec<T>>> {
    if c.null() {
        return Some(None);
    }
    c.eat(b'[')?;
    let mut v = Vec::with_capacity(2);
    if c.peek() == Some(b']') {
        c.i += 1;
        return Some(Some(v));
    }
    loop {
        v.push(item(c)?);
        match c.peek()? {
            b',' => c.i += 1,
            b']' => {
                c.i += 1;
                return Some(Some(v));
            }
            _ => return None,
        }
    }
}

fn geometry<'a>(c: &mut Cursor<'a>) -> Option<Option<PointWire<'a>>> {
    if c.null() {
        return Some(None);
    }
    let (mut kind, mut coords, mut seen) = (None, None, 0u64);
    c.object(|c, key| {
        match key {
            "type" => {
                once(&mut seen, 0)?;
                kind = c.opt_string()?;
            }
            "coordinates" => {
                once(&mut seen, 1)?;
                coords = array(c, Cursor::f64)?;
            }
            _ => {
                c.skip_value()?;
            }
        }
        Some(())
    })?;
    Some(Some(PointWire { kind, coordinates: coords }))
}

fn properties<'a>(c: &mut Cursor<'a>) -> Option<Option<IncidentWire<'a>>> {
    if c.null() {
        return Some(None);
    }
    let mut w = IncidentWire::default();
    let mut seen = 0u64;
    c.object(|c, key| {
        macro_rules! field {
            ($bit:expr, $slot:expr, $read:expr) => {{
                once(&mut seen, $bit)?;
                $slot = $read?;
            }};
        }
        match key {
            "event_id" | "event_id_cnty" => field!(0, w.event_id, c.opt_string()),
            "event_date" => field!(1, w.event_date, c.opt_string()),
            "date_start" => field!(2, w.date_start, c.opt_string()),
            "date_end" => field!(3, w.date_end, c.opt_string()),
            "time_precision" => field!(4, w.time_precision, c.opt_u64()),
            "year" => field!(5, w.year, c.opt_u64()),
            "event_type" => field!(6, w.event_type, c.opt_string()),
            "sub_event_type" => field!(7, w.sub_event_type, c.opt_string()),
            "actor1" => field!(8, w.actor1, c.opt_string()),
            "actor2" => field!(9, w.actor2, c.opt_string()),
            "fatalities" => field!(10, w.fatalities, c.opt_u64()),
            "fatalities_low" => field!(11, w.fatalities_low, c.opt_u64()),
            "fatalities_high" => field!(12, w.fatalities_high, c.opt_u64()),
            "location" => field!(13, w.location, c.opt_string()),
            "place_id" => field!(14, w.place_id, c.opt_string()),
            "country" => field!(15, w.country, c.opt_string()),
            "iso3" => field!(16, w.iso3, c.opt_string()),
            "admin1" => field!(17, w.admin1, c.opt_string()),
            "geo_precision" => field!(18, w.geo_precision, c.opt_u64()),
            "notes" => field!(19, w.notes, c.opt_string()),
            "sources" if c.peek() == Some(b'"') => {
                field!(20, w.sources, c.opt_string().map(|s| s.map(super::parse::split_list)))
            }
            "sources" => field!(20, w.sources, array(c, Cursor::string)),
            "source" => field!(21, w.source, c.opt_string()),
            "variants" => field!(22, w.variants, c.skip_value().and_then(|v| serde_json::from_str(v).ok())),
            "background" => field!(23, w.background, c.skip_value().and_then(|v| serde_json::from_str(v).ok())),
            "latitude" => field!(24, w.latitude, c.opt_f64()),
            "longitude" => field!(25, w.longitude, c.opt_f64()),
            "timestamp" => field!(26, w.timestamp, c.opt_i64()),
            "status" => field!(27, w.status, c.opt_string()),
            "version" => field!(28, w.version, c.opt_u64()),
            "updated_at" => field!(29, w.updated_at, c.opt_string()),
            "updated_by" => field!(30, w.updated_by, c.opt_string()),
            _ => {
                c.skip_value()?;
            }
        }
        Some(())
    })?;
    Some(Some(w))
}

/// Reads an incident feature of the usual shape, or `None` to defer to the serde path.
pub(crate) fn incident_feature(text: &str) -> Option<IncidentFeatureWire<'_>> {
    let (feature, end) = feature_at(text, 0)?;
    (super::scan::skip_ws(text.as_bytes(), end) == text.len()).then_some(feature)
}

/// What the reader found at a position of a block.
// Boxing the large variant would cost an allocation per feature on the hot path.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step<'a> {
    /// A feature of the usual shape, and the offset just past it.
    Feature(IncidentFeatureWire<'a>, usize),
    /// A complete object the fast reader does not accept (the serde path will say why), and its end.
    Other(usize),
    /// The object runs past the end of the buffer: more input is needed.
    Incomplete,
}

/// Reads the feature object starting at `text[pos] == '{'`.
pub(crate) fn step(text: &str, pos: usize) -> Step<'_> {
    match feature_at(text, pos) {
        Some((feature, end)) => Step::Feature(feature, end),
        None => match super::scan::object_end(text.as_bytes(), pos) {
            Some(end) => Step::Other(end),
            None => Step::Incomplete,
        },
    }
}

fn feature_at(s: &str, pos: usize) -> Option<(IncidentFeatureWire<'_>, usize)> {
    let mut c = Cursor { s, b: s.as_bytes(), i: pos };
    let (mut kind, mut geom, mut props, mut seen) = (None, None, None, 0u64);
    c.object(|c, key| {
        match key {
            "type" => {
                once(&mut seen, 0)?;
                kind = c.opt_string()?;
            }
            "geometry" => {
                once(&mut seen, 1)?;
                geom = geometry(c)?;
            }
            "properties" => {
                once(&mut seen, 2)?;
                props = properties(c)?;
            }
            _ => {
                c.skip_value()?;
            }
        }
        Some(())
    })?;
    Some((IncidentFeatureWire { kind, geometry: geom, properties: props }, c.i))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader and serde agree on every embedded incident, and the fast reader defers on odd input.
    #[test]
    fn agrees_with_serde_and_defers_when_unsure() {
        let text = crate::store::embedded::INCIDENTS;
        let coll: serde_json::Value = serde_json::from_str(text).unwrap();
        for f in coll["features"].as_array().unwrap() {
            let one = serde_json::to_string(f).unwrap();
            let fast = incident_feature(&one).expect("fast path reads our own data");
            let slow: IncidentFeatureWire = serde_json::from_str(&one).unwrap();
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        }
        for odd in [
            r#"{"type":"Feature","properties":{"fatalities":-3}}"#,
            r#"{"type":"Feature","properties":{"fatalities":3.0}}"#,
            r#"{"type":"Feature","properties":{"notes":"a"},"properties":{}}"#,
            r#"{"type":"Feature","properties":{"notes":"line
break"}}"#,
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[01,2]}}"#,
            r#"{"type":"Feature","properties":{"event_id":"x"},}"#,
        ] {
            assert!(incident_feature(odd).is_none(), "{odd}");
        }
        for (text, special) in
            [("abcdefgh", false), ("abc\"defg", true), ("abcdefg\\", true), ("abc\ndefg", true), ("éèàùabcd", false)]
        {
            let w = u64::from_le_bytes(text.as_bytes()[..8].try_into().unwrap());
            assert_eq!(has_special_byte(w), special, "{text:?}");
        }
        let escaped = incident_feature(r#"{"type":"Feature","properties":{"notes":"a \"quoted\" \u00e9"}}"#).unwrap();
        assert_eq!(escaped.properties.unwrap().notes.as_deref(), Some("a \"quoted\" é"));
    }
}
