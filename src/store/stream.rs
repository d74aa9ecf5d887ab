//! Streams an incident file in bounded memory and parses it on every core.
//!
//! The file is read in blocks. The top-level object is followed by [`FeatureScanner`] up to the `features`
//! array; from there each block is cut into one range per core at likely feature starts (a `{` opening a
//! line), and each range is read feature by feature with the fast reader. A guessed cut is trusted only if
//! the range before it ends exactly there; otherwise the rest of the block is re-read in order, so odd
//! layouts (pretty-printed files) are still read correctly, just on one core.

use std::io::{self, Read};
use std::sync::Arc;

use super::fast::{self, Step};
use super::parse::{self, FeatureReader, IncidentContext, Interner, Pending};
use super::scan::{FeatureScanner, skip_ws};
use crate::model::Incident;

/// Why a range stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Stop {
    /// Reached the next range's start.
    Limit,
    /// Found the `]` closing the features array, at this offset.
    ArrayEnd(usize),
    /// Ran out of bytes mid-feature: the rest goes into the next block.
    NeedMore,
    /// A structural error (recorded); stop reading.
    Error,
}

/// The outcome of reading one range.
struct Run {
    items: Vec<Incident>,
    pending: Vec<Pending>,
    /// Where reading stopped (the next thing to read starts here).
    end: usize,
    /// Whether `end` is just after a feature (a `,` or `]` comes next) rather than before one.
    after_feature: bool,
    stop: Stop,
}

/// Where a range starts and what is expected there.
#[derive(Clone, Copy)]
struct Start {
    pos: usize,
    after_feature: bool,
    /// At the very start of the array, `]` (an empty collection) is allowed.
    array_start: bool,
}

struct Ctx<'c> {
    incidents: &'c IncidentContext<'c>,
    /// Stream offset of `buf[0]`.
    base: usize,
    eof: bool,
}

fn read_range(text: &str, start: Start, limit: usize, ctx: &Ctx<'_>, interner: &mut Interner) -> Run {
    let buf = text.as_bytes();
    let mut run =
        Run { items: Vec::new(), pending: Vec::new(), end: start.pos, after_feature: false, stop: Stop::Error };
    let (mut pos, mut after, mut array_start) = (start.pos, start.after_feature, start.array_start);
    let error = |run: &mut Run, at: usize, message: &str| {
        run.pending.push(Pending::at(ctx.base + at, message.to_string()));
        run.end = at;
        run.stop = Stop::Error;
    };
    loop {
        let j = skip_ws(buf, pos);
        if j >= buf.len() {
            if ctx.eof {
                error(&mut run, j, "unexpected end of file: the features array is not closed");
            } else {
                (run.end, run.after_feature, run.stop) = (pos, after, Stop::NeedMore);
            }
            return run;
        }
        if after {
            match buf[j] {
                b',' => {
                    (pos, after) = (j + 1, false);
                    continue;
                }
                b']' => {
                    (run.end, run.stop) = (j, Stop::ArrayEnd(j));
                    return run;
                }
                _ => {
                    error(&mut run, j, "expected ',' or ']' between features");
                    return run;
                }
            }
        }
        if j >= limit && j > start.pos {
            (run.end, run.after_feature, run.stop) = (j, false, Stop::Limit);
            return run;
        }
        match buf[j] {
            b']' if array_start => {
                (run.end, run.stop) = (j, Stop::ArrayEnd(j));
                return run;
            }
            b'{' => {}
            _ => {
                error(&mut run, j, "each element of \"features\" must be a GeoJSON Feature object");
                return run;
            }
        }
        let mut reader = FeatureReader::new(ctx.base + j, &mut run.pending);
        match fast::step(text, j) {
            Step::Feature(wire, end) => {
                run.items.extend(parse::incident_from_wire(&mut reader, wire, ctx.incidents, interner));
                pos = end;
            }
            Step::Other(end) => {
                run.items.extend(parse::incident(&mut reader, &text[j..end], ctx.incidents, interner));
                pos = end;
            }
            Step::Incomplete if ctx.eof => {
                error(&mut run, j, "unexpected end of file inside a feature");
                return run;
            }
            Step::Incomplete => {
                (run.end, run.after_feature, run.stop) = (j, false, Stop::NeedMore);
                return run;
            }
        }
        (after, array_start) = (true, false);
    }
}

