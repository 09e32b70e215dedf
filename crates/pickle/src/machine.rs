//! The pickle machine: runs a pickle's opcodes the way CPython's C
//! `_Unpickler` does (stack, marks, memo, frames, protocol checks) without
//! importing or calling anything.
//!
//! Objects live in an arena ([`PickleValue::nodes`]); the stack and the memo
//! hold ids, so an object reached twice (through `GET`, `DUP`) is one node, as
//! it is one object in CPython, and a list appended to itself is a cycle in
//! the arena rather than an infinite value. What CPython would import or call
//! (`GLOBAL`, `REDUCE`, `NEWOBJ`, `BUILD`, ...) becomes an explicit node;
//! deciding what such a node means is [`super::to_value`]'s job.
//!
//! Bounds: every opcode adds at most one node, a few ids and its own bytes,
//! so the arena, the stack and the memo are proportional to the input; memo
//! indexes are keys of a map, never sizes of an allocation.

mod keys;

use crate::lexer::{self, Arg, LexError, LexErrorKind, Op};
use crate::opcodes::{op::*, HIGHEST_PROTOCOL};
use crate::text;
use foldhash::{HashMap, HashMapExt};
pub use keys::{KeyClass, Keys};
use num_bigint::BigInt;
use std::fmt;

/// An object's index in [`PickleValue::nodes`].
pub type Id = usize;

/// What built a [`Node::Call`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `REDUCE`: `callable(*args)`.
    Reduce,
    /// `NEWOBJ`: `cls.__new__(cls, *args)`.
    NewObj,
    /// `NEWOBJ_EX`: `cls.__new__(cls, *args, **kwargs)`.
    NewObjEx,
    /// `OBJ`: an instance of a class from the stack.
    Obj,
    /// `INST`: an instance of a class named in the stream.
    Inst,
}

/// One object.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    None,
    Bool(bool),
    /// An int that fits i64: no allocation for the ints nearly every pickle
    /// is made of.
    SmallInt(i64),
    /// Any other int (never one that fits i64: see [`Node::int`]).
    Int(BigInt),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    ByteArray(Vec<u8>),
    List(Vec<Id>),
    Tuple(Vec<Id>),
    /// Keys unique under Python's equality, in insertion order.
    Dict(Vec<(Id, Id)>),
    Set(Vec<Id>),
    FrozenSet(Vec<Id>),
    /// `GLOBAL`, `STACK_GLOBAL`, `INST`'s class: what `find_class` would import.
    Global {
        module: String,
        name: String,
    },
    Call {
        kind: CallKind,
        callable: Id,
        args: Id,
        kwargs: Option<Id>,
    },
    /// `BUILD`: `obj.__setstate__(state)` or a `__dict__` update.
    Build {
        obj: Id,
        state: Id,
    },
    /// `APPEND(S)`, `SETITEM(S)`, `ADDITEMS` on an object the machine cannot
    /// see into (built by a call): CPython would call its methods.
    Mutate {
        obj: Id,
        opcode: &'static str,
        items: Vec<Id>,
    },
    /// The first `len` items of the list, dict (keys) or set `of`, as a
    /// reconstructor call (`set(x)`, `frozenset(x)`) read them: CPython runs
    /// the call at `REDUCE`, so what is appended to `of` later is not in the
    /// result. (Containers only ever grow at the end.)
    Prefix {
        of: Id,
        len: usize,
    },
    /// `PERSID` (a text id) or `BINPERSID` (an object).
    PersId(Id),
    /// `EXT1/2/4`: an entry of `copyreg`'s extension registry.
    Ext(i64),
}

