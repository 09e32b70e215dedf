//! One stream of pickles, simulated on symbolic values: what reaches the
//! stack is only as much as the scanner needs (strings for `STACK_GLOBAL`
//! and payloads, globals, call results, small tuples of arguments), never a
//! Python object.

use super::memo::Memo;
use super::sym::{Break, Src, Stack, Sym, Tables};
use super::{Finding, Kind, Severity, Sink};
use crate::lexer::{self, Arg, LexErrorKind, Op};
use crate::opcodes::{op, HIGHEST_PROTOCOL};
use crate::text;
use std::rc::Rc;

/// The simulation of one pickle.
struct Machine<'s, 'p, 'l, 'a> {
    sink: &'s mut Sink<'p>,
    label: &'l str,
    depth: usize,
    /// The stream the ops' offsets are in.
    bytes: &'a [u8],
    stack: Stack,
    memo: Memo<Sym>,
    tables: Tables,
    /// Keys `MEMOIZE` has assigned, kept or not.
    memo_count: u64,
    memo_overflowed: bool,
    /// [`Limits::max_memo`], or half the input when that is more.
    memo_cap: usize,
    memo_hazard_noted: bool,
    /// Where the `BUILD` of a joblib `NumpyArrayWrapper` ended, while it is
    /// the last op: its array's bytes follow.
    joblib_array_end: Option<usize>,
    /// Memo fetches and `DUP`s of containers and constructed objects so
    /// far: only a pickle with many can be an expansion bomb (fetching a
    /// string again multiplies nothing).
    shared_gets: u64,
    /// Bytes from this pickle's start to the end of the stream.
    input_len: usize,
    limit_noted: bool,
    /// (end, offset of its FRAME) of the frame being read.
    frame: Option<(usize, usize)>,
    proto_seen: Option<usize>,
}

