//! Writes protocols 0–5 as CPython 3.11's C pickler (`pickle.dumps`) does:
//! the same opcode for each value and protocol, the same memo (`PUT`,
//! `BINPUT`, `LONG_BINPUT`, `MEMOIZE`, and `GET`s of objects met twice), the
//! same batches of 1000 (`APPENDS`, `SETITEMS`, `ADDITEMS`, including the
//! empty batch CPython writes after a dict or set of exactly 1000·k items),
//! and the same frames (protocol 4+: frames of up to 64 KiB, none under 4
//! bytes, str/bytes of 64 KiB or more outside any frame).
//!
//! Identity. CPython memoises by object identity, and a [`Value`] is a tree:
//! each node is its own object, except the objects CPython itself makes
//! unique — the empty str, one-character str below U+0100, the empty bytes and
//! one-byte bytes are singletons — so two equal such nodes are one object and
//! the second is a memo `GET`, as in `pickle.dumps` of a value built from
//! JSON (the reference testee's case). The objects the pickler itself adds in
//! protocols 0–2 (`_codecs.encode`, the interned `"latin1"`, `builtins.set`)
//! are one object each.
//!
//! Sets are written in the order CPython's hash table iterates a set built by
//! adding the `Value`'s members in turn ([`pyhash::set_order`]), when the
//! members' hashes are the same in every process (numbers, tuples and
//! frozensets of them); a set holding str, bytes or `None` (hashed with a
//! per-process key or by address) is written in the `Value`'s order, and
//! CPython's order for it cannot be predicted.

use crate::opcodes::op::*;
use crate::{pyhash, text};
use crossfmt_value::CodecError;
use crossfmt_value::Value;
use num_bigint::BigInt;
use std::collections::{HashMap, HashSet};

const BATCHSIZE: usize = 1000;
const FRAME_SIZE_TARGET: usize = 64 * 1024;
const FRAME_SIZE_MIN: usize = 4;
const FRAME_HEADER_SIZE: usize = 9;

/// `pickle.dumps(v, protocol)` for the values Python's pickle writes natively.
pub fn encode(v: &Value, protocol: u8) -> Result<Vec<u8>, CodecError> {
    if protocol > 5 {
        return Err(CodecError::encode(format!(
            "pickle protocol {protocol}: only 0 to 5 exist"
        )));
    }
    let mut p = Pickler {
        proto: protocol,
        out: Vec::new(),
        frame_start: None,
        framing: false,
        memo: HashMap::new(),
        fresh: 0,
    };
    if protocol >= 2 {
        p.write(&[PROTO, protocol]);
    }
    p.framing = protocol >= 4;
    p.save(v)?;
    p.write(&[STOP]);
    p.commit_frame();
    Ok(p.out)
}

/// An object's identity, as the memo sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Ident {
    /// A node of the value (its address: stable while encoding).
    Node(usize),
    /// An object the pickler makes (a reduce's argument tuple, the list a
    /// set becomes, the str a bytes becomes): new, numbered.
    Fresh(u64),
    /// A singleton str (empty or one character below U+0100).
    Char(Option<char>),
    /// A singleton bytes (empty or one byte).
    Byte(Option<u8>),
    /// The interned `"latin1"` and the globals the pickler writes.
    Const(&'static str),
}

struct Pickler {
    proto: u8,
    out: Vec<u8>,
    frame_start: Option<usize>,
    framing: bool,
    memo: HashMap<Ident, u32>,
    fresh: u64,
}

fn addr(v: &Value) -> usize {
    v as *const Value as usize
}

fn str_ident(s: &str, otherwise: Ident) -> Ident {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (None, _) => Ident::Char(None),
        (Some(c), None) if u32::from(c) < 0x100 => Ident::Char(Some(c)),
        _ => otherwise,
    }
}

fn bytes_ident(b: &[u8], otherwise: Ident) -> Ident {
    match b {
        [] => Ident::Byte(None),
        [x] => Ident::Byte(Some(*x)),
        _ => otherwise,
    }
}

impl Pickler {
    fn fresh(&mut self) -> Ident {
        self.fresh += 1;
        Ident::Fresh(self.fresh)
    }

    fn bin(&self) -> bool {
        self.proto >= 1
    }

