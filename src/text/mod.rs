//! Reading articles: the geography stated in a text, found where it is written (character spans), so that it
//! can be measured and judged. [`distance`] finds the distance statements.

pub mod distance;
