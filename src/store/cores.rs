//! Work shared out over the machine's cores.

/// `work` on `items` cut into one chunk per core, each on its own thread; the chunks' results in order.
pub(crate) fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|s| {
        let handles: Vec<_> = items.chunks(chunk).map(|part| s.spawn(move || work(part))).collect();
        handles.into_iter().map(|h| h.join().expect("a worker thread panicked")).collect()
    })
}
