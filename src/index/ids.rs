use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Finds items by string id without copying the ids: the table holds item indexes and hashes, and
/// compares against the caller's items through a key function.
#[derive(Debug, Default)]
pub struct IdIndex {
    table: HashTable<u32>,
}

impl IdIndex {
    /// Indexes items `0..count` by `key(i)`. Returns the index and the items whose id repeats an earlier one
    /// (those are not indexed; the first occurrence wins).
    pub fn new<'k>(count: usize, key: impl Fn(u32) -> &'k str) -> (IdIndex, Vec<u32>) {
        let hasher = FxBuildHasher;
        let mut table = HashTable::with_capacity(count);
        let mut duplicates = Vec::new();
        for i in 0..count as u32 {
            let k = key(i);
            let hash = hasher.hash_one(k);
            match table.entry(hash, |&j| key(j) == k, |&j| hasher.hash_one(key(j))) {
                hashbrown::hash_table::Entry::Occupied(_) => duplicates.push(i),
                hashbrown::hash_table::Entry::Vacant(v) => {
                    v.insert(i);
                }
            }
        }
        (IdIndex { table }, duplicates)
    }

    /// The item whose `key` is `id`.
    pub fn get<'k>(&self, id: &str, key: impl Fn(u32) -> &'k str) -> Option<u32> {
        self.table.find(FxBuildHasher.hash_one(id), |&j| key(j) == id).copied()
    }
}