impl<'a> Machine<'_, '_, '_, 'a> {
    fn finding(
        &mut self,
        severity: Severity,
        kind: Kind,
        at: &Op,
        global: Option<&str>,
        message: String,
    ) {
        let f = Finding {
            severity,
            kind,
            global: global.map(str::to_string),
            opcode: Some(at.info.name),
            offset: at.offset,
            location: self.label.to_string(),
            message,
        };
        self.sink.push(f);
    }

    fn limit(&mut self, at: &Op, what: &str) {
        if !self.limit_noted {
            self.limit_noted = true;
            self.finding(
                Severity::Suspicious,
                Kind::Limit,
                at,
                None,
                format!("{what}; the rest of this pickle is scanned with less context"),
            );
        }
    }

    #[inline]
    fn push(&mut self, s: Sym, at: &Op) {
        if self.stack.push(s, self.sink.limits.max_stack) {
            self.stack_limit(at);
        }
    }

    #[cold]
    fn stack_limit(&mut self, at: &Op) {
        let what = format!("stack deeper than {}", self.sink.limits.max_stack);
        self.limit(at, &what);
    }

    fn import(&mut self, module: &[u8], name: &[u8], at: &Op) -> Sym {
        let module = String::from_utf8_lossy(module);
        let name = String::from_utf8_lossy(name);
        let (severity, why) = self.sink.policy.judge(&module, &name);
        let full: Rc<str> = format!("{module}.{name}").into();
        if self.sink.globals.len() < self.sink.limits.max_findings {
            self.sink.globals.push(super::GlobalRef {
                global: full.to_string(),
                severity,
                offset: at.offset,
                location: self.label.to_string(),
            });
        }
        if severity > Severity::Safe {
            self.finding(
                severity,
                Kind::Import,
                at,
                Some(&full),
                format!("{} imports {full} ({why})", at.info.name),
            );
        }
        self.tables.names.push(full);
        Sym::Global {
            id: self.tables.names.len() - 1,
            severity,
        }
    }

    /// A call site: `callee(*args)` in whatever form the opcode spells it.
    fn call(&mut self, callee: Sym, args: Option<&Sym>, at: &Op) -> Sym {
        let site = at.info.name;
        match callee {
            Sym::Global { id, severity } => {
                let full = Rc::clone(&self.tables.names[id]);
                if severity > Severity::Safe {
                    self.finding(
                        severity,
                        Kind::Call,
                        at,
                        Some(&full),
                        format!("{site} calls {full}"),
                    );
                }
                let first = match self.tables.items(args).first() {
                    Some(&Sym::Data { src, text, at }) => Some((src, text, at)),
                    _ => None,
                };
                if let Some((src, is_text, data_at)) = first {
                    if is_text && self.is_latin1_encode(&full, args) {
                        let src = match src {
                            Src::Arg => Some(Src::Latin1),
                            Src::UnicodeLine => Some(Src::Latin1Line),
                            _ => None,
                        };
                        if let Some(src) = src {
                            return Sym::Data {
                                src,
                                text: false,
                                at: data_at,
                            };
                        }
                    }
                    let payload = self.tables.bytes(self.bytes, src, data_at).into_owned();
                    if is_loads(&full) {
                        self.nested(&full, &payload, at);
                    } else if let Some(out) = self.transform(&full, &payload, is_text, args, at) {
                        self.tables.made.push(out);
                        return Sym::Data {
                            src: Src::Made,
                            text: false,
                            at: self.tables.made.len() - 1,
                        };
                    }
                }
                Sym::Made { id, severity }
            }
            Sym::Unresolved => {
                self.finding(
                    Severity::Dangerous,
                    Kind::Call,
                    at,
                    None,
                    format!("{site} calls a global the scanner could not resolve"),
                );
                Sym::Other
            }
            other => {
                let what = self.tables.describe(&other);
                let origin = match other {
                    Sym::Made { id, .. } => Some(self.tables.names[id].to_string()),
                    _ => None,
                };
                self.finding(
                    Severity::Suspicious,
                    Kind::Call,
                    at,
                    origin.as_deref(),
                    format!("{site} calls {what}, not an imported global"),
                );
                Sym::Other
            }
        }
    }

    /// `_codecs.encode(text, 'latin1')`, what CPython writes for bytes
    /// before protocol 3.
    fn is_latin1_encode(&self, full: &str, args: Option<&Sym>) -> bool {
        if !matches!(full, "_codecs.encode" | "codecs.encode") {
            return false;
        }
        match self.tables.items(args).get(1) {
            Some(&Sym::Data { src, at, .. }) => {
                super::decode::is_latin1_name(&self.tables.bytes(self.bytes, src, at))
            }
            _ => false,
        }
    }

    fn nested(&mut self, via: &str, payload: &[u8], at: &Op) {
        let limits = self.sink.limits;
        if self.depth + 1 > limits.max_nesting {
            self.limit(
                at,
                &format!("pickles nested deeper than {}", limits.max_nesting),
            );
            return;
        }
        let label = format!("{}>", self.label);
        self.finding(
            Severity::Suspicious,
            Kind::NestedPickle,
            at,
            Some(via),
            format!(
                "{via} is given {} bytes: scanned as {label}#0...",
                payload.len()
            ),
        );
        super::container::scan_content(payload, &label, self.depth + 1, self.sink);
    }

    /// The bytes a pure decoding function would return, within the budget.
    fn transform(
        &mut self,
        full: &str,
        input: &[u8],
        is_text: bool,
        args: Option<&Sym>,
        at: &Op,
    ) -> Option<Vec<u8>> {
        let budget = self
            .sink
            .limits
            .max_decoded
            .saturating_sub(self.sink.decoded);
        let encoding = match self.tables.items(args).get(1) {
            Some(&Sym::Data { src, at, .. }) => Some(self.tables.bytes(self.bytes, src, at)),
            _ => None,
        };
        let out = super::decode::decode(full, input, is_text, encoding.as_deref(), budget)?;
        if out.len() > budget {
            self.limit(
                at,
                &format!(
                    "decoded payloads over {} bytes",
                    self.sink.limits.max_decoded
                ),
            );
            return None;
        }
        self.sink.decoded += out.len();
        Some(out)
    }

    /// An op that ends past the frame being read: it leaves the frame (at
    /// or after its end) or runs across its end.
    #[cold]
    fn check_frame(&mut self, at: &Op) {
        if let Some((end, frame_at)) = self.frame {
            if at.offset >= end {
                self.frame = None;
            } else if at.end > end {
                self.finding(
                    Severity::Suspicious,
                    Kind::Frame,
                    at,
                    None,
                    format!(
                        "{} at offset {} runs past the end of the frame declared at offset {frame_at} (ends at {end})",
                        at.info.name, at.offset
                    ),
                );
                self.frame = None;
            }
        }
    }

    /// One op; `Err` where CPython's unpickler would raise. The ops that
    /// make up most of a data pickle are here, inlined into the loop; the
    /// rest are [`Machine::step_rest`]'s.
    #[inline(always)]
    fn step(&mut self, o: &Op<'a>, index: usize, input_len: usize) -> Result<(), Break> {
        self.sink.ops += 1;
        if self.frame.is_some_and(|(end, _)| o.end > end) {
            self.check_frame(o);
        }
        let data = |src: Src, text: bool| Sym::Data {
            src,
            text,
            at: o.offset,
        };
        match o.code {
            op::MARK => {
                if self.stack.mark(self.sink.limits.max_marks) {
                    self.limit(
                        o,
                        &format!("more than {} open marks", self.sink.limits.max_marks),
                    );
                }
            }
            op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                let n = usize::from(o.code - op::TUPLE1 + 1);
                let mut items = [Sym::Other, Sym::Other, Sym::Other];
                for i in (0..n).rev() {
                    items[i] = self.stack.pop()?;
                }
                let t = if items[..n].iter().all(Sym::inert) {
                    Sym::Container
                } else {
                    self.tables.tuple(items.into_iter().take(n))
                };
                self.push(t, o)
            }
            op::EMPTY_LIST | op::EMPTY_DICT | op::EMPTY_SET => self.push(Sym::Container, o),
            op::APPENDS | op::SETITEMS | op::ADDITEMS => {
                self.stack.discard_mark()?;
                self.stack.top()?;
            }
            op::APPEND => {
                self.stack.pop()?;
                self.stack.top()?;
            }
            op::SETITEM => {
                self.stack.pop()?;
                self.stack.pop()?;
                self.stack.top()?;
            }
            op::GET | op::BINGET | op::LONG_BINGET => {
                let key = self.memo_key(o)?;
                let v = match self.memo.get(key) {
                    Some(v) => *v,
                    None if self.memo_overflowed => Sym::Container,
                    None => return Err(Break(format!("memo value not found at index {key}"))),
                };
                if v.shared() {
                    self.shared_gets += 1;
                }
                self.push(v, o)
            }
            op::PUT | op::BINPUT | op::LONG_BINPUT | op::MEMOIZE => {
                let key = if o.code == op::MEMOIZE {
                    self.memo_count
                } else {
                    self.memo_key(o)?
                };
                let v = *self.stack.top()?;
                if o.code != op::MEMOIZE {
                    self.memo_hazard(key, o);
                }
                let known = self.memo.contains(key);
                if !known {
                    self.memo_count += 1;
                }
                if known || self.memo.len() < self.memo_cap {
                    self.memo.insert(key, v);
                } else {
                    self.memo_overflowed = true;
                    let what = format!(
                        "more than {} memo entries, one for every two bytes of the pickle",
                        self.memo_cap
                    );
                    self.limit(o, &what);
                }
            }
            op::NONE
            | op::NEWTRUE
            | op::NEWFALSE
            | op::BININT
            | op::BININT1
            | op::BININT2
            | op::BINFLOAT
            | op::LONG1
            | op::INT
            | op::LONG
            | op::FLOAT => self.push(Sym::Other, o),
            _ => match o.arg {
                Arg::Text(_) => self.push(data(Src::Arg, true), o),
                Arg::Bytes(_) => {
                    // BINSTRING/SHORT_BINSTRING are str in Python 3.
                    let text = matches!(o.code, op::BINSTRING | op::SHORT_BINSTRING);
                    self.push(data(Src::Arg, text), o)
                }
                _ => self.step_rest(o, index, input_len)?,
            },
        }
        Ok(())
    }

    #[inline(never)]
    fn step_rest(&mut self, o: &Op<'a>, index: usize, input_len: usize) -> Result<(), Break> {
        let data = |src: Src, text: bool| Sym::Data {
            src,
            text,
            at: o.offset,
        };
        match o.code {
            op::PROTO => {
                let Arg::Int(p) = o.arg else {
                    unreachable!("PROTO has a one-byte argument")
                };
                let problem = if let Some(first) = self.proto_seen {
                    Some(format!("PROTO {p} repeated (first at offset {first})"))
                } else if index != 0 {
                    Some(format!("PROTO {p} is not the first opcode"))
                } else if p > i64::from(HIGHEST_PROTOCOL) {
                    Some(format!("unsupported protocol {p}"))
                } else {
                    None
                };
                if let Some(m) = problem {
                    self.finding(Severity::Suspicious, Kind::Proto, o, None, m);
                }
                self.proto_seen.get_or_insert(o.offset);
                if p > i64::from(HIGHEST_PROTOCOL) {
                    return Err(Break(format!("unsupported pickle protocol: {p}")));
                }
            }
            op::FRAME => {
                let Arg::U64(n) = o.arg else {
                    unreachable!("FRAME has an eight-byte argument")
                };
                let remaining = (input_len - o.end) as u64;
                if let Some((_, frame_at)) = self.frame {
                    self.finding(
                        Severity::Suspicious,
                        Kind::Frame,
                        o,
                        None,
                        format!("FRAME inside the frame declared at offset {frame_at}"),
                    );
                }
                if n > remaining {
                    self.finding(
                        Severity::Suspicious,
                        Kind::Frame,
                        o,
                        None,
                        format!("FRAME declares {n} bytes, {remaining} remain"),
                    );
                }
                self.frame = Some((o.end.saturating_add(n.min(remaining) as usize), o.offset));
            }
            op::STOP => {}
            op::POP => {
                // CPython's POP removes an empty mark group's mark.
                if self.stack.marks.back() == Some(&self.stack.len())
                    && !self.stack.marks.is_empty()
                {
                    self.stack.marks.pop_back();
                } else {
                    self.stack.pop()?;
                }
            }
            op::POP_MARK => self.stack.discard_mark()?,
            op::DUP => {
                let t = *self.stack.top()?;
                if t.shared() {
                    self.shared_gets += 1;
                }
                self.push(t, o);
            }
            op::STRING => {
                let Arg::Line(l) = o.arg else { unreachable!() };
                let quoted = l.len() >= 2 && l[0] == l[l.len() - 1] && matches!(l[0], b'\'' | b'"');
                let sym = if quoted && memchr::memchr(b'\\', l).is_none() {
                    data(Src::StringLine, true)
                } else {
                    let s = text::string_literal(l)
                        .ok_or_else(|| Break("the STRING opcode argument must be quoted".into()))?;
                    self.made(s, true)
                };
                self.push(sym, o);
            }
            op::UNICODE => {
                let Arg::Line(l) = o.arg else { unreachable!() };
                if !text::raw_unicode_escape_valid(l) {
                    return Err(Break("UNICODE argument is not raw-unicode-escape".into()));
                }
                self.push(data(Src::UnicodeLine, true), o);
            }
            _ => self.structural(o)?,
        }
        Ok(())
    }

    /// A string the scanner made.
    fn made(&mut self, bytes: Vec<u8>, text: bool) -> Sym {
        self.tables.made.push(bytes);
        Sym::Data {
            src: Src::Made,
            text,
            at: self.tables.made.len() - 1,
        }
    }

    fn structural(&mut self, o: &Op<'a>) -> Result<(), Break> {
        match o.code {
            op::EMPTY_TUPLE => self.push(Sym::Container, o),
            op::TUPLE => {
                let t = self.stack.pop_mark_tuple(&mut self.tables)?;
                self.push(t, o)
            }
            op::LIST | op::DICT | op::FROZENSET => {
                self.stack.discard_mark()?;
                self.push(Sym::Container, o)
            }
            op::GLOBAL => {
                let Arg::Pair(m, n) = o.arg else {
                    unreachable!()
                };
                let g = self.import(m, n, o);
                self.push(g, o)
            }
            op::STACK_GLOBAL => {
                let name = self.stack.pop()?;
                let module = self.stack.pop()?;
                let g = match (module, name) {
                    (
                        Sym::Data {
                            src: ms,
                            text: true,
                            at: ma,
                        },
                        Sym::Data {
                            src: ns,
                            text: true,
                            at: na,
                        },
                    ) => {
                        let m = self.tables.bytes(self.bytes, ms, ma).into_owned();
                        let n = self.tables.bytes(self.bytes, ns, na).into_owned();
                        self.import(&m, &n, o)
                    }
                    (Sym::Data { .. }, Sym::Data { .. }) => {
                        return Err(Break("STACK_GLOBAL requires str".into()));
                    }
                    (m, n) => {
                        let msg = format!(
                            "STACK_GLOBAL with module {} and name {}: could not resolve",
                            self.tables.describe(&m),
                            self.tables.describe(&n)
                        );
                        self.finding(Severity::Dangerous, Kind::UnresolvedImport, o, None, msg);
                        Sym::Unresolved
                    }
                };
                self.push(g, o)
            }
            op::INST => {
                let Arg::Pair(m, n) = o.arg else {
                    unreachable!()
                };
                let items = self.stack.pop_mark()?;
                let g = self.import(m, n, o);
                let args = self.tables.tuple(items);
                let r = self.call(g, Some(&args), o);
                self.push(r, o)
            }
            op::OBJ => {
                let mut items = self.stack.pop_mark()?.into_iter();
                let cls = items
                    .next()
                    .ok_or_else(|| Break("OBJ without a class".into()))?;
                let args = self.tables.tuple(items);
                let r = self.call(cls, Some(&args), o);
                self.push(r, o)
            }
            op::REDUCE | op::NEWOBJ => {
                let args = self.stack.pop()?;
                let callee = self.stack.pop()?;
                let r = self.call(callee, Some(&args), o);
                self.push(r, o)
            }
            op::NEWOBJ_EX => {
                let _kwargs = self.stack.pop()?;
                let args = self.stack.pop()?;
                let callee = self.stack.pop()?;
                let r = self.call(callee, Some(&args), o);
                self.push(r, o)
            }
            op::BUILD => {
                self.stack.pop()?;
                let inst = *self.stack.top()?;
                let (severity, global) = match inst {
                    Sym::Made { id, severity } => {
                        let g = &self.tables.names[id];
                        if &**g == "joblib.numpy_pickle.NumpyArrayWrapper" {
                            self.joblib_array_end = Some(o.end);
                        }
                        (severity, Some(g))
                    }
                    _ => (Severity::Suspicious, None),
                };
                if severity > Severity::Safe {
                    let global = global.map(|g| g.to_string());
                    let msg = format!(
                        "BUILD sets the state of {} (runs __setstate__)",
                        self.tables.describe(&inst)
                    );
                    self.finding(severity, Kind::Call, o, global.as_deref(), msg);
                }
            }
            op::EXT1 | op::EXT2 | op::EXT4 => {
                let Arg::Int(code) = o.arg else {
                    unreachable!()
                };
                let full: Rc<str> = format!("<extension {code}>").into();
                let msg = format!(
                    "{} imports the global registered as extension code {code} (copyreg)",
                    o.info.name
                );
                self.finding(Severity::Suspicious, Kind::Import, o, Some(&full), msg);
                self.tables.names.push(full);
                let id = self.tables.names.len() - 1;
                self.push(
                    Sym::Global {
                        id,
                        severity: Severity::Suspicious,
                    },
                    o,
                )
            }
            op::BINPERSID => {
                self.stack.pop()?;
                self.push(Sym::Other, o)
            }
            op::READONLY_BUFFER => {
                self.stack.top()?;
            }
            // Everything else pushes one value the scanner does not need.
            _ => self.push(Sym::Other, o),
        }
        Ok(())
    }

    /// CPython's unpickler keeps its memo as an array and grows it to
    /// twice an index it has not reached: `LONG_BINPUT 4294967295` in a
    /// 20-byte pickle asks for 64 GiB. Reported once per pickle when the
    /// index is past anything the pickle's own objects could fill (one a
    /// byte) and the allocation reaches [`HAZARD_BYTES`].
    fn memo_hazard(&mut self, key: u64, o: &Op) {
        let alloc = key.saturating_mul(2 * 8);
        if self.memo_hazard_noted || key <= self.input_len as u64 || alloc < HAZARD_BYTES {
            return;
        }
        self.memo_hazard_noted = true;
        let msg = format!(
            "{} {key} makes CPython's unpickler allocate a {} memo (two slots of 8 bytes per index) for a {}-byte pickle",
            o.info.name,
            human_bytes(alloc),
            self.input_len
        );
        self.finding(Severity::Suspicious, Kind::Resource, o, None, msg);
    }

    fn memo_key(&self, o: &Op) -> Result<u64, Break> {
        match o.arg {
            Arg::Int(i) => Ok(i as u64),
            Arg::Line(l) => text::memo_key_u64(l).ok_or_else(|| Break("invalid memo key".into())),
            _ => unreachable!("memo opcodes take an int or a line"),
        }
    }
}

