//! Python's equality for dict keys and set members, without hashing by
//! Python's rules: every hashable object gets a class (an interned shape),
//! and two objects are equal keys when their classes are the same.
//!
//! `1`, `1.0` and `True` share a class (they are one key in Python); a NaN is
//! equal only to itself (the same object), as are objects the machine cannot
//! see into. Shapes refer to their members' classes, so a tuple shared many
//! times through the memo costs one shape, not a copy per use.

use super::{Id, Located, Node};
use num_bigint::BigInt;
use std::collections::HashMap;

pub type KeyClass = u32;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Shape {
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
    /// Per node: its class, or `None` when unhashable.
    classes: HashMap<Id, Option<KeyClass>>,
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
        let mut work = vec![id];
        while let Some(&n) = work.last() {
            if self.classes.contains_key(&n) {
                work.pop();
                continue;
            }
            let members: &[Id] = match &nodes[n].node {
                Node::Tuple(xs) | Node::FrozenSet(xs) => xs,
                _ => &[],
            };
            let pending: Vec<Id> = members
                .iter()
                .copied()
                .filter(|m| !self.classes.contains_key(m))
                .collect();
            if !pending.is_empty() {
                work.extend(pending);
                continue;
            }
            work.pop();
            let class = self.shape(n, nodes).map(|s| self.intern(s));
            self.classes.insert(n, class);
        }
        self.classes[&id]
    }

    /// The shape of `n`, its members' classes already known.
    fn shape(&self, n: Id, nodes: &[Located]) -> Option<Shape> {
        let members =
            |xs: &[Id]| -> Option<Vec<KeyClass>> { xs.iter().map(|m| self.classes[m]).collect() };
        Some(match &nodes[n].node {
            Node::None => Shape::Identity(usize::MAX),
            Node::Bool(b) => Shape::Int(BigInt::from(u8::from(*b))),
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

fn float_shape(x: f64, n: Id) -> Shape {
    if x.is_nan() {
        Shape::Identity(n)
    } else if x.is_finite() && x.fract() == 0.0 {
        Shape::Int(bigint_of(x))
    } else {
        Shape::Float(x.to_bits())
    }
}

/// An integral finite float as an integer, exactly (beyond i128 too).
fn bigint_of(x: f64) -> BigInt {
    use num_traits::FromPrimitive;
    BigInt::from_f64(x).expect("finite")
}
