//! Editing over a real socket: OGC API Part 4 with tokens, roles, versions and review; bad input refused with
//! every field problem and the journal untouched; the history kept and provable; and acknowledged changes
//! surviving `kill -9` under a write load.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Answer, Rng, Server, add_user, http};

const ITEMS: &str = "/ogc/collections/incidents/items";

/// A valid new incident near Tinzaouatene, citing a register document.
fn feature(notes: &str) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.98, 19.95]},
        "properties": {
            "event_date": "2026-11-30", "event_type": "Battles", "sub_event_type": "Armed clash",
            "actor1": "Unidentified armed group", "location": "Tinzaouatene", "country": "Mali",
            "geo_precision": 2, "fatalities": 3, "notes": notes, "sources": "000_608ed6d42e3f7f25",
        }
    })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

struct Team {
    _dir: tempfile::TempDir,
    editor: String,
    reviewer: String,
}

fn team() -> (Team, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let editor = add_user(&path, "ed", "editor");
    let reviewer = add_user(&path, "rita", "reviewer");
    (Team { _dir: dir, editor, reviewer }, path)
}

fn send(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    extra: &[(&str, &str)],
    body: &Value,
) -> Answer {
    let auth = token.map(bearer);
    let mut headers: Vec<(&str, &str)> = vec![("Content-Type", "application/geo+json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a));
    }
    headers.extend_from_slice(extra);
    let bytes = if body.is_null() { Vec::new() } else { serde_json::to_vec(body).unwrap() };
    http(&server.base, method, path, &headers, &bytes).unwrap()
}

/// The fields a 422 answer names, in order.
fn problem_fields(answer: &Answer) -> Vec<String> {
    answer.json()["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap().to_string()).collect()
}

fn journal(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("journal.jsonl")).unwrap()
}

fn borderline(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_borderline")).arg("--data").arg(dir).args(args).output().unwrap()
}

#[test]
fn a_draft_is_recorded_checked_published_corrected_and_retired_with_its_history() {
    let (team, dir) = team();
    let server = Server::start(Some(&dir));
    let (ed, rita) = (Some(team.editor.as_str()), Some(team.reviewer.as_str()));

    // Who may write, and what the service says it can do.
    let none = send(&server, "POST", ITEMS, None, &[], &feature("n"));
    assert_eq!(none.status, 401, "{}", none.body);
    assert!(none.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
    assert_eq!(none.json()["code"], "Unauthorized");
    let forged = send(&server, "POST", ITEMS, Some("bl_000000000000_nope"), &[], &feature("n"));
    assert_eq!(forged.status, 401);
    let conformance = http(&server.base, "GET", "/ogc/conformance", &[], b"").unwrap().json();
    assert!(conformance["conformsTo"].to_string().contains("ogcapi-features-4/1.0/conf/create-replace-delete"));
    let doc = http(&server.base, "GET", "/ogc/api", &[], b"").unwrap().json();
    let item_ops = &doc["paths"]["/ogc/collections/{collectionId}/items/{featureId}"];
    for m in ["get", "put", "patch", "delete"] {
        assert!(item_ops[m].is_object(), "the OpenAPI document lacks {m} on an item: {item_ops}");
    }
    assert_eq!(item_ops["patch"]["security"][0]["bearer"], json!([]));
    assert!(item_ops["patch"]["requestBody"]["content"]["application/merge-patch+json"].is_object());
    assert!(doc["paths"]["/api/proposals/{proposal}/accept"]["post"].is_object());
    let options = http(&server.base, "OPTIONS", ITEMS, &[], b"").unwrap();
    assert!(options.header("allow").unwrap().contains("POST"), "{:?}", options.headers);
    let options = http(&server.base, "OPTIONS", &format!("{ITEMS}/MLI0001"), &[], b"").unwrap();
    for m in ["PUT", "PATCH", "DELETE"] {
        assert!(options.header("allow").unwrap().contains(m), "{:?}", options.headers);
    }

    // An editor records a draft: 201, Location, ETag; the public does not see it.
    let public_before =
        http(&server.base, "GET", &format!("{ITEMS}?limit=1"), &[], b"").unwrap().json()["numberMatched"].clone();
    let battles = |server: &Server| {
        http(&server.base, "GET", &format!("{ITEMS}?limit=1&event_type=Battles"), &[], b"").unwrap().json()["numberMatched"]
            .as_u64()
            .unwrap()
    };
    let battles_before = battles(&server);
    let created = send(&server, "POST", ITEMS, ed, &[], &feature("seen from the air"));
    assert_eq!(created.status, 201, "{}", created.body);
    let location = created.header("location").unwrap().to_string();
    let id = location.rsplit('/').next().unwrap().to_string();
    assert!(location.ends_with(&format!("{ITEMS}/{id}")), "{location}");
    assert_eq!(created.header("etag"), Some("\"v1\""));
    assert_eq!(created.json()["properties"]["status"], "draft");
    assert_eq!(created.json()["properties"]["updated_by"], "ed");
    assert!(created.json()["properties"]["border_distance_m"].as_f64().unwrap() > 0.0, "measured at once");
    let item = format!("{ITEMS}/{id}");
    assert_eq!(http(&server.base, "GET", &item, &[], b"").unwrap().status, 404, "a draft is invisible to the public");
    let history = format!("{item}/history");
    assert_eq!(http(&server.base, "GET", &history, &[], b"").unwrap().status, 404, "and so is its history");
    let team_history = http(&server.base, "GET", &history, &[("Authorization", &bearer(&team.editor))], b"").unwrap();
    assert_eq!(team_history.json()["versions"][0]["op"], "create", "{}", team_history.body);
    let listed = http(&server.base, "GET", &format!("{ITEMS}?limit=1"), &[], b"").unwrap().json();
    assert_eq!(listed["numberMatched"], public_before);
    assert_eq!(http(&server.base, "GET", &format!("{ITEMS}?status=draft"), &[], b"").unwrap().status, 401);
    let auth = bearer(&team.editor);
    let drafts = http(&server.base, "GET", &format!("{ITEMS}?status=draft"), &[("Authorization", &auth)], b"").unwrap();
    assert_eq!(drafts.json()["numberMatched"], 1, "{}", drafts.body);
    let mine = http(&server.base, "GET", &item, &[("Authorization", &auth)], b"").unwrap();
    assert_eq!((mine.status, mine.header("etag")), (200, Some("\"v1\"")));

    // Corrections: a reason is required, a stale If-Match is refused; neither writes anything.
    let before = journal(&dir);
    let patch = json!({"properties": {"fatalities": 4}});
    let no_reason = send(&server, "PATCH", &item, ed, &[], &patch);
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    assert_eq!(no_reason.json()["problems"][0]["field"], "reason");
    let stale = send(&server, "PATCH", &item, ed, &[("If-Match", "\"v7\""), ("Borderline-Reason", "toll")], &patch);
    assert_eq!(stale.status, 412, "{}", stale.body);
    assert_eq!(journal(&dir), before, "refused changes write nothing");
    let fixed = send(
        &server,
        "PATCH",
        &item,
        ed,
        &[("If-Match", "\"v1\""), ("Borderline-Reason", "second report: 4 dead")],
        &patch,
    );
    assert_eq!((fixed.status, fixed.header("etag")), (200, Some("\"v2\"")), "{}", fixed.body);
    assert_eq!(fixed.json()["properties"]["fatalities"], 4);

    // Review: an editor may not publish; a reviewer does, and the public sees it at once.
    let editor_publishes = send(&server, "POST", &format!("/api/incidents/{id}/publish"), ed, &[], &Value::Null);
    assert_eq!(editor_publishes.status, 403, "{}", editor_publishes.body);
    let published = send(&server, "POST", &format!("/api/incidents/{id}/publish"), rita, &[], &Value::Null);
    assert_eq!(published.status, 200, "{}", published.body);
    let public = http(&server.base, "GET", &item, &[], b"").unwrap();
    assert_eq!((public.status, public.header("etag")), (200, Some("\"v3\"")));
    assert_eq!(public.json()["properties"]["status"], "published");
    let listed = http(&server.base, "GET", &format!("{ITEMS}?limit=1"), &[], b"").unwrap().json();
    assert_eq!(listed["numberMatched"].as_u64(), public_before.as_u64().map(|n| n + 1));
    assert_eq!(battles(&server), battles_before + 1, "a filtered question is answered afresh after an edit");
    let near = http(&server.base, "GET", "/api/near-border?km=100&border=DZA-MLI", &[], b"").unwrap().body;
    assert!(near.contains(&id), "the corridor sees the new incident");

    // Published incidents are corrected by reviewers; an editor's correction is only proposed. PUT replaces
    // the whole feature.
    let mut whole = feature("seen from the air; confirmed by a second outlet");
    whole["properties"]["fatalities"] = json!(5);
    let editor_puts = send(&server, "PUT", &item, ed, &[("Borderline-Reason", "more")], &whole);
    assert_eq!(editor_puts.status, 202, "{}", editor_puts.body);
    assert_eq!(http(&server.base, "GET", &item, &[], b"").unwrap().header("etag"), Some("\"v3\""));
    let put = send(&server, "PUT", &item, rita, &[("Borderline-Reason", "confirmed")], &whole);
    assert_eq!((put.status, put.header("etag")), (200, Some("\"v4\"")), "{}", put.body);

    // Retiring: kept in the history, gone from every public view, listed in the deletions feed.
    let retired = send(&server, "DELETE", &format!("{item}?reason=duplicate%20of%20MLI0001"), rita, &[], &Value::Null);
    assert_eq!(retired.status, 204, "{}", retired.body);
    assert_eq!(http(&server.base, "GET", &item, &[], b"").unwrap().status, 404);
    let deleted = http(&server.base, "GET", "/api/deleted", &[], b"").unwrap().json();
    assert_eq!(deleted["deleted"][0]["event_id_cnty"], id.as_str(), "{deleted}");
    assert_eq!(http(&server.base, "GET", &history, &[], b"").unwrap().status, 404, "the public sees no history of it");
    let history = http(&server.base, "GET", &history, &[("Authorization", &auth)], b"").unwrap().json();
    let ops: Vec<&str> = history["versions"].as_array().unwrap().iter().map(|v| v["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["create", "update", "publish", "propose", "replace", "retire"], "{history}");
    assert_eq!(history["versions"][1]["by"], "ed");
    assert_eq!(history["versions"][1]["reason"], "second report: 4 dead");
    assert_eq!(history["versions"][1]["changes"]["fatalities"], json!([3, 4]));
    assert_eq!(history["versions"][5]["reason"], "duplicate of MLI0001");
    assert_eq!(history["versions"][2]["changes"]["status"], json!(["draft", "published"]), "{history}");
    assert_eq!(history["versions"][5]["changes"]["status"], json!(["published", "retired"]), "{history}");

    // After a restart the record is the same, and its history proves unbroken.
    drop(server);
    let verify = borderline(&dir, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let text = String::from_utf8_lossy(&borderline(&dir, &["history", &id]).stdout).to_string();
    assert!(text.contains("why: second report: 4 dead") && text.contains("fatalities: 3 → 4"), "{text}");
    let server = Server::start(Some(&dir));
    let again = http(&server.base, "GET", &format!("{item}/history"), &[("Authorization", &auth)], b"").unwrap().json();
    assert_eq!(again["version"], 5);
}

#[test]
fn bad_edits_are_refused_with_every_field_problem_and_change_nothing() {
    let (team, dir) = team();
    let server = Server::start(Some(&dir));
    let ed = Some(team.editor.as_str());
    let before = journal(&dir);
    let post = |body: &[u8]| {
        let auth = bearer(&team.editor);
        http(&server.base, "POST", ITEMS, &[("Authorization", &auth), ("Content-Type", "application/json")], body)
            .unwrap()
    };
    let malformed = post(b"{\"type\": \"Feature\",");
    assert_eq!(malformed.status, 422, "{}", malformed.body);
    assert_eq!(malformed.json()["problems"][0]["field"], "body");

    let mut wrong = feature("n");
    wrong["properties"]["fatalities"] = json!("many");
    wrong["properties"]["event_date"] = json!("30/11/2026");
    wrong["geometry"]["coordinates"] = json!([2.98, 95.0]);
    let answer = send(&server, "POST", ITEMS, ed, &[], &wrong);
    assert_eq!(answer.status, 422, "{}", answer.body);
    let fields = problem_fields(&answer);
    assert!(fields.contains(&"fatalities".to_string()) || fields.contains(&"feature".to_string()), "{fields:?}");

    let mut far = feature("n");
    far["geometry"]["coordinates"] = json!([2.98, 95.0]);
    far["properties"]["event_date"] = json!("30/11/2026");
    let answer = send(&server, "POST", ITEMS, ed, &[], &far);
    assert_eq!(answer.status, 422, "{}", answer.body);
    let fields = problem_fields(&answer);
    assert!(
        fields.contains(&"geometry.coordinates".to_string()) && fields.contains(&"event_date".to_string()),
        "{fields:?}"
    );

    let mut unsourced = feature("n");
    unsourced["properties"]["sources"] = json!("");
    let answer = send(&server, "POST", ITEMS, ed, &[], &unsourced);
    assert_eq!(
        (answer.status, answer.json()["problems"][0]["field"].clone()),
        (422, json!("sources")),
        "{}",
        answer.body
    );
    let mut unknown_source = feature("n");
    unknown_source["properties"]["sources"] = json!("not_in_the_register");
    assert_eq!(send(&server, "POST", ITEMS, ed, &[], &unknown_source).status, 422);

    // A misspelt field is named, not dropped (which would record a correction that changes nothing).
    let misspelt = json!({"properties": {"fatalitiez": 52, "fatalities": "x"}});
    let answer = send(&server, "PATCH", &format!("{ITEMS}/MLI0001"), ed, &[("Borderline-Reason", "x")], &misspelt);
    assert_eq!(answer.status, 422, "{}", answer.body);
    let fields = problem_fields(&answer);
    assert!(fields.contains(&"fatalitiez".to_string()) && fields.contains(&"fatalities".to_string()), "{fields:?}");
    let mut extra = feature("n");
    extra["properties"]["bogus"] = json!(1);
    let answer = send(&server, "POST", ITEMS, ed, &[], &extra);
    assert_eq!((answer.status, problem_fields(&answer)), (422, vec!["bogus".to_string()]), "{}", answer.body);

    let unreasoned =
        send(&server, "DELETE", &format!("{ITEMS}/MLI0001"), Some(team.reviewer.as_str()), &[], &Value::Null);
    assert_eq!(unreasoned.status, 422, "{}", unreasoned.body);
    assert!(unreasoned.body.contains("a retirement needs a short reason"), "{}", unreasoned.body);

    let patch = json!({"properties": {"fatalities": 1}});
    let missing = send(&server, "PATCH", &format!("{ITEMS}/NO_SUCH"), ed, &[("Borderline-Reason", "x")], &patch);
    assert_eq!(missing.status, 404, "{}", missing.body);
    let huge = vec![b'x'; borderline::server::MAX_BODY_BYTES + 1];
    let answer = post(&huge);
    assert_eq!(answer.status, 413, "{}", answer.body);
    let read_only = send(&server, "POST", "/ogc/collections/places/items", ed, &[], &feature("n"));
    assert_eq!(read_only.status, 405, "{}", read_only.body);
    assert_eq!(journal(&dir), before, "the journal is unchanged");
}

#[test]
fn a_server_without_a_data_directory_refuses_changes_and_says_why() {
    let server = Server::start(None);
    let answer = send(&server, "POST", ITEMS, Some("bl_x_y"), &[], &feature("n"));
    assert_eq!(answer.status, 401, "no user can exist without a data directory");
    let options = http(&server.base, "OPTIONS", ITEMS, &[], b"").unwrap();
    assert!(!options.header("allow").unwrap().contains("POST"));
    let conformance = http(&server.base, "GET", "/ogc/conformance", &[], b"").unwrap().body;
    assert!(!conformance.contains("ogcapi-features-4"));
}

#[test]
fn acknowledged_changes_survive_kill_9_under_a_write_load_and_the_history_verifies() {
    let (team, dir) = team();
    let mut rng = Rng::new(15);
    // What was acknowledged: incident id → the highest version a 2xx answer named.
    let mut acknowledged: std::collections::BTreeMap<String, u64> = Default::default();
    let deadline = Instant::now() + Duration::from_secs(75);
    let mut rounds = 0;
    while rounds < 20 && Instant::now() < deadline {
        rounds += 1;
        let server = Server::start(Some(&dir));
        let base = server.base.clone();
        let stop_at = Instant::now() + Duration::from_secs(30);
        let first_ack = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let killed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (base, token) = (base.clone(), team.editor.clone());
                let (first_ack, killed) = (first_ack.clone(), killed.clone());
                std::thread::spawn(move || {
                    let mut acks = Vec::new();
                    let mut mine: Vec<String> = Vec::new();
                    let auth = format!("Bearer {token}");
                    let mut n = 0;
                    while Instant::now() < stop_at && !killed.load(std::sync::atomic::Ordering::SeqCst) {
                        n += 1;
                        let answer = if n % 3 == 0 && !mine.is_empty() {
                            let id = &mine[n % mine.len()];
                            let body = serde_json::to_vec(&json!({"properties": {"fatalities": n}})).unwrap();
                            let headers = [("Authorization", auth.as_str()), ("Borderline-Reason", "load")];
                            http(&base, "PATCH", &format!("{ITEMS}/{id}"), &headers, &body)
                        } else {
                            let body = serde_json::to_vec(&feature(&format!("writer {w} change {n}"))).unwrap();
                            http(&base, "POST", ITEMS, &[("Authorization", auth.as_str())], &body)
                        };
                        match answer {
                            Ok(a) if a.status == 200 || a.status == 201 => {
                                first_ack.store(true, std::sync::atomic::Ordering::SeqCst);
                                let v = a.json();
                                let id = v["id"].as_str().unwrap().to_string();
                                let version = v["properties"]["version"].as_u64().unwrap();
                                if a.status == 201 {
                                    mine.push(id.clone());
                                }
                                acks.push((id, version));
                            }
                            // Killed mid-request: not acknowledged.
                            _ => {}
                        }
                    }
                    acks
                })
            })
            .collect();
        // Kill at a random moment once the load is under way (the first answer can take a while: a debug build
        // checks the token's Argon2 hash once per process).
        let waiting = Instant::now();
        while !first_ack.load(std::sync::atomic::Ordering::SeqCst) && waiting.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(rng.range(20.0, 600.0) as u64));
        drop(server); // SIGKILL
        killed.store(true, std::sync::atomic::Ordering::SeqCst);
        for w in writers {
            for (id, version) in w.join().unwrap() {
                let known = acknowledged.entry(id).or_default();
                *known = (*known).max(version);
            }
        }
    }
    assert!(rounds >= 5, "only {rounds} rounds in the time allowed");
    assert!(!acknowledged.is_empty(), "no change was acknowledged: the test proves nothing");
    let verify = borderline(&dir, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let state = borderline::record::load(Some(&dir)).unwrap();
    for (id, version) in &acknowledged {
        let incident = state.incident(id).unwrap_or_else(|| panic!("acknowledged incident {id} lost"));
        assert!(
            u64::from(incident.revision.version) >= *version,
            "{id}: version {} < acknowledged {version}",
            incident.revision.version
        );
    }
    // And a server started on it serves every one of them.
    let server = Server::start(Some(&dir));
    let auth = bearer(&team.editor);
    let drafts =
        http(&server.base, "GET", &format!("{ITEMS}?status=draft&limit=1"), &[("Authorization", &auth)], b"").unwrap();
    assert!(drafts.json()["numberMatched"].as_u64().unwrap() >= acknowledged.len() as u64);
}

#[test]
fn a_geopackage_edited_in_a_gis_comes_back_as_journal_entries_by_the_importing_user_and_nothing_else() {
    let (_team, dir) = team();
    let work = tempfile::tempdir().unwrap();
    let gpkg = work.path().join("incidents.gpkg");
    let out = borderline(&dir, &["export", "--layers", "incidents", "-o", gpkg.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The GIS user corrects a toll and moves a point, as QGIS would write them (GDAL's SQLite dialect).
    let sql = "UPDATE incidents SET fatalities = 45 WHERE event_id_cnty = 'MLI0001'; \
               UPDATE incidents SET geom = MakePoint(1.01, 20.01, 4326) WHERE event_id_cnty = 'MLI0002'";
    for statement in sql.split("; ") {
        let edit = std::process::Command::new("ogrinfo")
            .args([gpkg.to_str().unwrap(), "-dialect", "SQLite", "-sql", statement])
            .output()
            .expect("ogrinfo (GDAL) is installed by tools/test.sh");
        assert!(edit.status.success(), "{}", String::from_utf8_lossy(&edit.stderr));
    }
    let before = borderline::record::load(Some(&dir)).unwrap();
    // An import is no way around review: an editor's changes to published incidents are refused, whole.
    let refused = borderline(&dir, &["import", "--user", "ed", gpkg.to_str().unwrap()]);
    let message = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(
        !refused.status.success() && message.contains("MLI0001, MLI0002") && message.contains("reviewer"),
        "{message}"
    );
    assert_eq!(borderline::record::load(Some(&dir)).unwrap().incident("MLI0001"), before.incident("MLI0001"));
    let out = borderline(&dir, &["import", "--user", "rita", gpkg.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("0 new, 2 updated"), "{text}");
    let after = borderline::record::load(Some(&dir)).unwrap();
    assert_eq!(after.incident("MLI0001").unwrap().fatalities, Some(45));
    let moved = after.incident("MLI0002").unwrap();
    assert!((moved.position.x - 1.01).abs() < 1e-9 && (moved.position.y - 20.01).abs() < 1e-9);
    for i in before.incidents().filter(|i| !["MLI0001", "MLI0002"].contains(&&*i.event_id)) {
        assert_eq!(after.incident(&i.event_id), Some(i), "{} was touched", i.event_id);
    }
    let history = String::from_utf8_lossy(&borderline(&dir, &["history", "MLI0001"]).stdout).to_string();
    assert!(history.contains(" rita import → v2") && history.contains("fatalities: 50 → 45"), "{history}");
    assert!(borderline(&dir, &["verify"]).status.success());

    // Another edit of the same, now stale, file is a conflict: never a silent overwrite of version 2.
    let edit = std::process::Command::new("ogrinfo")
        .args([gpkg.to_str().unwrap(), "-dialect", "SQLite", "-sql"])
        .arg("UPDATE incidents SET fatalities = 44 WHERE event_id_cnty = 'MLI0001'")
        .output()
        .unwrap();
    assert!(edit.status.success());
    let again = borderline(&dir, &["import", gpkg.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(text.contains("changed since this file was written (version 2 now, 1 in the file)"), "{text}");
    assert_eq!(borderline::record::load(Some(&dir)).unwrap().incident("MLI0001").unwrap().revision.version, 2);
}

#[test]
fn folding_the_changes_into_a_new_base_while_serving_loses_and_duplicates_nothing() {
    let (team, dir) = team();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_borderline"));
    cmd.env("BORDERLINE_FOLD_AT", "25").arg("--data").arg(&dir).args(["serve", "--addr", "127.0.0.1:0", "--quiet"]);
    let server = Server::spawn(cmd);
    let (ed, rita) = (Some(team.editor.as_str()), Some(team.reviewer.as_str()));
    let auth = bearer(&team.editor);
    let mut ids = Vec::new();
    for n in 0..60 {
        let mut f = feature(&format!("change {n}"));
        f["geometry"]["coordinates"] = json!([1.0 + n as f64 * 0.01, 20.0]);
        let created = send(&server, "POST", ITEMS, ed, &[], &f);
        assert_eq!(created.status, 201, "{}", created.body);
        ids.push(created.json()["id"].as_str().unwrap().to_string());
        if n % 4 == 0 {
            let published =
                send(&server, "POST", &format!("/api/incidents/{}/publish", ids[n]), rita, &[], &Value::Null);
            assert_eq!(published.status, 200);
        }
    }
    // Whatever folds happened or are under way, every query sees each incident once, in its last version.
    for round in 0..2 {
        let all = http(
            &server.base,
            "GET",
            &format!("{ITEMS}?status=draft,published&limit=1000"),
            &[("Authorization", &auth)],
            b"",
        )
        .unwrap()
        .json();
        let mut seen: Vec<String> =
            all["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(all["numberMatched"].as_u64(), Some(seen.len() as u64));
        seen.sort();
        let before = seen.len();
        seen.dedup();
        assert_eq!(seen.len(), before, "an incident listed twice");
        for id in &ids {
            assert!(seen.contains(id), "{id} missing");
        }
        let boxed = http(
            &server.base,
            "GET",
            &format!("{ITEMS}?bbox=0.995,19.99,1.6,20.01&status=draft,published&limit=1000"),
            &[("Authorization", &auth)],
            b"",
        )
        .unwrap()
        .json();
        assert_eq!(boxed["numberMatched"], 60, "{}", boxed["numberMatched"]);
        let public = http(&server.base, "GET", &format!("{ITEMS}?bbox=0.995,19.99,1.6,20.01&limit=1000"), &[], b"")
            .unwrap()
            .json();
        assert_eq!(public["numberMatched"], 15);
        // Then again once the last fold is surely in place.
        if round == 0 {
            std::thread::sleep(Duration::from_secs(2));
        }
    }
    drop(server);
    assert!(borderline(&dir, &["verify"]).status.success());
}

#[test]
fn a_compaction_stopped_at_any_step_is_finished_at_the_next_open_and_verifies_throughout() {
    let (_team, dir) = team();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("f.geojson");
    for n in 0..3 {
        std::fs::write(&file, serde_json::to_vec(&feature(&format!("cli {n}"))).unwrap()).unwrap();
        let out = borderline(&dir, &["incidents", "add", file.to_str().unwrap(), "--user", "ed"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let ids = |dir: &Path| {
        let mut v: Vec<String> =
            borderline::record::load(Some(dir)).unwrap().incidents().map(|i| i.event_id.to_string()).collect();
        v.sort();
        v
    };
    let want = ids(&dir);
    let verify = |when: &str| {
        let out = borderline(&dir, &["verify"]);
        assert!(out.status.success(), "{when}: {}", String::from_utf8_lossy(&out.stderr));
    };
    verify("before");
    // The first step of a compaction: the live lines copied to their history segment, then a kill.
    let live = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    let seqs: Vec<u64> =
        live.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["entry"]["seq"].as_u64().unwrap()).collect();
    std::fs::create_dir_all(dir.join("history")).unwrap();
    let segment = dir.join("history").join(format!("journal-{:09}-{:09}.jsonl", seqs[0], seqs[seqs.len() - 1]));
    std::fs::write(&segment, &live).unwrap();
    verify("after the segment was written");
    assert_eq!(ids(&dir), want);
    // The next open finishes it: a new snapshot, a journal that starts from it, the history kept.
    let out = borderline(&dir, &["compact"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    verify("after the next open");
    assert_eq!(ids(&dir), want);
    let history = String::from_utf8_lossy(&borderline(&dir, &["history", "BL000002"]).stdout).to_string();
    assert!(history.contains("create"), "{history}");
    // A snapshot edited outside borderline is caught.
    let snapshot = dir.join("incidents.geojson");
    let text = std::fs::read_to_string(&snapshot).unwrap().replacen("\"fatalities\":3", "\"fatalities\":30", 1);
    std::fs::write(&snapshot, text).unwrap();
    let out = borderline(&dir, &["verify"]);
    assert!(
        !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("changed outside borderline"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_edited_journal_line_is_found_by_verify() {
    let (team, dir) = team();
    let token = team.editor.clone();
    let server = Server::start(Some(&dir));
    for n in 0..3 {
        assert_eq!(send(&server, "POST", ITEMS, Some(&token), &[], &feature(&format!("n{n}"))).status, 201);
    }
    drop(server);
    assert!(borderline(&dir, &["verify"]).status.success());
    let journal = dir.join("journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, text.replacen("\"fatalities\":3", "\"fatalities\":4", 1)).unwrap();
    let out = borderline(&dir, &["verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("the entry was edited") && err.contains("journal.jsonl:2"), "{err}");
}

#[test]
fn an_admin_adds_and_revokes_users_while_the_server_runs_and_a_revoked_token_stops_at_once() {
    let (team, dir) = team();
    let admin = add_user(&dir, "alice", "admin");
    let server = Server::start(Some(&dir));
    let by_editor =
        send(&server, "POST", "/api/users", Some(&team.editor), &[], &json!({"name": "x", "role": "editor"}));
    assert_eq!(by_editor.status, 403, "{}", by_editor.body);
    let added = send(&server, "POST", "/api/users", Some(&admin), &[], &json!({"name": "late", "role": "editor"}));
    assert_eq!(added.status, 201, "{}", added.body);
    let token = added.json()["token"].as_str().unwrap().to_string();
    assert_eq!(send(&server, "POST", ITEMS, Some(&token), &[], &feature("late")).status, 201);
    let listed = send(&server, "GET", "/api/users", Some(&admin), &[], &Value::Null).body;
    assert!(listed.contains("\"late\"") && !listed.contains(&token) && !listed.contains("token_hash"), "{listed}");
    assert_eq!(send(&server, "DELETE", "/api/users/late", Some(&admin), &[], &Value::Null).status, 204);
    assert_eq!(send(&server, "POST", ITEMS, Some(&token), &[], &feature("late")).status, 401, "revoked, yet it wrote");
    drop(server);
    let users = std::fs::read_to_string(dir.join("users.json")).unwrap();
    assert!(users.contains("$argon2id$") && !users.contains(&token), "tokens are kept hashed only");
}

#[test]
fn an_editors_correction_of_a_published_incident_waits_for_a_reviewer_and_survives_restart_and_compaction() {
    let (team, dir) = team();
    let mut server = Server::start(Some(&dir));
    let (ed, rita) = (Some(team.editor.as_str()), Some(team.reviewer.as_str()));
    let item = format!("{ITEMS}/MLI0001");
    let public = http(&server.base, "GET", &item, &[], b"").unwrap();
    let (tag, notes) = (public.header("etag").unwrap().to_string(), public.json()["properties"]["notes"].clone());
    let more = format!("{} A later report names the attackers.", notes.as_str().unwrap_or(""));

    // The editor's patch becomes a proposal: 202, where it lives, what it changes; the incident stays.
    let proposed = send(
        &server,
        "PATCH",
        &item,
        ed,
        &[("Borderline-Reason", "a later report")],
        &json!({"properties": {"notes": more}}),
    );
    assert_eq!(proposed.status, 202, "{}", proposed.body);
    let first = proposed.json()["proposal"].as_u64().unwrap();
    assert!(proposed.header("location").unwrap().ends_with(&format!("/api/proposals/{first}")));
    assert_eq!(proposed.json()["changes"]["notes"], json!([notes, more]));
    assert_eq!(proposed.json()["stale"], false);
    assert!(proposed.json()["feature"]["properties"]["border_distance_m"].is_number(), "measured for the reviewer");
    let now = http(&server.base, "GET", &item, &[], b"").unwrap();
    assert_eq!((now.header("etag"), &now.json()["properties"]["notes"]), (Some(tag.as_str()), &notes));
    let moved = json!({"geometry": {"type": "Point", "coordinates": [3.0, 19.9]}});
    let second = send(&server, "PATCH", &item, ed, &[("Borderline-Reason", "better position")], &moved);
    assert_eq!(second.status, 202, "{}", second.body);
    let second = second.json()["proposal"].as_u64().unwrap();

    // Who sees and decides them.
    assert_eq!(http(&server.base, "GET", "/api/proposals", &[], b"").unwrap().status, 401);
    let auth = bearer(&team.editor);
    let listed =
        http(&server.base, "GET", "/api/proposals?incident=MLI0001", &[("Authorization", &auth)], b"").unwrap();
    assert_eq!(listed.json()["proposals"].as_array().unwrap().len(), 2, "{}", listed.body);
    let editor_accepts = send(&server, "POST", &format!("/api/proposals/{first}/accept"), ed, &[], &Value::Null);
    assert_eq!(editor_accepts.status, 403, "{}", editor_accepts.body);

    // Both are kept across a restart and a compaction, under their numbers.
    drop(server);
    let compacted = borderline(&dir, &["compact"]);
    assert!(compacted.status.success(), "{}", String::from_utf8_lossy(&compacted.stderr));
    let verify = borderline(&dir, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
    let listed = String::from_utf8_lossy(&borderline(&dir, &["incidents", "proposals"]).stdout).to_string();
    assert!(
        listed.contains(&format!("#{first} MLI0001")) && listed.contains(&format!("#{second} MLI0001")),
        "{listed}"
    );
    server = Server::start(Some(&dir));

    // The reviewer accepts the first: the next version, seen by everyone, attributed in the history.
    let accepted = send(&server, "POST", &format!("/api/proposals/{first}/accept"), rita, &[], &Value::Null);
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let public = http(&server.base, "GET", &item, &[], b"").unwrap();
    assert_eq!(public.json()["properties"]["notes"], more.as_str());
    assert_ne!(public.header("etag"), Some(tag.as_str()));
    let history = http(&server.base, "GET", &format!("{item}/history"), &[], b"").unwrap().json();
    let ops: Vec<&str> = history["versions"].as_array().unwrap().iter().map(|v| v["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["propose", "propose", "accept"], "{history}");
    assert!(history["versions"][2]["reason"].as_str().unwrap().contains("proposed by ed"), "{history}");

    // The second was made to the version before: accepting it would undo the first, so it is refused.
    let stale = send(&server, "POST", &format!("/api/proposals/{second}/accept"), rita, &[], &Value::Null);
    assert_eq!(stale.status, 409, "{}", stale.body);
    let no_reason = send(&server, "POST", &format!("/api/proposals/{second}/decline"), rita, &[], &Value::Null);
    assert_eq!(no_reason.status, 422, "{}", no_reason.body);
    let declined =
        send(&server, "POST", &format!("/api/proposals/{second}/decline?reason=redo%20it"), rita, &[], &Value::Null);
    assert_eq!(declined.status, 200, "{}", declined.body);
    let gone =
        http(&server.base, "GET", &format!("/api/proposals/{second}"), &[("Authorization", &auth)], b"").unwrap();
    assert_eq!(gone.status, 404);
    drop(server);
    let listed = String::from_utf8_lossy(&borderline(&dir, &["incidents", "proposals"]).stdout).to_string();
    assert!(listed.contains("no open proposals"), "{listed}");
    let verify = borderline(&dir, &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}
