//! Dense ids for opaque string keys: one string arena and a hash table of indices.
//!
//! A 1M-person registry keeps each id once, in one `String`, plus 4 bytes of end offset and
//! about 5 bytes of table per id, instead of a heap string and a map entry per id.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

#[derive(Clone, Default)]
pub(crate) struct IdTable {
    text: String,
    ends: Vec<u32>,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
}

impl std::fmt::Debug for IdTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdTable({} ids)", self.len())
    }
}

impl IdTable {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get_str(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        let h = self.hasher.hash_one(s);
        self.table.find(h, |&i| self.get_str(i) == s).copied()
    }

    /// Interns `s`, returning its index and whether it is new.
    pub(crate) fn intern(&mut self, s: &str) -> (u32, bool) {
        let h = self.hasher.hash_one(s);
        if let Some(&i) = self.table.find(h, |&i| self.get_str(i) == s) {
            return (i, false);
        }
        let i = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        let get = |j: u32| {
            let j = j as usize;
            let start = if j == 0 { 0 } else { ends[j - 1] as usize };
            &text[start..ends[j] as usize]
        };
        self.table.insert_unique(h, i, |&j| hasher.hash_one(get(j)));
        (i, true)
    }

    /// Removes the most recently interned id (used to undo a rejected insert).
    pub(crate) fn pop(&mut self) {
        let Some(last) = self.ends.len().checked_sub(1) else { return };
        let s = self.get_str(last as u32).to_string();
        let h = self.hasher.hash_one(s.as_str());
        if let Ok(entry) = self.table.find_entry(h, |&i| i == last as u32) {
            entry.remove();
        }
        self.ends.pop();
        let start = self.ends.last().copied().unwrap_or(0) as usize;
        self.text.truncate(start);
    }

    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.ends.reserve(n);
        self.text.reserve(bytes);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table.reserve(n, |&j| {
            let j = j as usize;
            let start = if j == 0 { 0 } else { ends[j - 1] as usize };
            hasher.hash_one(&text[start..ends[j] as usize])
        });
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.table.capacity() * 5
    }
}

#[cfg(test)]
mod tests {
    use super::IdTable;

    #[test]
    fn intern_find_pop() {
        let mut t = IdTable::default();
        assert_eq!(t.intern("a"), (0, true));
        assert_eq!(t.intern("bc"), (1, true));
        assert_eq!(t.intern("a"), (0, false));
        assert_eq!(t.find("bc"), Some(1));
        assert_eq!(t.get_str(1), "bc");
        t.pop();
        assert_eq!(t.find("bc"), None);
        assert_eq!(t.len(), 1);
        assert_eq!(t.intern("bc"), (1, true));
    }
}
