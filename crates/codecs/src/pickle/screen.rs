//! Pickle opcode rules: a screen run over the bytes before serde-pickle sees
//! them.
//!
//! serde-pickle turns some pickles into something else instead of failing
//! (an object instance becomes an empty dict, `BUILD` replaces a value by its
//! state, `_codecs.encode` ignores its encoding argument, `DICT` drops an odd
//! trailing key), and it has no limits: its conversion recursion overflows the
//! thread's stack on deep nesting (an abort, not a panic) and it deep-copies
//! shared (memoised) objects, so a few hundred bytes can expand into billions
//! of nodes. This screen mirrors serde-pickle's stack machine (its stack,
//! marks and memo, with the same resolution rules) on a graph of symbolic
//! nodes, and rejects:
//!
//! * globals other than the ones CPython uses to spell our data model in
//!   protocols 0–3 (`builtins.set`, `builtins.frozenset` and their
//!   `__builtin__` spellings, `_codecs.encode`), named in the error;
//! * object construction and state (`INST`, `OBJ`, `NEWOBJ`, `NEWOBJ_EX`,
//!   `BUILD`) and `bytearray` (no `Value` variant);
//! * `_codecs.encode` calls other than `(str, "latin1")` with code points
//!   below 256 (what CPython writes for bytes before protocol 3);
//! * `DICT`/`SETITEMS` with an odd number of items (CPython raises);
//! * protocol 0 text numbers serde-pickle reads otherwise than CPython
//!   (`INT 010`, `INT +1`, `FLOAT 1e400`);
//! * a `UNICODE` line ending in `\r`, which serde-pickle drops;
//! * a list, dict or set that serde-pickle would copy where CPython shares
//!   it (`DUP`, a second `PUT` of one object), and a memo index `PUT` twice
//!   (serde-pickle resolves references from the final memo);
//! * values nested deeper than the codec's depth limit, values whose expansion
//!   (shared objects copied) is out of proportion to the input, and recursive
//!   structures.
//!
//! Anything the screen cannot follow (stack underflow, a missing memo entry,
//! an unknown opcode, truncation) it passes on: serde-pickle then reports its
//! own error, so malformed input still reaches the library under test.

use crossfmt_pickle::lexer::{self, Arg};
use crossfmt_pickle::opcodes::op::*;
use crossfmt_pickle::text;
use crossfmt_value::CodecError;
use std::collections::BTreeMap;

/// Limits applied by the screen.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest value accepted (scalars are depth 1).
    pub max_depth: usize,
    /// Expanded node count allowed, beyond the input length (a pickle without
    /// shared references never expands past its own length).
    pub extra_nodes: u64,
    /// Expanded payload bytes (strings, bytes, integer digits) allowed beyond
    /// the input length.
    pub extra_bytes: u64,
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// A scalar with this many payload bytes.
    Leaf(u64),
    /// A text string; kept for naming globals and checking `_codecs.encode`.
    Str(String),
    List,
    Tuple,
    Dict,
    Set,
    FrozenSet,
    Global(String, String),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Entry {
    Node(usize),
    /// A memo reference, resolved late (at the end) like serde-pickle does.
    Ref(u32),
}

struct Node {
    kind: Kind,
    children: Vec<Entry>,
}

/// Why the screen stopped following the stream.
enum Stop {
    /// Not followed any further; serde-pickle will judge.
    Pass,
    Reject(CodecError),
}

type Step<T> = Result<T, Stop>;

