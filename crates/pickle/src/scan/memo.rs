//! The unpickler's memo as the scanner keeps it: keys are almost always
//! dense (`MEMOIZE` numbers objects in order, `BINPUT` counts up), so they
//! index a vector; a key far past anything the input could fill goes to a
//! hash map, so a hostile index never sizes the vector.

use std::collections::HashMap;

pub(crate) struct Memo<V> {
    dense: Vec<Option<V>>,
    /// Keys at or past this go to `sparse`.
    dense_limit: u64,
    sparse: HashMap<u64, V, foldhash::fast::RandomState>,
    len: usize,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            dense: Vec::new(),
            dense_limit: 0,
            sparse: HashMap::default(),
            len: 0,
        }
    }
}

impl<V> Memo<V> {
    /// Empties the memo, keeping its allocation, for keys dense below
    /// `dense_limit`.
    pub fn reset(&mut self, dense_limit: usize) {
        self.dense.clear();
        self.sparse.clear();
        self.len = 0;
        self.dense_limit = dense_limit as u64;
    }

    /// Entries the dense part holds without growing.
    pub fn capacity(&self) -> usize {
        self.dense.capacity()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn get(&self, key: u64) -> Option<&V> {
        if key < self.dense_limit {
            self.dense.get(key as usize)?.as_ref()
        } else {
            self.sparse.get(&key)
        }
    }

    pub fn contains(&self, key: u64) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`; true when it was not there before.
    pub fn insert(&mut self, key: u64, v: V) -> bool {
        let new = if key < self.dense_limit {
            let i = key as usize;
            if i == self.dense.len() {
                // The usual case: the next key.
                self.dense.push(Some(v));
                true
            } else {
                if i > self.dense.len() {
                    self.dense.resize_with(i + 1, || None);
                }
                self.dense[i].replace(v).is_none()
            }
        } else {
            self.sparse.insert(key, v).is_none()
        };
        self.len += usize::from(new);
        new
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;

    #[test]
    fn dense_and_sparse_keys_read_back() {
        let mut m = Memo::default();
        m.reset(4);
        assert!(m.insert(1, "a"));
        assert!(m.insert(1 << 40, "far"));
        assert!(!m.insert(1, "b"));
        assert_eq!(
            (m.get(1), m.get(1 << 40), m.get(0), m.get(9)),
            (Some(&"b"), Some(&"far"), None, None)
        );
        assert_eq!(m.len(), 2);
        m.reset(4);
        assert_eq!((m.len(), m.get(1)), (0, None));
    }
}
