//! The journal: every change to the record, one JSON line each, appended and flushed to disk before the change
//! is acknowledged. Each line is `{"entry": {…}, "hash": "…"}`: the hash is the SHA-256 of the entry's bytes as
//! written, and every entry names the hash of the one before it (`prev`), so editing, removing or reordering
//! any line breaks the chain from there on ([`read_chain`] finds where).
//!
//! The live journal is `DIR/journal.jsonl`; `borderline compact` moves the lines it folds into the snapshot to
//! `DIR/history/journal-FIRST-LAST.jsonl`, and the chain runs on through them.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::model::SourceDocument;

/// The live journal's file name.
pub const JOURNAL_FILE: &str = "journal.jsonl";
/// The folder of journal segments folded into a snapshot.
pub const HISTORY_DIR: &str = "history";
/// The `prev` of the very first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// A new incident (`POST`, `incidents add`).
    Create,
    /// A whole new version (`PUT`).
    Replace,
    /// Some fields changed (`PATCH`, `incidents edit`).
    Update,
    /// A reviewer published a draft.
    Publish,
    /// A reviewer rejected a draft.
    Reject,
    /// Withdrawn (`DELETE`, `incidents retire`).
    Retire,
    /// Added or changed by `borderline import`.
    Import,
    /// An editor proposed a correction to a published incident; it changes nothing until accepted.
    Propose,
    /// A reviewer accepted a proposal: the incident's next version.
    Accept,
    /// A reviewer declined a proposal (or its author withdrew it).
    Decline,
    /// A document added to the source register.
    Source,
    /// The state the entries after this one start from: the snapshot file's SHA-256 (written when the
    /// journal starts, and by every compaction).
    Snapshot,
}

impl Op {
    /// The name in files and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Replace => "replace",
            Op::Update => "update",
            Op::Publish => "publish",
            Op::Reject => "reject",
            Op::Retire => "retire",
            Op::Import => "import",
            Op::Propose => "propose",
            Op::Accept => "accept",
            Op::Decline => "decline",
            Op::Source => "source",
            Op::Snapshot => "snapshot",
        }
    }
}

/// One change. Fields that do not apply to an operation are left out of the line.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the whole history, from 1.
    pub seq: u64,
    /// The hash of the entry before (or [`GENESIS`]).
    pub prev: String,
    /// When it was acknowledged (RFC 3339, UTC).
    pub at: String,
    /// The user who made it.
    pub by: String,
    /// What it is.
    pub op: Op,
    /// The incident (or document) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The incident's version after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// The version it replaced (none for a new incident).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<u32>,
    /// Why (required for corrections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The source documents the change cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// The fields that changed: `{field: [before, after]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<serde_json::Map<String, serde_json::Value>>,
    /// The incident as it is after the change (borderline's storage form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<Box<RawValue>>,
    /// For [`Op::Propose`]: the incident as the proposal would make it (storage form); not a version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Box<RawValue>>,
    /// The proposal an [`Op::Accept`] or [`Op::Decline`] closes; on an [`Op::Propose`] a compaction carried
    /// into a new journal, the proposal's own number (the entry that first recorded it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<u64>,
    /// The document added (for [`Op::Source`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<SourceDocument>,
    /// The text of that document, when its author allowed it to be kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For [`Op::Snapshot`]: the SHA-256 of `incidents.geojson` as it stands from this entry on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_sha256: Option<String>,
    /// For [`Op::Snapshot`] written by a compaction: the last entry folded into that snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folded: Option<u64>,
    /// For the entries of a change made of many (an import): the first entry's number. The batch counts only
    /// once its last entry, which carries `batch_size`, is there; a batch a crash cut short is dropped whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<u64>,
    /// On a batch's last entry: how many entries it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u64>,
}

impl Entry {
    /// An entry by `by` of operation `op` with nothing else filled in (its place in the chain included).
    pub fn blank(by: &str, op: Op) -> Entry {
        Entry {
            seq: 0,
            prev: String::new(),
            at: String::new(),
            by: by.to_string(),
            op,
            id: None,
            version: None,
            replaces: None,
            reason: None,
            sources: Vec::new(),
            changes: None,
            feature: None,
            proposed: None,
            proposal: None,
            document: None,
            text: None,
            snapshot_sha256: None,
            folded: None,
            batch: None,
            batch_size: None,
        }
    }
}

