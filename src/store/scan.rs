//! Follows the top level of a GeoJSON FeatureCollection in a byte stream, up to its `features` array and
//! after it, without parsing the features themselves (the stream reader does that, on every core).

use memchr::{memchr2, memchr3};

/// A structural error outside the features (the features themselves are checked by the parser).
#[derive(Debug)]
pub(crate) struct ScanError {
    /// Offset from the start of the stream.
    pub offset: u64,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    /// Before the top-level `{`.
    Start,
    /// Expecting a key or `}`.
    Key { first: bool },
    /// After a key, expecting `:` then its value.
    Value { key: String },
    /// After a top-level value, expecting `,` or `}`.
    AfterValue,
    /// Inside the features array: the caller reads it.
    InFeatures,
    /// After the closing `}`.
    Done,
}

/// Incremental scanner; feed it the unconsumed bytes each time more arrive.
pub(crate) struct FeatureScanner {
    state: State,
    /// Offset of the buffer's first byte in the stream.
    pub base: u64,
    /// The value of the top-level `type` member, when seen.
    pub type_value: Option<String>,
    /// Whether a `features` member was seen.
    pub saw_features: bool,
    /// Set when `feed` stopped at the start of the features array; the caller reads the features and hands
    /// back with [`FeatureScanner::features_ended`].
    pub in_features: bool,
}

pub(crate) fn skip_ws(buf: &[u8], mut i: usize) -> usize {
    while i < buf.len() && matches!(buf[i], b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// End (exclusive) of the string starting at `buf[i] == b'"'`, or `None` when it is incomplete.
fn string_end(buf: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        let k = j + memchr2(b'"', b'\\', &buf[j..])?;
        if buf[k] == b'\\' {
            j = k + 2;
            if j > buf.len() {
                return None;
            }
        } else {
            return Some(k + 1);
        }
    }
}

/// End of the object starting at `buf[i] == b'{'` (braces counted outside strings), or `None`.
pub(crate) fn object_end(buf: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    loop {
        let k = j + memchr3(b'"', b'{', b'}', &buf[j..])?;
        match buf[k] {
            b'"' => j = string_end(buf, k)?,
            b'{' => {
                depth += 1;
                j = k + 1;
            }
            _ => {
                depth -= 1;
                j = k + 1;
                if depth == 0 {
                    return Some(j);
                }
            }
        }
    }
}

/// End of any JSON value starting at `buf[i]` (used for small top-level members), or `None`.
fn value_end(buf: &[u8], i: usize) -> Option<usize> {
    match buf.get(i)? {
        b'"' => string_end(buf, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < buf.len() {
                match buf[j] {
                    b'"' => {
                        j = string_end(buf, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let j = buf[i..].iter().position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))?;
            Some(i + j)
        }
    }
}

impl FeatureScanner {
    pub fn new() -> FeatureScanner {
        FeatureScanner { state: State::Start, base: 0, type_value: None, saw_features: false, in_features: false }
    }

    /// The caller has read the features up to and including the array's closing `]`.
    pub fn features_ended(&mut self) {
        self.in_features = false;
        self.state = State::AfterValue;
    }

    pub fn done(&self) -> bool {
        self.state == State::Done
    }

    fn error(&self, at: usize, message: impl Into<String>) -> ScanError {
        ScanError { offset: self.base + at as u64, message: message.into() }
    }

    /// Scans `buf` (the unconsumed bytes) and returns how many bytes were consumed. It stops just inside the
    /// features array (setting `in_features`). With `eof`, running out of data is an error.
    pub fn feed(&mut self, buf: &[u8], eof: bool) -> Result<usize, ScanError> {
        let mut i = 0;
        loop {
            let j = skip_ws(buf, i);
            if j == buf.len() {
                if eof && self.state != State::Done {
                    return Err(self.error(j, "unexpected end of file: the FeatureCollection is not closed"));
                }
                return Ok(j);
            }
            let c = buf[j];
            match self.state.clone() {
                State::Start => {
                    // Tolerate a UTF-8 byte-order mark.
                    if buf[j..].starts_with(&[0xEF, 0xBB, 0xBF]) {
                        i = j + 3;
                        continue;
                    }
                    if c != b'{' {
                        return Err(self.error(j, "expected a JSON object (a GeoJSON FeatureCollection)"));
                    }
                    self.state = State::Key { first: true };
                    i = j + 1;
                }
                State::Key { first } => {
                    if c == b'}' && first {
                        self.state = State::Done;
                        i = j + 1;
                        continue;
                    }
                    if c != b'"' {
                        return Err(self.error(j, "expected a member name in the top-level object"));
                    }
                    let Some(end) = string_end(buf, j) else { return self.incomplete(j, eof) };
                    let key: String = serde_json::from_slice(&buf[j..end]).map_err(|e| self.error(j, e.to_string()))?;
                    let k = skip_ws(buf, end);
                    if k == buf.len() {
                        return self.incomplete(j, eof);
                    }
                    if buf[k] != b':' {
                        return Err(self.error(k, "expected ':' after a member name"));
                    }
                    self.state = State::Value { key };
                    i = k + 1;
                }
                State::Value { key } => {
                    if key == "features" {
                        if c != b'[' {
                            return Err(self.error(j, "\"features\" must be an array"));
                        }
                        self.saw_features = true;
                        self.in_features = true;
                        self.state = State::InFeatures;
                        return Ok(j + 1);
                    }
                    let Some(end) = value_end(buf, j) else { return self.incomplete(j, eof) };
                    if key == "type" {
                        self.type_value = serde_json::from_slice::<String>(&buf[j..end]).ok();
                    }
                    self.state = State::AfterValue;
                    i = end;
                }
                State::AfterValue => {
                    match c {
                        b',' => self.state = State::Key { first: false },
                        b'}' => self.state = State::Done,
                        _ => return Err(self.error(j, "expected ',' or '}' in the top-level object")),
                    }
                    i = j + 1;
                }
                State::InFeatures => return Ok(j),
                State::Done => return Err(self.error(j, "unexpected data after the end of the FeatureCollection")),
            }
        }
    }

    fn incomplete(&self, at: usize, eof: bool) -> Result<usize, ScanError> {
        if eof {
            return Err(self.error(at, "unexpected end of file inside a value"));
        }
        Ok(at)
    }
}
