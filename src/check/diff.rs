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
