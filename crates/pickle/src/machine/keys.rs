//! Python's equality for dict keys and set members, without hashing by
//! Python's rules: every hashable object gets a class (an interned shape),
//! and two objects are equal keys when their classes are the same.
//!
//! `1`, `1.0` and `True` share a class (they are one key in Python); a NaN is
//! equal only to itself (the same object), as are objects the machine cannot
//! see into. Shapes refer to their members' classes, so a tuple shared many
//! times through the memo costs one shape, not a copy per use.

use super::super::reconstruct::{self, Reconstructor};
use super::{Id, Located, Node};
// foldhash is seeded per process (keys come from the input) and far cheaper
// than SipHash on the small keys here.
use foldhash::HashMap;
use num_bigint::BigInt;

pub type KeyClass = u32;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Shape {
    /// An int (or bool, or integral float) that fits i64.
    SmallInt(i64),
    /// Any other int; never one that fits i64, so each int has one shape.
    Int(BigInt),
    /// A finite or infinite float that is not an integer, by bits.
    Float(u64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<KeyClass>),
    /// Member classes, sorted.
    FrozenSet(Vec<KeyClass>),
    /// A NaN or an opaque object: equal only to itself.
    Identity(Id),
}

#[derive(Default)]
pub struct Keys {
    interned: HashMap<Shape, KeyClass>,
    /// Per node id (ids are dense): `None` until computed, then its class,
    /// or `Some(None)` when unhashable.
    classes: Vec<Option<Option<KeyClass>>>,
    /// Per node id: its members are being classed (a cycle check).
    expanding: Vec<bool>,
    /// Per (dict or set, class): the index of that key's entry.
    slots: HashMap<(Id, KeyClass), usize>,
}

impl Keys {
    fn intern(&mut self, s: Shape) -> KeyClass {
        let next = self.interned.len() as KeyClass;
        *self.interned.entry(s).or_insert(next)
    }

    /// The class of `id`, `None` if Python cannot hash it. Iterative: tuples
    /// may nest as deep as the input is long.
    pub fn class_of(&mut self, id: Id, nodes: &[Located]) -> Option<KeyClass> {
        if self.classes.len() < nodes.len() {
            self.classes.resize(nodes.len(), None);
            self.expanding.resize(nodes.len(), false);
        }
        if let Some(known) = self.classes[id] {
            return known;
        }
        if !matches!(
            nodes[id].node,
            Node::Tuple(_) | Node::FrozenSet(_) | Node::Call { .. }
        ) {
            let class = self.shape(id, nodes).map(|s| self.intern(s));
            self.classes[id] = Some(class);
            return class;
        }
        let mut work = vec![id];
        while let Some(&n) = work.last() {
            if self.classes[n].is_some() {
                work.pop();
                continue;
            }
            let pending: Vec<Id> = members(n, nodes)
                .into_iter()
                .filter(|&m| self.classes[m].is_none())
                .collect();
            let cycle = pending.iter().any(|&m| self.expanding[m]);
            if !pending.is_empty() && !cycle {
                self.expanding[n] = true;
                work.extend(pending);
                continue;
            }
            work.pop();
            self.expanding[n] = false;
            // A frozenset(list) whose list later took the frozenset itself:
            // CPython built it before, from other items; here it can only be
            // equal to itself.
            let class = if cycle {
                Some(Shape::Identity(n))
            } else {
                self.shape(n, nodes)
            };
            let class = class.map(|s| self.intern(s));
            self.classes[n] = Some(class);
        }
        self.classes[id].flatten()
    }

    /// The shape of `n`, its members' classes already known.
    fn shape(&self, n: Id, nodes: &[Located]) -> Option<Shape> {
        let members = |xs: &[Id]| -> Option<Vec<KeyClass>> {
            xs.iter().map(|&m| self.classes[m].flatten()).collect()
        };
        Some(match &nodes[n].node {
            Node::None => Shape::Identity(usize::MAX),
            Node::Bool(b) => Shape::SmallInt(i64::from(*b)),
            Node::SmallInt(i) => Shape::SmallInt(*i),
            Node::Int(i) => Shape::Int(i.clone()),
            Node::Float(x) => float_shape(*x, n),
            Node::Str(s) => Shape::Str(s.clone()),
            Node::Bytes(b) => Shape::Bytes(b.clone()),
            Node::Tuple(xs) => Shape::Tuple(members(xs)?),
            Node::FrozenSet(xs) => {
                let mut cs = members(xs)?;
                cs.sort_unstable();
                Shape::FrozenSet(cs)
            }
            Node::List(_) | Node::Dict(_) | Node::Set(_) | Node::ByteArray(_) => return None,
            Node::Call { .. } => return self.call_shape(n, nodes),
            _ => Shape::Identity(n),
        })
    }

    /// A call of one of CPython's reconstructors is the object it makes
    /// (`frozenset([1])` equals a frozenset read from `FROZENSET`, a `set(...)`
    /// is unhashable); any other call is an object equal only to itself.
    fn call_shape(&self, n: Id, nodes: &[Located]) -> Option<Shape> {
        let Some((made, args)) = reconstruct::call(nodes, n) else {
            return Some(Shape::Identity(n));
        };
        Some(match (made, args) {
            (Reconstructor::Set | Reconstructor::ByteArray, _) => return None,
            (Reconstructor::FrozenSet, []) => Shape::FrozenSet(Vec::new()),
            (Reconstructor::FrozenSet, [x]) => match reconstruct::iterable_items(nodes, *x) {
                Some(items) => {
                    let mut cs: Vec<KeyClass> = items
                        .iter()
                        .map(|&m| self.classes[m].flatten())
                        .collect::<Option<_>>()?;
                    cs.sort_unstable();
                    cs.dedup();
                    Shape::FrozenSet(cs)
                }
                None => Shape::Identity(n),
            },
            (Reconstructor::Bytes, []) => Shape::Bytes(Vec::new()),
            (Reconstructor::Bytes, [b]) => {
                reconstruct::bytes_of(nodes, *b).map_or(Shape::Identity(n), Shape::Bytes)
            }
            (Reconstructor::CodecsEncode, _) => {
                reconstruct::bytes_of(nodes, n).map_or(Shape::Identity(n), Shape::Bytes)
            }
            _ => Shape::Identity(n),
        })
    }

    pub fn dict_slot(&self, container: Id, class: KeyClass) -> Option<usize> {
        self.slots.get(&(container, class)).copied()
    }

    pub fn set_dict_slot(&mut self, container: Id, class: KeyClass, index: usize) {
        self.slots.insert((container, class), index);
    }
}

/// The nodes whose classes `n`'s class is made of.
fn members(n: Id, nodes: &[Located]) -> Vec<Id> {
    match &nodes[n].node {
        Node::Tuple(xs) | Node::FrozenSet(xs) => xs.clone(),
        Node::Call { .. } => match reconstruct::call(nodes, n) {
            Some((Reconstructor::FrozenSet, [x])) => {
                reconstruct::iterable_items(nodes, *x).unwrap_or_default()
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn float_shape(x: f64, n: Id) -> Shape {
    if x.is_nan() {
        Shape::Identity(n)
    } else if x.is_finite() && x.fract() == 0.0 {
        let n = bigint_of(x);
        i64::try_from(&n).map_or(Shape::Int(n), Shape::SmallInt)
    } else {
        Shape::Float(x.to_bits())
    }
}

/// An integral finite float as an integer, exactly (beyond i128 too).
fn bigint_of(x: f64) -> BigInt {
    use num_traits::FromPrimitive;
    BigInt::from_f64(x).expect("finite")
}
