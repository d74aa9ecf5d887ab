//! Reading texts: places, claims (every form, both languages), verdicts, drafts; the seeds against the register;
//! `check-text` and `POST /api/text/check`; registering a text's claims.

use borderline::store::Verdict;
use borderline::text::judge::{JudgedClaim, ObjectOut};
use borderline::text::{self, TextCheck};

use crate::common::{Server, http, store};

fn check(text: &str) -> TextCheck {
    let c = text::check(store(), text, None);
    // Every span is the text it claims to be, in characters.
    let at = |s: usize, e: usize| text.chars().skip(s).take(e - s).collect::<String>();
    for p in &c.places {
        assert_eq!(at(p.start, p.end), p.text);
    }
    for k in &c.claims {
        assert_eq!(at(k.start, k.end), k.text);
        assert!(k.sentence[0] <= k.start && k.end <= k.sentence[1], "{k:?}");
    }
    c
}

/// (kind, subject id, object: place id, border pair or words, stated m, verdict) of a claim.
fn summary(c: &JudgedClaim) -> (String, String, String, Option<f64>, Verdict) {
    let kind = serde_json::to_value(c.kind).unwrap().as_str().unwrap().to_string();
    let subject = c.subject.as_ref().map_or(String::new(), |s| s.place.place_id.clone());
    let object = match &c.object {
        Some(ObjectOut::Place { place, .. }) => place.place_id.clone(),
        Some(ObjectOut::Border { border, .. }) => border.clone().unwrap_or_default(),
        Some(ObjectOut::Unplaced { text }) => text.clone(),
        None => String::new(),
    };
    (kind, subject, object, c.stated_m.map(|m| (m * 1000.0).round() / 1000.0), c.verdict)
}

fn claims(text: &str) -> Vec<(String, String, String, Option<f64>, Verdict)> {
    check(text).claims.iter().map(summary).collect()
}

fn s(
    kind: &str,
    subject: &str,
    object: &str,
    stated: Option<f64>,
    v: Verdict,
) -> (String, String, String, Option<f64>, Verdict) {
    (kind.into(), subject.into(), object.into(), stated, v)
}

use Verdict::{Consistent as OK, Inconsistent as BAD, Unverifiable as UNV};

#[test]
fn english_claims_of_every_form_are_found_measured_and_judged() {
    let text = "Rebels said Aguelhok, about 125 km from Kidal, fell on 18 January 2012. \
        Tessalit lies some 85 km from the border. The town of Tessalit is roughly 60 km from the Algerian border. \
        Tinzaouatene is just 19 miles from Algeria.\n\
        The distance between Kidal and Tessalit is 200 km, while it is 600 km between Kidal and Timbuktu. \
        From Kidal the column drove 40 km into the desert. Tin Zaouatine sits on the Algerian-Malian border.";
    assert_eq!(
        claims(text),
        vec![
            s("distance", "aguelhok", "kidal", Some(125_000.0), OK),
            s("distance_to_border", "tessalit", "DZA-MLI", Some(85_000.0), BAD),
            s("distance_to_border", "tessalit", "DZA-MLI", Some(60_000.0), OK),
            s("distance_to_border", "tinzaouatene", "DZA-MLI", Some(30_577.536), BAD),
            s("distance", "kidal", "tessalit", Some(200_000.0), OK),
            s("distance", "kidal", "timbuktu", Some(600_000.0), BAD),
            s("distance", "kidal", "into the desert", Some(40_000.0), UNV),
            s("on_border", "tin-zaouatine", "DZA-MLI", None, OK),
        ]
    );
    let c = check(text);
    let desert = &c.claims[6];
    assert_eq!(desert.reason.as_deref(), Some("no place for \"into the desert\""));
    let timbuktu = &c.claims[5];
    assert!(timbuktu.note.as_deref().unwrap().contains("road distance"), "{timbuktu:?}");
    assert_eq!(timbuktu.text, "600 km between Kidal and Timbuktu");
    // The footnote form spans from "between" to the figure.
    assert_eq!(c.claims[4].text, "between Kidal and Tessalit is 200 km");
    // Both border sources are measured; the line runs from the subject to the nearest border point.
    let tz = &c.claims[3];
    assert!(tz.measured_m.unwrap() < 1_000.0 && tz.measured_naturalearth_m.unwrap() < 5_000.0, "{tz:?}");
    assert_eq!(tz.line.unwrap()[0], [2.96778, 19.94861]);
}