#[derive(Deserialize)]
struct LineTrusted {
    entry: Entry,
    hash: String,
}

#[derive(Deserialize)]
struct LineIn<'a> {
    #[serde(borrow)]
    entry: &'a RawValue,
    hash: String,
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// `entry` as one journal line (newline included) and its hash.
pub fn line(entry: &Entry) -> (Vec<u8>, String) {
    let body = serde_json::to_vec(entry).expect("an entry serialises");
    let hash = sha256_hex(&body);
    let mut out = Vec::with_capacity(body.len() + hash.len() + 22);
    push_line(&mut out, &body, &hash);
    (out, hash)
}

/// Appends the line of the entry serialised as `body`, whose hash is `hash`: what serialising
/// `{"entry": body, "hash": hash}` writes, without reading the body back to check it.
fn push_line(out: &mut Vec<u8>, body: &[u8], hash: &str) {
    out.extend_from_slice(b"{\"entry\":");
    out.extend_from_slice(body);
    out.extend_from_slice(b",\"hash\":\"");
    out.extend_from_slice(hash.as_bytes());
    out.extend_from_slice(b"\"}\n");
}

/// Entries serialised before the hash of the one before each is known, for writers that make many entries on
/// every core and then chain them in order: [`Unchained::chain`] puts each `prev` in its place and makes the
/// lines. The entries share one buffer, which [`Unchained::clear`] keeps for the next ones.
#[derive(Default)]
pub struct Unchained {
    bodies: Vec<u8>,
    /// Each entry's end in `bodies` (it starts where the one before ends), and where its `prev`'s hex digits
    /// start.
    entries: Vec<(usize, usize)>,
}

impl Unchained {
    /// Adds `entry`, with its `prev` left to fill in (whatever `prev` it has is replaced). `feature`, when
    /// given, is the entry's feature: a GeoJSON feature borderline wrote itself (its storage form), which goes
    /// in as it is, last, without being read back (as [`Entry::feature`] would be).
    pub fn push(&mut self, entry: &mut Entry, feature: Option<&[u8]>) {
        debug_assert!(feature.is_none() || entry.feature.is_none(), "the feature is given once");
        // Any hash has the length of GENESIS, so the digits can be overwritten in place.
        entry.prev.clear();
        entry.prev.push_str(GENESIS);
        let start = self.bodies.len();
        serde_json::to_writer(&mut self.bodies, entry).expect("an entry serialises");
        // `seq` and `prev` are the entry's first members: `{"seq":N,"prev":"`.
        let digits = entry.seq.checked_ilog10().map_or(1, |d| d as usize + 1);
        let prev_at = start + r#"{"seq":"#.len() + digits + r#","prev":""#.len();
        debug_assert_eq!(&self.bodies[prev_at..prev_at + GENESIS.len()], GENESIS.as_bytes());
        if let Some(feature) = feature {
            self.bodies.pop(); // the object's closing brace
            self.bodies.extend_from_slice(br#","feature":"#);
            self.bodies.extend_from_slice(feature);
            self.bodies.push(b'}');
        }
        self.entries.push((self.bodies.len(), prev_at));
    }

    /// Appends the entries' lines to `out`, the first following the entry whose hash is `prev`, each the one
    /// before; leaves in `prev` the last one's hash.
    pub fn chain(&mut self, prev: &mut String, out: &mut Vec<u8>) {
        assert_eq!(prev.len(), GENESIS.len(), "a hash is 64 hex digits");
        let mut start = 0;
        for &(end, prev_at) in &self.entries {
            self.bodies[prev_at..prev_at + prev.len()].copy_from_slice(prev.as_bytes());
            let body = &self.bodies[start..end];
            *prev = sha256_hex(body);
            push_line(out, body, prev);
            start = end;
        }
    }

    /// Forgets the entries, keeping the memory.
    pub fn clear(&mut self) {
        self.bodies.clear();
        self.entries.clear();
    }
}

/// Where a journal line was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file.
    pub file: PathBuf,
    /// Its line, from 1.
    pub line: usize,
    /// The byte offset where it starts.
    pub offset: u64,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Why a journal could not be read as an unbroken chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A line is not what it should be.
    #[error("{at}: {message}")]
    Broken {
        /// Where.
        at: Place,
        /// What is wrong.
        message: String,
    },
}

