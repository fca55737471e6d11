//! Dense ids for opaque string keys: one string arena and an index from key to position.
//!
//! A 1M-person registry keeps each id once, in one `String`, plus 4 bytes of end offset,
//! instead of a heap string and a map entry per id. The index has two forms:
//!
//! - while every id is a plain decimal number below a bound that grows with the table
//!   (ledgers usually number their rows), a direct `Vec<u32>` from the number to the
//!   position: no hashing, about 4 bytes an id;
//! - otherwise a hash table of positions (`hashbrown::HashTable`), whose keys are read back
//!   from the arena. The table switches to this form, once, on the first other id.
//!
//! A table read back (a store's checkpoint) gets its index on first use, not while it is
//! decoded: a cold open that only reads the state (a keeper's work list) looks no id up, and
//! hashing the demo community's 86,000 event ids was a tenth of its time.

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;
use std::sync::OnceLock;

#[derive(Clone, Default)]
pub(crate) struct IdTable {
    text: String,
    ends: Vec<u32>,
    /// From id to position: made as ids are interned, or on first use after the table was
    /// read back.
    index: OnceLock<Index>,
    hasher: DefaultHashBuilder,
}

#[derive(Clone, Default)]
struct Index {
    /// Number → position + 1 (0: absent); used while `hashed` is false.
    dense: Vec<u32>,
    hashed: bool,
    table: HashTable<u32>,
}

impl std::fmt::Debug for IdTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdTable({} ids)", self.len())
    }
}

/// A decimal number without sign or leading zeros, below one billion.
fn number(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 9 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut v = 0usize;
    for &c in b {
        let digit = c.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        v = v * 10 + usize::from(digit);
    }
    Some(v)
}

fn arena_str<'a>(text: &'a str, ends: &[u32], i: u32) -> &'a str {
    let i = i as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &text[start..ends[i] as usize]
}

/// How large a number the direct index of `n` ids may hold: sparse numbering falls back to
/// hashing.
fn dense_bound(n: usize) -> usize {
    (n * 4).max(1 << 16)
}

fn push(text: &mut String, ends: &mut Vec<u32>, s: &str) -> u32 {
    let i = ends.len() as u32;
    text.push_str(s);
    ends.push(text.len() as u32);
    i
}

impl Index {
    /// The index of an arena, as interning its ids one by one would have made it.
    fn build(text: &str, ends: &[u32], hasher: &DefaultHashBuilder) -> Index {
        let bound = dense_bound(ends.len());
        let numbers: Option<Vec<usize>> =
            (0..ends.len() as u32).map(|i| number(arena_str(text, ends, i)).filter(|&v| v < bound)).collect();
        let mut ix = Index::default();
        match numbers {
            Some(numbers) => {
                ix.dense = vec![0; numbers.iter().max().map_or(0, |m| m + 1)];
                for (i, v) in numbers.into_iter().enumerate() {
                    // An arena holds each id once; should it not, the first wins, as in `find`.
                    if ix.dense[v] == 0 {
                        ix.dense[v] = i as u32 + 1;
                    }
                }
            }
            None => ix.hash_all(text, ends, hasher),
        }
        ix
    }

    fn hash_all(&mut self, text: &str, ends: &[u32], hasher: &DefaultHashBuilder) {
        self.hashed = true;
        self.dense = Vec::new();
        self.table = HashTable::with_capacity(ends.len());
        for i in 0..ends.len() as u32 {
            let h = hasher.hash_one(arena_str(text, ends, i));
            self.table.insert_unique(h, i, |&j| hasher.hash_one(arena_str(text, ends, j)));
        }
    }
}