#[test]
fn french_claims_of_every_form_are_found_measured_and_judged() {
    let text = "Tessalit se trouve à environ 60 km de la frontière algérienne. Aguelhok est à une centaine de \
        kilomètres de Kidal. La distance entre Kidal et Tessalit est de 200 km, alors qu'elle est de 500 km entre \
        Kidal et Tombouctou. Tinzaouatène est sur la frontière algéro-malienne. Tessalit est à moins de 10 km du Niger.";
    assert_eq!(
        claims(text),
        vec![
            s("distance_to_border", "tessalit", "DZA-MLI", Some(60_000.0), OK),
            s("distance", "aguelhok", "kidal", Some(100_000.0), BAD),
            s("distance", "kidal", "tessalit", Some(200_000.0), OK),
            s("distance", "kidal", "timbuktu", Some(500_000.0), OK),
            s("on_border", "tinzaouatene", "DZA-MLI", None, OK),
            s("distance_to_border", "tessalit", "DZA-NER", Some(10_000.0), BAD),
        ]
    );
    assert_eq!(check(text).language, text::Language::Fr);
}

#[test]
fn numbers_that_are_not_distances_are_never_claims() {
    for text in [
        "On 27 July 2024, 47 soldiers were killed in Kidal; the fighting lasted 3 days and 12 hours.",
        "Une cinquantaine de morts à Gao en 2012, et 2 400 déplacés.",
        "In 2012, 2,400 people fled Tessalit, driving at 60 km/h over 1,200 km² of desert.",
    ] {
        assert_eq!(claims(text), vec![], "{text}");
    }
}

#[test]
fn ambiguous_names_are_resolved_from_the_text_and_the_alternatives_reported() {
    let c = check("Gao (Burkina Faso) is a small town; in Gao, Mali, 12 people died.");
    let ids: Vec<(&str, Vec<&str>)> = c
        .places
        .iter()
        .map(|p| (p.place.place_id.as_str(), p.alternatives.iter().map(|a| a.place_id.as_str()).collect()))
        .collect();
    assert_eq!(ids, vec![("gao-bfa", vec!["gao"]), ("gao", vec!["gao-bfa"])]);
    assert!(c.places[0].resolved_by.as_deref().unwrap().contains("BFA is named right after it"));
    // With no country near it, the countries the text names decide, and say so.
    let c = check("Fighting was reported in Mali. Later Gao was calm, and Kidal too.");
    assert_eq!(c.places[0].place.place_id, "gao");
    assert!(c.places[0].resolved_by.as_deref().unwrap().contains("MLI is named 1 times"), "{:?}", c.places[0]);
    // The twin towns: the Malian one when the sentence names Mali.
    let c = check("The battle of Tinzaouatine, in Mali, was lost by Wagner.");
    assert_eq!((c.places[0].place.place_id.as_str(), c.places[0].alternatives.len()), ("tinzaouatene", 1));
}

#[test]
fn places_are_found_by_any_spelling_and_unknown_places_are_kept() {
    let c =
        check("From Tinsauaten to I-n-Guezzam and Tombouctou; a camp near Zorkotown; le ministre à Paris.\nAl-\ngiers");
    let found: Vec<(&str, &str)> = c.places.iter().map(|p| (p.text.as_str(), p.place.place_id.as_str())).collect();
    assert_eq!(
        found,
        [
            ("Tinsauaten", "tinzaouatene"),
            ("I-n-Guezzam", "in-guezzam"),
            ("Tombouctou", "timbuktu"),
            ("Al-\ngiers", "algiers")
        ]
    );
    let unknown: Vec<&str> = c.unknown_places.iter().map(|u| u.text.as_str()).collect();
    assert_eq!(unknown, ["Zorkotown", "Paris"]);
    // A person's nisba is not a place; a month is not a place.
    assert!(check("Abu Abdelhamid al-Kidali spoke in March.").places.is_empty());
}

