//! `check-text`: reads a text and reports its places and claims, each claim in its sentence with its verdict.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;

use super::{Failure, write_json};
use crate::store::{Store, Verdict};
use crate::text::{self, Language, TextCheck};

/// The largest text read, bytes: a long report is a few hundred kilobytes.
pub const MAX_TEXT_BYTES: usize = 4 << 20;

/// `check-text` arguments.
#[derive(Debug, Args)]
pub struct CheckTextArgs {
    /// The text file, or `-` for standard input.
    pub file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The text's language: en, fr or auto (guessed from its commonest words).
    #[arg(long, default_value = "auto")]
    pub lang: String,
}

pub(super) fn check_text(store: &Store, args: &CheckTextArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let language = match args.lang.as_str() {
        "auto" => None,
        l => Some(l.parse::<Language>().map_err(|e| Failure::new(2, format!("--lang: {e}")))?),
    };
    let name = args.file.display().to_string();
    let mut bytes = Vec::new();
    let read = if name == "-" {
        std::io::stdin().lock().take(MAX_TEXT_BYTES as u64 + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(&args.file).and_then(|f| f.take(MAX_TEXT_BYTES as u64 + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| Failure::new(3, format!("{name}: cannot read: {e}")))?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(Failure::new(2, format!("{name}: longer than {} MiB: split it", MAX_TEXT_BYTES >> 20)));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
        Failure::new(2, format!("{name}: line {line}: byte {} is not UTF-8: the text must be UTF-8", at + 1))
    })?;
    let checked = text::check(store, &text, language);
    if args.json {
        return write_json(out, &checked);
    }
    report(&text, &checked, out).map_err(|e| Failure::new(3, format!("cannot write: {e}")))
}

/// The characters `start..end` of `text`.
fn chars(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

fn km(m: f64) -> String {
    format!("{:.1} km", m / 1000.0)
}

fn report(text: &str, c: &TextCheck, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} place mention(s), {} claim(s), {} draft incident(s)",
        c.places.len(),
        c.claims.len(),
        c.drafts.len()
    )?;
    for claim in &c.claims {
        let [s0, s1] = claim.sentence;
        let sentence = format!(
            "{}»{}«{}",
            chars(text, s0, claim.start),
            chars(text, claim.start, claim.end),
            chars(text, claim.end, s1)
        );
        let verdict = match claim.verdict {
            Verdict::Consistent => "CONSISTENT",
            Verdict::Inconsistent => "INCONSISTENT",
            Verdict::Unverifiable => "UNVERIFIABLE",
        };
        writeln!(out, "\n{verdict}: {}", sentence.split_whitespace().collect::<Vec<_>>().join(" "))?;
        let subject =
            claim.subject.as_ref().map_or("?".to_string(), |s| format!("{} ({})", s.place.name, s.place.country));
        let object = match &claim.object {
            Some(text::judge::ObjectOut::Place { place, .. }) => format!("{} ({})", place.name, place.country),
            Some(text::judge::ObjectOut::Border { border, country, .. }) => match (border, country) {
                (Some(b), _) => format!("the {b} border"),
                (None, Some(c)) => format!("a border of {c}"),
                (None, None) => "a border".into(),
            },
            Some(text::judge::ObjectOut::Unplaced { text }) => format!("{text:?}"),
            None => "?".into(),
        };
        let stated = claim.stated_m.map_or("on the line".to_string(), km);
        write!(out, "  {subject} → {object}: stated {stated}")?;
        if let Some(m) = claim.measured_m {
            write!(out, ", measured {} straight line", km(m))?;
        }
        if let Some(m) = claim.measured_naturalearth_m {
            write!(out, " ({} to the Natural Earth line)", km(m))?;
        }
        writeln!(out)?;
        for line in [&claim.tolerance, &claim.reason, &claim.note].into_iter().flatten() {
            writeln!(out, "  {line}")?;
        }
    }
    let ambiguous: Vec<_> = c.places.iter().filter(|p| !p.alternatives.is_empty()).collect();
    if !ambiguous.is_empty() {
        writeln!(out, "\nAmbiguous names:")?;
        for p in ambiguous {
            let others: Vec<String> =
                p.alternatives.iter().map(|a| format!("{} ({})", a.place_id, a.country)).collect();
            let why = p.resolved_by.as_deref().unwrap_or_default();
            writeln!(
                out,
                "  {:?} → {} ({}): {why}; also {}",
                p.text,
                p.place.place_id,
                p.place.country,
                others.join(", ")
            )?;
        }
    }
    if !c.unknown_places.is_empty() {
        writeln!(out, "\nNot in the gazetteer:")?;
        for u in &c.unknown_places {
            writeln!(out, "  {:?} (characters {}–{}): {}", u.text, u.start, u.end, u.reason)?;
        }
    }
    for d in &c.drafts {
        writeln!(
            out,
            "\nDraft incident (characters {}–{}): {} / {} at {} ({}), {} to {}{}",
            d.sentence[0],
            d.sentence[1],
            d.event_type,
            d.sub_event_type,
            d.place.name,
            d.place.country,
            d.date_start,
            d.date_end,
            d.fatalities.map_or(String::new(), |f| format!(", {f} killed"))
        )?;
    }
    Ok(())
}