    fn write(&mut self, b: &[u8]) {
        if self.framing && self.frame_start.is_none() {
            self.frame_start = Some(self.out.len());
            self.out.extend_from_slice(&[0; FRAME_HEADER_SIZE]);
        }
        self.out.extend_from_slice(b);
    }

    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.out.len() - start - FRAME_HEADER_SIZE;
        if len >= FRAME_SIZE_MIN {
            self.out[start] = FRAME;
            self.out[start + 1..start + FRAME_HEADER_SIZE]
                .copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.out.drain(start..start + FRAME_HEADER_SIZE);
        }
    }

    /// Between objects: a frame that reached its target size is closed.
    fn boundary(&mut self) {
        if let Some(start) = self.frame_start {
            if self.out.len() - start - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET {
                self.commit_frame();
            }
        }
    }

    /// A str or bytes payload: outside any frame when large.
    fn write_payload(&mut self, header: &[u8], data: &[u8]) {
        if self.framing && data.len() >= FRAME_SIZE_TARGET {
            self.commit_frame();
            self.framing = false;
            self.write(header);
            self.write(data);
            self.framing = true;
        } else {
            self.write(header);
            self.write(data);
        }
    }

    fn memoize(&mut self, id: Ident) {
        let idx = self.memo.len() as u32;
        let put = if self.proto >= 4 {
            vec![MEMOIZE]
        } else {
            self.memo_op(idx, BINPUT, LONG_BINPUT, 'p')
        };
        self.write(&put);
        self.memo.insert(id, idx);
    }

    /// A memo opcode for `idx`: one-byte index, four-byte index, or text.
    fn memo_op(&self, idx: u32, short: u8, long: u8, text: char) -> Vec<u8> {
        if !self.bin() {
            return format!("{text}{idx}\n").into_bytes();
        }
        match u8::try_from(idx) {
            Ok(i) => vec![short, i],
            Err(_) => {
                let mut v = vec![long];
                v.extend_from_slice(&idx.to_le_bytes());
                v
            }
        }
    }

    /// Writes a memo `GET` if `id` was saved before.
    fn get(&mut self, id: &Ident) -> bool {
        let Some(&idx) = self.memo.get(id) else {
            return false;
        };
        let get = self.memo_op(idx, BINGET, LONG_BINGET, 'g');
        self.write(&get);
        true
    }

    fn save(&mut self, v: &Value) -> Result<(), CodecError> {
        self.boundary();
        match v {
            Value::Null => self.write(&[NONE]),
            Value::Bool(b) => {
                if self.proto >= 2 {
                    self.write(&[if *b { NEWTRUE } else { NEWFALSE }]);
                } else {
                    self.write(if *b { b"I01\n" } else { b"I00\n" });
                }
            }
            Value::Int(i) => self.save_int(&BigInt::from(*i)),
            Value::BigInt(i) => self.save_int(i),
            Value::Float(f) => {
                let x = f.to_f64();
                if self.bin() {
                    let mut b = vec![BINFLOAT];
                    b.extend_from_slice(&x.to_be_bytes());
                    self.write(&b);
                } else {
                    self.write(format!("F{}\n", text::float_repr(x)).as_bytes());
                }
            }
            Value::Text(s) => self.save_str(s, str_ident(s, Ident::Node(addr(v)))),
            Value::Bytes(b) => self.save_bytes(b, bytes_ident(b, Ident::Node(addr(v))))?,
            Value::Tuple(xs) => self.save_tuple(xs, v)?,
            Value::Array(xs) => {
                self.write(if self.bin() { &[EMPTY_LIST] } else { b"(l" });
                self.memoize(Ident::Node(addr(v)));
                self.save_items(xs, APPEND, APPENDS, false, |p, x| p.save(x))?;
            }
            Value::Map(kvs) => {
                let pairs = dict_pairs(kvs)?;
                self.write(if self.bin() { &[EMPTY_DICT] } else { b"(d" });
                self.memoize(Ident::Node(addr(v)));
                self.save_items(&pairs, SETITEM, SETITEMS, true, |p, (k, x)| {
                    p.save(k)?;
                    p.save(x)
                })?;
            }
            Value::Set(xs) | Value::FrozenSet(xs) => {
                check_members(xs)?;
                let frozen = matches!(v, Value::FrozenSet(_));
                // CPython writes a set in its hash table's order.
                // References, not copies: a node's address is its identity.
                let ordered: Vec<&Value> = match pyhash::set_order(xs) {
                    Some(order) => order.into_iter().map(|i| &xs[i]).collect(),
                    None => xs.iter().collect(),
                };
                self.save_set(&ordered, frozen, v)?;
            }
            Value::Simple(_) | Value::Tag(..) | Value::Ext(..) => {
                return Err(CodecError::unsupported(format!(
                    "{} has no pickle representation",
                    v.kind()
                )))
            }
        }
        Ok(())
    }

    fn save_int(&mut self, i: &BigInt) {
        if let Ok(small) = i32::try_from(i) {
            if self.bin() {
                if (0..=0xff).contains(&small) {
                    self.write(&[BININT1, small as u8]);
                } else if (0..=0xffff).contains(&small) {
                    let b = (small as u16).to_le_bytes();
                    self.write(&[BININT2, b[0], b[1]]);
                } else {
                    let mut b = vec![BININT];
                    b.extend_from_slice(&small.to_le_bytes());
                    self.write(&b);
                }
            } else {
                self.write(format!("I{small}\n").as_bytes());
            }
            return;
        }
        if self.proto >= 2 {
            let enc = text::to_long_bytes(i);
            let mut b = if enc.len() < 256 {
                vec![LONG1, enc.len() as u8]
            } else {
                let mut b = vec![LONG4];
                b.extend_from_slice(&(enc.len() as i32).to_le_bytes());
                b
            };
            b.extend_from_slice(&enc);
            self.write(&b);
        } else {
            self.write(format!("L{i}L\n").as_bytes());
        }
    }

    fn save_str(&mut self, s: &str, id: Ident) {
        if self.get(&id) {
            return;
        }
        if self.bin() {
            let n = s.len();
            let header = if n <= 0xff && self.proto >= 4 {
                vec![SHORT_BINUNICODE, n as u8]
            } else if n > 0xffff_ffff && self.proto >= 4 {
                let mut h = vec![BINUNICODE8];
                h.extend_from_slice(&(n as u64).to_le_bytes());
                h
            } else {
                let mut h = vec![BINUNICODE];
                h.extend_from_slice(&(n as u32).to_le_bytes());
                h
            };
            self.write_payload(&header, s.as_bytes());
        } else {
            let mut line = vec![UNICODE];
            line.extend(text::raw_unicode_escape_encode(s));
            line.push(b'\n');
            self.write(&line);
        }
        self.memoize(id);
    }

    fn save_global(&mut self, module: &'static str, name: &'static str, id: &'static str) {
        self.boundary();
        if self.get(&Ident::Const(id)) {
            return;
        }
        if self.proto >= 4 {
            // Module and qualified names are interned: one object each.
            self.save_str(module, Ident::Const(module));
            self.save_str(name, Ident::Const(name));
            self.write(&[STACK_GLOBAL]);
        } else {
            // fix_imports: protocols 0–2 name Python 2's module.
            let module = if self.proto < 3 && module == "builtins" {
                "__builtin__"
            } else {
                module
            };
            self.write(format!("c{module}\n{name}\n").as_bytes());
        }
        self.memoize(Ident::Const(id));
    }

    /// `save_reduce(func, args, obj)`: the global, the argument tuple (saved
    /// by `args`), `REDUCE`, then the object memoised.
    fn save_reduce(
        &mut self,
        global: (&'static str, &'static str, &'static str),
        args: impl FnOnce(&mut Self) -> Result<(), CodecError>,
        obj: Ident,
    ) -> Result<(), CodecError> {
        self.save_global(global.0, global.1, global.2);
        args(self)?;
        self.write(&[REDUCE]);
        self.memoize(obj);
        Ok(())
    }

    /// A tuple made by the pickler (a reduce's arguments): a new object.
    fn save_new_tuple(
        &mut self,
        n: usize,
        items: impl FnOnce(&mut Self) -> Result<(), CodecError>,
        id: Ident,
    ) -> Result<(), CodecError> {
        self.boundary();
        if n == 0 {
            self.write(if self.bin() { &[EMPTY_TUPLE] } else { b"(t" });
            return Ok(());
        }
        if n <= 3 && self.proto >= 2 {
            items(self)?;
            self.write(&[TUPLE1 + n as u8 - 1]);
        } else {
            self.write(&[MARK]);
            items(self)?;
            self.write(&[TUPLE]);
        }
        self.memoize(id);
        Ok(())
    }

    fn save_bytes(&mut self, b: &[u8], id: Ident) -> Result<(), CodecError> {
        if self.get(&id) {
            return Ok(());
        }
        if self.proto < 3 {
            let global = ("builtins", "bytes", "builtins.bytes");
            if b.is_empty() {
                let tid = self.fresh();
                return self.save_reduce(global, |p| p.save_new_tuple(0, |_| Ok(()), tid), id);
            }
            let latin1: String = b.iter().map(|&c| char::from(c)).collect();
            let sid = str_ident(&latin1, self.fresh());
            let tid = self.fresh();
            return self.save_reduce(
                ("_codecs", "encode", "_codecs.encode"),
                |p| {
                    p.save_new_tuple(
                        2,
                        |p| {
                            p.boundary();
                            p.save_str(&latin1, sid);
                            p.boundary();
                            p.save_str("latin1", Ident::Const("latin1"));
                            Ok(())
                        },
                        tid,
                    )
                },
                id,
            );
        }
        let n = b.len();
        let header = if n <= 0xff {
            vec![SHORT_BINBYTES, n as u8]
        } else if n > 0xffff_ffff && self.proto >= 4 {
            let mut h = vec![BINBYTES8];
            h.extend_from_slice(&(n as u64).to_le_bytes());
            h
        } else {
            let mut h = vec![BINBYTES];
            h.extend_from_slice(&(n as u32).to_le_bytes());
            h
        };
        self.write_payload(&header, b);
        self.memoize(id);
        Ok(())
    }

    fn save_tuple(&mut self, xs: &[Value], v: &Value) -> Result<(), CodecError> {
        if xs.is_empty() {
            self.write(if self.bin() { &[EMPTY_TUPLE] } else { b"(t" });
            return Ok(());
        }
        if xs.len() <= 3 && self.proto >= 2 {
            for x in xs {
                self.save(x)?;
            }
            self.write(&[TUPLE1 + xs.len() as u8 - 1]);
        } else {
            self.write(&[MARK]);
            for x in xs {
                self.save(x)?;
            }
            self.write(&[TUPLE]);
        }
        self.memoize(Ident::Node(addr(v)));
        Ok(())
    }

    /// CPython's `batch_list_exact` / `batch_dict_exact` (protocol 1+) and
    /// `batch_list` / `batch_dict` (protocol 0: one opcode per item). Dicts
    /// repeat a batch while the last was full, so 1000·k items end with an
    /// empty `MARK SETITEMS`; lists stop at the last item.
    fn save_items<T>(
        &mut self,
        items: &[T],
        one: u8,
        many: u8,
        empty_tail: bool,
        mut save: impl FnMut(&mut Self, &T) -> Result<(), CodecError>,
    ) -> Result<(), CodecError> {
        if !self.bin() {
            for x in items {
                save(self, x)?;
                self.write(&[one]);
            }
            return Ok(());
        }
        if items.is_empty() {
            return Ok(());
        }
        if items.len() == 1 {
            save(self, &items[0])?;
            self.write(&[one]);
            return Ok(());
        }
        let mut chunks = items.chunks(BATCHSIZE).peekable();
        while let Some(chunk) = chunks.next() {
            self.write(&[MARK]);
            for x in chunk {
                save(self, x)?;
            }
            self.write(&[many]);
            if empty_tail && chunks.peek().is_none() && chunk.len() == BATCHSIZE {
                self.write(&[MARK, many]);
            }
        }
        Ok(())
    }

    fn save_set(&mut self, xs: &[&Value], frozen: bool, v: &Value) -> Result<(), CodecError> {
        let id = Ident::Node(addr(v));
        if self.proto < 4 {
            let global = if frozen {
                ("builtins", "frozenset", "builtins.frozenset")
            } else {
                ("builtins", "set", "builtins.set")
            };
            let list_id = self.fresh();
            let tuple_id = self.fresh();
            return self.save_reduce(
                global,
                |p| {
                    p.save_new_tuple(
                        1,
                        |p| {
                            p.boundary();
                            p.write(if p.bin() { &[EMPTY_LIST] } else { b"(l" });
                            p.memoize(list_id);
                            p.save_items(xs, APPEND, APPENDS, false, |p, x| p.save(x))
                        },
                        tuple_id,
                    )
                },
                id,
            );
        }
        if frozen {
            self.write(&[MARK]);
            for x in xs {
                self.save(x)?;
            }
            self.write(&[FROZENSET]);
            self.memoize(id);
            return Ok(());
        }
        self.write(&[EMPTY_SET]);
        self.memoize(id);
        let mut chunks = xs.chunks(BATCHSIZE).peekable();
        while let Some(chunk) = chunks.next() {
            self.write(&[MARK]);
            for x in chunk {
                self.save(x)?;
            }
            self.write(&[ADDITEMS]);
            if chunks.peek().is_none() && chunk.len() == BATCHSIZE {
                self.write(&[MARK, ADDITEMS]);
            }
        }
        Ok(())
    }
}