#[test]
fn sentences_that_report_an_event_become_drafts_never_incidents() {
    let c = check(
        "On 27 July 2024, rebels ambushed a convoy near Tinzaouatene, killing 47 soldiers. \
         Le 12 mars 2023, une frappe de drone a visé un marché à Kidal, faisant 5 morts. \
         Kidal is a town in Mali.",
    );
    let d: Vec<_> = c
        .drafts
        .iter()
        .map(|d| {
            (
                d.date_start.to_string(),
                d.time_precision,
                d.event_type,
                d.place.place_id.as_str(),
                d.geo_precision,
                d.fatalities,
                d.status,
            )
        })
        .collect();
    assert_eq!(
        d,
        vec![
            ("2024-07-27".to_string(), 1, "Battles", "tinzaouatene", 2, Some(47), "draft"),
            ("2023-03-12".to_string(), 1, "Explosions/Remote violence", "kidal", 1, Some(5), "draft"),
        ]
    );
    let month = check("In July 2024 an attack hit Kidal.");
    assert_eq!(
        (month.drafts[0].date_start.to_string(), month.drafts[0].date_end.to_string(), month.drafts[0].time_precision),
        ("2024-07-01".into(), "2024-07-31".into(), 3)
    );
}

/// The seeds' claims, read from the seed texts themselves, are the hand-made register's (when the shared seeds
/// are beside the repository: their sentences may not be copied into it).
#[test]
fn the_seed_texts_yield_the_registers_claims() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: ../shared/seeds is not beside the repository");
        return;
    }
    let s = store();
    for doc in &s.register.documents {
        let text = std::fs::read_to_string(seeds.join(&doc.file)).unwrap();
        let found = borderline::text::register::register_claims(&check(&text), &doc.id);
        let key = |c: &borderline::model::Claim| {
            let mut v = serde_json::to_value(c).unwrap();
            let o = v.as_object_mut().unwrap();
            for k in ["id", "as_written", "qualifier"] {
                o.remove(k);
            }
            // Values in metres, whatever the unit.
            let metres = o.get("value").and_then(|x| x.as_f64()).map(|x| {
                let unit = o["unit"].as_str().unwrap();
                x * match unit {
                    "km" => 1000.0,
                    "mi" => 1609.344,
                    _ => 1.0,
                }
            });
            o.remove("unit");
            o.remove("value");
            (v.to_string(), metres.map(|m| m.round() as i64))
        };
        let mut want: Vec<_> = doc.claims.iter().map(key).collect();
        let mut got: Vec<_> = found.iter().map(key).collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{}", doc.id);
    }
}

#[test]
fn check_text_prints_each_claim_in_its_sentence_with_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "Tinzaouatene is just 19 miles from Algeria. It has 300 people.").unwrap();
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_borderline")).arg("check-text").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("INCONSISTENT: Tinzaouatene is »just 19 miles from Algeria«."), "{stdout}");
    assert!(stdout.contains("1 claim(s)"), "{stdout}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_borderline"))
        .args(["check-text", "--json", "--lang", "xx", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--lang"));
    std::fs::write(&path, b"Kidal \xff").unwrap();
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_borderline")).arg("check-text").arg(&path).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1: byte 7 is not UTF-8"), "{out:?}");
}

#[test]
fn the_api_checks_plain_and_json_texts_and_refuses_other_bodies() {
    let server = Server::start(None);
    let text = "Tinzaouatène est sur la frontière algéro-malienne, à moins de 9 km d'In Guezzam.";
    let plain = http(
        &server.base,
        "POST",
        "/api/text/check",
        &[("content-type", "text/plain; charset=utf-8")],
        text.as_bytes(),
    )
    .unwrap();
    assert_eq!(plain.status, 200, "{}", plain.body);
    let v = plain.json();
    assert_eq!(v["language"], "fr");
    let kinds: Vec<&str> = v["claims"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["on_border", "distance"]);
    assert_eq!(v["claims"][1]["object"]["place_id"], "in-guezzam");
    assert_eq!(v["claims"][1]["verdict"], "inconsistent");
    assert_eq!(v["places"][0]["start"], 0);
    assert_eq!(v["places"][0]["end"], 12);
    let body = serde_json::json!({"text": text, "lang": "en"}).to_string();
    let json = http(&server.base, "POST", "/api/text/check", &[("content-type", "application/json")], body.as_bytes())
        .unwrap();
    assert_eq!((json.status, json.json()["language"].as_str()), (200, Some("en")));
    let wrong = http(&server.base, "POST", "/api/text/check", &[("content-type", "image/png")], b"x").unwrap();
    assert_eq!(wrong.status, 415);
    let bad = http(&server.base, "POST", "/api/text/check?lang=xx", &[("content-type", "text/plain")], b"x").unwrap();
    assert_eq!((bad.status, bad.json()["parameter"].as_str()), (400, Some("lang")));
    let no_text =
        http(&server.base, "POST", "/api/text/check", &[("content-type", "application/json")], b"{}").unwrap();
    assert_eq!((no_text.status, no_text.json()["parameter"].as_str()), (400, Some("text")));
}