impl IdTable {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get_str(&self, i: u32) -> &str {
        arena_str(&self.text, &self.ends, i)
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.text, &self.ends, &self.hasher))
    }

    /// The fields, with the index made if it was not: for the writers.
    fn parts(&mut self) -> (&mut String, &mut Vec<u32>, &mut Index, &DefaultHashBuilder) {
        self.index();
        let IdTable { text, ends, index, hasher } = self;
        (text, ends, index.get_mut().expect("made just above"), hasher)
    }

    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        let ix = self.index();
        if !ix.hashed {
            let v = number(s)?;
            return ix.dense.get(v).and_then(|&p| p.checked_sub(1));
        }
        let h = self.hasher.hash_one(s);
        ix.table.find(h, |&i| self.get_str(i) == s).copied()
    }

    /// Interns `s`, returning its index and whether it is new.
    pub(crate) fn intern(&mut self, s: &str) -> (u32, bool) {
        let (text, ends, ix, hasher) = self.parts();
        if !ix.hashed {
            match number(s) {
                Some(v) if v < dense_bound(ends.len()) => {
                    if let Some(&p) = ix.dense.get(v).filter(|&&p| p != 0) {
                        return (p - 1, false);
                    }
                    let i = push(text, ends, s);
                    if ix.dense.len() <= v {
                        ix.dense.resize((v + 1).max(ix.dense.len() * 3 / 2), 0);
                    }
                    ix.dense[v] = i + 1;
                    return (i, true);
                }
                _ => ix.hash_all(text, ends, hasher),
            }
        }
        let h = hasher.hash_one(s);
        if let Some(&i) = ix.table.find(h, |&i| arena_str(text, ends, i) == s) {
            return (i, false);
        }
        let i = push(text, ends, s);
        ix.table.insert_unique(h, i, |&j| hasher.hash_one(arena_str(text, ends, j)));
        (i, true)
    }

    /// Removes the most recently interned id (used to undo a rejected insert).
    pub(crate) fn pop(&mut self) {
        let (text, ends, ix, hasher) = self.parts();
        let Some(last) = ends.len().checked_sub(1) else { return };
        let s = arena_str(text, ends, last as u32).to_string();
        if ix.hashed {
            let h = hasher.hash_one(s.as_str());
            if let Ok(entry) = ix.table.find_entry(h, |&i| i == last as u32) {
                entry.remove();
            }
        } else if let Some(p) = number(&s).and_then(|v| ix.dense.get_mut(v)) {
            *p = 0;
        }
        ends.pop();
        let start = ends.last().copied().unwrap_or(0) as usize;
        text.truncate(start);
    }

    #[cfg(feature = "csv")]
    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        let (text, ends, ix, hasher) = self.parts();
        ends.reserve(n);
        text.reserve(bytes);
        if ix.hashed {
            ix.table.reserve(n, |&j| hasher.hash_one(arena_str(text, ends, j)));
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let index = self.index.get().map_or(0, |ix| ix.dense.capacity() * 4 + ix.table.capacity() * 5);
        self.text.capacity() + self.ends.capacity() * 4 + index
    }
}

impl PartialEq for IdTable {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.ends == other.ends
    }
}

/// Serialised as its arena (the text and the end offsets); the index is made again on
/// first use.
impl serde::Serialize for IdTable {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.text.as_str(), self.ends.as_slice()).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for IdTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let (text, ends) = <(String, Vec<u32>)>::deserialize(d)?;
        let mut start = 0usize;
        for &end in &ends {
            let end = end as usize;
            if end < start || !text.is_char_boundary(end) {
                return Err(D::Error::custom("id table: offsets out of order"));
            }
            start = end;
        }
        if start != text.len() {
            return Err(D::Error::custom("id table: text after the last id"));
        }
        Ok(IdTable { text, ends, ..IdTable::default() })
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

    #[test]
    fn numbers_use_the_direct_index_until_another_id_comes() {
        let mut t = IdTable::default();
        for i in 1..=1000u32 {
            assert_eq!(t.intern(&i.to_string()), (i - 1, true));
        }
        assert!(!t.index().hashed);
        assert_eq!(t.find("500"), Some(499));
        assert_eq!(t.find("0500"), None, "a leading zero is another id");
        assert_eq!(t.find("1001"), None);
        t.pop();
        assert_eq!(t.find("1000"), None);
        assert_eq!(t.intern("0500"), (999, true));
        assert!(t.index().hashed);
        assert_eq!(t.find("500"), Some(499));
        assert_eq!(t.find("0500"), Some(999));
        assert_eq!(t.intern("7"), (6, false));
    }

    #[test]
    fn a_table_read_back_makes_its_index_on_first_use() {
        for ids in [&["3", "1", "2"][..], &["a", "7", "bc"][..]] {
            let mut t = IdTable::default();
            for id in ids {
                t.intern(id);
            }
            let json = serde_json::to_string(&t).unwrap();
            let mut back: IdTable = serde_json::from_str(&json).unwrap();
            assert!(back.index.get().is_none(), "no index while decoding");
            assert_eq!(back, t);
            // Found as before, in either form of the index.
            assert_eq!(back.index().hashed, t.index().hashed);
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(back.find(id), Some(i as u32));
            }
            assert_eq!(back.find("zz"), None);
            // Interning goes on from the rebuilt index.
            let mut fresh: IdTable = serde_json::from_str(&json).unwrap();
            assert_eq!(fresh.intern(ids[1]), (1, false));
            assert_eq!(fresh.intern("9"), (3, true));
            fresh.pop();
            assert_eq!(fresh.find("9"), None);
            back.pop();
            assert_eq!(back.find(ids[2]), None);
        }
    }

    #[test]
    fn sparse_numbers_fall_back_to_hashing() {
        let mut t = IdTable::default();
        t.intern("1");
        t.intern("900000000");
        assert!(t.index().hashed);
        assert_eq!(t.find("1"), Some(0));
        assert_eq!(t.find("900000000"), Some(1));
    }
}