/// Calls that unpickle (or load a file that may be a zip or `.npy` of
/// pickles) from the bytes, or the stream of bytes, they are given.
fn is_loads(full: &str) -> bool {
    matches!(
        full,
        "pickle.loads"
            | "_pickle.loads"
            | "pickle._loads"
            | "cPickle.loads"
            | "pickle.load"
            | "_pickle.load"
            | "pickle._load"
            | "pickle.Unpickler"
            | "pickle._Unpickler"
            | "_pickle.Unpickler"
            | "dill.loads"
            | "dill.load"
            | "dill._dill.loads"
            | "cloudpickle.loads"
            | "cloudpickle.load"
            | "joblib.load"
            | "torch.load"
            | "torch.serialization.load"
            | "torch.storage._load_from_bytes"
            | "numpy.load"
            | "numpy.lib.npyio.load"
            | "pandas.read_pickle"
            | "pandas.io.pickle.read_pickle"
    )
}

/// How a stream's bytes that are not pickles are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Pickles one after another: bytes that stop being one are reported.
    Pickles,
    /// Pickles, then data that is not one (the storages of a legacy
    /// `torch.save` file): the data is expected, so not reported.
    PicklesThenData,
    /// Bytes that may hold a pickle anywhere (a zip member of any name):
    /// only a pickle that imports something is reported.
    Data,
    /// What `pickle.load` reads from the first byte, and nothing after a
    /// break: an archive read as a pickle, whose members are scanned as
    /// members.
    FromStart,
}