/// A likely feature start at or after `from`: a `{` that opens a line.
fn guess_start(buf: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(k) = memchr::memchr(b'\n', &buf[i.min(buf.len())..]) {
        let j = skip_ws(buf, i + k + 1);
        if buf.get(j) == Some(&b'{') {
            return Some(j);
        }
        i = i + k + 1;
    }
    None
}

/// Reads the whole block's features on one thread per interner (kept across blocks, so repeated strings
/// are shared file-wide); returns the accepted runs in order.
fn read_block(text: &str, first: Start, interners: &mut [Interner], ctx: &Ctx<'_>) -> Vec<Run> {
    let threads = interners.len();
    let buf = text.as_bytes();
    let mut starts = vec![first];
    for k in 1..threads {
        let from = (buf.len() * k / threads).max(starts[k - 1].pos + 1);
        match guess_start(buf, from) {
            Some(pos) if pos < buf.len() => starts.push(Start { pos, after_feature: false, array_start: false }),
            _ => break,
        }
    }
    let limits: Vec<usize> = starts.iter().skip(1).map(|s| s.pos).chain([buf.len()]).collect();
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = starts
            .iter()
            .zip(&limits)
            .zip(interners.iter_mut())
            .map(|((&start, &limit), interner)| s.spawn(move || read_range(text, start, limit, ctx, interner)))
            .collect();
        handles.into_iter().map(|h| h.join().expect("incident reader thread panicked")).collect()
    });
    let mut accepted: Vec<Run> = Vec::with_capacity(runs.len());
    for (k, run) in runs.into_iter().enumerate() {
        if k == 0 {
            accepted.push(run);
            continue;
        }
        let prev = accepted.last().expect("run 0 accepted");
        if prev.stop == Stop::Limit && prev.end == starts[k].pos {
            accepted.push(run);
            continue;
        }
        // The guess was not a feature boundary: read on from where the previous range really stopped.
        if prev.stop == Stop::Limit {
            let redo = Start { pos: prev.end, after_feature: prev.after_feature, array_start: false };
            accepted.push(read_range(text, redo, buf.len(), ctx, &mut interners[0]));
        }
        break;
    }
    accepted
}

