//! Countries as texts name them: English and French names and the adjectives ("Algerian", "malienne") that
//! name a border ("the Algerian-Malian border", "la frontière algérienne").

use crate::gazetteer::normalise;
use crate::model::Iso3;

/// The region's countries with their names and adjectives, normalised (lower case, no accents).
const COUNTRIES: &[(&str, &[&str], &[&str])] = &[
    ("BFA", &["burkina faso", "burkina"], &["burkinabe", "burkinabes", "burkinais", "burkinaise"]),
    ("DZA", &["algeria", "algerie"], &["algerian", "algerians", "algerien", "algerienne", "algeriens", "algeriennes"]),
    ("ESH", &["western sahara", "sahara occidental"], &["sahrawi", "sahraoui", "sahraouie"]),
    ("LBY", &["libya", "libye"], &["libyan", "libyen", "libyenne"]),
    ("MAR", &["morocco", "maroc"], &["moroccan", "marocain", "marocaine"]),
    ("MLI", &["mali"], &["malian", "malians", "malien", "malienne", "maliens", "maliennes"]),
    ("MRT", &["mauritania", "mauritanie"], &["mauritanian", "mauritanien", "mauritanienne"]),
    ("NER", &["niger"], &["nigerien", "nigerienne", "nigeriens"]),
    ("TCD", &["chad", "tchad"], &["chadian", "tchadien", "tchadienne"]),
    ("TUN", &["tunisia", "tunisie"], &["tunisian", "tunisien", "tunisienne"]),
];

/// How a phrase names a country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountryWord {
    /// Its name: "Algeria", "l'Algérie".
    Name(Iso3),
    /// Its adjective: "Algerian", "malienne".
    Adjective(Iso3),
}

impl CountryWord {
    /// The country named.
    pub fn iso3(self) -> Iso3 {
        match self {
            CountryWord::Name(c) | CountryWord::Adjective(c) => c,
        }
    }
}

/// The country a phrase (one or two words) names, if any.
pub fn country_word(phrase: &str) -> Option<CountryWord> {
    let n = normalise(phrase);
    COUNTRIES.iter().find_map(|(iso3, names, adjectives)| {
        let iso3: Iso3 = iso3.parse().expect("the table's codes are ISO3");
        if names.contains(&n.as_str()) {
            Some(CountryWord::Name(iso3))
        } else {
            adjectives.contains(&n.as_str()).then_some(CountryWord::Adjective(iso3))
        }
    })
}

/// The most words a country's name has.
pub const MAX_WORDS: usize = 2;