/// Ops the resynchronisations of one stream may spend per byte of it before
/// they give up (reported; one probe may finish past the budget, by at most
/// the stream's length): a probe from a byte that is not a pickle's start breaks
/// within a few ops, so only input built to be searched reaches this.
pub(crate) const RESYNC_OPS_PER_BYTE: usize = 16;

/// The first pickle `torch.save`'s legacy format writes: its magic number,
/// `0x1950a86a20f9469cfc6c`, as protocol 2+ (`LONG1`) or 0-1 (`LONG`).
fn is_legacy_torch_magic(pickle: &[u8]) -> bool {
    const LONG1: &[u8] = b"\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.";
    let unframed = |rest: &'_ [u8]| match rest {
        [0x95, _, _, _, _, _, _, _, _, body @ ..] => body == LONG1,
        _ => rest == LONG1,
    };
    matches!(pickle, [0x80, 2..=5, rest @ ..] if unframed(rest))
        || pickle == b"L119547037146038801333356L\n."
}

/// Pickles of a legacy `torch.save` file before its storages: the magic
/// number, the protocol version, the system info, the object, the storage
/// keys.
const LEGACY_TORCH_PICKLES: usize = 5;

/// Stack and memo kept between the pickles of one stream, so that probing
/// every offset of a data region does not allocate per probe.
#[derive(Default)]
struct Reuse {
    stack: Option<Stack>,
    memo: Memo<Sym>,
    tables: Tables,
}