/// Parses every incident of a FeatureCollection read from `reader`. Structural and per-feature problems come
/// back as pending issues with stream offsets.
pub(crate) fn parse_incidents(
    reader: &mut dyn Read,
    total_bytes: u64,
    block_bytes: usize,
    ctx: &IncidentContext<'_>,
) -> io::Result<(Vec<Arc<Incident>>, Vec<Pending>)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let mut interners: Vec<Interner> = (0..threads).map(|_| Interner::default()).collect();
    // Each incident goes into its own allocation as its block is done, so the loaded set is never held twice.
    let mut incidents: Vec<Arc<Incident>> = Vec::new();
    let mut pending = Vec::new();
    let mut scanner = FeatureScanner::new();

    let mut incoming = vec![0u8; block_bytes];
    let read_block_bytes = |reader: &mut dyn Read, incoming: &mut Vec<u8>| -> io::Result<(usize, bool)> {
        let n = read_full(reader, incoming)?;
        Ok((n, n < incoming.len()))
    };

    // The top level, up to the features array.
    let mut buf: Vec<u8> = Vec::with_capacity(block_bytes * 2);
    let mut eof = false;
    loop {
        let (n, end) = read_block_bytes(reader, &mut incoming)?;
        buf.extend_from_slice(&incoming[..n]);
        eof = eof || end;
        if !feed_top_level(&mut scanner, &mut buf, eof, &mut pending) {
            return Ok((incidents, pending));
        }
        if scanner.in_features || scanner.done() || eof {
            break;
        }
    }

    let mut base = scanner.base as usize;
    let mut first = Start { pos: 0, after_feature: false, array_start: true };
    let mut cur = Block { data: std::mem::take(&mut buf), start: 0, len: 0 };
    cur.len = cur.data.len();
    let mut next = Block { data: Vec::new(), start: 0, len: 0 };
    let mut array_end: Option<(usize, Vec<u8>)> = None;
    while scanner.in_features && array_end.is_none() {
        // Only the valid UTF-8 prefix is read; a character cut by the block's end waits for the next block.
        let bytes = cur.bytes();
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
            Err(e) => {
                let at = base + e.valid_up_to();
                pending.push(Pending::at(at, "the file is not valid UTF-8 here (GeoJSON text must be UTF-8)".into()));
                return Ok((incidents, pending));
            }
        };
        let block_ctx = Ctx { incidents: ctx, base, eof };
        // Parse this block on every core while this thread reads the next one behind some headroom.
        let (runs, read) = std::thread::scope(|s| {
            let parsing = s.spawn(|| read_block(text, first, &mut interners, &block_ctx));
            let read = if eof { Ok((0, true)) } else { next.read_after_headroom(reader, block_bytes) };
            (parsing.join().expect("block reader panicked"), read)
        });
        let (n, end) = read?;
        if incidents.is_empty() {
            // Size the vector once, from the first block's density.
            let covered = runs.last().map_or(0, |r| r.end).max(1);
            let found: usize = runs.iter().map(|r| r.items.len()).sum();
            incidents.reserve((total_bytes as f64 / covered as f64 * found as f64 * 1.05) as usize);
        }
        let last = runs.last().map(|r| (r.stop, r.end, r.after_feature));
        for run in runs {
            incidents.extend(run.items.into_iter().map(Arc::new));
            pending.extend(run.pending);
        }
        match last {
            Some((Stop::NeedMore, end_pos, after)) if !eof => {
                next.prepend(&cur.bytes()[end_pos..], n);
                std::mem::swap(&mut cur, &mut next);
                base += end_pos;
                eof = end;
                first = Start { pos: 0, after_feature: after, array_start: first.array_start && end_pos == 0 };
            }
            Some((Stop::ArrayEnd(at), _, _)) => {
                // Whatever was read ahead belongs after the array.
                let mut rest = cur.bytes()[at + 1..].to_vec();
                if n > 0 {
                    rest.extend_from_slice(&next.data[HEADROOM..HEADROOM + n]);
                }
                array_end = Some((at, rest));
                eof = end;
                break;
            }
            _ => return Ok((incidents, pending)),
        }
    }

    // After the array: the rest of the top-level object.
    if let Some((at, rest)) = array_end {
        scanner.features_ended();
        buf = rest;
        base += at + 1;
        scanner.base = base as u64;
        loop {
            if !feed_top_level(&mut scanner, &mut buf, eof, &mut pending) {
                break;
            }
            if scanner.done() || eof {
                break;
            }
            let (n, end) = read_block_bytes(reader, &mut incoming)?;
            buf.extend_from_slice(&incoming[..n]);
            eof = end;
        }
    }
    if pending.is_empty() {
        match scanner.type_value.as_deref() {
            Some("FeatureCollection") => {}
            Some(other) => {
                pending.push(Pending::at(0, format!("top-level type is {other:?}; expected \"FeatureCollection\"")))
            }
            None => pending
                .push(Pending::at(0, "top-level object has no \"type\"; expected a GeoJSON FeatureCollection".into())),
        }
        if !scanner.saw_features {
            pending.push(Pending::at(0, "FeatureCollection has no \"features\" array".into()));
        }
    }
    Ok((incidents, pending))
}

/// Room kept in front of each block for the previous block's unread tail (a partial feature).
const HEADROOM: usize = 1 << 20;

/// A block of the file: `data[start..start + len]`.
struct Block {
    data: Vec<u8>,
    start: usize,
    len: usize,
}

impl Block {
    fn bytes(&self) -> &[u8] {
        &self.data[self.start..self.start + self.len]
    }

    /// Reads up to `block_bytes` into the block behind the headroom; returns (bytes read, end of input).
    fn read_after_headroom(&mut self, reader: &mut dyn Read, block_bytes: usize) -> io::Result<(usize, bool)> {
        if self.data.len() < HEADROOM + block_bytes {
            self.data.resize(HEADROOM + block_bytes, 0);
        }
        let n = read_full(reader, &mut self.data[HEADROOM..HEADROOM + block_bytes])?;
        Ok((n, n < block_bytes))
    }