impl Node {
    /// An int node in its canonical form.
    pub fn int(n: BigInt) -> Node {
        i64::try_from(&n).map_or(Node::Int(n), Node::SmallInt)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Node::None => "None",
            Node::Bool(_) => "bool",
            Node::SmallInt(_) | Node::Int(_) => "int",
            Node::Float(_) => "float",
            Node::Str(_) => "str",
            Node::Bytes(_) => "bytes",
            Node::ByteArray(_) => "bytearray",
            Node::List(_) => "list",
            Node::Tuple(_) => "tuple",
            Node::Dict(_) => "dict",
            Node::Set(_) => "set",
            Node::FrozenSet(_) => "frozenset",
            Node::Global { .. } => "global",
            Node::Call { .. } => "call",
            Node::Build { .. } => "build",
            Node::Mutate { .. } => "mutated object",
            Node::Prefix { .. } => "snapshot",
            Node::PersId(_) => "persistent id",
            Node::Ext(_) => "extension",
        }
    }

    /// An object whose type the machine does not know (CPython would have
    /// imported or called something to make it).
    pub fn is_opaque(&self) -> bool {
        matches!(
            self,
            Node::Global { .. }
                | Node::Call { .. }
                | Node::Build { .. }
                | Node::Mutate { .. }
                | Node::PersId(_)
                | Node::Ext(_)
        )
    }
}

/// A node and the offset of the opcode that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub node: Node,
    pub offset: usize,
}

/// The machine's result: the arena and the object `STOP` returned.
#[derive(Clone, Debug, PartialEq)]
pub struct PickleValue {
    pub nodes: Vec<Located>,
    pub root: Id,
    /// The protocol `PROTO` announced (0 without one).
    pub protocol: u8,
    /// Offset just past `STOP`; bytes after it are not part of the pickle.
    pub end: usize,
}

impl PickleValue {
    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id].node
    }
}