/// Scans the pickles in `bytes` one after another, as repeated
/// `pickle.load` calls on one file would read them; findings are labelled
/// `{label}#0`, `{label}#1`... Where the stream stops being pickles, the
/// rest is searched for the next pickle that imports something
/// (resynchronisation), so a payload behind padding, garbage or data is
/// scanned as a loader that skipped to it would run it.
pub(crate) fn scan_stream(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink, mode: Mode) {
    thread_local! {
        /// The last stream's allocations, for the next: a scanner run over
        /// many files would otherwise fault in a fresh memo for each.
        static SPARE: std::cell::Cell<Option<Reuse>> = const { std::cell::Cell::new(None) };
    }
    // A nested stream (a pickle inside a pickle) finds none and makes its own.
    let mut reuse = SPARE.take().unwrap_or_default();
    scan_stream_with(bytes, label, depth, sink, mode, &mut reuse);
    // Kept unless a big pickle made it big.
    if reuse.memo.capacity() <= 1 << 20 && reuse.tables.tuples.capacity() <= 1 << 20 {
        SPARE.set(Some(reuse));
    }
}

fn scan_stream_with(
    bytes: &[u8],
    label: &str,
    depth: usize,
    sink: &mut Sink,
    mode: Mode,
    reuse: &mut Reuse,
) {
    let mut pos = 0;
    let mut index = 0;
    let mut mode = mode;
    let mut legacy_torch = false;
    let budget = RESYNC_OPS_PER_BYTE.saturating_mul(bytes.len());
    let mut spent = 0;
    while pos < bytes.len() {
        if index == sink.limits.max_pickles {
            sink.push(Finding::note(
                Kind::Limit,
                pos,
                label,
                format!("more than {index} pickles in one stream; the rest is not scanned"),
            ));
            return;
        }
        let here = format!("{label}#{index}");
        if mode != Mode::Data {
            let quiet = mode == Mode::PicklesThenData && index > 0;
            match scan_one(bytes, pos, &here, depth, sink, quiet, reuse) {
                Ok(end) => {
                    legacy_torch |= index == 0 && is_legacy_torch_magic(&bytes[pos..end]);
                    pos = end;
                    index += 1;
                    if legacy_torch && index == LEGACY_TORCH_PICKLES {
                        mode = Mode::Data;
                    }
                    continue;
                }
                Err(_) if mode == Mode::FromStart => return,
                Err(at) => pos = at + 1,
            }
        }
        match resync(bytes, pos, &here, depth, sink, reuse, budget, &mut spent) {
            Some((_, Ok(end))) => {
                pos = end;
                index += 1;
                if mode == Mode::Data {
                    mode = Mode::PicklesThenData;
                }
            }
            Some((_, Err(at))) => {
                pos = at + 1;
                index += 1;
                mode = Mode::Data;
            }
            None => return,
        }
    }
}