    /// Puts `tail` just before the `n` bytes read behind the headroom (copying only when it does not fit).
    fn prepend(&mut self, tail: &[u8], n: usize) {
        if tail.len() <= HEADROOM {
            self.start = HEADROOM - tail.len();
            self.data[self.start..HEADROOM].copy_from_slice(tail);
        } else {
            let mut joined = Vec::with_capacity(tail.len() + n);
            joined.extend_from_slice(tail);
            joined.extend_from_slice(&self.data[HEADROOM..HEADROOM + n]);
            self.data = joined;
            self.start = 0;
        }
        self.len = tail.len() + n;
    }
}

/// Feeds the top-level scanner and drops what it consumed; false (with the problem recorded) on an error.
fn feed_top_level(scanner: &mut FeatureScanner, buf: &mut Vec<u8>, eof: bool, pending: &mut Vec<Pending>) -> bool {
    match scanner.feed(buf, eof) {
        Ok(consumed) => {
            buf.drain(..consumed);
            scanner.base += consumed as u64;
            true
        }
        Err(e) => {
            pending.push(Pending::at(e.offset as usize, e.message));
            false
        }
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn ids(text: &str, block: usize) -> (Vec<String>, Vec<String>) {
        let places: HashSet<&str> = HashSet::new();
        let sources: HashSet<&str> = [
            "000_608ed6d42e3f7f25",
            "001_c3a0c580dbb2ec16",
            "002_812c50015738eee3",
            "003_70b5eb291bb7768b",
            "004_74c715e76d7b7a42",
        ]
        .into_iter()
        .collect();
        let ctx = IncidentContext { place_ids: &places, source_ids: &sources };
        let (items, pending) = parse_incidents(&mut text.as_bytes(), text.len() as u64, block, &ctx).unwrap();
        (items.iter().map(|i| i.event_id.to_string()).collect(), pending.iter().map(|p| format!("{p:?}")).collect())
    }

    /// Whatever the block size and layout, every feature is read once, in order.
    #[test]
    fn any_block_size_and_layout_reads_every_feature_in_order() {
        let compact = crate::store::embedded::INCIDENTS.replace(",\"place_id\":", ",\"place\":");
        let value: serde_json::Value = serde_json::from_str(&compact).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let one_line = serde_json::to_string(&value).unwrap();
        let (want, errors) = ids(&compact, 1 << 20);
        assert_eq!(want.len(), 33, "{errors:?}");
        assert!(errors.is_empty(), "{errors:?}");
        for text in [&compact, &pretty, &one_line] {
            for block in [64, 100, 1000, 4096, 1 << 20] {
                let (got, errors) = ids(text, block);
                assert!(errors.is_empty(), "block {block}: {errors:?}");
                assert_eq!(got, want, "block {block}");
            }
        }
        let (none, errors) = ids(r#"{"type":"FeatureCollection","features":[]}"#, 64);
        assert!(none.is_empty() && errors.is_empty(), "{errors:?}");
    }

    /// Truncated or corrupted input never panics and always yields a problem report.
    #[test]
    fn truncated_or_corrupted_input_is_reported_not_panicked_on() {
        let text = crate::store::embedded::INCIDENTS;
        let step = text.len() / 60;
        for cut in (1..text.len() - 3).step_by(step) {
            for block in [64, 4096] {
                let (_, errors) = ids(&text[..cut], block);
                assert!(!errors.is_empty(), "cut at {cut} (block {block}) went unnoticed");
            }
        }
        let mut bytes = text.as_bytes().to_vec();
        for (i, junk) in [(10usize, b'}'), (500, b'"'), (2000, 0xff), (7000, b'['), (9000, b'\n')] {
            let saved = bytes[i];
            bytes[i] = junk;
            let places: HashSet<&str> = HashSet::new();
            let sources: HashSet<&str> = HashSet::new();
            let ctx = IncidentContext { place_ids: &places, source_ids: &sources };
            let _ = parse_incidents(&mut bytes.as_slice(), bytes.len() as u64, 256, &ctx).unwrap();
            bytes[i] = saved;
        }
    }
}