/// A text number that serde-pickle reads as another value than CPython does,
/// or reads where CPython raises: `INT 010` is 8 to CPython's `strtol`, `+1`
/// is True, `1e400` overflows. `raw` is the line as CPython sees it,
/// `stripped` as serde-pickle does (without a final `\r`).
fn text_number_disagreement(code: u8, raw: &[u8], stripped: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(stripped).unwrap_or("");
    let int = |r: Result<num_bigint::BigInt, bool>| match r {
        Ok(n) => n.to_string(),
        Err(b) => if b { "True" } else { "False" }.to_string(),
    };
    let (name, serde, cpython) = match code {
        INT => {
            let serde = match stripped {
                b"00" => Some(Err(false)),
                b"01" => Some(Err(true)),
                _ => s.parse::<i64>().ok().map(|i| Ok(i.into())),
            };
            ("INT", serde.map(int), text::int_line(raw).map(int))
        }
        LONG => {
            let digits = stripped.strip_suffix(b"L").unwrap_or(stripped);
            let serde = num_bigint::BigInt::parse_bytes(digits, 10).map(|n| n.to_string());
            ("LONG", serde, text::long_line(raw).map(|n| n.to_string()))
        }
        _ => {
            let show = |x: f64| format!("{x:?}");
            (
                "FLOAT",
                s.parse::<f64>().ok().map(show),
                text::float_line(raw).map(show),
            )
        }
    };
    match (serde, cpython) {
        (Some(a), Some(b)) if a != b => Some(format!(
            "{name} line {:?}: serde-pickle reads {a}, CPython {b}",
            String::from_utf8_lossy(raw)
        )),
        (Some(a), None) => Some(format!(
            "{name} line {:?}: serde-pickle reads {a}, CPython raises",
            String::from_utf8_lossy(raw)
        )),
        _ => None,
    }
}

fn reject<T>(e: CodecError) -> Step<T> {
    Err(Stop::Reject(e))
}

struct Machine<'a> {
    input: &'a [u8],
    pos: usize,
    nodes: Vec<Node>,
    stack: Vec<Entry>,
    stacks: Vec<Vec<Entry>>,
    memo: BTreeMap<u32, usize>,
    /// Entries copied so far by DUP and memo resolution (serde-pickle clones).
    copied: u64,
    limits: Limits,
}

/// Screens `input`; `Ok` means "hand it to serde-pickle", with `true` when the
/// screen followed the whole pickle to `STOP` and found the value acyclic.
pub fn screen(input: &[u8], limits: Limits) -> Result<bool, CodecError> {
    let mut m = Machine {
        input,
        pos: 0,
        nodes: Vec::new(),
        stack: Vec::new(),
        stacks: Vec::new(),
        memo: BTreeMap::new(),
        copied: 0,
        limits,
    };
    match m.run() {
        Ok(()) => Ok(true),
        Err(Stop::Pass) => Ok(false),
        Err(Stop::Reject(e)) => Err(e),
    }
}