/// Searches from `from` for the next pickle that imports a global the
/// policy does not allow; that pickle's findings join the sink. Returns
/// where it started and how it ended, or `None` when there is none.
///
/// A pickle of protocol 2 or more starts with `PROTO`, so those starts are
/// tried first; every other offset before the first such pickle is tried
/// next (protocols 0 and 1 start with any op), keeping a probe only when it
/// imports before that pickle starts: a probe that runs on into a real
/// pickle reads it misaligned (`torc` + `h._utils`) and would name what is
/// not there.
#[allow(clippy::too_many_arguments)]
fn resync(
    bytes: &[u8],
    from: usize,
    label: &str,
    depth: usize,
    sink: &mut Sink,
    reuse: &mut Reuse,
    budget: usize,
    spent: &mut usize,
) -> Option<(usize, Result<usize, usize>)> {
    #[allow(clippy::too_many_arguments)]
    fn probe<'p>(
        bytes: &[u8],
        p: usize,
        label: &str,
        depth: usize,
        sink: &mut Sink<'p>,
        reuse: &mut Reuse,
        spent: &mut usize,
    ) -> Result<Hit<'p>, (Ended, Vec<super::GlobalRef>)> {
        let mut probe = Sink::new(sink.policy, sink.limits);
        probe.decoded = sink.decoded;
        let end = scan_one(bytes, p, label, depth, &mut probe, false, reuse);
        *spent += probe.ops as usize;
        sink.ops += probe.ops;
        sink.decoded = probe.decoded;
        match first_import(&probe) {
            Some(at) => Ok((probe, end, at)),
            None => Err((end, probe.globals)),
        }
    }
    let over_budget = |sink: &mut Sink, p: usize| {
        sink.push(Finding::note(
            Kind::Limit,
            p,
            label,
            format!(
                "searching for a pickle after offset {from} took more than {RESYNC_OPS_PER_BYTE} ops a byte; the rest from offset {p} is not scanned"
            ),
        ));
    };
    let mut found = None;
    // Pickles from a PROTO that end at their STOP, importing nothing the
    // policy minds: a later probe that imports inside one is misaligned.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut p = from;
    while let Some(at) = find_proto(bytes, p) {
        if *spent > budget {
            over_budget(sink, at);
            return None;
        }
        match probe(bytes, at, label, depth, sink, reuse, spent) {
            Ok(hit) => {
                found = Some((at, hit));
                break;
            }
            Err((Ok(end), _)) => spans.push((at, end)),
            Err((Err(_), _)) => {}
        }
        p = at + 1;
    }
    let limit = found.as_ref().map_or(bytes.len(), |(at, _)| *at);
    let inside_a_pickle = |at: usize| {
        let i = spans.partition_point(|(start, _)| *start <= at);
        i > 0 && at < spans[i - 1].1
    };
    // The text of GLOBAL and INST ops that probes read and the policy
    // allows: a later probe that imports from inside one reads it
    // misaligned (`numpy.c` + `ore.multiarray`), and the op itself is safe.
    let mut texts: Vec<(usize, usize)> = Vec::new();
    for p in from..limit {
        if crate::opcodes::info(bytes[p]).is_none() {
            continue;
        }
        if *spent > budget {
            over_budget(sink, p);
            return None;
        }
        match probe(bytes, p, label, depth, sink, reuse, spent) {
            Ok(hit) => {
                let misread = texts.iter().any(|&(s, e)| s < hit.2 && hit.2 < e)
                    || inside_allowed_text(bytes, hit.2, from, sink.policy);
                if hit.2 < limit && !inside_a_pickle(hit.2) && !misread {
                    found = Some((p, hit));
                    break;
                }
            }
            Err((_, globals)) => {
                for g in globals {
                    if matches!(bytes.get(g.offset), Some(&(op::GLOBAL | op::INST))) {
                        texts.push((g.offset, text_end(bytes, g.offset)));
                    }
                }
            }
        }
    }
    let (p, (probe, end, _)) = found?;
    sink.push(Finding::note(
        Kind::Trailing,
        p,
        label,
        format!(
            "a pickle starts at offset {p}, after bytes from offset {from} that are not one; scanned as {label}"
        ),
    ));
    sink.dropped += probe.dropped;
    sink.globals.extend(probe.globals);
    probe.findings.into_iter().for_each(|f| sink.push(f));
    Some((p, end))
}

/// Why a pickle stopped being read: the lexer's error, or the op the
/// simulation refused (its name) and why.
enum Why {
    Lex(LexErrorKind),
    Step(&'static str, String),
}

/// What [`Machine::run`] does after a stop: resume the pickle at an offset
/// (after joblib's array data), or end with this.
enum After {
    Resume(usize),
    Return(Result<usize, usize>),
}

/// How one pickle's simulation ended: the offset after its `STOP`, or the
/// offset of the op where it broke.
type Ended = Result<usize, usize>;

/// A probe that imports something: its findings, how it ended, and the
/// offset of its first import.
type Hit<'p> = (Sink<'p>, Ended, usize);

/// Whether `at` lies inside the text of an earlier `GLOBAL` or `INST` (in
/// the last 256 bytes, from `from` on) that names a global the policy
/// allows: an import read from there is that op's text misread, whichever
/// probe started first.
fn inside_allowed_text(bytes: &[u8], at: usize, from: usize, policy: &super::Policy) -> bool {
    (at.saturating_sub(256).max(from)..at).rev().any(|t| {
        if !matches!(bytes[t], op::GLOBAL | op::INST) {
            return false;
        }
        let end = text_end(bytes, t);
        if at >= end {
            return false;
        }
        let mut lines = bytes[t + 1..end].split(|&b| b == b'\n');
        let (Some(m), Some(n)) = (lines.next(), lines.next()) else {
            return false;
        };
        let (Ok(m), Ok(n)) = (std::str::from_utf8(m), std::str::from_utf8(n)) else {
            return false;
        };
        pythonic(m) && pythonic(n) && policy.judge(m, n).0 == Severity::Safe
    })
}

/// Where the two lines of a `GLOBAL` or `INST` at `at` end.
fn text_end(bytes: &[u8], at: usize) -> usize {
    let mut end = at + 1;
    for _ in 0..2 {
        match memchr::memchr(b'\n', &bytes[end.min(bytes.len())..]) {
            Some(i) => end += i + 1,
            None => return bytes.len(),
        }
    }
    end
}

