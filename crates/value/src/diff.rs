//! Where two values first differ, so a finding points at the node rather than
//! printing two large values side by side.

use crate::notation;
use crate::value::Value;

/// The path (`[2].key "a"`) and the two differing nodes of the first
/// difference, depth first; `None` when the values are equal.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    let mut path = String::new();
    walk(expected, actual, &mut path)
}

/// The kinds (`Value::kind`) of the two nodes at the first difference, or
/// `("set items", "set items")` (the container's kind) when two containers
/// differ in length: the value-free
/// shape of a difference, for signatures.
pub fn first_difference_kinds(
    expected: &Value,
    actual: &Value,
) -> Option<(&'static str, &'static str)> {
    if expected == actual {
        return None;
    }
    let pairs: Option<Vec<(&Value, &Value)>> = match (expected, actual) {
        (Value::Array(x), Value::Array(y))
        | (Value::Tuple(x), Value::Tuple(y))
        | (Value::Set(x), Value::Set(y))
        | (Value::FrozenSet(x), Value::FrozenSet(y)) => {
            (x.len() == y.len()).then(|| x.iter().zip(y).collect())
        }
        (Value::Map(x), Value::Map(y)) => (x.len() == y.len()).then(|| {
            x.iter()
                .zip(y)
                .flat_map(|((a, b), (c, d))| [(a, c), (b, d)])
                .collect()
        }),
        (Value::Tag(t, x), Value::Tag(u, y)) if t == u => Some(vec![(x.as_ref(), y.as_ref())]),
        _ => return Some((expected.kind(), actual.kind())),
    };
    match pairs {
        None => {
            let items = match expected {
                Value::Array(_) => "array items",
                Value::Tuple(_) => "tuple items",
                Value::Set(_) => "set items",
                Value::FrozenSet(_) => "frozenset items",
                _ => "map items",
            };
            Some((items, items))
        }
        Some(pairs) => pairs
            .into_iter()
            .find_map(|(e, a)| first_difference_kinds(e, a))
            .or(Some((expected.kind(), actual.kind()))),
    }
}

fn walk(e: &Value, a: &Value, path: &mut String) -> Option<String> {
    if e == a {
        return None;
    }
    let here = |path: &str| {
        let at = if path.is_empty() { "top level" } else { path };
        Some(format!(
            "at {at}: expected {} {}, got {} {}",
            e.kind(),
            notation::print_short(e),
            a.kind(),
            notation::print_short(a)
        ))
    };
    let (es, as_): (Vec<&Value>, Vec<&Value>) = match (e, a) {
        (Value::Array(x), Value::Array(y))
        | (Value::Tuple(x), Value::Tuple(y))
        | (Value::Set(x), Value::Set(y))
        | (Value::FrozenSet(x), Value::FrozenSet(y)) => (x.iter().collect(), y.iter().collect()),
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() {
                return here(path);
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
            return here(path);
        }
        (Value::Tag(t, x), Value::Tag(u, y)) if t == u => {
            let len = path.len();
            path.push_str(&format!("{t}(..)"));
            let d = walk(x, y, path);
            path.truncate(len);
            return d.or_else(|| here(path));
        }
        _ => return here(path),
    };
    if es.len() != as_.len() {
        return Some(format!(
            "at {}: expected {} items, got {}",
            if path.is_empty() { "top level" } else { path },
            es.len(),
            as_.len()
        ));
    }
    for (i, (x, y)) in es.iter().zip(&as_).enumerate() {
        let len = path.len();
        path.push_str(&format!("[{i}]"));
        if let Some(d) = walk(x, y, path) {
            return Some(d);
        }
        path.truncate(len);
    }
    here(path)
}
