//! [`PickleValue`] → [`Value`], for data only.
//!
//! Policy: the calls CPython itself writes to spell built-in types in old
//! protocols are applied — `builtins.set`/`frozenset` (and `__builtin__`) of
//! an iterable, `builtins.bytes`/`bytearray` of nothing or of bytes, and
//! `_codecs.encode(str, "latin1")` (bytes before protocol 3). Every other
//! global, call, `BUILD`, persistent id or extension is refused as
//! `Unsupported`, naming it and its offset. A `bytearray` becomes bytes
//! (`Value` has no bytearray; the Python reference testee does the same).
//!
//! An object reached twice is converted twice (a `Value` is a tree); the
//! total is bounded by a budget proportional to the input, so a pickle that
//! shares one list a million times cannot expand without limit. A container
//! that contains itself is refused.

use crate::machine::{CallKind, Id, Node, PickleValue};
use crate::reconstruct::{codecs_encode, iterable_items, EncodeError};
use crossfmt_value::CodecError;
use crossfmt_value::Value;
use foldhash::{HashSet, HashSetExt};

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest value (scalars are depth 1).
    pub max_depth: usize,
    /// Values allowed beyond the input's length in bytes.
    pub extra_nodes: u64,
}

/// Converts the value `STOP` returned; `input_len` scales the budget.
pub fn to_value(pv: &PickleValue, input_len: usize, limits: Limits) -> Result<Value, CodecError> {
    refuse_imports(pv)?;
    let mut c = Converter {
        pv,
        limits,
        budget: (input_len as u64).saturating_add(limits.extra_nodes),
        on_path: vec![false; pv.nodes.len()],
        keys: Default::default(),
    };
    c.run_every_reconstructor()?;
    c.value(pv.root, 1)
}

/// CPython resolves every `GLOBAL`/`STACK_GLOBAL`, persistent id and
/// extension code as it reads it, whether or not the result ends up in the
/// value (a global left on the stack under the returned object is still
/// imported). So a data decoder refuses the whole pickle for any of them
/// outside CPython's own reconstructors, not only for those it reaches.
fn refuse_imports(pv: &PickleValue) -> Result<(), CodecError> {
    for n in &pv.nodes {
        let what = match &n.node {
            Node::Global { module, name } if !is_reconstructor(module, name) => {
                format!("global {module}.{name}")
            }
            Node::PersId(_) => "a persistent id".to_string(),
            Node::Ext(code) => format!("extension code {code}"),
            _ => continue,
        };
        return Err(CodecError::unsupported(format!(
            "{what} at offset {}: a data decoder refuses to import or resolve it, \
             even where the value does not use it",
            n.offset
        )));
    }
    Ok(())
}

fn is_reconstructor(module: &str, name: &str) -> bool {
    crate::reconstruct::reconstructor(module, name).is_some()
}

struct Converter<'a> {
    pv: &'a PickleValue,
    limits: Limits,
    budget: u64,
    /// Per node id: on the path from the root to the node being converted.
    on_path: Vec<bool>,
    keys: crate::machine::Keys,
}

