//! Data pickles straight to a [`Value`], in one pass: the fast path of
//! [`crate::loads`].
//!
//! Nearly every pickle a program loads as data is a tree of built-in
//! objects whose only sharing is of immutable scalars (the same key string
//! in every record, fetched back with `BINGET`). For those, building the
//! [`machine`](crate::machine)'s object graph and then converting it is
//! twice the work and twice the allocation. This path runs the same
//! opcodes on a stack of `Value`s instead, and gives up — returning `None`,
//! so that the caller runs the machine, which is the reference — at the
//! first thing whose meaning depends on object identity or on Python's
//! cross-type equality:
//!
//! - any global, call, `BUILD`, persistent id, extension or out-of-band
//!   buffer (the machine decides what those mean, and refuses most);
//! - a `GET` or `DUP` of a list, dict, set or tuple (a shared or recursive
//!   container: one object in CPython, which later mutation changes
//!   everywhere);
//! - a dict key or set member other than `None`, int, str or bytes (`True ==
//!   1 == 1.0` in Python, so such keys merge across types), and `bytearray`
//!   (unhashable, so the error is the machine's to word);
//! - anything malformed (the machine words every error), a value nested
//!   deeper than [`MAX_DEPTH`](crate::MAX_DEPTH), and strings fetched from
//!   the memo beyond the input's own size.
//!
//! So its answer, when it gives one, is the machine's: a test holds the two
//! equal over the CPython suite, the corpus and generated pickles of every
//! protocol.

use crate::lexer::{self, Arg, Op};
use crate::opcodes::{op::*, HIGHEST_PROTOCOL};
use crate::text;
use crossfmt_value::Value;
use foldhash::{HashMap, HashMapExt};
use std::collections::hash_map::Entry;
use std::hash::BuildHasher;

/// The value of the pickle at the start of `input` and the offset just past
/// its `STOP`, or `None` when the machine must read it.
pub fn run(input: &[u8]) -> Option<(Value, usize)> {
    let mut d = Direct {
        stack: Vec::new(),
        marks: Vec::new(),
        memo: Vec::new(),
        memo_len: 0,
        fetched: 0,
        budget: input.len(),
        pushed: None,
        hasher: foldhash::fast::FixedState::with_seed(0),
    };
    let mut pos = 0;
    loop {
        let op = lexer::op_at(input, pos).ok()?;
        if op.code == STOP {
            let top = d.pop()?;
            return Some((top.value, op.end));
        }
        d.step(&op, input)?;
        pos = op.end;
    }
}

/// One object on the stack.
struct Slot {
    value: Value,
    /// Its depth as the machine counts it (a scalar is 1).
    depth: usize,
    /// A dict's keys by hash, once it is too big to search by scanning.
    index: Option<Box<HashMap<u64, usize>>>,
}

impl Slot {
    fn scalar(value: Value) -> Slot {
        Slot {
            value,
            depth: 1,
            index: None,
        }
    }
}

/// What the memo holds at an index.
#[derive(Clone)]
enum Memo<'a> {
    /// A str, as its (valid UTF-8) bytes in the input.
    Str(&'a str),
    /// A bytes object, as its bytes in the input.
    Bytes(&'a [u8]),
    /// Any other immutable scalar.
    Scalar(Value),
    /// A container: fetching it gives up.
    Container,
}

/// Dicts with more keys than this get a hash index.
const SCAN: usize = 16;

/// How far past the memo's end an index may land: beyond it the index is
/// left to the machine, whose memo is a map (a dense vector must not be
/// sized by a number in the input).
const DENSE_MEMO: u64 = 1 << 16;

struct Direct<'a> {
    stack: Vec<Slot>,
    marks: Vec<usize>,
    memo: Vec<Option<Memo<'a>>>,
    /// Distinct memo indices set (CPython's `memo_len`, `MEMOIZE`'s index).
    memo_len: usize,
    /// Bytes of strings fetched from the memo so far.
    fetched: usize,
    /// How many bytes may be fetched (the input's length).
    budget: usize,
    /// The str or bytes the previous opcode pushed, as its input bytes:
    /// what a `MEMOIZE` right after it stores without a copy.
    pushed: Option<Memo<'a>>,
    hasher: foldhash::fast::FixedState,
}

