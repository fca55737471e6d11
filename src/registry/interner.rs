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

use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

#[derive(Clone, Default)]
pub(crate) struct IdTable {
    text: String,
    ends: Vec<u32>,
    /// Number → position + 1 (0: absent); used while `hashed` is false.
    dense: Vec<u32>,
    hashed: bool,
    table: HashTable<u32>,
    hasher: DefaultHashBuilder,
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

impl IdTable {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get_str(&self, i: u32) -> &str {
        arena_str(&self.text, &self.ends, i)
    }

    /// How large a number the direct index may hold: sparse numbering falls back to hashing.
    fn dense_bound(&self) -> usize {
        (self.ends.len() * 4).max(1 << 16)
    }

    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        if !self.hashed {
            let v = number(s)?;
            return self.dense.get(v).and_then(|&p| p.checked_sub(1));
        }
        let h = self.hasher.hash_one(s);
        self.table.find(h, |&i| self.get_str(i) == s).copied()
    }

    /// Interns `s`, returning its index and whether it is new.
    pub(crate) fn intern(&mut self, s: &str) -> (u32, bool) {
        if !self.hashed {
            match number(s) {
                Some(v) if v < self.dense_bound() => {
                    if let Some(&p) = self.dense.get(v).filter(|&&p| p != 0) {
                        return (p - 1, false);
                    }
                    let i = self.push(s);
                    if self.dense.len() <= v {
                        self.dense.resize((v + 1).max(self.dense.len() * 3 / 2), 0);
                    }
                    self.dense[v] = i + 1;
                    return (i, true);
                }
                _ => self.switch_to_hashing(),
            }
        }
        let h = self.hasher.hash_one(s);
        if let Some(&i) = self.table.find(h, |&i| self.get_str(i) == s) {
            return (i, false);
        }
        let i = self.push(s);
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table.insert_unique(h, i, |&j| hasher.hash_one(arena_str(text, ends, j)));
        (i, true)
    }

    fn push(&mut self, s: &str) -> u32 {
        let i = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        i
    }

    fn switch_to_hashing(&mut self) {
        self.hashed = true;
        self.dense = Vec::new();
        let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
        self.table = HashTable::with_capacity(ends.len());
        for i in 0..ends.len() as u32 {
            let h = hasher.hash_one(arena_str(text, ends, i));
            self.table.insert_unique(h, i, |&j| hasher.hash_one(arena_str(text, ends, j)));
        }
    }

    /// Removes the most recently interned id (used to undo a rejected insert).
    pub(crate) fn pop(&mut self) {
        let Some(last) = self.ends.len().checked_sub(1) else { return };
        let s = self.get_str(last as u32).to_string();
        if self.hashed {
            let h = self.hasher.hash_one(s.as_str());
            if let Ok(entry) = self.table.find_entry(h, |&i| i == last as u32) {
                entry.remove();
            }
        } else if let Some(p) = number(&s).and_then(|v| self.dense.get_mut(v)) {
            *p = 0;
        }
        self.ends.pop();
        let start = self.ends.last().copied().unwrap_or(0) as usize;
        self.text.truncate(start);
    }

    #[cfg(feature = "csv")]
    pub(crate) fn reserve(&mut self, n: usize, bytes: usize) {
        self.ends.reserve(n);
        self.text.reserve(bytes);
        if self.hashed {
            let (text, ends, hasher) = (&self.text, &self.ends, &self.hasher);
            self.table.reserve(n, |&j| hasher.hash_one(arena_str(text, ends, j)));
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.dense.capacity() * 4 + self.table.capacity() * 5
    }
}

impl PartialEq for IdTable {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.ends == other.ends
    }
}

/// Serialised as its arena (the text and the end offsets); the index is rebuilt on reading.
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
        let mut t = IdTable { text, ends, ..IdTable::default() };
        // The index, as interning one by one would have made it, without the checks.
        let bound = t.dense_bound();
        let numbers: Option<Vec<usize>> =
            (0..t.len() as u32).map(|i| number(t.get_str(i)).filter(|&v| v < bound)).collect();
        match numbers {
            Some(numbers) => {
                t.dense = vec![0; numbers.iter().max().map_or(0, |m| m + 1)];
                for (i, v) in numbers.into_iter().enumerate() {
                    if t.dense[v] != 0 {
                        return Err(D::Error::custom(format!("id table: `{v}` twice")));
                    }
                    t.dense[v] = i as u32 + 1;
                }
            }
            None => t.switch_to_hashing(),
        }
        Ok(t)
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
        assert!(!t.hashed);
        assert_eq!(t.find("500"), Some(499));
        assert_eq!(t.find("0500"), None, "a leading zero is another id");
        assert_eq!(t.find("1001"), None);
        t.pop();
        assert_eq!(t.find("1000"), None);
        assert_eq!(t.intern("0500"), (999, true));
        assert!(t.hashed);
        assert_eq!(t.find("500"), Some(499));
        assert_eq!(t.find("0500"), Some(999));
        assert_eq!(t.intern("7"), (6, false));
    }

    #[test]
    fn sparse_numbers_fall_back_to_hashing() {
        let mut t = IdTable::default();
        t.intern("1");
        t.intern("900000000");
        assert!(t.hashed);
        assert_eq!(t.find("1"), Some(0));
        assert_eq!(t.find("900000000"), Some(1));
    }
}
