use serde::{Deserialize, Serialize};

/// The source register (`seeds/register.json`): every document incidents may cite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceRegister {
    /// What the register is.
    #[serde(default)]
    pub about: String,
    /// The documents.
    pub documents: Vec<SourceDocument>,
}

impl SourceRegister {
    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&SourceDocument> {
        self.documents.iter().find(|d| d.id == id)
    }
}

/// One source document. Its text is not kept; its hash identifies it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// Stable id, cited by incidents' `sources`.
    pub id: String,
    /// File name in the shared seeds folder (empty for documents added later).
    #[serde(default)]
    pub file: String,
    /// Title (square brackets when descriptive rather than the document's own).
    pub title: String,
    /// True when `title` is our description, not the document's.
    #[serde(default)]
    pub title_is_descriptive: bool,
    /// Publisher.
    pub outlet: String,
    /// `YYYY-MM-DD` or `YYYY-MM` when known.
    pub published: Option<String>,
    /// How the publication date was established.
    #[serde(default)]
    pub published_note: Option<String>,
    /// ISO 639-1 language code.
    pub language: String,
    /// SHA-256 of the document bytes, hex; empty for a document added without its text.
    #[serde(default)]
    pub sha256: String,
    /// Where the document can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Quantitative geographic claims the document makes.
    #[serde(default)]
    pub claims: Vec<Claim>,
}

/// Unit of a claimed distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DistanceUnit {
    /// Kilometres.
    #[serde(rename = "km")]
    Kilometre,
    /// Statute miles.
    #[serde(rename = "mi")]
    Mile,
    /// Metres.
    #[serde(rename = "m")]
    Metre,
}

impl DistanceUnit {
    /// Metres in one unit.
    pub fn metres(&self) -> f64 {
        match self {
            DistanceUnit::Kilometre => 1000.0,
            DistanceUnit::Mile => 1609.344,
            DistanceUnit::Metre => 1.0,
        }
    }
}

/// How a claimed value is hedged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimQualifier {
    /// Stated as a round or approximate figure.
    About,
    /// "less than".
    LessThan,
    /// "more than".
    MoreThan,
}

/// A quantitative geographic statement in a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Claim {
    /// "A is N km from B".
    Distance {
        /// Claim id.
        id: String,
        /// Place id.
        from: String,
        /// Place id.
        to: String,
        /// The place names as the document spells them.
        as_written: String,
        /// Claimed value.
        value: f64,
        /// Unit of `value`.
        unit: DistanceUnit,
        /// Hedge.
        qualifier: ClaimQualifier,
    },
    /// "A is N km from country X" (distance to a border).
    DistanceToBorder {
        /// Claim id.
        id: String,
        /// Place id.
        place: String,
        /// The place name as the document spells it.
        as_written: String,
        /// Border pair, e.g. `DZA-MLI`.
        border: String,
        /// Claimed value.
        value: f64,
        /// Unit of `value`.
        unit: DistanceUnit,
        /// Hedge.
        qualifier: ClaimQualifier,
    },
    /// "A is on the border".
    OnBorder {
        /// Claim id.
        id: String,
        /// Place id.
        place: String,
        /// The place name as the document spells it.
        as_written: String,
        /// Border pair, e.g. `DZA-MLI`.
        border: String,
        /// Hedge.
        qualifier: ClaimQualifier,
    },
}

impl Claim {
    /// The claim's id.
    pub fn id(&self) -> &str {
        match self {
            Claim::Distance { id, .. } | Claim::DistanceToBorder { id, .. } | Claim::OnBorder { id, .. } => id,
        }
    }

    /// Every place id the claim names.
    pub fn place_ids(&self) -> Vec<&str> {
        match self {
            Claim::Distance { from, to, .. } => vec![from, to],
            Claim::DistanceToBorder { place, .. } | Claim::OnBorder { place, .. } => vec![place],
        }
    }

    /// The border pair the claim names, if any.
    pub fn border(&self) -> Option<&str> {
        match self {
            Claim::Distance { .. } => None,
            Claim::DistanceToBorder { border, .. } | Claim::OnBorder { border, .. } => Some(border),
        }
    }
}
