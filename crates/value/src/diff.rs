//! Where two values first differ, so a finding points at the node rather than
//! printing two large values side by side, and so its signature can name the
//! kinds of the differing nodes without their contents.

use crate::notation;
use crate::value::Value;
use std::fmt;

/// The first difference between an expected and an actual value, depth
/// first: the path to it and what stands there on each side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// `[2]`, `{#0 key}` (the first pair's key), `["a"]` (the value under
    /// key `"a"`), `258(..)` (inside a tag); empty at the top level.
    pub path: String,
    /// What the expected value has there.
    pub expected: Side,
    /// What the actual value has there.
    pub actual: Side,
}

/// One side of a [`Difference`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// A node that differs.
    Node {
        /// Its kind ([`Value::kind`]).
        kind: &'static str,
        /// Its short notation ([`notation::print_short`]).
        shown: String,
    },
    /// Two containers of one kind whose lengths differ.
    Items {
        /// The container's kind.
        container: &'static str,
        /// Its length on this side.
        len: usize,
    },
}

impl Side {
    /// The value-free shape of this side: the node's kind, or `<kind> items`
    /// for a container whose length differs.
    pub fn class(&self) -> String {
        match self {
            Side::Node { kind, .. } => (*kind).to_string(),
            Side::Items { container, .. } => format!("{container} items"),
        }
    }
}

impl Difference {
    /// `expected-kind->actual-kind` (`f64->f64`, `bytes->text`,
    /// `set items->set items`): what a signature keeps of the difference.
    pub fn class(&self) -> String {
        format!("{}->{}", self.expected.class(), self.actual.class())
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() {
            "top level"
        } else {
            &self.path
        };
        match (&self.expected, &self.actual) {
            (Side::Items { len: e, .. }, Side::Items { len: a, .. }) => {
                write!(f, "at {at}: expected {e} items, got {a}")
            }
            (e, a) => write!(f, "at {at}: expected {}, got {}", show(e), show(a)),
        }
    }
}

fn show(s: &Side) -> String {
    match s {
        Side::Node { kind, shown } => format!("{kind} {shown}"),
        Side::Items { container, len } => format!("{container} of {len} items"),
    }
}

/// The first difference of `actual` from `expected`; `None` when equal.
pub fn first(expected: &Value, actual: &Value) -> Option<Difference> {
    let mut path = String::new();
    walk(expected, actual, &mut path)
}

fn node(v: &Value) -> Side {
    Side::Node {
        kind: v.kind(),
        shown: notation::print_short(v),
    }
}

fn walk(e: &Value, a: &Value, path: &mut String) -> Option<Difference> {
    if e == a {
        return None;
    }
    let here = |path: &str, expected: Side, actual: Side| {
        Some(Difference {
            path: path.to_string(),
            expected,
            actual,
        })
    };
    let items = |container: &'static str, x: usize, y: usize| {
        (
            Side::Items { container, len: x },
            Side::Items { container, len: y },
        )
    };
    let children: (Vec<&Value>, Vec<&Value>, &'static str) = match (e, a) {
        (Value::Array(x), Value::Array(y)) => (x.iter().collect(), y.iter().collect(), "array"),
        (Value::Tuple(x), Value::Tuple(y)) => (x.iter().collect(), y.iter().collect(), "tuple"),
        (Value::Set(x), Value::Set(y)) => (x.iter().collect(), y.iter().collect(), "set"),
        (Value::FrozenSet(x), Value::FrozenSet(y)) => {
            (x.iter().collect(), y.iter().collect(), "frozenset")
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() {
                let (p, q) = items("map", x.len(), y.len());
                return here(path, p, q);
            }
            // Keys that one side has and the other lacks are the difference,
            // wherever a sorted or reordered map put them: pairing by
            // position would report two unrelated keys.
            if let Some((i, ek, ak)) = unmatched_keys(x, y) {
                let len = path.len();
                path.push_str(&format!("{{#{i} key}}"));
                // Inside the two keys: a NaN quieted in an array key is an
                // f32 difference, not an array one.
                let d = walk(ek, ak, path);
                path.truncate(len);
                return d;
            }
            for (i, ((ek, ev), (ak, av))) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("{{#{i} key}}"));
                if let Some(d) = walk(ek, ak, path) {
                    return Some(d);
                }
                path.truncate(len);
                path.push_str(&format!("[{}]", notation::print_short(ek)));
                if let Some(d) = walk(ev, av, path) {
                    return Some(d);
                }
                path.truncate(len);
            }
            return here(path, node(e), node(a));
        }
        (Value::Tag(t, x), Value::Tag(u, y)) if t == u => {
            let len = path.len();
            path.push_str(&format!("{t}(..)"));
            let d = walk(x, y, path);
            path.truncate(len);
            return d.or_else(|| here(path, node(e), node(a)));
        }
        _ => return here(path, node(e), node(a)),
    };
    let (es, as_, container) = children;
    if es.len() != as_.len() {
        let (p, q) = items(container, es.len(), as_.len());
        return here(path, p, q);
    }
    // A set's difference is a member one side lacks, wherever sorting put it.
    if matches!(e, Value::Set(_) | Value::FrozenSet(_)) {
        if let Some((i, x, y)) = unmatched(&es, &as_) {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let d = here(path, node(x), node(y));
            path.truncate(len);
            return d;
        }
    }
    for (i, (x, y)) in es.iter().zip(&as_).enumerate() {
        let len = path.len();
        path.push_str(&format!("[{i}]"));
        if let Some(d) = walk(x, y, path) {
            return Some(d);
        }
        path.truncate(len);
    }
    here(path, node(e), node(a))
}