impl Converter<'_> {
    fn at(&self, id: Id) -> usize {
        self.pv.nodes[id].offset
    }

    fn value(&mut self, id: Id, depth: usize) -> Result<Value, CodecError> {
        if depth > self.limits.max_depth {
            return Err(CodecError::limit(format!(
                "pickle nests deeper than {}",
                self.limits.max_depth
            )));
        }
        if self.budget == 0 {
            return Err(CodecError::limit(
                "pickle expands to too many values (shared objects are copied into a tree)",
            ));
        }
        self.budget -= 1;
        if std::mem::replace(&mut self.on_path[id], true) {
            return Err(CodecError::unsupported(format!(
                "recursive structure: the {} made at offset {} contains itself, a Value is a tree",
                self.pv.node(id).kind(),
                self.at(id)
            )));
        }
        let v = self.convert(id, depth);
        self.on_path[id] = false;
        v
    }

    fn all(&mut self, ids: &[Id], depth: usize) -> Result<Vec<Value>, CodecError> {
        ids.iter().map(|&i| self.value(i, depth + 1)).collect()
    }

    fn members(&mut self, ids: &[Id], depth: usize) -> Result<Vec<Value>, CodecError> {
        let mut xs = self.all(ids, depth)?;
        xs.sort();
        Ok(xs)
    }

    fn convert(&mut self, id: Id, depth: usize) -> Result<Value, CodecError> {
        Ok(match self.pv.node(id) {
            Node::None => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::SmallInt(i) => Value::Int((*i).into()),
            Node::Int(i) => Value::integer(i.clone()),
            Node::Float(x) => Value::f64(*x),
            Node::Str(s) => Value::Text(s.clone()),
            Node::Bytes(b) | Node::ByteArray(b) => Value::Bytes(b.clone()),
            Node::List(xs) => Value::Array(self.all(xs, depth)?),
            Node::Tuple(xs) => Value::Tuple(self.all(xs, depth)?),
            Node::Set(xs) => Value::Set(self.members(xs, depth)?),
            Node::FrozenSet(xs) => Value::FrozenSet(self.members(xs, depth)?),
            Node::Dict(kvs) => {
                let mut pairs = Vec::with_capacity(kvs.len());
                for &(k, v) in kvs {
                    pairs.push((self.value(k, depth + 1)?, self.value(v, depth + 1)?));
                }
                Value::Map(pairs)
            }
            Node::Call {
                kind: CallKind::Reduce,
                callable,
                args,
                ..
            } => self.reconstruct(id, *callable, *args, depth)?,
            Node::Global { module, name } => {
                return Err(CodecError::unsupported(format!(
                    "global {module}.{name} (offset {}) is not data",
                    self.at(id)
                )))
            }
            n => {
                return Err(CodecError::unsupported(format!(
                    "{} at offset {}{} is not data",
                    n.kind(),
                    self.at(id),
                    self.named(id)
                )))
            }
        })
    }

    /// CPython runs every `REDUCE` as it reads it, so a reconstructor call
    /// that raises (`set` with two arguments, `set(5)`, a list as a set
    /// member) fails the whole `pickle.loads` even when its result is
    /// discarded. Each is evaluated here in stream order, by the same rules
    /// as in the value.
    fn run_every_reconstructor(&mut self) -> Result<(), CodecError> {
        for id in 0..self.pv.nodes.len() {
            let Node::Call {
                kind: CallKind::Reduce,
                callable,
                args,
                ..
            } = *self.pv.node(id)
            else {
                continue;
            };
            if matches!(self.pv.node(callable), Node::Global { .. }) {
                self.reconstruct(id, callable, args, 1)?;
            }
        }
        Ok(())
    }

    /// ` of module.name` for a node built from a global, else empty.
    fn named(&self, id: Id) -> String {
        let mut n = id;
        for _ in 0..4 {
            match self.pv.node(n) {
                Node::Global { module, name } => return format!(" of {module}.{name}"),
                Node::Call { callable, .. } => n = *callable,
                Node::Build { obj, .. } | Node::Mutate { obj, .. } => n = *obj,
                _ => break,
            }
        }
        String::new()
    }

    fn reconstruct(
        &mut self,
        id: Id,
        callable: Id,
        args: Id,
        depth: usize,
    ) -> Result<Value, CodecError> {
        let refuse = |c: &Self| {
            CodecError::unsupported(format!(
                "call at offset {}{}: only the reconstructors CPython writes for built-in types \
                 (builtins.set/frozenset/bytes/bytearray, _codecs.encode) are applied",
                c.at(id),
                c.named(id)
            ))
        };
        let (Node::Global { module, name }, Node::Tuple(args)) =
            (self.pv.node(callable), self.pv.node(args))
        else {
            return Err(refuse(self));
        };
        let builtin = matches!(module.as_str(), "builtins" | "__builtin__");
        match (builtin, module.as_str(), name.as_str(), args.as_slice()) {
            (true, _, "set" | "frozenset", []) => Ok(if name == "set" {
                Value::Set(Vec::new())
            } else {
                Value::FrozenSet(Vec::new())
            }),
            (true, _, "set" | "frozenset", [_, _, ..]) => Err(CodecError::syntax(format!(
                "{module}.{name} at offset {}: {name} expected at most 1 argument, got {}",
                self.at(id),
                args.len()
            ))),
            (true, _, "set" | "frozenset", [iterable]) => {
                let Some(items) = iterable_items(&self.pv.nodes, *iterable) else {
                    return Err(refuse(self));
                };
                let mut seen = HashSet::new();
                let mut unique = Vec::new();
                for i in items {
                    let class = self.keys.class_of(i, &self.pv.nodes).ok_or_else(|| {
                        CodecError::syntax(format!(
                            "{module}.{name} at offset {}: unhashable type: '{}'",
                            self.at(id),
                            self.pv.node(i).kind()
                        ))
                    })?;
                    if seen.insert(class) {
                        unique.push(i);
                    }
                }
                let members = self.members(&unique, depth)?;
                Ok(if name == "set" {
                    Value::Set(members)
                } else {
                    Value::FrozenSet(members)
                })
            }
            (true, _, "bytes" | "bytearray", []) => Ok(Value::Bytes(Vec::new())),
            // bytearray(bytes) is how protocols 0-4 spell a bytearray; the
            // bytes may themselves be a `_codecs.encode` call (0-2).
            (true, _, "bytes" | "bytearray", [b]) => match self.value(*b, depth + 1)? {
                Value::Bytes(b) => Ok(Value::Bytes(b)),
                _ => Err(refuse(self)),
            },
            (false, "_codecs", "encode", [s, rest @ ..]) if rest.len() <= 1 => {
                let (Node::Str(s), enc) =
                    (self.pv.node(*s), rest.first().map(|&e| self.pv.node(e)))
                else {
                    return Err(refuse(self));
                };
                let enc = match enc {
                    None => None,
                    Some(Node::Str(e)) => Some(e.as_str()),
                    Some(_) => return Err(refuse(self)),
                };
                match codecs_encode(s, enc) {
                    Ok(b) => Ok(Value::Bytes(b)),
                    Err(EncodeError::UnknownCodec) => Err(refuse(self)),
                    Err(EncodeError::CannotEncode { encoding, position }) => {
                        Err(CodecError::syntax(format!(
                            "_codecs.encode at offset {}: '{encoding}' codec can't encode character in position {position}",
                            self.at(id)
                        )))
                    }
                }
            }
            _ => Err(refuse(self)),
        }
    }
}
