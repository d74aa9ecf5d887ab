//! Folding a state's changes into a new [`Base`], so that queries stop wading through layered versions and
//! superseded versions stop taking memory.
//!
//! Most changes correct an incident where it is. A fold then makes the old base's incidents with those
//! versions put in their places, and shares the old base's indexes and measured facts, which depend on
//! positions only: a fold of a million incidents takes milliseconds, not a rebuild. The incidents that
//! moved, and new ones, stay layered on the new base; when they are many, the base is built afresh.

use super::{Base, Store};
use crate::model::Status;

/// What a fold made.
pub struct Folded {
    /// The new base.
    pub base: Base,
    /// The numbers (in the state folded) of the current versions the base does not hold, to layer on it:
    /// incidents that moved, and new ones.
    pub left: Vec<u32>,
}

impl Store {
    /// A new base holding this state's current incidents and sources. Each correction of a loaded incident
    /// that did not move takes that incident's place, and the base shares this one's indexes and facts;
    /// the rest are [`Folded::left`] to layer on it, unless there are more than `left_at_most`: then the
    /// base holds every current incident (new ones after the loaded ones) with its indexes built afresh.
    pub fn folded(&self, left_at_most: usize) -> Folded {
        let old = &self.base;
        let mut loaded = old.loaded.clone();
        let (mut placed, mut left) = (Vec::new(), Vec::new());
        for k in self.current_changes() {
            let incident = self.shared(k);
            match old.loaded_number(&incident.event_id) {
                Some(n) if old.loaded[n as usize].position == incident.position => {
                    loaded[n as usize] = incident;
                    placed.push(n);
                }
                _ => left.push(k),
            }
        }
        if left.len() > left_at_most {
            return Folded { base: self.rebuilt(), left: Vec::new() };
        }
        let hidden = |n: &u32| loaded[*n as usize].revision.status != Status::Published;
        let mut unpublished: Vec<u32> = old.unpublished.iter().chain(&placed).copied().filter(hidden).collect();
        unpublished.sort_unstable();
        unpublished.dedup();
        let base = Base {
            loaded,
            unpublished,
            loaded_register: (*self.register).clone(),
            origins: old.origins.clone(),
            places: old.places.clone(),
            place_ids: old.place_ids.clone(),
            gazetteer: old.gazetteer.clone(),
            borders: old.borders.clone(),
            countries: old.countries.clone(),
            incident_index: old.incident_index.clone(),
            incident_grid: old.incident_grid.clone(),
            place_index: old.place_index.clone(),
            segment_index: old.segment_index.clone(),
            country_index: old.country_index.clone(),
            incident_ids: old.incident_ids.clone(),
            facts: old.facts.clone(),
            by_border_distance: old.by_border_distance.clone(),
            border_parts: old.border_parts.clone(),
        };
        Folded { base, left }
    }

    /// A new base holding every current incident (each where its first version was, new ones after) and
    /// every source, with the indexes built afresh; the facts already measured are kept.
    fn rebuilt(&self) -> Base {
        let (incidents, facts) = self.current_in_place();
        let register = (*self.register).clone();
        let (base, _) = Base::with_indexes(incidents, self.base.geography(), register, self.base.origins.clone());
        if let Some(facts) = facts {
            let _ = base.facts.0.set(facts);
        }
        base
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::BBox;
    use crate::store::IncidentFilter;

    /// What readers of `store` are shown: every current incident with its facts and whether the public sees
    /// it, and the first page of every incident and of a box, public and with every status.
    fn seen(store: &Store) -> Vec<String> {
        let mut out: Vec<String> = store
            .current()
            .map(|k| format!("{:?} {:?} public={}", store.get(k), store.facts(k), store.is_public(k)))
            .collect();
        out.sort();
        let sahel = BBox { west: -6.0, south: 10.0, east: 6.0, north: 22.0 };
        for statuses in [vec![], vec![Status::Draft, Status::Published, Status::Retired]] {
            for bbox in [None, Some(sahel)] {
                let filter = IncidentFilter { bbox, statuses: statuses.clone(), ..Default::default() };
                let (n, page) = store.page_incidents(&filter, 0, 1000);
                let mut ids: Vec<String> = page.iter().map(|&k| store.get(k).event_id.to_string()).collect();
                ids.sort();
                out.push(format!("{statuses:?} {bbox:?}: {n} {ids:?}"));
            }
        }
        out
    }

    /// The embedded data with five corrections in place (one of them twice), one incident unpublished, one
    /// moved and one new.
    fn changed() -> Store {
        let mut store = Store::load(None).unwrap();
        let ids: Vec<String> = store.incidents().map(|i| i.event_id.to_string()).collect();
        let mut change = |id: &str, how: &dyn Fn(&mut crate::model::Incident)| {
            let mut incident = store.incident(id).unwrap().clone();
            how(&mut incident);
            store.apply(incident);
        };
        for (n, id) in ids[..5].iter().chain(&ids[..1]).enumerate() {
            change(id, &|i| i.fatalities = Some(70 + n as u32));
        }
        change(&ids[5], &|i| i.revision.status = Status::Draft);
        change(&ids[6], &|i| i.position.x += 0.5);
        change(&ids[7], &|i| {
            i.event_id = "NEW0001".into();
            i.position.y += 0.1;
        });
        store
    }

    /// `store` on the base `folded` made of it, with the versions it left layered again.
    fn on(store: &Store, folded: Folded) -> Store {
        let mut next = store.rebased(Arc::new(folded.base));
        next.layer_versions(store, &folded.left);
        next
    }

    #[test]
    fn a_fold_puts_corrections_in_place_shares_the_indexes_and_changes_nothing_a_reader_sees() {
        let store = changed();
        assert_eq!(store.changed(), 9);
        // Each version's facts are those of where it is (kept from the version before when it did not move).
        for k in store.current() {
            assert_eq!(store.facts(k), store.measure(store.get(k)), "{}", store.get(k).event_id);
        }
        let folded = store.folded(10);
        // The moved incident and the new one stay layered; the rest took their places.
        let left: Vec<&str> = folded.left.iter().map(|&k| &*store.get(k).event_id).collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left.contains(&"NEW0001"));
        assert!(Arc::ptr_eq(&folded.base.incident_index, &store.incident_index));
        assert!(Arc::ptr_eq(&folded.base.incident_grid, &store.incident_grid));
        assert!(Arc::ptr_eq(&folded.base.facts, &store.facts));
        let next = on(&store, folded);
        assert_eq!(next.changed(), 2);
        assert_eq!(seen(&next), seen(&store));
        // Folded again, nothing more is placed, and nothing changes.
        let again = on(&next, next.folded(10));
        assert_eq!(again.changed(), 2);
        assert_eq!(seen(&again), seen(&store));
    }

    #[test]
    fn a_fold_that_would_leave_too_many_versions_builds_the_base_afresh() {
        let store = changed();
        let folded = store.folded(1);
        assert!(folded.left.is_empty());
        assert!(!Arc::ptr_eq(&folded.base.incident_index, &store.incident_index));
        let next = on(&store, folded);
        assert_eq!(next.changed(), 0);
        assert_eq!(seen(&next), seen(&store));
    }
}
