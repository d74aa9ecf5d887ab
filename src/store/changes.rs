//! The changes a [`Store`] layers on its [`Base`]: each new version of an incident gets the next number, and
//! the number of the version it replaces stops being current. Persistent structures (shared with every
//! earlier state, copied only where they differ) make a new state cost a few allocations however large the
//! base, so a reader's state stands still while the next one is built.

use std::sync::Arc;

use imbl::{HashMap, OrdMap, Vector};

use super::{Base, Store};
use crate::model::{Incident, IncidentFacts, SourceDocument, Status};

/// A version recorded since the base was built, measured when it was recorded.
#[derive(Debug)]
struct Entry {
    incident: Arc<Incident>,
    facts: IncidentFacts,
}

/// See the module documentation.
#[derive(Clone, Debug, Default)]
pub(crate) struct Changes {
    /// Number `base.len + n` is `entries[n]`.
    entries: Vector<Arc<Entry>>,
    /// The number of the current version of every incident changed or added since the base.
    latest: HashMap<Arc<str>, u32>,
    /// Numbers that are no longer current, ascending.
    superseded: Arc<Vec<u32>>,
    /// Numbers a public reader does not see: superseded or not published, ascending.
    hidden: Arc<Vec<u32>>,
    /// The grid slots of the hidden loaded incidents, ascending (for paging a box past them).
    hidden_slots: Arc<Vec<u32>>,
    /// The current numbers recorded since the base, by the [`CELL_DEG`] cell their position falls in:
    /// `(cell, number)` → position (kept here so that a box query reads no incident it does not return).
    cells: OrdMap<(u32, u32), crate::model::LonLat>,
    /// Numbers (and slots) to add to the sorted lists, gathered while many changes are layered at once and
    /// merged in one pass by [`Store::settle`].
    pending: Pending,
}

#[derive(Clone, Debug, Default)]
struct Pending {
    superseded: Vec<u32>,
    hidden: Vec<u32>,
    hidden_slots: Vec<u32>,
}

/// The cell size of the index of versions recorded since the base, degrees.
const CELL_DEG: f64 = 0.25;
const CELL_COLS: u32 = (360.0 / CELL_DEG) as u32;
const CELL_ROWS: u32 = (180.0 / CELL_DEG) as u32;

fn cell_col(lon: f64) -> u32 {
    (((lon + 180.0) / CELL_DEG).floor().max(0.0) as u32).min(CELL_COLS - 1)
}

fn cell_row(lat: f64) -> u32 {
    (((lat + 90.0) / CELL_DEG).floor().max(0.0) as u32).min(CELL_ROWS - 1)
}

fn cell_of(p: crate::model::LonLat) -> u32 {
    cell_row(p.y) * CELL_COLS + cell_col(p.x)
}

/// Adds the numbers of `more` to the ascending `list` (those not there yet); empties `more`. The few new
/// numbers are placed by binary search and the runs of the list between them copied whole, so a batch of
/// changes costs a copy of the list, not a comparison per number in it.
fn merge_into(list: &mut Arc<Vec<u32>>, more: &mut Vec<u32>) {
    if more.is_empty() {
        return;
    }
    more.sort_unstable();
    more.dedup();
    let old = &**list;
    let mut out = Vec::with_capacity(old.len() + more.len());
    let mut rest = &old[..];
    for &k in more.iter() {
        let at = rest.partition_point(|&x| x < k);
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at..];
        if rest.first() != Some(&k) {
            out.push(k);
        }
    }
    out.extend_from_slice(rest);
    *list = Arc::new(out);
    more.clear();
}

impl Changes {
    pub(crate) fn new(base: &Base) -> Changes {
        let mut slots: Vec<u32> = base.unpublished.iter().map(|&k| base.incident_grid.slot_of(k)).collect();
        slots.sort_unstable();
        Changes { hidden: Arc::new(base.unpublished.clone()), hidden_slots: Arc::new(slots), ..Default::default() }
    }
}

impl Store {
    /// How many numbers there are: loaded incidents and versions recorded since.
    pub fn numbers(&self) -> u32 {
        (self.loaded.len() + self.changes.entries.len()) as u32
    }

    /// How many versions were recorded since the base.
    pub fn changed(&self) -> usize {
        self.changes.entries.len()
    }

    /// The incident numbered `k` (which must be below [`Store::numbers`]).
    pub fn get(&self, k: u32) -> &Incident {
        match (k as usize).checked_sub(self.loaded.len()) {
            None => &self.loaded[k as usize],
            Some(n) => &self.changes.entries[n].incident,
        }
    }

    /// The incident numbered `k`, shared.
    pub(crate) fn shared(&self, k: u32) -> Arc<Incident> {
        match (k as usize).checked_sub(self.loaded.len()) {
            None => self.loaded[k as usize].clone(),
            Some(n) => self.changes.entries[n].incident.clone(),
        }
    }