/// Python's equality of hashable values, for refusing what a dict or set
/// cannot keep apart. `None` when unhashable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum PyKey {
    None,
    Int(BigInt),
    Float(u64),
    /// A NaN: equal only to itself.
    Nan(usize),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<PyKey>),
    FrozenSet(Vec<PyKey>),
}

fn py_key(v: &Value) -> Option<PyKey> {
    use num_traits::FromPrimitive;
    Some(match v {
        Value::Null => PyKey::None,
        Value::Bool(b) => PyKey::Int(BigInt::from(u8::from(*b))),
        Value::Int(i) => PyKey::Int(BigInt::from(*i)),
        Value::BigInt(i) => PyKey::Int(i.clone()),
        Value::Float(f) => {
            let x = f.to_f64();
            if x.is_nan() {
                PyKey::Nan(addr(v))
            } else if x.is_finite() && x.fract() == 0.0 {
                PyKey::Int(BigInt::from_f64(x)?)
            } else {
                PyKey::Float(x.to_bits())
            }
        }
        Value::Text(s) => PyKey::Str(s.clone()),
        Value::Bytes(b) => PyKey::Bytes(b.clone()),
        Value::Tuple(xs) => PyKey::Tuple(xs.iter().map(py_key).collect::<Option<_>>()?),
        Value::FrozenSet(xs) => {
            let mut ks: Vec<PyKey> = xs.iter().map(py_key).collect::<Option<_>>()?;
            ks.sort_by_key(|k| format!("{k:?}"));
            ks.dedup();
            PyKey::FrozenSet(ks)
        }
        _ => return None,
    })
}