/// The next `PROTO` (`0x80` and a protocol number) at or after `from`.
fn find_proto(bytes: &[u8], from: usize) -> Option<usize> {
    let mut p = from;
    while p + 1 < bytes.len() {
        let at = p + memchr::memchr(0x80, &bytes[p..])?;
        if bytes.get(at + 1).is_some_and(|&v| v <= HIGHEST_PROTOCOL) {
            return Some(at);
        }
        p = at + 1;
    }
    None
}

/// A dotted name spelt as Python names are.
fn pythonic(g: &str) -> bool {
    g.split('.').all(|seg| {
        let mut c = seg.chars();
        c.next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
            && c.all(|c| c == '_' || c.is_ascii_alphanumeric())
    })
}

/// A probe counts as a pickle when it imports a global, spelt as Python
/// names are, that the policy does not allow (the offset of the first such
/// import): random data makes short pickles (`N.`) and calls of nothing
/// often enough, an importable name almost never.
fn first_import(probe: &Sink) -> Option<usize> {
    probe
        .findings
        .iter()
        .find(|f| {
            f.kind == Kind::Import
                && f.severity > Severity::Safe
                && f.global.as_deref().is_some_and(pythonic)
        })
        .map(|f| f.offset)
}

/// One pickle from `start`: the offset after its `STOP`, or the offset of
/// the op where the stream breaks (reported, unless `quiet` and the very
/// first op breaks: data expected after pickles).
fn scan_one(
    bytes: &[u8],
    start: usize,
    label: &str,
    depth: usize,
    sink: &mut Sink,
    quiet: bool,
    reuse: &mut Reuse,
) -> Result<usize, usize> {
    let mut stack = reuse.stack.take().unwrap_or_else(Stack::new);
    stack.clear();
    let memo_cap = sink.limits.max_memo.max((bytes.len() - start) / 2);
    let mut memo = std::mem::take(&mut reuse.memo);
    memo.reset(memo_cap);
    let mut tables = std::mem::take(&mut reuse.tables);
    tables.clear();
    let mut m = Machine {
        sink,
        label,
        depth,
        bytes,
        stack,
        tables,
        memo,
        memo_count: 0,
        memo_overflowed: false,
        memo_cap,
        memo_hazard_noted: false,
        joblib_array_end: None,
        shared_gets: 0,
        input_len: bytes.len() - start,
        limit_noted: false,
        frame: None,
        proto_seen: None,
    };
    let r = m.run(bytes, start, quiet);
    reuse.stack = Some(m.stack);
    reuse.memo = m.memo;
    reuse.tables = m.tables;
    r
}

/// An allocation a pickle makes an unpickler attempt that is worth a
/// finding when the file does not justify it.
const HAZARD_BYTES: u64 = 64 << 20;

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