/// CPython's categories of bad pickles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ends inside an opcode, a frame, or before `STOP`.
    Truncated,
    UnknownOpcode,
    /// An opcode needs more objects than the stack holds above its mark.
    StackUnderflow,
    /// An opcode that pops to a `MARK` found none.
    MissingMark,
    /// `GET` of an index never `PUT`, or a bad index.
    BadMemo,
    /// `PROTO` above 5.
    UnsupportedProtocol,
    /// An argument CPython refuses (not a number, bad UTF-8, odd items,
    /// negative length) or an object of the wrong type for the opcode.
    BadValue,
    /// Out-of-band buffers and persistent ids: refused, as `pickle.loads`
    /// without `buffers=` / `persistent_load` refuses them.
    Unsupported,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineError {
    pub offset: usize,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for MachineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offset {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for MachineError {}

impl From<LexError> for MachineError {
    fn from(e: LexError) -> Self {
        let kind = match e.kind {
            LexErrorKind::UnknownOpcode(_) => ErrorKind::UnknownOpcode,
            LexErrorKind::Truncated(_) | LexErrorKind::NoStop => ErrorKind::Truncated,
            LexErrorKind::BadArgument(..) => ErrorKind::BadValue,
        };
        let message = e.to_string();
        let message = message
            .strip_prefix(&format!("offset {}: ", e.offset))
            .unwrap_or(&message)
            .to_string();
        MachineError {
            offset: e.offset,
            kind,
            message,
        }
    }
}

/// Runs the pickle at the start of `input` to its `STOP`.
pub fn run(input: &[u8]) -> Result<PickleValue, MachineError> {
    let mut m = Machine::default();
    let mut ops = lexer::ops(input);
    for op in ops.by_ref() {
        let op = op?;
        if op.code == STOP {
            let root = m.pop(&op)?;
            return Ok(PickleValue {
                nodes: m.nodes,
                root,
                protocol: m.protocol,
                end: op.end,
            });
        }
        m.step(&op, input)?;
    }
    unreachable!("the lexer ends with STOP or an error")
}

#[derive(Default)]
struct Machine {
    nodes: Vec<Located>,
    stack: Vec<Id>,
    /// Stack lengths at each open `MARK` (CPython's metastack).
    marks: Vec<usize>,
    memo: HashMap<u64, Id>,
    keys: Keys,
    protocol: u8,
}

fn err<T>(op: &Op<'_>, kind: ErrorKind, message: impl Into<String>) -> Result<T, MachineError> {
    Err(MachineError {
        offset: op.offset,
        kind,
        message: format!("{}: {}", op.info.name, message.into()),
    })
}

impl Machine {
    fn new_node(&mut self, node: Node, op: &Op<'_>) -> Id {
        self.nodes.push(Located {
            node,
            offset: op.offset,
        });
        self.nodes.len() - 1
    }

    fn push(&mut self, node: Node, op: &Op<'_>) {
        let id = self.new_node(node, op);
        self.stack.push(id);
    }

    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn underflow<T>(op: &Op<'_>) -> Result<T, MachineError> {
        err(op, ErrorKind::StackUnderflow, "unpickling stack underflow")
    }

    fn pop(&mut self, op: &Op<'_>) -> Result<Id, MachineError> {
        if self.stack.len() <= self.fence() {
            return Self::underflow(op);
        }
        Ok(self.stack.pop().expect("above the fence"))
    }

    fn top(&self, op: &Op<'_>) -> Result<Id, MachineError> {
        if self.stack.len() <= self.fence() {
            return Self::underflow(op);
        }
        Ok(*self.stack.last().expect("above the fence"))
    }

    /// The stack length at the last `MARK`, which is popped.
    fn pop_mark(&mut self, op: &Op<'_>) -> Result<usize, MachineError> {
        self.marks.pop().map_or_else(
            || err(op, ErrorKind::MissingMark, "could not find MARK"),
            Ok,
        )
    }

    /// The objects above the last `MARK`, which is popped with them.
    fn pop_to_mark(&mut self, op: &Op<'_>) -> Result<Vec<Id>, MachineError> {
        let mark = self.pop_mark(op)?;
        if mark > self.stack.len() {
            return Self::underflow(op);
        }
        Ok(self.stack.split_off(mark))
    }

    fn class(&mut self, id: Id, op: &Op<'_>) -> Result<KeyClass, MachineError> {
        match self.keys.class_of(id, &self.nodes) {
            Some(c) => Ok(c),
            None => err(
                op,
                ErrorKind::BadValue,
                format!("unhashable type: '{}'", self.nodes[id].node.kind()),
            ),
        }
    }

    fn frozen(&mut self, items: Vec<Id>, op: &Op<'_>) -> Result<Vec<Id>, MachineError> {
        let mut seen = HashMap::with_capacity(items.len());
        let mut members = Vec::with_capacity(items.len());
        for i in items {
            let c = self.class(i, op)?;
            if seen.insert(c, ()).is_none() {
                members.push(i);
            }
        }
        Ok(members)
    }

    /// `list.extend`, `dict.__setitem__` and `set.add` on the object at
    /// `target`, or a [`Node::Mutate`] when CPython would call its methods.
    fn mutate(&mut self, target: Id, items: Vec<Id>, op: &Op<'_>) -> Result<(), MachineError> {
        let kind = self.nodes[target].node.kind();
        match (op.code, &self.nodes[target].node) {
            (APPEND | APPENDS, Node::List(_)) => {
                if let Node::List(xs) = &mut self.nodes[target].node {
                    xs.extend(items);
                }
            }
            (DICT | SETITEM | SETITEMS, Node::Dict(_)) => {
                for pair in items.chunks(2) {
                    let c = self.class(pair[0], op)?;
                    let Node::Dict(kvs) = &mut self.nodes[target].node else {
                        unreachable!()
                    };
                    match self.keys.dict_slot(target, c) {
                        Some(i) => kvs[i].1 = pair[1],
                        None => {
                            self.keys.set_dict_slot(target, c, kvs.len());
                            kvs.push((pair[0], pair[1]));
                        }
                    }
                }
            }
            (ADDITEMS, Node::Set(_)) => {
                for x in items {
                    let c = self.class(x, op)?;
                    if self.keys.dict_slot(target, c).is_none() {
                        let Node::Set(xs) = &mut self.nodes[target].node else {
                            unreachable!()
                        };
                        self.keys.set_dict_slot(target, c, xs.len());
                        xs.push(x);
                    }
                }
            }
            (_, n) if n.is_opaque() => {
                // The object keeps its identity: its old content moves to a
                // new node, which the Mutate node wraps.
                let inner = self.nodes[target].clone();
                self.nodes.push(inner);
                let obj = self.nodes.len() - 1;
                self.nodes[target] = Located {
                    node: Node::Mutate {
                        obj,
                        opcode: op.info.name,
                        items,
                    },
                    offset: op.offset,
                };
            }
            _ => {
                return err(
                    op,
                    ErrorKind::BadValue,
                    format!("applied to a {kind} (CPython: no such method)"),
                )
            }
        }
        Ok(())
    }

    fn memo_get(&self, key: u64, op: &Op<'_>) -> Result<Id, MachineError> {
        self.memo.get(&key).copied().map_or_else(
            || {
                err(
                    op,
                    ErrorKind::BadMemo,
                    format!("Memo value not found at index {key}"),
                )
            },
            Ok,
        )
    }

    /// A `GET`/`PUT` line's index. CPython refuses a negative `PUT` index
    /// and an index beyond `Py_ssize_t`; a negative `GET` finds nothing.
    fn memo_index(line: &[u8], op: &Op<'_>) -> Result<Option<u64>, MachineError> {
        let Some(n) = text::memo_key(line) else {
            return err(
                op,
                ErrorKind::BadValue,
                format!("invalid literal for int() with base 10: {:?}", lossy(line)),
            );
        };
        if n > i64::MAX.into() || n < i64::MIN.into() {
            return err(
                op,
                ErrorKind::BadValue,
                "Python int too large to convert to C ssize_t",
            );
        }
        Ok(u64::try_from(n).ok())
    }

    fn utf8(b: &[u8], op: &Op<'_>) -> Result<String, MachineError> {
        match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_owned()),
            Err(e) if text::is_surrogate_utf8(b) => err(
                op,
                ErrorKind::Unsupported,
                format!(
                    "text with a lone surrogate (UTF-8 'surrogatepass') at byte {}",
                    e.valid_up_to()
                ),
            ),
            Err(e) => err(
                op,
                ErrorKind::BadValue,
                format!("'utf-8' codec can't decode: {e}"),
            ),
        }
    }

    /// Python 2 `str` is read as text with `pickle.loads`' default
    /// `encoding="ASCII"`.
    fn ascii(b: &[u8], op: &Op<'_>) -> Result<Node, MachineError> {
        match b.iter().position(|c| !c.is_ascii()) {
            None => Ok(Node::Str(String::from_utf8(b.to_vec()).expect("ASCII"))),
            Some(i) => err(
                op,
                ErrorKind::BadValue,
                format!(
                    "'ascii' codec can't decode byte {:#04x} in position {i}",
                    b[i]
                ),
            ),
        }
    }

    fn step(&mut self, op: &Op<'_>, input: &[u8]) -> Result<(), MachineError> {
        let bad = |what: String| err::<()>(op, ErrorKind::BadValue, what);
        match (op.code, op.arg) {
            (PROTO, Arg::Int(p)) => {
                if p > i64::from(HIGHEST_PROTOCOL) {
                    return err(
                        op,
                        ErrorKind::UnsupportedProtocol,
                        format!("unsupported pickle protocol: {p}"),
                    );
                }
                self.protocol = p as u8;
            }
            (FRAME, Arg::U64(n)) => {
                let rest = (input.len() - op.end) as u64;
                if n > rest {
                    return err(
                        op,
                        ErrorKind::Truncated,
                        format!("pickle data was truncated (frame of {n} bytes, {rest} left)"),
                    );
                }
            }
            (MARK, _) => self.marks.push(self.stack.len()),
            (POP, _) => {
                if self.marks.last() == Some(&self.stack.len()) {
                    self.marks.pop();
                } else {
                    self.pop(op)?;
                }
            }
            (POP_MARK, _) => {
                self.pop_to_mark(op)?;
            }
            (DUP, _) => {
                let t = self.top(op)?;
                self.stack.push(t);
            }
            (PUT | BINPUT | LONG_BINPUT | MEMOIZE, arg) => {
                let t = self.top(op)?;
                let key = match arg {
                    Arg::Line(l) => match Self::memo_index(l, op)? {
                        Some(i) => i,
                        None => return err(op, ErrorKind::BadMemo, "negative PUT argument"),
                    },
                    Arg::Int(i) => i as u64,
                    _ => self.memo.len() as u64,
                };
                self.memo.insert(key, t);
            }
            (GET | BINGET | LONG_BINGET, arg) => {
                let key = match arg {
                    Arg::Line(l) => Self::memo_index(l, op)?,
                    Arg::Int(i) => Some(i as u64),
                    _ => unreachable!("GET opcodes have an index"),
                };
                let Some(key) = key else {
                    return err(
                        op,
                        ErrorKind::BadMemo,
                        "Memo value not found at a negative index",
                    );
                };
                let id = self.memo_get(key, op)?;
                self.stack.push(id);
            }
            (NONE, _) => self.push(Node::None, op),
            (NEWTRUE | NEWFALSE, _) => self.push(Node::Bool(op.code == NEWTRUE), op),
            (INT, Arg::Line(l)) => match text::int_line(l) {
                Some(Ok(n)) => self.push(Node::int(n), op),
                Some(Err(b)) => self.push(Node::Bool(b), op),
                None => return bad(format!("invalid literal for int(): {:?}", lossy(l))),
            },
            (LONG, Arg::Line(l)) => match text::long_line(l) {
                Some(n) => self.push(Node::int(n), op),
                None => return bad(format!("invalid literal for int(): {:?}", lossy(l))),
            },
            (BININT | BININT1 | BININT2, Arg::Int(i)) => self.push(Node::SmallInt(i), op),
            (LONG1 | LONG4, Arg::Long(b)) => self.push(Node::int(text::long_bytes(b)), op),
            (FLOAT, Arg::Line(l)) => match text::float_line(l) {
                Some(x) => self.push(Node::Float(x), op),
                None => return bad(format!("could not convert string to float: {:?}", lossy(l))),
            },
            (BINFLOAT, Arg::Float(x)) => self.push(Node::Float(x), op),
            (STRING, Arg::Line(l)) => match text::string_literal(l) {
                Some(b) => {
                    let s = Self::ascii(&b, op)?;
                    self.push(s, op)
                }
                None => return bad("the STRING opcode argument must be quoted".into()),
            },
            (BINSTRING | SHORT_BINSTRING, Arg::Bytes(b)) => {
                let s = Self::ascii(b, op)?;
                self.push(s, op)
            }
            (BINBYTES | SHORT_BINBYTES | BINBYTES8, Arg::Bytes(b)) => {
                self.push(Node::Bytes(b.to_vec()), op)
            }
            (BYTEARRAY8, Arg::Bytes(b)) => self.push(Node::ByteArray(b.to_vec()), op),
            (UNICODE, Arg::Line(l)) => {
                match text::raw_unicode_escape(l) {
                    Some(s) => self.push(Node::Str(s), op),
                    None => return err(
                        op,
                        ErrorKind::BadValue,
                        "'rawunicodeescape' codec can't decode (a bad \\u escape or a surrogate)",
                    ),
                }
            }
            (SHORT_BINUNICODE | BINUNICODE | BINUNICODE8, Arg::Text(b)) => {
                let s = Self::utf8(b, op)?;
                self.push(Node::Str(s), op)
            }
            (NEXT_BUFFER | READONLY_BUFFER, _) => {
                return err(
                    op,
                    ErrorKind::Unsupported,
                    "pickle stream refers to out-of-band data but no *buffers* argument was given",
                )
            }
            (EMPTY_TUPLE, _) => self.push(Node::Tuple(Vec::new()), op),
            (TUPLE1 | TUPLE2 | TUPLE3, _) => {
                let n = usize::from(op.code - TUPLE1 + 1);
                if self.stack.len() < self.fence() + n {
                    return Self::underflow(op);
                }
                let items = self.stack.split_off(self.stack.len() - n);
                self.push(Node::Tuple(items), op);
            }
            (TUPLE, _) => {
                let items = self.pop_to_mark(op)?;
                self.push(Node::Tuple(items), op);
            }
            (LIST, _) => {
                let items = self.pop_to_mark(op)?;
                self.push(Node::List(items), op);
            }
            (EMPTY_LIST, _) => self.push(Node::List(Vec::new()), op),
            (EMPTY_DICT, _) => self.push(Node::Dict(Vec::new()), op),
            (EMPTY_SET, _) => self.push(Node::Set(Vec::new()), op),
            (DICT, _) => {
                let items = self.pop_to_mark(op)?;
                if items.len() % 2 == 1 {
                    return bad("odd number of items for DICT".into());
                }
                let id = self.new_node(Node::Dict(Vec::new()), op);
                self.mutate(id, items, op)?;
                self.stack.push(id);
            }
            (FROZENSET, _) => {
                let items = self.pop_to_mark(op)?;
                let members = self.frozen(items, op)?;
                self.push(Node::FrozenSet(members), op);
            }
            (APPEND, _) => {
                if self.stack.len() < self.fence() + 2 {
                    return Self::underflow(op);
                }
                let v = self.pop(op)?;
                let target = *self.stack.last().expect("checked");
                self.mutate(target, vec![v], op)?;
            }
            (SETITEM, _) => {
                // The dict and its key and value must all be above the
                // current MARK, as in CPython's do_setitems.
                if self.stack.len() < self.fence() + 3 {
                    return Self::underflow(op);
                }
                let items = self.stack.split_off(self.stack.len() - 2);
                let target = *self.stack.last().expect("checked");
                self.mutate(target, items, op)?;
            }
            (APPENDS | SETITEMS | ADDITEMS, _) => {
                let mark = self.pop_mark(op)?;
                // The target sits just below the popped MARK and must be above
                // the enclosing one (CPython: `x <= fence` is an underflow).
                if mark <= self.fence() || mark > self.stack.len() {
                    return Self::underflow(op);
                }
                let items = self.stack.split_off(mark);
                if items.is_empty() {
                    return Ok(());
                }
                if op.code == SETITEMS && items.len() % 2 == 1 {
                    return bad("odd number of items for SETITEMS".into());
                }
                let target = self.stack[mark - 1];
                self.mutate(target, items, op)?;
            }
            (GLOBAL, Arg::Pair(module, name)) => {
                let module = Self::utf8(module, op)?;
                let name = Self::utf8(name, op)?;
                self.push(Node::Global { module, name }, op);
            }
            (STACK_GLOBAL, _) => {
                let name = self.pop(op)?;
                let module = self.pop(op)?;
                match (&self.nodes[module].node, &self.nodes[name].node) {
                    (Node::Str(m), Node::Str(n)) => {
                        let g = Node::Global {
                            module: m.clone(),
                            name: n.clone(),
                        };
                        self.push(g, op);
                    }
                    _ => return bad("STACK_GLOBAL requires str".into()),
                }
            }
            (INST, Arg::Pair(module, name)) => {
                let args = self.pop_to_mark(op)?;
                let module = Self::utf8(module, op)?;
                let name = Self::utf8(name, op)?;
                let callable = self.new_node(Node::Global { module, name }, op);
                let args = self.new_node(Node::Tuple(args), op);
                self.call(CallKind::Inst, callable, args, None, op);
            }
            (OBJ, _) => {
                let mut items = self.pop_to_mark(op)?;
                if items.is_empty() {
                    return Self::underflow(op);
                }
                let args = items.split_off(1);
                let args = self.new_node(Node::Tuple(args), op);
                self.callable(items[0], op)?;
                self.call(CallKind::Obj, items[0], args, None, op);
            }
            (REDUCE | NEWOBJ, _) => {
                let args = self.pop(op)?;
                let callable = self.pop(op)?;
                self.callable(callable, op)?;
                self.arg_tuple(args, op)?;
                let (kind, args) = if op.code == REDUCE {
                    (CallKind::Reduce, self.snapshot_iterable(callable, args, op))
                } else {
                    (CallKind::NewObj, args)
                };
                self.call(kind, callable, args, None, op);
            }
            (NEWOBJ_EX, _) => {
                let kwargs = self.pop(op)?;
                let args = self.pop(op)?;
                let callable = self.pop(op)?;
                self.callable(callable, op)?;
                self.arg_tuple(args, op)?;
                let n = &self.nodes[kwargs].node;
                if !(matches!(n, Node::Dict(_)) || n.is_opaque()) {
                    return bad(format!("NEWOBJ_EX kwargs must be a dict, not {}", n.kind()));
                }
                self.call(CallKind::NewObjEx, callable, args, Some(kwargs), op);
            }
            (BUILD, _) => {
                let state = self.pop(op)?;
                let obj = self.top(op)?;
                if !self.nodes[obj].node.is_opaque() {
                    let kind = self.nodes[obj].node.kind();
                    return bad(format!("'{kind}' object has no attribute '__dict__'"));
                }
                let inner = self.nodes[obj].clone();
                self.nodes.push(inner);
                let moved = self.nodes.len() - 1;
                self.nodes[obj] = Located {
                    node: Node::Build { obj: moved, state },
                    offset: op.offset,
                };
            }
            (PERSID, Arg::Line(l)) => {
                let s = Self::ascii(l, op)?;
                let id = self.new_node(s, op);
                self.push(Node::PersId(id), op);
            }
            (BINPERSID, _) => {
                let id = self.pop(op)?;
                self.push(Node::PersId(id), op);
            }
            (EXT1 | EXT2 | EXT4, Arg::Int(code)) => {
                if code <= 0 {
                    return bad("EXT specifies code <= 0".into());
                }
                self.push(Node::Ext(code), op);
            }
            _ => unreachable!("opcode {} with argument {:?}", op.info.name, op.arg),
        }
        Ok(())
    }

    fn callable(&self, id: Id, op: &Op<'_>) -> Result<(), MachineError> {
        let n = &self.nodes[id].node;
        if n.is_opaque() {
            Ok(())
        } else {
            err(
                op,
                ErrorKind::BadValue,
                format!("'{}' object is not callable", n.kind()),
            )
        }
    }

    fn arg_tuple(&self, id: Id, op: &Op<'_>) -> Result<(), MachineError> {
        let n = &self.nodes[id].node;
        if matches!(n, Node::Tuple(_)) || n.is_opaque() {
            Ok(())
        } else {
            err(
                op,
                ErrorKind::BadValue,
                format!("argument list must be a tuple, not {}", n.kind()),
            )
        }
    }

    /// The arguments of `set(x)`/`frozenset(x)` with a list, dict or set `x`
    /// replaced by its items as they are now ([`Node::Prefix`]); any other
    /// call's arguments unchanged.
    fn snapshot_iterable(&mut self, callable: Id, args: Id, op: &Op<'_>) -> Id {
        use crate::reconstruct::{reconstructor, Reconstructor};
        let Node::Global { module, name } = &self.nodes[callable].node else {
            return args;
        };
        if !matches!(
            reconstructor(module, name),
            Some(Reconstructor::Set | Reconstructor::FrozenSet)
        ) {
            return args;
        }
        let x = match &self.nodes[args].node {
            Node::Tuple(a) if a.len() == 1 => a[0],
            _ => return args,
        };
        let len = match &self.nodes[x].node {
            Node::List(xs) | Node::Set(xs) => xs.len(),
            Node::Dict(kvs) => kvs.len(),
            _ => return args,
        };
        let prefix = self.new_node(Node::Prefix { of: x, len }, op);
        self.new_node(Node::Tuple(vec![prefix]), op)
    }

    fn call(&mut self, kind: CallKind, callable: Id, args: Id, kwargs: Option<Id>, op: &Op<'_>) {
        self.push(
            Node::Call {
                kind,
                callable,
                args,
                kwargs,
            },
            op,
        );
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
#[path = "machine_tests.rs"]
mod tests;