/// When the two maps' keys differ as multisets: see [`unmatched`].
fn unmatched_keys<'a>(
    x: &'a [(Value, Value)],
    y: &'a [(Value, Value)],
) -> Option<(usize, &'a Value, &'a Value)> {
    let xs: Vec<&Value> = x.iter().map(|(k, _)| k).collect();
    let ys: Vec<&Value> = y.iter().map(|(k, _)| k).collect();
    unmatched(&xs, &ys)
}

/// When `x` and `y` differ as multisets: the position in `x` of the first
/// member `y` lacks, that member, and the first member of `y` that `x` lacks.
fn unmatched<'a>(x: &[&'a Value], y: &[&'a Value]) -> Option<(usize, &'a Value, &'a Value)> {
    let mut left: Vec<&Value> = y.to_vec();
    let mut missing = None;
    for (i, k) in x.iter().copied().enumerate() {
        match left.iter().position(|l| *l == k) {
            Some(j) => {
                left.remove(j);
            }
            None if missing.is_none() => missing = Some((i, k)),
            None => {}
        }
    }
    let (i, ek) = missing?;
    let ak = left.first()?;
    Some((i, ek, ak))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_at_the_node_and_names_its_kinds() {
        let e = Value::Map(vec![(
            Value::text("a"),
            Value::Array(vec![Value::f64(-0.0)]),
        )]);
        let a = Value::Map(vec![(
            Value::text("a"),
            Value::Array(vec![Value::f64(0.0)]),
        )]);
        let d = first(&e, &a).unwrap();
        assert_eq!(d.path, "[\"a\"][0]");
        assert_eq!(d.class(), "f64->f64");
        assert_eq!(
            d.to_string(),
            "at [\"a\"][0]: expected f64 -0.0, got f64 0.0"
        );
        assert_eq!(first(&e, &e), None);
    }

    #[test]
    fn lengths_that_differ_name_the_container() {
        let d = first(
            &Value::Set(vec![Value::Bool(false)]),
            &Value::Set(vec![Value::Bool(false), Value::Bool(false)]),
        )
        .unwrap();
        assert_eq!(d.class(), "set items->set items");
        assert_eq!(d.to_string(), "at top level: expected 1 items, got 2");
        let d = first(&Value::text("x"), &Value::Bytes(b"x".to_vec())).unwrap();
        assert_eq!(d.class(), "text->bytes");
        assert_eq!(
            d.to_string(),
            "at top level: expected text \"x\", got bytes h'78'"
        );
    }

    #[test]
    fn a_key_one_map_lacks_is_the_difference_wherever_it_sorts() {
        let int = |i: i64| Value::from(i);
        let e = Value::Map(vec![
            (Value::text("a"), int(1)),
            (Value::text("c"), int(3)),
            (Value::Bytes(b"b".to_vec()), int(2)),
        ]);
        let a = Value::Map(vec![
            (Value::text("a"), int(1)),
            (Value::text("b"), int(2)),
            (Value::text("c"), int(3)),
        ]);
        let d = first(&e, &a).unwrap();
        assert_eq!(d.class(), "bytes->text");
        assert_eq!(d.path, "{#2 key}");
        // Same keys in another order: the order is the difference.
        let swapped = Value::Map(vec![
            (Value::text("c"), int(3)),
            (Value::text("a"), int(1)),
            (Value::Bytes(b"b".to_vec()), int(2)),
        ]);
        assert_eq!(first(&e, &swapped).unwrap().path, "{#0 key}");
    }

    #[test]
    fn inside_a_key_one_map_lacks_the_difference_is_where_the_keys_differ() {
        let key =
            |bits: u32| Value::Array(vec![Value::f32(f32::from_bits(bits)), Value::from(1i64)]);
        let e = Value::Map(vec![(key(0x7f80_0001), Value::from(1i64))]);
        let a = Value::Map(vec![(key(0x7fc0_0001), Value::from(1i64))]);
        let d = first(&e, &a).unwrap();
        assert_eq!(
            (d.path.as_str(), d.class().as_str()),
            ("{#0 key}[0]", "f32->f32")
        );
    }

    #[test]
    fn a_member_one_set_lacks_is_the_difference() {
        let e = Value::Set(vec![Value::from(144i64), Value::f64(1.0)]);
        let a = Value::Set(vec![Value::from(1i64), Value::from(144i64)]);
        let d = first(&e, &a).unwrap();
        assert_eq!(d.class(), "f64->integer");
        assert_eq!(d.path, "[1]");
    }
}