#[test]
fn a_registered_text_brings_its_claims_into_borderline_claims() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("article.txt");
    std::fs::write(&text, "Aguelhok lies about 300 km from Kidal. Tessalit is some 60 km from the border.").unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_borderline"))
            .arg("--data")
            .arg(dir.path().join("data"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let added = run(&[
        "sources",
        "add",
        "--title",
        "A test article",
        "--outlet",
        "Test",
        "--language",
        "en",
        "--text",
        text.to_str().unwrap(),
        "--reason",
        "test",
    ]);
    assert!(added.contains("with 2 claim(s)"), "{added}");
    let checks: serde_json::Value = serde_json::from_str(&run(&["claims", "--json"])).unwrap();
    let ours: Vec<(&str, &str)> = checks
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["document"].as_str().unwrap().starts_with("src_"))
        .map(|c| (c["id"].as_str().unwrap().rsplit('-').next().unwrap(), c["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(ours, [("t1", "inconsistent"), ("t2", "consistent")]);
}

/// A test article (our own prose, committed) read end to end: subjects in apposition, several claims in one
/// sentence about one subject, an unknown subject, a mountain range that is not the town it begins with.
#[test]
fn a_test_article_reads_as_a_person_would() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text/sahel-en.txt");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        claims(&text),
        vec![
            s("distance", "kidal", "gao", Some(300000.0), OK),
            s("distance", "kidal", "tinzaouatene", Some(230000.0), OK),
            s("distance_to_border", "tessalit", "DZA-MLI", Some(60000.0), OK),
            s("distance", "aguelhok", "kidal", Some(125000.0), OK),
            s("distance", "", "kidal", Some(120000.0), UNV),
            s("on_border", "tin-zaouatine", "DZA-MLI", None, OK),
            s("distance", "tinzaouatene", "in-guezzam", Some(300000.0), OK),
            s("distance", "tinzaouatene", "tamanrasset", Some(410000.0), OK),
            s("distance", "algiers", "", Some(1800000.0), UNV),
            s("distance", "timbuktu", "kidal", Some(500000.0), OK),
            s("distance", "bamako", "gao", Some(1000000.0), BAD),
            s("distance", "ansongo", "menaka", Some(200000.0), OK),
            s("distance", "timbuktu", "", Some(60000.0), UNV),
            s("distance", "kidal", "into the desert", Some(40000.0), UNV),
        ]
    );
    let c = check(&text);
    assert_eq!(c.claims[4].reason.as_deref(), Some("no place for \"Anefis\": it is not in the gazetteer"));
    assert!(!c.places.iter().any(|p| p.place.place_id == "adrar"), "the Adrar des Ifoghas is not Adrar (Algeria)");
    assert_eq!(c.unknown_places.iter().map(|u| u.text.as_str()).collect::<Vec<_>>(), ["Ber", "Zorkotown"]);
    assert_eq!(c.drafts.len(), 2);
}

/// Texts built to make a reader slow — one sentence of thousands of statements, thousands of sentences of one
/// ambiguous name, endless "between", a run of capitalised names — each 64 KB, read to the end with every claim
/// inside the text; `cargo bench --bench text` times them at 256 KB (each under a second, linear in length).
#[test]
fn no_text_makes_reading_slow_or_wrong() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text/adversarial.txt");
    for unit in std::fs::read_to_string(path).unwrap().lines() {
        let text = unit.repeat(64 * 1024 / unit.len());
        let c = text::check(store(), &text, None);
        let chars = text.chars().count();
        assert_eq!(c.chars, chars);
        assert!(c.claims.iter().all(|k| k.sentence[0] <= k.start && k.start < k.end && k.end <= chars), "{unit}");
        if unit.starts_with("Gao, Mali") {
            // Two statements a repetition, each measured from the place it names.
            assert_eq!(c.claims.len(), 2 * (text.len() / unit.len()), "{unit}");
            assert!(c.claims.iter().all(|k| k.verdict != Verdict::Unverifiable), "{unit}");
        }
    }
}