impl<'a> Direct<'a> {
    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self) -> Option<Slot> {
        if self.stack.len() <= self.fence() {
            return None;
        }
        self.stack.pop()
    }

    fn pop_to_mark(&mut self) -> Option<Vec<Slot>> {
        let mark = self.marks.pop()?;
        if mark > self.stack.len() {
            return None;
        }
        Some(self.stack.split_off(mark))
    }

    fn push(&mut self, v: Value) {
        self.stack.push(Slot::scalar(v));
    }

    fn memo_set(&mut self, key: u64, entry: Memo<'a>) -> Option<()> {
        // MEMOIZE's indices come in order; an index far past them (a
        // LONG_BINPUT of 4e9) is the machine's.
        if key >= DENSE_MEMO && key > self.memo.len() as u64 + DENSE_MEMO {
            return None;
        }
        let key = key as usize;
        if key == self.memo.len() {
            self.memo.push(None);
        } else if key > self.memo.len() {
            self.memo.resize(key + 1, None);
        }
        if self.memo[key].replace(entry).is_none() {
            self.memo_len += 1;
        }
        Some(())
    }

    fn memo_get(&mut self, key: u64) -> Option<Value> {
        let entry = self.memo.get(usize::try_from(key).ok()?)?.as_ref()?;
        let (v, len) = match entry {
            Memo::Str(s) => (Value::Text((*s).to_owned()), s.len()),
            Memo::Bytes(b) => (Value::Bytes(b.to_vec()), b.len()),
            Memo::Scalar(v) => (v.clone(), 0),
            Memo::Container => return None,
        };
        self.fetched = self.fetched.checked_add(len)?;
        (self.fetched <= self.budget).then_some(v)
    }

    /// A line argument of `PUT`/`GET` as an index, when it is a plain one.
    fn line_index(line: &[u8]) -> Option<u64> {
        text::memo_key_u64(line).filter(|&n| n <= i64::MAX as u64)
    }

    fn step(&mut self, op: &Op<'a>, input: &'a [u8]) -> Option<()> {
        let pushed = self.pushed.take();
        match (op.code, op.arg) {
            (PROTO, Arg::Int(p)) => {
                if p > i64::from(HIGHEST_PROTOCOL) {
                    return None;
                }
            }
            (FRAME, Arg::U64(n)) => {
                if n > (input.len() - op.end) as u64 {
                    return None;
                }
            }
            (MARK, _) => self.marks.push(self.stack.len()),
            (POP, _) => {
                if self.marks.last() == Some(&self.stack.len()) {
                    self.marks.pop();
                } else {
                    self.pop()?;
                }
            }
            (POP_MARK, _) => {
                self.pop_to_mark()?;
            }
            (DUP, _) => {
                if self.stack.len() <= self.fence() {
                    return None;
                }
                let top = self.stack.last()?;
                if is_container(&top.value) {
                    return None;
                }
                let v = top.value.clone();
                self.push(v);
            }
            (PUT | BINPUT | LONG_BINPUT | MEMOIZE, arg) => {
                if self.stack.len() <= self.fence() {
                    return None;
                }
                let key = match arg {
                    Arg::Line(l) => Self::line_index(l)?,
                    Arg::Int(i) => i as u64,
                    _ => self.memo_len as u64,
                };
                let top = self.stack.last()?;
                let entry = match pushed {
                    Some(src) => src,
                    None if is_container(&top.value) => Memo::Container,
                    None => Memo::Scalar(top.value.clone()),
                };
                self.memo_set(key, entry)?;
            }
            (GET | BINGET | LONG_BINGET, arg) => {
                let key = match arg {
                    Arg::Line(l) => Self::line_index(l)?,
                    Arg::Int(i) => i as u64,
                    _ => return None,
                };
                let v = self.memo_get(key)?;
                self.push(v);
            }
            (NONE, _) => self.push(Value::Null),
            (NEWTRUE | NEWFALSE, _) => self.push(Value::Bool(op.code == NEWTRUE)),
            (INT, Arg::Line(l)) => match text::int_line(l)? {
                Ok(n) => self.push(Value::integer(n)),
                Err(b) => self.push(Value::Bool(b)),
            },
            (LONG, Arg::Line(l)) => self.push(Value::integer(text::long_line(l)?)),
            (BININT | BININT1 | BININT2, Arg::Int(i)) => self.push(Value::Int(i.into())),
            (LONG1 | LONG4, Arg::Long(b)) => self.push(Value::integer(text::long_bytes(b))),
            (FLOAT, Arg::Line(l)) => self.push(Value::f64(text::float_line(l)?)),
            (BINFLOAT, Arg::Float(x)) => self.push(Value::f64(x)),
            (BINSTRING | SHORT_BINSTRING, Arg::Bytes(b)) => {
                // Python 2 str, read with pickle.loads' default ASCII.
                let s = std::str::from_utf8(b).ok().filter(|_| b.is_ascii())?;
                self.push(Value::Text(s.to_owned()));
                self.pushed = Some(Memo::Str(s));
            }
            (BINBYTES | SHORT_BINBYTES | BINBYTES8, Arg::Bytes(b)) => {
                self.push(Value::Bytes(b.to_vec()));
                self.pushed = Some(Memo::Bytes(b));
            }
            (SHORT_BINUNICODE | BINUNICODE | BINUNICODE8, Arg::Text(b)) => {
                let s = std::str::from_utf8(b).ok()?;
                self.push(Value::Text(s.to_owned()));
                self.pushed = Some(Memo::Str(s));
            }
            (UNICODE, Arg::Line(l)) => self.push(Value::Text(text::raw_unicode_escape(l)?)),
            (EMPTY_TUPLE, _) => self.push(Value::Tuple(Vec::new())),
            (TUPLE1 | TUPLE2 | TUPLE3, _) => {
                let n = usize::from(op.code - TUPLE1 + 1);
                if self.stack.len() < self.fence() + n {
                    return None;
                }
                self.sequence(self.stack.len() - n, Value::Tuple)?;
            }
            (TUPLE | LIST, _) => {
                let mark = self.marks.pop()?;
                if mark > self.stack.len() {
                    return None;
                }
                self.sequence(
                    mark,
                    if op.code == TUPLE {
                        Value::Tuple
                    } else {
                        Value::Array
                    },
                )?;
            }
            (EMPTY_LIST, _) => self.push(Value::Array(Vec::new())),
            (EMPTY_DICT, _) => self.push(Value::Map(Vec::new())),
            (EMPTY_SET, _) => self.push(Value::Set(Vec::new())),
            (DICT | FROZENSET, _) => {
                // The new object takes the MARK's place, under its items.
                let mark = self.marks.pop()?;
                if mark > self.stack.len()
                    || (op.code == DICT && (self.stack.len() - mark) % 2 == 1)
                {
                    return None;
                }
                let empty = if op.code == DICT {
                    Value::Map(Vec::new())
                } else {
                    Value::FrozenSet(Vec::new())
                };
                self.stack.insert(mark, Slot::scalar(empty));
                self.extend(mark, mark + 1, op.code)?;
            }
            (APPEND, _) => {
                if self.stack.len() < self.fence() + 2 {
                    return None;
                }
                let n = self.stack.len();
                self.extend(n - 2, n - 1, op.code)?;
            }
            (SETITEM, _) => {
                if self.stack.len() < self.fence() + 3 {
                    return None;
                }
                let n = self.stack.len();
                self.extend(n - 3, n - 2, op.code)?;
            }
            (APPENDS | SETITEMS | ADDITEMS, _) => {
                let mark = self.marks.pop()?;
                if mark <= self.fence() || mark > self.stack.len() {
                    return None;
                }
                if mark == self.stack.len() {
                    return Some(());
                }
                if op.code == SETITEMS && (self.stack.len() - mark) % 2 == 1 {
                    return None;
                }
                self.extend(mark - 1, mark, op.code)?;
            }
            // Globals, calls, BUILD, persistent ids, extensions, buffers,
            // bytearrays and anything malformed: the machine's.
            _ => return None,
        }
        Some(())
    }

    /// A tuple or list of the items from `from` to the top, which it
    /// replaces.
    fn sequence(&mut self, from: usize, make: fn(Vec<Value>) -> Value) -> Option<()> {
        let depth = 1 + self.stack[from..]
            .iter()
            .map(|s| s.depth)
            .max()
            .unwrap_or(0);
        if depth > crate::MAX_DEPTH {
            return None;
        }
        let value = make(self.stack.drain(from..).map(|s| s.value).collect());
        self.stack.push(Slot {
            value,
            depth,
            index: None,
        });
        Some(())
    }

    /// `list.extend`, `dict.__setitem__`, `set.add` on the slot at `at`,
    /// of the items from `from` to the top, which leave the stack.
    fn extend(&mut self, at: usize, from: usize, code: u8) -> Option<()> {
        let hasher = self.hasher;
        let (head, tail) = self.stack.split_at_mut(from);
        let deepest = tail.iter().map(|s| s.depth).max().unwrap_or(0);
        if deepest + 1 > crate::MAX_DEPTH {
            return None;
        }
        let slot = &mut head[at];
        slot.depth = slot.depth.max(deepest + 1);
        let mut items = tail
            .iter_mut()
            .map(|s| std::mem::replace(&mut s.value, Value::Null));
        match (code, &mut slot.value) {
            (APPEND | APPENDS, Value::Array(xs)) => xs.extend(items),
            (DICT | SETITEM | SETITEMS, Value::Map(kvs)) => {
                let pairs = items.len() / 2;
                kvs.reserve(pairs);
                if let Some(index) = &mut slot.index {
                    index.reserve(pairs);
                }
                while let (Some(k), Some(v)) = (items.next(), items.next()) {
                    if !plain_key(&k) {
                        return None;
                    }
                    let found = match &mut slot.index {
                        None => kvs.iter().position(|(x, _)| *x == k),
                        // One probe: a new key's index is set as it is found absent.
                        Some(index) => match index.entry(key_hash(&hasher, &k)) {
                            Entry::Vacant(e) => {
                                e.insert(kvs.len());
                                None
                            }
                            Entry::Occupied(e) if kvs[*e.get()].0 == k => Some(*e.get()),
                            // Two keys of one hash: search them all.
                            Entry::Occupied(_) => kvs.iter().position(|(x, _)| *x == k),
                        },
                    };
                    match found {
                        // Python keeps the first key object, and the last value.
                        Some(i) => kvs[i].1 = v,
                        None => {
                            kvs.push((k, v));
                            if slot.index.is_none() && kvs.len() > SCAN {
                                let mut index = HashMap::with_capacity(kvs.capacity());
                                for (i, (x, _)) in kvs.iter().enumerate() {
                                    index.entry(key_hash(&hasher, x)).or_insert(i);
                                }
                                slot.index = Some(Box::new(index));
                            }
                        }
                    }
                }
            }
            (ADDITEMS, Value::Set(xs)) | (FROZENSET, Value::FrozenSet(xs)) => {
                for v in items {
                    if !plain_key(&v) {
                        return None;
                    }
                    xs.push(v);
                }
                // The members of these types are equal only when they are
                // the same value, so which one Python keeps does not show.
                xs.sort();
                xs.dedup();
            }
            _ => return None,
        }
        self.stack.truncate(from);
        Some(())
    }
}

/// A list, dict, set or tuple: an object whose identity shows.
fn is_container(v: &Value) -> bool {
    matches!(
        v,
        Value::Array(_) | Value::Map(_) | Value::Tuple(_) | Value::Set(_) | Value::FrozenSet(_)
    )
}

/// A key whose equality with any other is `Value` equality: Python's `==`
/// across `None`, int, str and bytes never crosses types.
fn plain_key(v: &Value) -> bool {
    matches!(
        v,
        Value::Null | Value::Int(_) | Value::BigInt(_) | Value::Text(_) | Value::Bytes(_)
    )
}

fn key_hash(state: &foldhash::fast::FixedState, k: &Value) -> u64 {
    state.hash_one(k)
}
