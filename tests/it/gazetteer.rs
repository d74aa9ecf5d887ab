use borderline::gazetteer::{Gazetteer, Lookup, MatchKind, normalise};

use crate::common::store;

fn first_hit(query: &str) -> Option<String> {
    let s = store();
    Gazetteer::new(&s.places).search(query, 5).first().map(|m| s.places[m.place].id.clone())
}

fn hits(query: &str) -> Vec<String> {
    let s = store();
    Gazetteer::new(&s.places).search(query, 5).iter().map(|m| s.places[m.place].id.clone()).collect()
}

#[test]
fn every_seed_spelling_of_tinzaouatene_finds_it_first() {
    for spelling in ["Tinzawatin", "Tinsauaten", "Tinzaouatène", "TINZAOUATENE", "tin-zaouatene", "Tinzawatene"] {
        assert_eq!(first_hit(spelling).as_deref(), Some("tinzaouatene"), "{spelling}");
    }
}

#[test]
fn spellings_shared_by_the_twin_towns_find_both() {
    for spelling in ["Tinzouatine", "Tin Zaoutine", "Ti-n-Zaouatene", "Tin Zaouaten", "Tinzaouaten", "Ti n Zaouâtène"]
    {
        let h = hits(spelling);
        assert!(
            h.contains(&"tinzaouatene".to_string()) && h.contains(&"tin-zaouatine".to_string()),
            "{spelling}: {h:?}"
        );
    }
}

#[test]
fn geonames_and_prefix_variants_are_found() {
    for (query, id) in [
        ("Tamanghasset", "tamanrasset"),
        ("Tamenghasset", "tamanrasset"),
        ("I-n-Guezzam", "in-guezzam"),
        ("In Guezam", "in-guezzam"),
        ("Guezzam", "in-guezzam"),
        ("Tombouctou", "timbuktu"),
        ("Warqla", "ouargla"),
        ("Wahran", "oran"),
        ("Aguel-Hoc", "aguelhok"),
        ("Ménaka", "menaka"),
        ("Tinduf", "tindouf"),
        ("Tiguentourine", "tigantourine"),
        ("kidal", "kidal"),
    ] {
        assert_eq!(first_hit(query).as_deref(), Some(id), "{query}");
    }
}

#[test]
fn nonsense_finds_nothing() {
    assert!(hits("Xyzzyplugh").is_empty());
    assert!(hits("").is_empty());
    assert!(hits("--").is_empty());
}

#[test]
fn normalisation_drops_accents_case_and_punctuation() {
    assert_eq!(normalise("Ti-n-Zaouâtène"), "ti n zaouatene");
    assert_eq!(normalise("  I-n-GUEZZAM "), "i n guezzam");
}

/// What `query` names: a place id, or the ids tied for it.
fn lookup(query: &str) -> Result<String, Vec<String>> {
    let s = store();
    match Gazetteer::new(&s.places).lookup(query) {
        Lookup::Found(m) => Ok(s.places[m.place].id.clone()),
        Lookup::Ambiguous(hits) => Err(hits.iter().map(|m| s.places[m.place].id.clone()).collect()),
        Lookup::NotFound => Err(Vec::new()),
    }
}

#[test]
fn every_name_of_the_twin_towns_names_its_own_town_or_is_ambiguous_if_shared() {
    let s = store();
    let twins = ["tinzaouatene", "tin-zaouatine"];
    for id in twins {
        let place = s.place(id).unwrap();
        assert_eq!(lookup(id), Ok(id.to_string()), "the id {id}");
        assert_eq!(lookup(&id.to_uppercase()), Ok(id.to_string()), "the id {id}, upper case");
        for name in place.all_names() {
            let shared = place.shared_names.iter().any(|n| normalise(n) == normalise(name));
            if shared {
                assert_eq!(lookup(name), Err(twins.map(String::from).to_vec()), "{name:?} is shared by both towns");
            } else {
                assert_eq!(lookup(name), Ok(id.to_string()), "{name:?} is a name of {id}");
            }
        }
    }
    assert!(s.place("tinzaouatene").unwrap().shared_names.contains(&"Tinzaouatine".to_string()));
}

#[test]
fn the_algerian_towns_own_name_beats_a_malian_alias_that_folds_to_it() {
    let s = store();
    let hits = Gazetteer::new(&s.places).search("Tin Zaouatine", 5);
    assert_eq!(s.places[hits[0].place].id, "tin-zaouatine");
    assert_eq!(hits[0].kind, MatchKind::Name);
    assert!(hits[1..].iter().all(|h| h.kind > MatchKind::Name), "{hits:?}");
    assert_eq!(Gazetteer::tied_best(&hits), 1);
}

#[test]
fn an_exact_id_wins_over_any_name() {
    let s = store();
    let hits = Gazetteer::new(&s.places).search("tin-zaouatine", 5);
    assert_eq!((s.places[hits[0].place].id.as_str(), hits[0].kind), ("tin-zaouatine", MatchKind::Id));
    assert_eq!(lookup("Xyzzyplugh"), Err(Vec::new()));
}

#[test]
fn the_gazetteer_holds_every_geonames_place_of_the_region_each_with_its_provenance() {
    let s = store();
    assert!(s.places.len() > 1_700, "{} places", s.places.len());
    for p in s.places.iter() {
        let from = &p.coordinates_from;
        let kind = from["kind"].as_str().unwrap_or_default();
        assert!(["geonames", "simplemaps", "reference"].contains(&kind), "{}: {from}", p.id);
        if kind == "geonames" {
            assert!(from["geonameid"].as_u64().is_some() && from["licence"] == "CC-BY-4.0", "{}: {from}", p.id);
        }
    }
    let in_mali = s.places.iter().filter(|p| p.country.as_str() == "MLI").count();
    assert!(in_mali > 90, "{in_mali} places in Mali");
}

#[test]
fn namesakes_are_ambiguous_not_decided_by_file_order() {
    let s = store();
    assert_eq!(lookup("Gao"), Err(vec!["gao".to_string(), "gao-bfa".to_string()]));
    let countries: Vec<&str> = ["gao", "gao-bfa"].iter().map(|id| s.place(id).unwrap().country.as_str()).collect();
    assert_eq!(countries, ["MLI", "BFA"]);
    // A near miss still finds both, and an id still names one.
    assert_eq!(lookup("gao-bfa"), Ok("gao-bfa".to_string()));
    let near = hits("Gaoo");
    assert!(near.contains(&"gao".to_string()) && near.contains(&"gao-bfa".to_string()), "{near:?}");
}