/// Every entry of one file with where it is, checked link by link from `prev` (the hash the first entry must
/// name) and `seq` (the number it must carry); also the hash of the last one. A last line cut short (a write
/// a crash interrupted, never acknowledged) is left out and reported in `torn`, with the byte offset where
/// the file's whole lines end.
pub struct Chain {
    /// The entries, in order, each with its place and hash.
    pub entries: Vec<(Entry, Place, String)>,
    /// The hash of the last entry (`prev` when there is none).
    pub last_hash: String,
    /// The next sequence number.
    pub next_seq: u64,
    /// Where the whole lines end, when the file ends with a partial one.
    pub torn: Option<u64>,
}

/// Reads `path` as a chain continuing from `prev` and `seq` (none: from wherever its first entry says). A
/// missing file is an empty chain.
pub fn read_chain(path: &Path, prev: Option<&str>, seq: Option<u64>) -> Result<Chain, ChainError> {
    read_chain_with(path, prev, seq, Hashes::Recompute)
}

/// Whether reading a chain recomputes each entry's SHA-256 (proof that no entry was edited, what `verify` does)
/// or takes the hash each line carries (start-up: the links are still checked, at a fraction of the cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hashes {
    /// Recompute and compare.
    Recompute,
    /// Take the line's.
    Trust,
}

/// How much of a journal is read at a time: its lines are parsed on every core, a block at a time, and
/// linked in order.
const READ_BLOCK: u64 = 32 << 20;

/// Fewer lines than this are parsed where they are read (threads would cost more than they save).
const LINES_PER_CORE: usize = 512;

/// One line parsed: its entry and hash, or what is wrong with it.
fn parse_line(line: &[u8], hashes: Hashes) -> Result<(Entry, String), String> {
    let text = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_string())?;
    match hashes {
        Hashes::Recompute => {
            let parsed: LineIn<'_> = serde_json::from_str(text).map_err(|e| format!("not a journal line: {e}"))?;
            let hash = sha256_hex(parsed.entry.get().as_bytes());
            if hash != parsed.hash {
                return Err(format!(
                    "the entry's SHA-256 is {hash}, the line says {}: the entry was edited",
                    parsed.hash
                ));
            }
            let entry: Entry =
                serde_json::from_str(parsed.entry.get()).map_err(|e| format!("not a journal entry: {e}"))?;
            Ok((entry, hash))
        }
        // One pass: the entry is read straight from the line.
        Hashes::Trust => {
            let parsed: LineTrusted = serde_json::from_str(text).map_err(|e| format!("not a journal line: {e}"))?;
            Ok((parsed.entry, parsed.hash))
        }
    }
}

