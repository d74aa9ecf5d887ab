//! The commands that change the record or read its history: `users`, `incidents add|edit|retire|publish|
//! reject`, `sources add`, `history`, `verify`, `compact` (and `import`, which goes through the same writer).
//! Each takes the data directory's lock; while a server holds it, they say so and how to use the server.
//!
//! On the command line the data directory's owner acts: as the user named with `--user` (their role
//! applies), or else as `local:$USER` with every right, since whoever can write the directory can change it
//! anyway. The journal records the name either way.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

use super::{Failure, ImportArgs};
use crate::model::Status;
use crate::record::journal::Op;
use crate::record::{Actor, Change, DataLock, EditError, Holder, LockError, Record, Request, Role, UserList};

/// `users …`.
#[derive(Debug, clap::Subcommand)]
pub enum UsersCommand {
    /// Add a user; the new token is printed once, as the last line.
    Add {
        /// A name (letters, digits, '.', '-', '_').
        name: String,
        /// editor, reviewer or admin.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
    /// List users (never their tokens).
    List,
    /// Revoke a user's token (their changes stay in the history under their name).
    Revoke {
        /// The user.
        name: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

/// Who acts, and why: shared by every changing command.
#[derive(Debug, clap::Args)]
pub struct ActAs {
    /// Act as this user (their role applies); default: local:$USER, with every right.
    #[arg(long, value_name = "NAME", global = true)]
    pub user: Option<String>,
    /// Why (required for corrections, rejections and retirements).
    #[arg(long, global = true)]
    pub reason: Option<String>,
}

/// `incidents add|edit|retire|publish|reject`.
#[derive(Debug, clap::Subcommand)]
pub enum IncidentAction {
    /// Record a new incident (a GeoJSON feature, from a file or `-` for standard input) as a draft.
    Add {
        /// The feature.
        file: String,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
    /// Correct an incident: `--set field=value` (repeatable; an empty value removes the field), or a JSON
    /// Merge Patch of its feature with `--patch FILE`.
    Edit {
        /// The incident's event_id_cnty.
        id: String,
        /// field=value; numbers and true/false are read as such.
        #[arg(long = "set", value_name = "FIELD=VALUE")]
        set: Vec<String>,
        /// A merge patch (RFC 7396) of the feature, from a file or `-`.
        #[arg(long, value_name = "FILE")]
        patch: Option<String>,
        /// Only if the incident is still at this version.
        #[arg(long)]
        if_version: Option<u32>,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
    /// Retire an incident: it leaves every public view and stays in the history.
    Retire {
        /// The incident.
        id: String,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
    /// Publish a draft (reviewer).
    Publish {
        /// The incident.
        id: String,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
    /// Reject a draft (reviewer; a reason is required).
    Reject {
        /// The incident.
        id: String,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
    /// List the open proposals (an editor's corrections of published incidents, waiting for a reviewer).
    Proposals,
    /// Accept a proposal (reviewer): it becomes the incident's next version.
    Accept {
        /// The proposal's number.
        proposal: u64,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
    /// Decline a proposal (reviewer, or its author withdrawing it; a reason is required).
    Decline {
        /// The proposal's number.
        proposal: u64,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
}

/// `incidents proposals`: the open proposals, oldest first, with what each changes.
fn proposals(dir: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let store = crate::record::load(Some(dir)).map_err(open_failure)?;
    let mut any = false;
    for p in store.proposals() {
        any = true;
        let current = store.incident(&p.incident.event_id).map_or(0, |i| i.revision.version);
        let stale = if current == p.replaces { String::new() } else { format!(" (stale: now at version {current})") };
        writeln!(
            out,
            "#{} {} to version {}{stale}, by {} at {}: {}",
            p.number, p.incident.event_id, p.replaces, p.by, p.at, p.reason
        )?;
        for (field, change) in &p.changes {
            writeln!(out, "    {field}: {} -> {}", change[0], change[1])?;
        }
    }
    if !any {
        writeln!(out, "no open proposals")?;
    }
    Ok(())
}

/// `sources add`.
#[derive(Debug, clap::Subcommand)]
pub enum SourcesCommand {
    /// Add a document to the source register.
    Add {
        /// Its title.
        #[arg(long)]
        title: String,
        /// Its publisher.
        #[arg(long)]
        outlet: String,
        /// Publication date, YYYY-MM-DD or YYYY-MM.
        #[arg(long)]
        published: Option<String>,
        /// Where it can be read.
        #[arg(long)]
        url: Option<String>,
        /// ISO 639-1 language code (en, fr…).
        #[arg(long)]
        language: String,
        /// The text, from a file: its SHA-256 is kept.
        #[arg(long, value_name = "FILE")]
        text: Option<std::path::PathBuf>,
        /// Keep the text itself in the journal too.
        #[arg(long, requires = "text")]
        keep_text: bool,
        /// Do not register the distance claims read in the text (`check-text` shows them).
        #[arg(long, requires = "text")]
        no_claims: bool,
        /// Who and why.
        #[command(flatten)]
        act: ActAs,
    },
}

fn need_dir(data: Option<&Path>) -> Result<&Path, Failure> {
    data.ok_or_else(|| {
        Failure::new(
            2,
            "give --data DIR: the data directory whose record this changes (the embedded data never changes)",
        )
    })
}

/// Locks `dir` for a command that changes it; a server holding it is named, with the way to go through it.
pub(super) fn lock(dir: &Path, holder: Holder) -> Result<DataLock, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure::new(3, format!("cannot create {}: {e}", dir.display())))?;
    match DataLock::acquire(dir, holder, Duration::ZERO) {
        Err(LockError::Held { holder: other, .. }) if Holder::of_note(&other) != Some(Holder::Server) => {
            eprintln!("borderline: waiting for {} ({other})", dir.display());
            DataLock::acquire(dir, holder, Duration::from_secs(120)).map_err(|e| Failure::new(3, e.to_string()))
        }
        Err(LockError::Held { holder: other, .. }) => Err(Failure::new(
            3,
            format!(
                "{} is in use by {other}: change it through that server instead (POST, PUT, PATCH or DELETE on \
                 /ogc/collections/incidents/items with Authorization: Bearer TOKEN), or stop it (Ctrl-C or \
                 SIGTERM) first",
                dir.display()
            ),
        )),
        r => r.map_err(|e| Failure::new(3, e.to_string())),
    }
}

/// Opens `dir`'s record for writing.
fn open(dir: &Path) -> Result<Record, Failure> {
    let lock = lock(dir, Holder::Import)?;
    crate::store::remove_leftovers(dir, crate::store::files::INCIDENTS);
    Record::open(dir, lock).map_err(open_failure)
}

fn open_failure(e: crate::record::OpenError) -> Failure {
    match e {
        crate::record::OpenError::Load(e) => Failure::from(e),
        other => Failure::new(1, other.to_string()),
    }
}

/// The actor named by `--user`, or the directory's owner.
fn actor(dir: &Path, user: Option<&str>) -> Result<Actor, Failure> {
    match user {
        None => {
            let name = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "owner".into());
            Ok(Actor { name: format!("local:{name}"), role: Role::Admin })
        }
        Some(name) => {
            let users = UserList::read(dir).map_err(|e| Failure::new(3, e.to_string()))?;
            let user = users
                .users
                .iter()
                .find(|u| u.name == name && u.revoked_at.is_none())
                .ok_or_else(|| Failure::new(2, format!("no user {name:?} in {} (or revoked)", dir.display())))?;
            Ok(Actor { name: user.name.clone(), role: user.role })
        }
    }
}

fn edit_failure(e: EditError) -> Failure {
    let code = match e {
        EditError::Invalid(_) | EditError::Stale { .. } | EditError::Conflict(_) => 1,
        EditError::NotFound(_) | EditError::NoProposal(_) => 4,
        EditError::Forbidden(_) => 2,
        EditError::Unavailable(_) | EditError::ReadOnly => 3,
    };
    let message = match &e {
        EditError::Invalid(problems) => {
            let lines: Vec<String> = problems.iter().map(|p| format!("  {}: {}", p.field, p.message)).collect();
            format!("the change is not valid; nothing was written:\n{}", lines.join("\n"))
        }
        other => other.to_string(),
    };
    Failure::new(code, message)
}

fn read_input(file: &str) -> Result<String, Failure> {
    let mut text = String::new();
    if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::new(3, format!("cannot read standard input: {e}")))?;
    } else {
        text = std::fs::read_to_string(file).map_err(|e| Failure::new(3, format!("cannot read {file}: {e}")))?;
    }
    Ok(text)
}

fn read_json(file: &str) -> Result<Value, Failure> {
    let text = read_input(file)?;
    serde_json::from_str(&text).map_err(|e| Failure::new(1, format!("{file}:{}: not JSON: {e}", e.line())))
}

/// `users add|list|revoke`.
pub fn users(data: Option<&Path>, command: &UsersCommand, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let _lock = lock(dir, Holder::Import)?;
    let mut users = UserList::read(dir).map_err(|e| Failure::new(3, e.to_string()))?;
    match command {
        UsersCommand::List => {
            writeln!(out, "{:<24} {:<9} {:<25} revoked", "name", "role", "created")?;
            for u in &users.users {
                writeln!(
                    out,
                    "{:<24} {:<9} {:<25} {}",
                    u.name,
                    u.role,
                    u.created_at,
                    u.revoked_at.as_deref().unwrap_or("-")
                )?;
            }
        }
        UsersCommand::Add { name, role } => {
            let token = users.add(name, *role).map_err(|e| Failure::new(2, e.to_string()))?;
            users.write(dir).map_err(|e| Failure::new(3, e.to_string()))?;
            writeln!(
                out,
                "added {name} ({role}); their token, shown this once (keep it secret; send it as Authorization: Bearer TOKEN):"
            )?;
            writeln!(out, "{token}")?;
        }
        UsersCommand::Revoke { name } => {
            users.revoke(name).map_err(|e| Failure::new(4, e.to_string()))?;
            users.write(dir).map_err(|e| Failure::new(3, e.to_string()))?;
            writeln!(out, "revoked {name}'s token")?;
        }
    }
    Ok(())
}

/// A `--set field=value` list as a merge patch of the feature.
fn set_patch(set: &[String]) -> Result<Value, Failure> {
    let mut props = Map::new();
    let mut patch = Map::new();
    for item in set {
        let (field, value) =
            item.split_once('=').ok_or_else(|| Failure::new(2, format!("--set {item:?}: expected FIELD=VALUE")))?;
        let value = match value.trim() {
            "" => Value::Null,
            v => serde_json::from_str::<Value>(v)
                .ok()
                .filter(|j| j.is_number() || j.is_boolean())
                .unwrap_or_else(|| Value::String(v.to_string())),
        };
        match field.trim() {
            "lon" | "lat" | "longitude" | "latitude" => {
                return Err(Failure::new(
                    2,
                    "move an incident with --patch and a geometry: {\"geometry\": {\"type\": \"Point\", \"coordinates\": [lon, lat]}}",
                ));
            }
            f => props.insert(f.to_string(), value),
        };
    }
    patch.insert("properties".into(), Value::Object(props));
    Ok(Value::Object(patch))
}

/// `incidents add|edit|retire|publish|reject`.
pub fn incidents(data: Option<&Path>, action: &IncidentAction, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let (act, change, if_match) = match action {
        IncidentAction::Add { file, act } => (act, Change::Create(read_json(file)?), None),
        IncidentAction::Edit { id, set, patch, if_version, act } => {
            let body = match (patch, set.is_empty()) {
                (Some(file), true) => read_json(file)?,
                (None, false) => set_patch(set)?,
                _ => return Err(Failure::new(2, "give either --set FIELD=VALUE (repeatable) or --patch FILE")),
            };
            (act, Change::Patch(id.clone(), body), *if_version)
        }
        IncidentAction::Retire { id, act } => (act, Change::Status(id.clone(), Status::Retired), None),
        IncidentAction::Publish { id, act } => (act, Change::Status(id.clone(), Status::Published), None),
        IncidentAction::Reject { id, act } => (act, Change::Status(id.clone(), Status::Rejected), None),
        IncidentAction::Accept { proposal, act } => (act, Change::Accept(*proposal), None),
        IncidentAction::Decline { proposal, act } => (act, Change::Decline(*proposal), None),
        IncidentAction::Proposals => return proposals(dir, out),
    };
    let actor = actor(dir, act.user.as_deref())?;
    let record = open(dir)?;
    let applied = record
        .submit_blocking(Request { change, actor, if_match, reason: act.reason.clone() })
        .map_err(edit_failure)?;
    match applied.op {
        Op::Propose => {
            return Ok(writeln!(
                out,
                "proposed a correction of {} as proposal #{}: version {} stays as it is until a reviewer accepts it \
                 (borderline incidents accept {})",
                applied.id, applied.seq, applied.version, applied.seq
            )?);
        }
        Op::Decline => {
            return Ok(writeln!(out, "declined proposal of {} (journal entry {})", applied.id, applied.seq)?);
        }
        _ => {}
    }
    writeln!(
        out,
        "{} {}: version {}, {} (journal entry {})",
        applied.op.as_str(),
        applied.id,
        applied.version,
        applied.status,
        applied.seq
    )?;
    Ok(())
}

/// `sources add`.
pub fn sources(data: Option<&Path>, command: &SourcesCommand, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let SourcesCommand::Add { title, outlet, published, url, language, text, keep_text, no_claims, act } = command;
    let text = match text {
        Some(path) => Some(read_input(&path.display().to_string())?),
        None => None,
    };
    let value = serde_json::json!({
        "title": title, "outlet": outlet, "published": published, "url": url, "language": language,
        "text": text, "keep_text": keep_text,
    });
    let (mut document, kept) =
        crate::server::edit::source_document(&value).map_err(|p| edit_failure(EditError::Invalid(p)))?;
    let id = document.id.clone();
    let actor = actor(dir, act.user.as_deref())?;
    let record = open(dir)?;
    if let Some(text) = text.as_deref().filter(|_| !no_claims) {
        document.claims = crate::text::register::claims_of_text(&record.store(), text, &id);
    }
    let claims = document.claims.len();
    record
        .submit_blocking(Request {
            change: Change::Source(Box::new(document), kept),
            actor,
            if_match: None,
            reason: act.reason.clone(),
        })
        .map_err(edit_failure)?;
    writeln!(out, "added source {id} with {claims} claim(s) read from its text: cite it in an incident's sources")?;
    Ok(())
}

/// `history ID`.
pub fn history(data: Option<&Path>, id: &str, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let entries = crate::record::snapshot::incident_history(dir, id).map_err(|e| Failure::new(1, e.to_string()))?;
    if json {
        serde_json::to_writer_pretty(&mut *out, &entries).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    if entries.is_empty() {
        writeln!(out, "{id}: no change recorded (as loaded, version 1)")?;
        return Ok(());
    }
    for e in &entries {
        let version = e.version.map_or(String::new(), |v| format!(" → v{v}"));
        writeln!(out, "#{} {} {} {}{version}", e.seq, e.at, e.by, e.op.as_str())?;
        if let Some(r) = &e.reason {
            writeln!(out, "    why: {r}")?;
        }
        if !e.sources.is_empty() {
            writeln!(out, "    sources: {}", e.sources.join(", "))?;
        }
        for (field, change) in e.changes.iter().flatten() {
            let side = |n: usize| {
                change.get(n).map_or("null".into(), |v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
            };
            writeln!(out, "    {field}: {} → {}", side(0), side(1))?;
        }
    }
    Ok(())
}

/// `verify`.
pub fn verify(data: Option<&Path>, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let v = crate::record::verify(dir).map_err(|e| Failure::new(1, format!("verification failed: {e}")))?;
    writeln!(
        out,
        "ok: {} journal entries in an unbroken chain ({} folded segment(s) and the live journal), last hash {}",
        v.entries, v.segments, v.last_hash
    )?;
    writeln!(
        out,
        "ok: the snapshot is the one the journal names; replayed, the record holds {} incidents",
        v.incidents
    )?;
    if let Some(at) = v.torn {
        writeln!(
            out,
            "note: the journal ends in a partial line after byte {at} (a write a crash cut short, never acknowledged); it is dropped when the directory is next opened"
        )?;
    }
    Ok(())
}

/// `compact`.
pub fn compact(data: Option<&Path>, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let record = open(dir)?;
    let done = record.compact_blocking().map_err(|e| Failure::new(3, format!("compaction failed: {e}")))?;
    match &done.segment {
        None => writeln!(out, "nothing to fold: the journal holds no change since the snapshot")?,
        Some(s) => writeln!(
            out,
            "folded {} entries into {} ({} incidents); the history is kept in {}",
            done.folded,
            dir.join(crate::store::files::INCIDENTS).display(),
            done.incidents,
            s.display()
        )?,
    }
    Ok(())
}

/// `import`: reads the file, then records each new or changed incident through the writer, as the user.
pub fn import(data: Option<&Path>, args: &ImportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let dir = need_dir(data)?;
    let format = match args.format {
        Some(f) => f,
        None => crate::store::detect_format(&args.file).map_err(|m| Failure::new(2, m))?,
    };
    let size = std::fs::metadata(&args.file)
        .map_err(|e| Failure::new(3, format!("cannot read {}: {e}", args.file.display())))?
        .len();
    let actor = actor(dir, args.user.as_deref())?;
    let lock = lock(dir, Holder::Import)?;
    crate::store::remove_leftovers(dir, crate::store::files::INCIDENTS);
    let store = crate::record::load(Some(dir)).map_err(open_failure)?;
    let bar = super::progress_bar(size, "reading");
    let (changes, report) = store.plan_import(&args.file, format, &mut |bytes| bar.set_position(bytes))?;
    bar.finish_and_clear();
    for problem in &report.problems {
        writeln!(out, "{problem}")?;
    }
    writeln!(
        out,
        "{}: {} rows ({format}): {} new, {} updated, {} unchanged, {} refused",
        args.file.display(),
        report.rows,
        report.added,
        report.updated,
        report.unchanged,
        report.refused_rows
    )?;
    if report.added + report.updated + report.unchanged == 0 {
        let why = match report.problems.first() {
            Some(first) => format!("{} problem(s), the first: {first}", report.problems.len()),
            None => "it holds no rows".to_string(),
        };
        return Err(Failure::new(
            1,
            format!("import refused: no row of {} could be used ({why}); nothing was written", args.file.display()),
        ));
    }
    if args.strict && !report.problems.is_empty() {
        return Err(Failure::new(
            1,
            format!(
                "import refused (--strict): {} problem(s) in {} row(s); nothing was written",
                report.problems.len(),
                report.refused_rows
            ),
        ));
    }
    if args.dry_run {
        writeln!(out, "dry run: nothing written")?;
        return Ok(());
    }
    if !report.changes() {
        writeln!(out, "nothing to change in {}", dir.display())?;
        return Ok(());
    }
    let incidents = changes
        .into_iter()
        .map(|mut incident| {
            if args.as_draft {
                incident.revision.status = Status::Draft;
            }
            incident
        })
        .collect();
    let file = args.file.display().to_string();
    let done = crate::record::import::import(dir, &lock, store, incidents, &actor, &file).map_err(|e| match e {
        crate::record::import::ImportError::Refused(e) => Failure::new(1, format!("import refused: {e}")),
        crate::record::import::ImportError::Open(e) => open_failure(e),
        e @ crate::record::import::ImportError::Unfolded { .. } => Failure::new(3, e.to_string()),
        e => Failure::new(3, format!("{e}; nothing was recorded")),
    })?;
    writeln!(
        out,
        "recorded {} changes as {} in the journal; wrote {} incidents to {}",
        done.recorded,
        actor.name,
        done.incidents,
        dir.join(crate::store::files::INCIDENTS).display()
    )?;
    Ok(())
}
