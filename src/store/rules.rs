//! The rules every incident obeys, wherever it comes from: the loader applies them to each feature of a data
//! directory, and `import` to each row of an ACLED, UCDP or GeoJSON file before accepting it. One validation in
//! one place, so that nothing an import accepts can stop the data directory from loading.

use chrono::Datelike;

use super::parse::IncidentContext;
use crate::model::Incident;

/// What is wrong with `i`, as (field, message) pairs; empty when it obeys every rule.
pub(crate) fn incident_problems(i: &Incident, ctx: &IncidentContext<'_>) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    let (lon, lat) = (i.position.x, i.position.y);
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        problems.push((
            "geometry.coordinates",
            format!("[{lon}, {lat}] is out of range: longitude must be in -180..180 and latitude in -90..90"),
        ));
    }
    let (start, end, day) = (i.dates.start, i.dates.end, i.event_date);
    // Files write dates as YYYY-MM-DD: a year outside 0000–9999 (9999-12-31 known only to the week, say) could
    // not be read back.
    if let Some((field, date)) = [("event_date", day), ("date_start", start), ("date_end", end)]
        .into_iter()
        .find(|(_, d)| !(0..=9999).contains(&d.year()))
    {
        problems.push((field, format!("{date} is outside the years 0000–9999 that YYYY-MM-DD can write")));
    } else if start > end {
        problems.push(("date_start", format!("{start} is after date_end {end}")));
    } else if day < start || day > end {
        problems.push(("event_date", format!("{day} is outside date_start..date_end ({start}..{end})")));
    }
    if let (Some(lo), Some(hi)) = (i.fatalities_low, i.fatalities_high)
        && lo > hi
    {
        problems.push(("fatalities_low", format!("{lo} is above fatalities_high {hi}")));
    }
    if let Some(best) = i.fatalities
        && (i.fatalities_low.is_some_and(|lo| best < lo) || i.fatalities_high.is_some_and(|hi| best > hi))
    {
        problems.push(("fatalities", format!("{best} is outside fatalities_low..fatalities_high")));
    }
    if let Some(pid) = i.place_id.as_deref()
        && !ctx.place_ids.has(pid)
    {
        problems.push(("place_id", format!("{pid:?} is not a place in places.geojson")));
    }
    for s in &i.sources {
        if !ctx.source_ids.has(s) {
            problems.push(("sources", format!("{s:?} is not a document in the source register (seeds/register.json)")));
        }
    }
    if i.sources.is_empty() && i.source.as_deref().is_none_or(str::is_empty) {
        problems.push((
            "sources",
            "an incident must cite at least one source: `sources` (register ids) or `source` (outlet names)".into(),
        ));
    }
    for v in &i.variants {
        if v.source != "background" && !ctx.source_ids.has(&v.source) {
            problems.push(("variants", format!("source {:?} is not in the register (or \"background\")", v.source)));
        }
    }
    if i.background.iter().any(|b| b.citation.trim().is_empty()) {
        problems.push(("background", "a background fact needs a citation".into()));
    }
    problems
}
