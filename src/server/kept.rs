//! Answers kept for the state they were made of, so that a client paging through a question pays for it once:
//! the corridor rankings `/api/near-border` pages through, the selections filtered item pages are cut from.
//! An answer is only ever used with the state it was made of (an edit makes a new state, and so a new
//! answer); a few are kept at most, and none keeps an old state alive (they hold it weakly).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, Weak};

use crate::store::Store;

struct Entry<T> {
    state: Weak<Store>,
    question: String,
    answer: Arc<T>,
}

/// See the module documentation.
pub struct Kept<T> {
    entries: Mutex<VecDeque<Entry<T>>>,
    at_most: usize,
}

impl<T: Send + Sync + 'static> Kept<T> {
    /// Keeps at most `at_most` answers.
    pub fn new(at_most: usize) -> Kept<T> {
        Kept { entries: Mutex::default(), at_most }
    }

    /// The answer to `question` about `store`: kept, or made now by `make` on a blocking thread and kept.
    pub async fn get<E: Send + 'static>(
        &self,
        store: &Arc<Store>,
        question: String,
        make: impl FnOnce(&Store) -> Result<T, E> + Send + 'static,
    ) -> Result<Arc<T>, E> {
        let state = Arc::downgrade(store);
        if let Some(e) = self.lock().iter().find(|e| Weak::ptr_eq(&e.state, &state) && e.question == question) {
            return Ok(e.answer.clone());
        }
        let of = store.clone();
        let answer =
            Arc::new(tokio::task::spawn_blocking(move || make(&of)).await.expect("making an answer panicked")?);
        let mut entries = self.lock();
        // Answers about other states will not be asked for again.
        entries.retain(|e| Weak::ptr_eq(&e.state, &state));
        if entries.len() >= self.at_most {
            entries.pop_front();
        }
        entries.push_back(Entry { state, question, answer: answer.clone() });
        Ok(answer)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry<T>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