fn unhashable(v: &Value) -> CodecError {
    CodecError::unsupported(format!("{} is not hashable in Python", v.kind()))
}

/// A dict's items as Python builds them from the pairs: an exact duplicate
/// key's last value at its first place; keys distinct but equal in Python
/// refused.
fn dict_pairs(kvs: &[(Value, Value)]) -> Result<Vec<(&Value, &Value)>, CodecError> {
    let mut pairs: Vec<(&Value, &Value)> = Vec::with_capacity(kvs.len());
    let mut exact: HashMap<&Value, usize> = HashMap::new();
    let mut python: HashMap<PyKey, &Value> = HashMap::new();
    for (k, v) in kvs {
        if let Some(&i) = exact.get(k) {
            pairs[i].1 = v;
            continue;
        }
        let key = py_key(k).ok_or_else(|| unhashable(k))?;
        if let Some(other) = python.insert(key, k) {
            return Err(CodecError::unsupported(format!(
                "map keys {other} and {k} are one key in a Python dict"
            )));
        }
        exact.insert(k, pairs.len());
        pairs.push((k, v));
    }
    Ok(pairs)
}

fn check_members(xs: &[Value]) -> Result<(), CodecError> {
    let mut seen = HashSet::new();
    for x in xs {
        if !seen.insert(py_key(x).ok_or_else(|| unhashable(x))?) {
            return Err(CodecError::unsupported(format!(
                "set member {x} is equal in Python to another member"
            )));
        }
    }
    Ok(())
}
