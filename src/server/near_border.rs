//! The corridor rankings `/api/near-border` pages through, kept for the state they were made of: the first
//! page of a question ranks every incident of the corridor, the next pages are cut from that ranking. A
//! ranking is only ever used with the state it was made of (an edit makes a new state, and so a new
//! ranking); at most [`KEPT`] are kept, and none keeps an old state alive.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};

use crate::model::Iso3;
use crate::store::{BorderChoice, DistanceError, IncidentFilter, Ranked, Store};

/// Rankings kept at most (each of a corridor's incidents: 16 bytes apiece).
pub const KEPT: usize = 16;

struct Kept {
    state: Weak<Store>,
    question: String,
    ranked: Arc<Vec<Ranked>>,
}

/// See the module documentation.
#[derive(Default)]
pub struct Rankings {
    kept: Mutex<VecDeque<Kept>>,
}

impl Rankings {
    /// The ranking of the incidents of `store` within `km` of the chosen border (on `side`, passing `filter`):
    /// kept, or made now on a blocking thread and kept.
    pub async fn ranked(
        &self,
        store: &Arc<Store>,
        km: f64,
        choice: BorderChoice,
        side: Option<Iso3>,
        filter: IncidentFilter,
    ) -> Result<Arc<Vec<Ranked>>, DistanceError> {
        let question = format!("{km}|{choice:?}|{side:?}|{filter:?}");
        let state = Arc::downgrade(store);
        if let Some(k) = self.lock().iter().find(|k| Weak::ptr_eq(&k.state, &state) && k.question == question) {
            return Ok(k.ranked.clone());
        }
        let of = store.clone();
        let ranked = tokio::task::spawn_blocking(move || of.ranked_near_border(km, choice, side, &filter))
            .await
            .expect("a corridor ranking panicked")?;
        let ranked = Arc::new(ranked);
        let mut kept = self.lock();
        // Rankings of other states will not be asked for again.
        kept.retain(|k| Weak::ptr_eq(&k.state, &state));
        if kept.len() >= KEPT {
            kept.pop_front();
        }
        kept.push_back(Kept { state, question, ranked: ranked.clone() });
        Ok(ranked)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Kept>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }
}
