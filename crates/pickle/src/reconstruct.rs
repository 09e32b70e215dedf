//! The globals CPython's own pickler writes to spell built-in types before
//! protocol 4 (`builtins.set([...])`, `_codecs.encode('...', 'latin1')` for
//! bytes, ...): the only calls a data decoder applies. Both the conversion to
//! `Value` and the key equality of dict keys and set members need to know
//! what such a call makes, so it is decided here once.

use crate::machine::{CallKind, Id, Located, Node};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reconstructor {
    Set,
    FrozenSet,
    Bytes,
    ByteArray,
    CodecsEncode,
}

pub fn reconstructor(module: &str, name: &str) -> Option<Reconstructor> {
    use Reconstructor::*;
    match (module, name) {
        ("builtins" | "__builtin__", "set") => Some(Set),
        ("builtins" | "__builtin__", "frozenset") => Some(FrozenSet),
        ("builtins" | "__builtin__", "bytes") => Some(Bytes),
        ("builtins" | "__builtin__", "bytearray") => Some(ByteArray),
        ("_codecs", "encode") => Some(CodecsEncode),
        _ => None,
    }
}

/// The reconstructor node `id` calls (a plain `REDUCE` of a reconstructor
/// global with a tuple of arguments), and those arguments.
pub fn call(nodes: &[Located], id: Id) -> Option<(Reconstructor, &[Id])> {
    let Node::Call {
        kind: CallKind::Reduce,
        callable,
        args,
        kwargs: None,
    } = &nodes[id].node
    else {
        return None;
    };
    let (Node::Global { module, name }, Node::Tuple(args)) =
        (&nodes[*callable].node, &nodes[*args].node)
    else {
        return None;
    };
    Some((reconstructor(module, name)?, args))
}

/// The items `set(x)` / `frozenset(x)` take from `x`: a list, tuple, set or
/// frozenset's members, a dict's keys (of a [`Node::Prefix`], the first
/// ones); `None` for anything else.
pub fn iterable_items(nodes: &[Located], x: Id) -> Option<Vec<Id>> {
    let (x, len) = match nodes[x].node {
        Node::Prefix { of, len } => (of, len),
        _ => (x, usize::MAX),
    };
    let items: Vec<Id> = match &nodes[x].node {
        Node::List(xs) | Node::Tuple(xs) | Node::Set(xs) | Node::FrozenSet(xs) => {
            xs.iter().copied().take(len).collect()
        }
        Node::Dict(kvs) => kvs.iter().map(|kv| kv.0).take(len).collect(),
        _ => return None,
    };
    Some(items)
}

/// Why `_codecs.encode` fails.
#[derive(Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// A codec other than the few a pickle of bytes can name.
    UnknownCodec,
    /// CPython's `UnicodeEncodeError`.
    CannotEncode { encoding: String, position: usize },
}

/// `_codecs.encode(s, encoding)` (utf-8 when no encoding is given) for the
/// encodings that spell bytes: latin-1 (what CPython writes), ascii, utf-8.
pub fn codecs_encode(s: &str, encoding: Option<&str>) -> Result<Vec<u8>, EncodeError> {
    let encoding = encoding.map_or("utf-8".to_string(), |e| {
        e.to_ascii_lowercase().replace('_', "-")
    });
    let limit = match encoding.as_str() {
        "latin1" | "latin-1" | "iso-8859-1" | "iso8859-1" | "l1" => 0xff,
        "ascii" | "us-ascii" => 0x7f,
        "utf-8" | "utf8" => return Ok(s.as_bytes().to_vec()),
        _ => return Err(EncodeError::UnknownCodec),
    };
    match s.chars().position(|c| u32::from(c) > limit) {
        Some(position) => Err(EncodeError::CannotEncode { encoding, position }),
        None => Ok(s.chars().map(|c| c as u8).collect()),
    }
}

/// The bytes a `bytes` value node or a `_codecs.encode` call makes.
pub fn bytes_of(nodes: &[Located], id: Id) -> Option<Vec<u8>> {
    match (&nodes[id].node, call(nodes, id)) {
        (Node::Bytes(b), _) => Some(b.clone()),
        (_, Some((Reconstructor::CodecsEncode, [s, rest @ ..]))) if rest.len() <= 1 => {
            let Node::Str(s) = &nodes[*s].node else {
                return None;
            };
            let encoding = match rest.first().map(|&e| &nodes[e].node) {
                None => None,
                Some(Node::Str(e)) => Some(e.as_str()),
                Some(_) => return None,
            };
            codecs_encode(s, encoding).ok()
        }
        _ => None,
    }
}