impl Machine<'_> {
    fn new_node(&mut self, kind: Kind, children: Vec<Entry>) -> Entry {
        self.nodes.push(Node { kind, children });
        Entry::Node(self.nodes.len() - 1)
    }

    fn push(&mut self, kind: Kind) {
        let e = self.new_node(kind, Vec::new());
        self.stack.push(e);
    }

    fn pop(&mut self) -> Step<Entry> {
        self.stack.pop().ok_or(Stop::Pass)
    }

    fn pop_mark(&mut self) -> Step<Vec<Entry>> {
        let below = self.stacks.pop().ok_or(Stop::Pass)?;
        Ok(std::mem::replace(&mut self.stack, below))
    }

    fn memo_node(&self, id: u32) -> Step<usize> {
        self.memo.get(&id).copied().ok_or(Stop::Pass)
    }

    /// The node an entry stands for now (a memo reference resolved).
    fn node_of(&self, e: Entry) -> Step<usize> {
        match e {
            Entry::Node(n) => Ok(n),
            Entry::Ref(id) => self.memo_node(id),
        }
    }

    /// A copy of a node as it is now, as serde-pickle's `clone` makes one.
    fn copy(&mut self, n: usize) -> Step<usize> {
        let kind = self.nodes[n].kind.clone();
        let children = self.nodes[n].children.clone();
        let cost = children.len() as u64
            + match &kind {
                Kind::Str(s) => s.len() as u64,
                _ => 1,
            };
        self.copied = self.copied.saturating_add(cost);
        if self.copied > self.node_budget() {
            return reject(CodecError::limit(format!(
                "pickle copies too much (DUP/memo copies of {} nodes)",
                self.copied
            )));
        }
        match self.new_node(kind, children) {
            Entry::Node(c) => Ok(c),
            Entry::Ref(_) => unreachable!(),
        }
    }

    /// serde-pickle's `pop_resolve`: a memo reference is replaced by a copy.
    fn pop_resolve(&mut self) -> Step<usize> {
        match self.pop()? {
            Entry::Node(n) => Ok(n),
            Entry::Ref(id) => {
                let n = self.memo_node(id)?;
                self.copy(n)
            }
        }
    }

    /// serde-pickle's `top()`: the object a mutating opcode works on.
    fn top_node(&self) -> Step<usize> {
        self.node_of(*self.stack.last().ok_or(Stop::Pass)?)
    }

    fn modify(&mut self, want: Kind, items: Vec<Entry>) -> Step<()> {
        let t = self.top_node()?;
        if self.nodes[t].kind != want {
            return Err(Stop::Pass);
        }
        self.nodes[t].children.extend(items);
        Ok(())
    }

    fn memoize(&mut self, id: u32) -> Step<()> {
        if self.memo.contains_key(&id) {
            // serde-pickle resolves memo references from the final memo, so
            // the earlier references would change their object.
            return reject(CodecError::unsupported(self.at(format!(
                "memo index {id} is PUT a second time, which serde-pickle applies to earlier \
                 references too (CPython: they keep the first object)"
            ))));
        }
        let node = match self.pop()? {
            Entry::Node(n) => n,
            Entry::Ref(r) => {
                let n = self.memo_node(r)?;
                self.refuse_copy_of_mutable(n, "PUT under a second memo index")?;
                self.copy(n)?
            }
        };
        self.memo.insert(id, node);
        self.stack.push(Entry::Ref(id));
        Ok(())
    }

    /// serde-pickle copies where CPython shares one object; for a list,
    /// dict or set a later change would reach only one of the copies.
    fn refuse_copy_of_mutable(&self, n: usize, how: &str) -> Step<()> {
        let what = match self.nodes[n].kind {
            Kind::List => "list",
            Kind::Dict => "dict",
            Kind::Set => "set",
            _ => return Ok(()),
        };
        reject(CodecError::unsupported(self.at(format!(
            "a {what} {how}: serde-pickle copies it, CPython shares one object"
        ))))
    }

    fn ascii<T: std::str::FromStr>(bytes: &[u8]) -> Step<T> {
        std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(Stop::Pass)
    }

    fn node_budget(&self) -> u64 {
        (self.input.len() as u64).saturating_add(self.limits.extra_nodes)
    }

    fn at(&self, what: impl std::fmt::Display) -> String {
        format!("{what} (opcode ending at offset {})", self.pos)
    }

    fn check_pairs(&self, op: &str, n: usize) -> Step<()> {
        if n % 2 == 1 {
            return reject(CodecError::syntax(
                self.at(format!("{op} with an odd number of items ({n})")),
            ));
        }
        Ok(())
    }

    fn global(&mut self, module: &[u8], name: &[u8]) -> Step<()> {
        let module = String::from_utf8_lossy(module).into_owned();
        let name = String::from_utf8_lossy(name).into_owned();
        let allowed = matches!(
            (module.as_str(), name.as_str()),
            ("builtins" | "__builtin__", "set" | "frozenset") | ("_codecs", "encode")
        );
        if !allowed {
            let why =
                if name == "bytearray" && matches!(module.as_str(), "builtins" | "__builtin__") {
                    " (bytearray has no crossfmt Value)"
                } else {
                    ""
                };
            return reject(CodecError::unsupported(
                self.at(format!("pickle references global {module}.{name}{why}")),
            ));
        }
        self.push(Kind::Global(module, name));
        Ok(())
    }

    fn reduce(&mut self) -> Step<()> {
        let args = self.pop_resolve()?;
        let callable = self.pop_resolve()?;
        if self.nodes[args].kind != Kind::Tuple {
            return Err(Stop::Pass);
        }
        let Kind::Global(module, name) = self.nodes[callable].kind.clone() else {
            return Err(Stop::Pass);
        };
        let args: Vec<Entry> = self.nodes[args].children.clone();
        let arg =
            |m: &Self, i: usize| -> Step<usize> { m.node_of(*args.get(i).ok_or(Stop::Pass)?) };
        match name.as_str() {
            "set" | "frozenset" => {
                // serde-pickle takes the last argument, which must be a list.
                if args.len() > 1 {
                    return reject(CodecError::unsupported(self.at(format!(
                        "{module}.{name} with {} arguments: serde-pickle reads the last, \
                         CPython raises TypeError",
                        args.len()
                    ))));
                }
                let list = arg(self, args.len().wrapping_sub(1))?;
                if self.nodes[list].kind != Kind::List {
                    return Err(Stop::Pass);
                }
                let copy = self.copy(list)?;
                self.nodes[copy].kind = if name == "set" {
                    Kind::Set
                } else {
                    Kind::FrozenSet
                };
                self.stack.push(Entry::Node(copy));
            }
            _ => {
                // _codecs.encode(text, "latin1"): CPython's spelling of bytes
                // before protocol 3. serde-pickle ignores the encoding and
                // truncates code points, so anything else is refused here.
                let bad = |m: &Self, what: String| {
                    reject::<()>(CodecError::unsupported(
                        m.at(format!("{module}.{name} {what}")),
                    ))
                };
                if args.len() != 2 {
                    return bad(
                        self,
                        format!(
                            "with {} arguments (only (str, 'latin1') is read)",
                            args.len()
                        ),
                    );
                }
                let (text, enc) = (arg(self, 0)?, arg(self, 1)?);
                let (Kind::Str(text), Kind::Str(enc)) =
                    (&self.nodes[text].kind, &self.nodes[enc].kind)
                else {
                    return Err(Stop::Pass);
                };
                if !matches!(enc.as_str(), "latin1" | "latin-1") {
                    return bad(
                        self,
                        format!("with encoding {enc:?} (only 'latin1' is read)"),
                    );
                }
                if let Some(c) = text.chars().find(|&c| u32::from(c) > 0xff) {
                    return bad(self, format!("of {c:?}, not in latin-1"));
                }
                let len = text.chars().count() as u64;
                self.push(Kind::Leaf(len));
            }
        }
        Ok(())
    }

    fn run(&mut self) -> Step<()> {
        // A lexer error (unknown opcode, truncation, negative length) is
        // serde-pickle's to report.
        for op in lexer::ops(self.input) {
            let op = op.map_err(|_| Stop::Pass)?;
            self.pos = op.end;
            // serde-pickle drops a `\r` before a line's `\n`.
            let line = |l: &[u8]| l.strip_suffix(b"\r").unwrap_or(l).to_vec();
            match (op.code, op.arg) {
                (PROTO | FRAME, _) => {}
                (STOP, _) => {
                    let root = self.pop()?;
                    return self.measure(root);
                }
                (MARK, _) => {
                    let s = std::mem::take(&mut self.stack);
                    self.stacks.push(s);
                }
                (POP, _) => {
                    if self.stack.is_empty() {
                        self.pop_mark()?;
                    } else {
                        self.pop()?;
                    }
                }
                (POP_MARK, _) => {
                    self.pop_mark()?;
                }
                (DUP, _) => {
                    let t = self.top_node()?;
                    self.refuse_copy_of_mutable(t, "duplicated by DUP")?;
                    let c = self.copy(t)?;
                    self.stack.push(Entry::Node(c));
                }
                (PUT, Arg::Line(l)) => {
                    let id = Self::ascii(&line(l))?;
                    self.memoize(id)?;
                }
                (BINPUT | LONG_BINPUT, Arg::Int(id)) => self.memoize(id as u32)?,
                (MEMOIZE, _) => {
                    let id = self.memo.len() as u32;
                    self.memoize(id)?;
                }
                (GET | BINGET | LONG_BINGET, arg) => {
                    let id = match arg {
                        Arg::Line(l) => Self::ascii(&line(l))?,
                        Arg::Int(id) => id as u32,
                        _ => return Err(Stop::Pass),
                    };
                    self.memo_node(id)?;
                    self.stack.push(Entry::Ref(id));
                }
                (NONE | NEWTRUE | NEWFALSE, _) => self.push(Kind::Leaf(0)),
                (INT | LONG | FLOAT, Arg::Line(l)) => {
                    if let Some(why) = text_number_disagreement(op.code, l, &line(l)) {
                        return reject(CodecError::unsupported(self.at(why)));
                    }
                    self.push(Kind::Leaf(line(l).len() as u64))
                }
                // STRING is read as bytes by serde-pickle (decode_strings is off).
                (STRING, Arg::Line(l)) => self.push(Kind::Leaf(line(l).len() as u64)),
                (UNICODE, Arg::Line(l)) => {
                    if l.ends_with(b"\r") {
                        // Dropping it would change the text CPython reads.
                        return reject(CodecError::unsupported(self.at(
                            "UNICODE line ends in \\r, which serde-pickle drops (CPython keeps it)",
                        )));
                    }
                    let l = line(l);
                    if text::has_bare_backslash(&l) {
                        return Err(Stop::Pass);
                    }
                    let s = text::raw_unicode_escape(&l).ok_or(Stop::Pass)?;
                    self.push(Kind::Str(s));
                }
                (BINFLOAT, _) => self.push(Kind::Leaf(8)),
                (BININT, _) => self.push(Kind::Leaf(4)),
                (BININT1, _) => self.push(Kind::Leaf(1)),
                (BININT2, _) => self.push(Kind::Leaf(2)),
                (BYTEARRAY8, _) => {
                    return reject(CodecError::unsupported(
                        self.at("BYTEARRAY8: bytearray has no crossfmt Value"),
                    ))
                }
                (_, Arg::Long(b) | Arg::Bytes(b)) => self.push(Kind::Leaf(b.len() as u64)),
                (_, Arg::Text(b)) => {
                    let s = String::from_utf8(b.to_vec()).map_err(|_| Stop::Pass)?;
                    self.push(Kind::Str(s));
                }
                (EMPTY_TUPLE, _) => self.push(Kind::Tuple),
                (TUPLE1 | TUPLE2 | TUPLE3, _) => {
                    let n = usize::from(op.code - TUPLE1 + 1);
                    if self.stack.len() < n {
                        return Err(Stop::Pass);
                    }
                    let items = self.stack.split_off(self.stack.len() - n);
                    let t = self.new_node(Kind::Tuple, items);
                    self.stack.push(t);
                }
                (TUPLE | LIST | FROZENSET, _) => {
                    let items = self.pop_mark()?;
                    let kind = match op.code {
                        TUPLE => Kind::Tuple,
                        LIST => Kind::List,
                        _ => Kind::FrozenSet,
                    };
                    let t = self.new_node(kind, items);
                    self.stack.push(t);
                }
                (EMPTY_LIST, _) => self.push(Kind::List),
                (APPEND, _) => {
                    let v = self.pop()?;
                    self.modify(Kind::List, vec![v])?;
                }
                (APPENDS, _) => {
                    let items = self.pop_mark()?;
                    self.modify(Kind::List, items)?;
                }
                (EMPTY_DICT, _) => self.push(Kind::Dict),
                (DICT, _) => {
                    let items = self.pop_mark()?;
                    self.check_pairs("DICT", items.len())?;
                    let d = self.new_node(Kind::Dict, items);
                    self.stack.push(d);
                }
                (SETITEM, _) => {
                    let v = self.pop()?;
                    let k = self.pop()?;
                    self.modify(Kind::Dict, vec![k, v])?;
                }
                (SETITEMS, _) => {
                    let items = self.pop_mark()?;
                    self.check_pairs("SETITEMS", items.len())?;
                    self.modify(Kind::Dict, items)?;
                }
                (EMPTY_SET, _) => self.push(Kind::Set),
                (ADDITEMS, _) => {
                    let items = self.pop_mark()?;
                    self.modify(Kind::Set, items)?;
                }
                (GLOBAL, Arg::Pair(module, name)) => self.global(&line(module), &line(name))?,
                (STACK_GLOBAL, _) => {
                    let name = self.pop_resolve()?;
                    let module = self.pop_resolve()?;
                    let (Kind::Str(name), Kind::Str(module)) = (
                        self.nodes[name].kind.clone(),
                        self.nodes[module].kind.clone(),
                    ) else {
                        return Err(Stop::Pass);
                    };
                    self.global(module.as_bytes(), name.as_bytes())?;
                }
                (REDUCE, _) => self.reduce()?,
                (INST, Arg::Pair(module, name)) => {
                    return reject(CodecError::unsupported(self.at(format!(
                        "INST builds an instance of {}.{}",
                        String::from_utf8_lossy(&line(module)),
                        String::from_utf8_lossy(&line(name))
                    ))));
                }
                (OBJ | NEWOBJ | NEWOBJ_EX | BUILD, _) => {
                    let what = match op.code {
                        OBJ => "OBJ builds a class instance",
                        NEWOBJ => "NEWOBJ builds a class instance",
                        NEWOBJ_EX => "NEWOBJ_EX builds a class instance",
                        _ => "BUILD sets an object's state",
                    };
                    return reject(CodecError::unsupported(self.at(what)));
                }
                // PERSID, BINPERSID, EXT1/2/4, NEXT_BUFFER, READONLY_BUFFER:
                // serde-pickle refuses them itself.
                _ => return Err(Stop::Pass),
            }
        }
        Err(Stop::Pass)
    }

    /// Depth and expanded size of the value STOP returns, memo references
    /// resolved against the final memo as serde-pickle does. Iterative, so
    /// that the screen itself cannot overflow the stack.
    fn measure(&mut self, root: Entry) -> Step<()> {
        const TODO: u8 = 0;
        const OPEN: u8 = 1;
        const DONE: u8 = 2;
        let n = self.nodes.len();
        let mut state = vec![TODO; n];
        // Per node: depth, expanded nodes, expanded payload bytes.
        let mut depth = vec![0u64; n];
        let mut size = vec![0u64; n];
        let mut bytes = vec![0u64; n];
        let root = self.node_of(root)?;
        let mut work: Vec<(usize, bool)> = vec![(root, false)];
        while let Some((v, children_done)) = work.pop() {
            if children_done {
                let (mut d, mut s, mut b) = (0u64, 1u64, 0u64);
                for &c in &self.nodes[v].children {
                    let c = self.node_of(c)?;
                    d = d.max(depth[c]);
                    s = s.saturating_add(size[c]);
                    b = b.saturating_add(bytes[c]);
                }
                b = b.saturating_add(match &self.nodes[v].kind {
                    Kind::Leaf(p) => *p,
                    Kind::Str(t) => t.len() as u64,
                    _ => 0,
                });
                depth[v] = d + 1;
                size[v] = s;
                bytes[v] = b;
                state[v] = DONE;
                if depth[v] > self.limits.max_depth as u64 {
                    return reject(CodecError::limit(format!(
                        "pickle nests deeper than {}",
                        self.limits.max_depth
                    )));
                }
                if size[v] > self.node_budget() {
                    return reject(CodecError::limit(format!(
                        "pickle expands to more than {} values (shared objects are copied)",
                        self.node_budget()
                    )));
                }
                let byte_budget = (self.input.len() as u64).saturating_add(self.limits.extra_bytes);
                if bytes[v] > byte_budget {
                    return reject(CodecError::limit(format!(
                        "pickle expands to more than {byte_budget} payload bytes (shared objects are copied)"
                    )));
                }
                continue;
            }
            match state[v] {
                DONE => continue,
                OPEN => {
                    return reject(CodecError::unsupported(
                        "recursive structure: a container contains itself, a Value is a tree",
                    ))
                }
                _ => {}
            }
            state[v] = OPEN;
            work.push((v, true));
            for i in 0..self.nodes[v].children.len() {
                let c = self.node_of(self.nodes[v].children[i])?;
                match state[c] {
                    DONE => {}
                    OPEN => {
                        return reject(CodecError::unsupported(
                            "recursive structure: a container contains itself, a Value is a tree",
                        ))
                    }
                    _ => work.push((c, false)),
                }
            }
        }
        Ok(())
    }
}