/// [`read_chain`], recomputing the hashes or not.
pub fn read_chain_with(path: &Path, prev: Option<&str>, seq: Option<u64>, hashes: Hashes) -> Result<Chain, ChainError> {
    let io_error = |source| ChainError::Io { path: path.to_path_buf(), source };
    let trust_first = prev.is_none();
    let mut chain = Chain {
        entries: Vec::new(),
        last_hash: prev.unwrap_or(GENESIS).to_string(),
        next_seq: seq.unwrap_or(1),
        torn: None,
    };
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(chain),
        Err(e) => return Err(io_error(e)),
    };
    // `unread` starts at a line's start, at byte `offset` of the file, line `number + 1`.
    let mut unread = Vec::new();
    let (mut offset, mut number) = (0u64, 0usize);
    loop {
        let got = (&mut file).take(READ_BLOCK).read_to_end(&mut unread).map_err(io_error)?;
        if got == 0 {
            if !unread.is_empty() {
                chain.torn = Some(offset);
            }
            return Ok(chain);
        }
        let Some(whole) = memchr::memrchr(b'\n', &unread).map(|i| i + 1) else { continue };
        let lines: Vec<&[u8]> = unread[..whole].split_inclusive(|&b| b == b'\n').collect();
        let parse = |part: &[&[u8]]| part.iter().map(|l| parse_line(l, hashes)).collect::<Vec<_>>();
        let parsed = if lines.len() < LINES_PER_CORE {
            parse(&lines)
        } else {
            crate::store::on_every_core(&lines, parse).into_iter().flatten().collect()
        };
        for (line, parsed) in lines.iter().zip(parsed) {
            number += 1;
            let at = Place { file: path.to_path_buf(), line: number, offset };
            offset += line.len() as u64;
            let broken = |message: String| ChainError::Broken { at: at.clone(), message };
            let (entry, hash) = parsed.map_err(broken)?;
            if trust_first && chain.entries.is_empty() {
                chain.last_hash = entry.prev.clone();
                chain.next_seq = entry.seq;
            }
            if entry.prev != chain.last_hash {
                return Err(broken(format!(
                    "entry {} names {} as the one before it, but that one's hash is {}: an entry was removed, \
                     added or reordered",
                    entry.seq, entry.prev, chain.last_hash
                )));
            }
            if entry.seq != chain.next_seq {
                return Err(broken(format!("entry {} follows entry {}", entry.seq, chain.next_seq - 1)));
            }
            chain.last_hash = hash.clone();
            chain.next_seq += 1;
            chain.entries.push((entry, at, hash));
        }
        unread.drain(..whole);
    }
}

/// A folded segment of the history: `history/journal-FIRST-LAST.jsonl`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Segment {
    /// Its first entry's number.
    pub first: u64,
    /// Its last entry's number.
    pub last: u64,
    /// The file.
    pub path: PathBuf,
}

/// The name of the segment holding entries `first..=last`.
pub fn segment_name(first: u64, last: u64) -> String {
    format!("journal-{first:09}-{last:09}.jsonl")
}

/// The segments of `dir/history`, in the order of their entries.
pub fn segments(dir: &Path) -> io::Result<Vec<Segment>> {
    let mut found: Vec<Segment> = match std::fs::read_dir(dir.join(HISTORY_DIR)) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let (first, last) = name.strip_prefix("journal-")?.strip_suffix(".jsonl")?.split_once('-')?;
                Some(Segment { first: first.parse().ok()?, last: last.parse().ok()?, path: e.path() })
            })
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    found.sort();
    Ok(found)
}

/// The journal open for appending.
pub struct Appender {
    file: File,
    path: PathBuf,
    /// Bytes of whole lines in the file.
    len: u64,
    /// Where [`Appender::start_writeback`] got to.
    advised: u64,
}

impl Appender {
    /// Opens `path` for appending after its first `len` bytes (cutting off a torn last line beyond them).
    pub fn open(path: &Path, len: u64) -> io::Result<Appender> {
        let mut file = OpenOptions::new().create(true).read(true).write(true).truncate(false).open(path)?;
        if file.metadata()?.len() != len {
            file.set_len(len)?;
            file.sync_data()?;
        }
        file.seek(SeekFrom::Start(len))?;
        Ok(Appender { file, path: path.to_path_buf(), len, advised: len })
    }

    /// Appends whole lines and flushes them to disk; on failure the file is cut back to where it was, so that
    /// nothing unacknowledged stays in it.
    pub fn append(&mut self, lines: &[u8]) -> io::Result<()> {
        let start = self.len;
        self.write(lines).and_then(|()| self.sync()).inspect_err(|_| self.cut(start))
    }

    /// Writes lines without flushing them (a batch flushes once, at its end).
    pub fn write(&mut self, lines: &[u8]) -> io::Result<()> {
        let start = self.len;
        self.file.write_all(lines).inspect_err(|_| self.cut(start))?;
        self.len += lines.len() as u64;
        Ok(())
    }

    /// Flushes what was written to disk.
    pub fn sync(&mut self) -> io::Result<()> {
        self.file.sync_data()
    }