impl<'a> Machine<'_, '_, '_, 'a> {
    /// A length-prefixed argument that runs past the end: reading a file,
    /// CPython's unpickler asks `read()` for the declared length before it
    /// can tell that the data is short.
    fn length_hazard(&mut self, bytes: &[u8], at: usize) {
        let width = match bytes.get(at) {
            Some(&(op::BINSTRING | op::BINUNICODE | op::BINBYTES)) => 4,
            Some(&(op::BINUNICODE8 | op::BINBYTES8 | op::BYTEARRAY8)) => 8,
            _ => return,
        };
        let Some(field) = bytes.get(at + 1..at + 1 + width) else {
            return;
        };
        let declared = field
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let remaining = (bytes.len() - at - 1 - width) as u64;
        if declared >= HAZARD_BYTES && declared > remaining {
            let name = crate::opcodes::info(bytes[at]).map_or("?", |i| i.name);
            let msg = format!(
                "{name} at offset {at} declares {} ({declared} bytes) where {remaining} remain: pickle.load on a file asks read() for all of it",
                human_bytes(declared)
            );
            let f = Finding {
                severity: Severity::Suspicious,
                kind: Kind::Resource,
                global: None,
                opcode: Some(name),
                offset: at,
                location: self.label.to_string(),
                message: msg,
            };
            self.sink.push(f);
        }
    }

    /// A pickle whose result, walked as a tree, is far bigger than the
    /// pickle: reported with the figure.
    fn expansion_hazard(&mut self, pickle: &[u8], stop: &Op) {
        let Some(n) = super::expansion::tree_size(pickle) else {
            return;
        };
        if n >= 1e9 && n >= 1e4 * pickle.len() as f64 {
            let msg = format!(
                "the {}-byte pickle's result holds {n:.2e} elements when its shared references are counted at each use: a consumer that walks it as a tree (repr, json.dumps, ==, a copy into another format) never finishes",
                pickle.len()
            );
            self.finding(Severity::Suspicious, Kind::Resource, stop, None, msg);
        }
    }

    /// Where the stream stopped being a pickle (at an op the lexer or the
    /// simulation refuses): reported, unless it is joblib's array data,
    /// which the pickle resumes after. Kept out of [`Machine::run`]'s loop.
    #[cold]
    #[inline(never)]
    fn stopped(
        &mut self,
        bytes: &'a [u8],
        start: usize,
        quiet: bool,
        first: bool,
        offset: usize,
        why: Why,
    ) -> After {
        if let Some(resume) = self.joblib_resume(bytes, offset) {
            return After::Resume(resume);
        }
        let (opcode, message) = match why {
            Why::Lex(kind) => {
                if let LexErrorKind::Truncated(_) = kind {
                    self.length_hazard(bytes, offset);
                }
                let message = match kind {
                    LexErrorKind::UnknownOpcode(c) => {
                        format!("unknown opcode {c:#04x} at offset {offset}")
                    }
                    LexErrorKind::Truncated(name) => {
                        format!("truncated in the argument of {name} at offset {offset}")
                    }
                    LexErrorKind::BadArgument(name, why) => {
                        format!("{name} at offset {offset}: {why}")
                    }
                    LexErrorKind::NoStop => {
                        format!("the data ends at offset {offset} without STOP")
                    }
                };
                (None, message)
            }
            Why::Step(name, why) => (Some(name), format!("{name} at offset {offset}: {why}")),
        };
        let trailing = first && start > 0;
        if trailing && quiet {
            return After::Return(Err(offset));
        }
        let (kind, message) = if trailing {
            (
                Kind::Trailing,
                format!(
                    "{} bytes after the last pickle are not a pickle: {message}",
                    bytes.len() - offset
                ),
            )
        } else if offset == 0 {
            (Kind::Break, format!("not a pickle: {message}"))
        } else {
            (
                Kind::Break,
                format!("{message}; an unpickler stops here, after running everything before"),
            )
        };
        let f = Finding {
            severity: Severity::Suspicious,
            kind,
            global: None,
            opcode,
            offset,
            location: self.label.to_string(),
            message,
        };
        self.sink.push(f);
        After::Return(Err(offset))
    }

    fn run(&mut self, bytes: &'a [u8], start: usize, quiet: bool) -> Result<usize, usize> {
        let mut seg = start;
        let mut index = 0;
        'segments: loop {
            let mut pos = seg;
            loop {
                index += 1;
                let index = index - 1;
                let o = match lexer::op_at(bytes, pos) {
                    Ok(o) => {
                        pos = o.end;
                        o
                    }
                    Err(e) => {
                        let why = Why::Lex(e.kind);
                        match self.stopped(bytes, start, quiet, index == 0, e.offset, why) {
                            After::Resume(at) => {
                                seg = at;
                                continue 'segments;
                            }
                            After::Return(r) => return r,
                        }
                    }
                };
                if o.code == op::PROTO
                    && self.joblib_array_end == Some(o.offset)
                    && self.depth < self.sink.limits.max_nesting
                {
                    // An object array: joblib pickles it on its own, inside
                    // (one nesting level: object arrays of object arrays are
                    // bounded like nested pickles).
                    self.joblib_array_end = None;
                    let here = format!("{} (joblib object array)", self.label);
                    let mut reuse = Reuse::default();
                    let end = scan_one(
                        bytes,
                        o.offset,
                        &here,
                        self.depth + 1,
                        self.sink,
                        false,
                        &mut reuse,
                    )?;
                    seg = end;
                    self.frame = None;
                    continue 'segments;
                }
                if let Err(Break(why)) = self.step(&o, index, bytes.len()) {
                    let why = Why::Step(o.info.name, why);
                    match self.stopped(bytes, start, quiet, index == 0, o.offset, why) {
                        After::Resume(at) => {
                            seg = at;
                            continue 'segments;
                        }
                        After::Return(r) => return r,
                    }
                }
                if o.code == op::STOP {
                    if let Some((end, frame_at)) = self.frame.filter(|(end, _)| *end > o.end) {
                        let msg = format!("STOP at offset {} inside the frame declared at offset {frame_at} (ends at {end})", o.offset);
                        self.finding(Severity::Suspicious, Kind::Frame, &o, None, msg);
                    }
                    if self.shared_gets >= super::expansion::MIN_GETS {
                        self.expansion_hazard(&bytes[start..o.end], &o);
                    }
                    return Ok(o.end);
                }
            }
        }
    }

    /// joblib writes a NumPy array's bytes into the pickle stream itself,
    /// right after the `BUILD` of its `NumpyArrayWrapper` (a padding length,
    /// that many 0xFF bytes, the data), and its unpickler reads them before
    /// it goes on. When the stream breaks there, the pickle resumes at the
    /// `FRAME` joblib starts after the data (protocol 4+; one whose length
    /// fits the file): the offset to go on from. The bytes skipped are still
    /// searched for a pickle that imports something, so hiding ops there
    /// gains nothing.
    fn joblib_resume(&mut self, bytes: &'a [u8], at: usize) -> Option<usize> {
        if self.joblib_array_end.take() != Some(at) {
            return None;
        }
        let pad = usize::from(*bytes.get(at)?);
        let data = match bytes.get(at + 1..at + 1 + pad) {
            Some(p) if (1..=64).contains(&pad) && p.iter().all(|&b| b == 0xFF) => at + 1 + pad,
            _ => at,
        };
        let mut from = data;
        let resume = loop {
            let Some(r) = bytes.get(from..).and_then(|b| memchr::memchr(op::FRAME, b)) else {
                // No frame after the data: in a framed pickle, an array
                // that is the whole pickle's object ends with its STOP.
                // (Protocols 2 and 3 have no frames to resume at: the break
                // stands.)
                let framed = self
                    .proto_seen
                    .and_then(|p| bytes.get(p + 1))
                    .is_some_and(|&v| v >= 4);
                let last = bytes.len().checked_sub(1)?;
                if framed && last >= data && bytes[last] == op::STOP {
                    break last;
                }
                return None;
            };
            let r = from + r;
            let len = bytes
                .get(r + 1..r + 9)
                .map(|l| u64::from_le_bytes(l.try_into().expect("8 bytes")));
            if len.is_some_and(|n| n <= (bytes.len() - r - 9) as u64) {
                break r;
            }
            from = r + 1;
        };
        let budget = RESYNC_OPS_PER_BYTE.saturating_mul(resume - at);
        let mut spent = 0;
        let here = format!("{} (joblib array data)", self.label);
        resync(
            &bytes[..resume],
            at,
            &here,
            self.depth,
            self.sink,
            &mut Reuse::default(),
            budget,
            &mut spent,
        );
        self.frame = None;
        Some(resume)
    }
}