    /// The measured facts of incident `k`.
    pub fn facts(&self, k: u32) -> IncidentFacts {
        match (k as usize).checked_sub(self.loaded.len()) {
            None => self.base.facts_of(k as usize),
            Some(n) => self.changes.entries[n].facts,
        }
    }

    /// Whether `k` is the current version of its incident.
    pub fn is_current(&self, k: u32) -> bool {
        self.changes.superseded.binary_search(&k).is_err()
    }

    /// Whether a public reader sees incident `k` (current and published).
    pub(crate) fn is_public(&self, k: u32) -> bool {
        self.changes.hidden.binary_search(&k).is_err()
    }

    /// The numbers no public reader sees, ascending.
    pub(crate) fn hidden(&self) -> &[u32] {
        &self.changes.hidden
    }

    /// The grid slots of the loaded incidents no public reader sees, ascending.
    pub(crate) fn hidden_slots(&self) -> &[u32] {
        &self.changes.hidden_slots
    }

    /// The numbers of the versions recorded since the base that are current, ascending.
    pub(crate) fn current_changes(&self) -> impl Iterator<Item = u32> + '_ {
        let first = self.loaded.len() as u32;
        (first..self.numbers()).filter(|&k| self.is_current(k))
    }

    /// The current numbers recorded since the base that lie in `bbox`, ascending, found by cell.
    pub(crate) fn current_changes_in(&self, bbox: &crate::model::BBox) -> Vec<u32> {
        let mut found = Vec::new();
        for part in bbox.parts() {
            let (c0, c1) = (cell_col(part.west), cell_col(part.east));
            for row in cell_row(part.south)..=cell_row(part.north) {
                let range = (row * CELL_COLS + c0, 0)..=(row * CELL_COLS + c1, u32::MAX);
                found.extend(
                    self.changes.cells.range(range).filter(|(_, p)| part.contains(p.x, p.y)).map(|(&(_, k), _)| k),
                );
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Every current number, ascending.
    pub fn current(&self) -> impl Iterator<Item = u32> + '_ {
        let superseded = &self.changes.superseded;
        let mut next = 0;
        (0..self.numbers()).filter(move |&k| {
            while next < superseded.len() && superseded[next] < k {
                next += 1;
            }
            superseded.get(next) != Some(&k)
        })
    }

    /// Every current incident, whatever its status, in number order.
    pub fn incidents(&self) -> impl Iterator<Item = &Incident> + '_ {
        self.current().map(|k| self.get(k))
    }

    /// The current version of the incident with this `event_id`, whatever its status.
    pub fn incident(&self, event_id: &str) -> Option<&Incident> {
        self.incident_number(event_id).map(|k| self.get(k))
    }

    /// The number of the current version of the incident with this `event_id`.
    pub fn incident_number(&self, event_id: &str) -> Option<u32> {
        match self.changes.latest.get(event_id) {
            Some(&k) => Some(k),
            None => self.base.loaded_number(event_id),
        }
    }

    /// Records `incident` as the current version of its id (a new incident when the id is new), measured
    /// now; returns its number. Validation and versioning are the caller's: this only layers it on.
    pub fn apply(&mut self, incident: Incident) -> u32 {
        let k = self.apply_unsettled(incident);
        self.settle();
        k
    }

    /// [`Store::apply`] for one of many changes applied together: the lists that say which numbers are
    /// current and public are brought up to date only by [`Store::settle`], once for them all, so until then
    /// only [`Store::incident`] and [`Store::incident_number`] may be asked.
    ///
    /// An incident that did not move keeps the facts its version before had (they depend on its position only).
    pub fn apply_unsettled(&mut self, incident: Incident) -> u32 {
        let facts = match self.incident_number(&incident.event_id) {
            Some(k) if self.get(k).position == incident.position => self.facts(k),
            _ => self.base.measure(&incident),
        };
        self.apply_measured(Arc::new(incident), facts)
    }

    /// Brings the lists of current and public numbers up to date with what [`Store::apply_unsettled`] added.
    pub fn settle(&mut self) {
        let c = &mut self.changes;
        merge_into(&mut c.superseded, &mut c.pending.superseded);
        merge_into(&mut c.hidden, &mut c.pending.hidden);
        merge_into(&mut c.hidden_slots, &mut c.pending.hidden_slots);
    }

    /// Layers on this state the current versions that `later` (a later state of the same base as this one
    /// was folded from) recorded from number `from` on, as they were measured there; returns where `later`'s
    /// numbers end, to go on from. How a new base catches up with the changes made while it was built.
    pub fn catch_up(&mut self, later: &Store, from: u32) -> u32 {
        let current: Vec<u32> = (from..later.numbers()).filter(|&k| later.is_current(k)).collect();
        self.layer_versions(later, &current);
        later.numbers()
    }

    /// Layers on this state the versions `numbers` of `other` (a state of another base), as they were
    /// measured there: the versions a fold left (see [`Store::folded`]).
    pub fn layer_versions(&mut self, other: &Store, numbers: &[u32]) {
        for &k in numbers {
            self.apply_measured(other.shared(k), other.facts(k));
        }
        self.settle();
    }

    fn apply_measured(&mut self, incident: Arc<Incident>, facts: IncidentFacts) -> u32 {
        let k = self.numbers();
        let c = &mut self.changes;
        if let Some(old) =
            c.latest.get(&*incident.event_id).copied().or_else(|| self.base.loaded_number(&incident.event_id))
        {
            if let Some(n) = (old as usize).checked_sub(self.base.loaded.len()) {
                c.cells.remove(&(cell_of(c.entries[n].incident.position), old));
            }
            c.pending.superseded.push(old);
            c.pending.hidden.push(old);
            if (old as usize) < self.base.loaded.len() {
                c.pending.hidden_slots.push(self.base.incident_grid.slot_of(old));
            }
        }
        if incident.revision.status != Status::Published {
            c.pending.hidden.push(k);
        }
        c.latest.insert(Arc::from(&*incident.event_id), k);
        c.cells.insert((cell_of(incident.position), k), incident.position);
        c.entries.push_back(Arc::new(Entry { incident, facts }));
        k
    }

    /// The open proposals, oldest first.
    pub fn proposals(&self) -> impl Iterator<Item = &crate::model::Proposal> + '_ {
        self.proposals.values().map(|p| &**p)
    }

    /// Open proposal `number`.
    pub fn proposal(&self, number: u64) -> Option<&crate::model::Proposal> {
        self.proposals.get(&number).map(|p| &**p)
    }

    /// Records an open proposal.
    pub fn propose(&mut self, proposal: crate::model::Proposal) {
        self.proposals.insert(proposal.number, Arc::new(proposal));
    }

    /// Closes proposal `number` (accepted or declined).
    pub fn close_proposal(&mut self, number: u64) {
        self.proposals.remove(&number);
    }

    /// This state on a new `base` (one [`Store::folded`] built of it, or of an earlier state): the register
    /// and the open proposals carry over, the versions layered on this state do not.
    pub fn rebased(&self, base: Arc<Base>) -> Store {
        let mut next = Store::new(base);
        next.register = self.register.clone();
        next.proposals = self.proposals.clone();
        next
    }

    /// Takes `other`'s open proposals.
    pub fn carry_proposals(&mut self, other: &Store) {
        self.proposals = other.proposals.clone();
    }

    /// Adds `document` to the register (replacing one with its id).
    pub fn add_document(&mut self, document: SourceDocument) {
        let register = Arc::make_mut(&mut self.register);
        match register.documents.iter_mut().find(|d| d.id == document.id) {
            Some(d) => *d = document,
            None => register.documents.push(document),
        }
    }

    /// Every current incident with its facts: the loaded ones in file order, each in its current version,
    /// then those added since in the order they were first recorded. What a snapshot writes.
    /// The facts come along when the base's were measured already (else they are measured later, on all cores).
    pub fn current_in_place(&self) -> (Vec<Arc<Incident>>, Option<Vec<IncidentFacts>>) {
        let loaded = self.loaded.len() as u32;
        let measured = self.base.facts.0.get().is_some();
        let mut incidents = Vec::with_capacity(self.numbers() as usize);
        let mut facts = Vec::with_capacity(if measured { self.numbers() as usize } else { 0 });
        let mut push = |k: u32| {
            incidents.push(self.shared(k));
            if measured {
                facts.push(self.facts(k));
            }
        };
        for k in 0..loaded {
            let now = if self.is_current(k) { k } else { self.changes.latest[&*self.get(k).event_id] };
            push(now);
        }
        // A new incident's first version precedes its later ones: keep the ids in that order.
        let mut seen = rustc_hash::FxHashSet::default();
        for k in loaded..self.numbers() {
            let id = &self.get(k).event_id;
            if self.base.loaded_number(id).is_none() && seen.insert(id.clone()) {
                push(self.changes.latest[&**id]);
            }
        }
        (incidents, measured.then_some(facts))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use super::merge_into;

    #[test]
    fn merging_keeps_the_list_ascending_and_each_number_once() {
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as u32
        };
        let mut list = Arc::new(Vec::new());
        let mut expected = BTreeSet::new();
        for round in 0..200 {
            let mut more: Vec<u32> = (0..next(20)).map(|_| next(if round % 2 == 0 { 500 } else { 5 })).collect();
            expected.extend(more.iter().copied());
            merge_into(&mut list, &mut more);
            assert!(more.is_empty());
            assert_eq!(*list, expected.iter().copied().collect::<Vec<_>>(), "round {round}");
        }
    }
}