    /// Starts writing to disk the lines written since the last call, without waiting (see
    /// [`crate::store::start_writeback`]): a long batch then finds little left to flush at its end.
    pub fn start_writeback(&mut self) {
        crate::store::start_writeback(&self.file, self.advised, self.len);
        self.advised = self.len;
    }

    /// Cuts the file back to `len` bytes (what a failed write left beyond them is not acknowledged).
    pub fn cut(&mut self, len: u64) {
        if self.file.set_len(len).and_then(|()| self.file.seek(SeekFrom::Start(len)).map(|_| ())).is_ok() {
            self.len = len;
        }
    }

    /// Bytes of whole lines in the file.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_the_entry_and_the_hash_of_its_text_as_serde_writes_them() {
        let mut entry = Entry::blank("ed \"quoted\" é", Op::Import);
        entry.seq = 7;
        entry.prev = GENESIS.to_string();
        entry.reason = Some("line\nbreak".into());
        let (line, hash) = line(&entry);
        let body = serde_json::to_string(&entry).unwrap();
        assert_eq!(hash, sha256_hex(body.as_bytes()));
        let expected =
            serde_json::json!({"entry": serde_json::from_str::<serde_json::Value>(&body).unwrap(), "hash": hash});
        let read: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(read, expected);
        assert_eq!(line.last(), Some(&b'\n'));
        let parsed: LineIn<'_> = serde_json::from_slice(&line).unwrap();
        assert_eq!(parsed.entry.get(), body);
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn unchained_entries_make_the_lines_they_would_have_made_knowing_prev() {
        let mut unchained = Unchained::default();
        let mut expected = Vec::new();
        let mut prev = sha256_hex(b"before");
        let first = prev.clone();
        for seq in [1, 9, 10, 99, 100, 123_456_789, u64::MAX] {
            let mut entry = Entry::blank("editor", Op::Import);
            entry.seq = seq;
            entry.id = Some("MLI1".into());
            unchained.push(&mut entry.clone(), None);
            entry.prev = prev.clone();
            let (line, hash) = line(&entry);
            expected.extend_from_slice(&line);
            prev = hash;
        }
        let mut out = b"before\n".to_vec();
        let mut chained = first;
        unchained.chain(&mut chained, &mut out);
        assert_eq!(chained, prev);
        assert_eq!(String::from_utf8_lossy(&out[7..]), String::from_utf8_lossy(&expected));
        unchained.clear();
        let mut again = Vec::new();
        unchained.chain(&mut chained, &mut again);
        assert!(again.is_empty());
    }

    #[test]
    fn an_entry_made_with_its_feature_reads_back_with_it_and_chains() {
        let feature = br#"{"type":"Feature","id":"MLI1","properties":{"notes":"a \"quoted\" note"},"geometry":null}"#;
        let mut entry = Entry::blank("editor", Op::Import);
        entry.seq = 42;
        entry.batch = Some(41);
        let mut unchained = Unchained::default();
        unchained.push(&mut entry, Some(feature));
        let (mut out, mut hash) = (Vec::new(), GENESIS.to_string());
        unchained.chain(&mut hash, &mut out);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_FILE);
        std::fs::write(&path, &out).unwrap();
        let chain = read_chain(&path, Some(GENESIS), Some(42)).unwrap();
        let (read, _, read_hash) = &chain.entries[0];
        assert_eq!(read_hash, &hash);
        assert_eq!(read.feature.as_ref().map(|f| f.get().as_bytes()), Some(&feature[..]));
        assert_eq!((read.seq, read.batch, read.op), (42, Some(41), Op::Import));
        // The same members as the entry holding the feature would serialise (the feature last, not in between).
        let mut whole = entry.clone();
        whole.prev = GENESIS.to_string();
        whole.feature = Some(RawValue::from_string(String::from_utf8(feature.to_vec()).unwrap()).unwrap());
        let members = |line: &[u8]| serde_json::from_slice::<serde_json::Value>(line).unwrap()["entry"].clone();
        assert_eq!(members(&out), members(&line(&whole).0));
    }
}
