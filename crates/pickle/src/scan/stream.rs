//! One stream of pickles, simulated on symbolic values: what reaches the
//! stack is only as much as the scanner needs (strings for `STACK_GLOBAL`
//! and payloads, globals, call results, small tuples of arguments), never a
//! Python object.

use super::{Finding, Kind, Severity, Sink};
use crate::lexer::{self, Arg, LexErrorKind, Op};
use crate::opcodes::{op, HIGHEST_PROTOCOL};
use crate::text;
use std::collections::{HashMap, VecDeque};
use std::io::Read;
use std::rc::Rc;

/// Tuple items kept: enough for the arguments the scanner reads (a payload,
/// an encoding name); the rest are counted as unknown.
const TUPLE_KEEP: usize = 4;

#[derive(Clone, Debug)]
enum Sym {
    Data {
        bytes: Rc<[u8]>,
        text: bool,
    },
    Global {
        full: Rc<str>,
        severity: Severity,
    },
    /// An import the scanner could not resolve.
    Unresolved,
    /// What calling or constructing this global returned.
    Made(Rc<str>),
    /// Items of a tuple; never a tuple inside (those become `Other`), so
    /// dropping one never recurses.
    Tuple(Rc<[Sym]>),
    Other,
}

impl Sym {
    fn flat(self) -> Sym {
        match self {
            Sym::Tuple(_) => Sym::Other,
            s => s,
        }
    }

    fn tuple(items: impl IntoIterator<Item = Sym>) -> Sym {
        Sym::Tuple(items.into_iter().take(TUPLE_KEEP).map(Sym::flat).collect())
    }

    fn describe(&self) -> String {
        match self {
            Sym::Data { .. } => "a string".into(),
            Sym::Global { full, .. } => full.to_string(),
            Sym::Unresolved => "an unresolved global".into(),
            Sym::Made(g) => format!("the result of {g}"),
            Sym::Tuple(_) => "a tuple".into(),
            Sym::Other => "a value".into(),
        }
    }
}

/// Why the simulation of a pickle stops where CPython's unpickler would.
struct Break(String);

struct Stack {
    items: VecDeque<Sym>,
    /// Entries forgotten at the bottom when the stack reached its cap.
    forgotten: usize,
    marks: VecDeque<usize>,
    marks_forgotten: bool,
}

impl Stack {
    fn new() -> Self {
        Stack {
            items: VecDeque::new(),
            forgotten: 0,
            marks: VecDeque::new(),
            marks_forgotten: false,
        }
    }

    fn len(&self) -> usize {
        self.forgotten + self.items.len()
    }

    /// Returns true when an entry had to be forgotten.
    fn push(&mut self, s: Sym, cap: usize) -> bool {
        self.items.push_back(s);
        if self.items.len() > cap {
            self.items.pop_front();
            self.forgotten += 1;
            return true;
        }
        false
    }

    fn fence(&self) -> usize {
        self.marks.back().copied().unwrap_or(0)
    }

    fn pop(&mut self) -> Result<Sym, Break> {
        if self.len() <= self.fence() {
            return Err(Break("unpickling stack underflow".into()));
        }
        Ok(match self.items.pop_back() {
            Some(s) => s,
            None => {
                self.forgotten -= 1;
                Sym::Other
            }
        })
    }

    fn top(&mut self) -> Result<&mut Sym, Break> {
        if self.len() <= self.fence() {
            return Err(Break("unpickling stack underflow".into()));
        }
        if self.items.is_empty() {
            self.forgotten -= 1;
            self.items.push_back(Sym::Other);
        }
        Ok(self.items.back_mut().expect("not empty"))
    }

    fn mark(&mut self, cap: usize) -> bool {
        self.marks.push_back(self.len());
        if self.marks.len() > cap {
            self.marks.pop_front();
            self.marks_forgotten = true;
            return true;
        }
        false
    }

    /// The items above the last mark, oldest first (forgotten ones are not
    /// returned), and the mark removed.
    fn pop_mark(&mut self) -> Result<Vec<Sym>, Break> {
        let Some(m) = self.marks.pop_back() else {
            if self.marks_forgotten {
                return Ok(Vec::new());
            }
            return Err(Break("could not find MARK".into()));
        };
        let known_from = m.saturating_sub(self.forgotten);
        let out: Vec<Sym> = self.items.drain(known_from..).collect();
        self.forgotten = self.forgotten.min(m);
        Ok(out)
    }
}

/// The simulation of one pickle.
struct Machine<'s, 'p> {
    sink: &'s mut Sink<'p>,
    label: String,
    depth: usize,
    stack: Stack,
    memo: HashMap<u64, Sym>,
    /// Keys `MEMOIZE` has assigned, kept or not.
    memo_count: u64,
    memo_overflowed: bool,
    limit_noted: bool,
    /// (end, offset of its FRAME) of the frame being read.
    frame: Option<(usize, usize)>,
    proto_seen: Option<usize>,
}

impl<'s, 'p> Machine<'s, 'p> {
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
            location: self.label.clone(),
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

    fn push(&mut self, s: Sym, at: &Op) {
        if self.stack.push(s, self.sink.limits.max_stack) {
            self.limit(
                at,
                &format!("stack deeper than {}", self.sink.limits.max_stack),
            );
        }
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
                location: self.label.clone(),
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
        Sym::Global { full, severity }
    }

    /// A call site: `callee(*args)` in whatever form the opcode spells it.
    fn call(&mut self, callee: Sym, args: Option<&Sym>, at: &Op) -> Sym {
        let site = at.info.name;
        match callee {
            Sym::Global { full, severity } => {
                if severity > Severity::Safe {
                    self.finding(
                        severity,
                        Kind::Call,
                        at,
                        Some(&full),
                        format!("{site} calls {full}"),
                    );
                }
                let first = match args {
                    Some(Sym::Tuple(items)) => items.first(),
                    _ => None,
                };
                let first = match first {
                    Some(Sym::Data { bytes, text }) => Some((bytes.clone(), *text)),
                    _ => None,
                };
                if let Some((payload, is_text)) = first {
                    if is_loads(&full) {
                        self.nested(&full, &payload, at);
                    } else if let Some(out) = self.transform(&full, &payload, is_text, args, at) {
                        return Sym::Data {
                            bytes: out.into(),
                            text: false,
                        };
                    }
                }
                Sym::Made(full)
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
                let what = other.describe();
                let origin = match &other {
                    Sym::Made(g) => Some(g.to_string()),
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
        scan_stream(payload, &label, self.depth + 1, self.sink);
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
        use base64::Engine as _;
        let budget = self
            .sink
            .limits
            .max_decoded
            .saturating_sub(self.sink.decoded);
        let b64 = |alphabet: &[u8; 2], engine: &base64::engine::GeneralPurpose| {
            // CPython discards characters outside the alphabet.
            let clean: Vec<u8> = input
                .iter()
                .copied()
                .filter(|c| c.is_ascii_alphanumeric() || alphabet.contains(c))
                .collect();
            engine.decode(clean).ok()
        };
        let lenient = base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true);
        let out = match full {
            "base64.b64decode"
            | "base64.standard_b64decode"
            | "base64.decodebytes"
            | "base64.decodestring"
            | "binascii.a2b_base64" => b64(
                b"+/",
                &base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, lenient),
            ),
            "base64.urlsafe_b64decode" => b64(
                b"-_",
                &base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, lenient),
            ),
            "base64.b16decode" | "binascii.unhexlify" | "binascii.a2b_hex" => {
                hex::decode(input).ok()
            }
            "zlib.decompress" => {
                let mut out = Vec::new();
                let read = flate2::read::ZlibDecoder::new(input)
                    .take(budget as u64 + 1)
                    .read_to_end(&mut out);
                read.ok().map(|_| out)
            }
            "_codecs.encode" if is_text => {
                let latin1 = match args {
                    Some(Sym::Tuple(items)) => match items.get(1) {
                        Some(Sym::Data { bytes, .. }) => {
                            matches!(
                                &bytes[..],
                                b"latin1" | b"latin-1" | b"iso-8859-1" | b"iso8859-1"
                            )
                        }
                        _ => false,
                    },
                    _ => false,
                };
                let text = std::str::from_utf8(input).ok().filter(|_| latin1)?;
                text.chars()
                    .map(|c| u8::try_from(u32::from(c)).ok())
                    .collect()
            }
            _ => None,
        }?;
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

    /// One op; `Err` where CPython's unpickler would raise.
    fn step(&mut self, o: &Op, index: usize, input_len: usize) -> Result<(), Break> {
        self.sink.ops += 1;
        self.check_frame(o);
        let data = |bytes: &[u8], text: bool| Sym::Data {
            bytes: bytes.into(),
            text,
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
            op::MARK => {
                if self.stack.mark(self.sink.limits.max_marks) {
                    self.limit(
                        o,
                        &format!("more than {} open marks", self.sink.limits.max_marks),
                    );
                }
            }
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
            op::POP_MARK => {
                self.stack.pop_mark()?;
            }
            op::DUP => {
                let t = self.stack.top()?.clone();
                self.push(t, o);
            }
            op::STRING => {
                let Arg::Line(l) = o.arg else { unreachable!() };
                let s = text::string_literal(l)
                    .ok_or_else(|| Break("the STRING opcode argument must be quoted".into()))?;
                self.push(data(&s, true), o);
            }
            op::UNICODE => {
                let Arg::Line(l) = o.arg else { unreachable!() };
                let s = text::raw_unicode_escape(l)
                    .ok_or_else(|| Break("UNICODE argument is not raw-unicode-escape".into()))?;
                self.push(data(s.as_bytes(), true), o);
            }
            _ => match o.arg {
                Arg::Text(b) => self.push(data(b, true), o),
                Arg::Bytes(b) => {
                    // BINSTRING/SHORT_BINSTRING are str in Python 3.
                    let text = matches!(o.code, op::BINSTRING | op::SHORT_BINSTRING);
                    self.push(data(b, text), o)
                }
                _ => self.structural(o)?,
            },
        }
        Ok(())
    }

    fn structural(&mut self, o: &Op) -> Result<(), Break> {
        match o.code {
            op::EMPTY_TUPLE => self.push(Sym::tuple([]), o),
            op::TUPLE => {
                let items = self.stack.pop_mark()?;
                self.push(Sym::tuple(items), o)
            }
            op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                let n = usize::from(o.code - op::TUPLE1 + 1);
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.stack.pop()?);
                }
                items.reverse();
                self.push(Sym::tuple(items), o)
            }
            op::LIST | op::DICT | op::FROZENSET => {
                self.stack.pop_mark()?;
                self.push(Sym::Other, o)
            }
            op::APPENDS | op::SETITEMS | op::ADDITEMS => {
                self.stack.pop_mark()?;
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
                let v = match self.memo.get(&key) {
                    Some(v) => v.clone(),
                    None if self.memo_overflowed => Sym::Other,
                    None => return Err(Break(format!("memo value not found at index {key}"))),
                };
                self.push(v, o)
            }
            op::PUT | op::BINPUT | op::LONG_BINPUT | op::MEMOIZE => {
                let key = if o.code == op::MEMOIZE {
                    self.memo_count
                } else {
                    self.memo_key(o)?
                };
                let v = self.stack.top()?.clone();
                if !self.memo.contains_key(&key) {
                    self.memo_count += 1;
                }
                if self.memo.len() < self.sink.limits.max_memo || self.memo.contains_key(&key) {
                    self.memo.insert(key, v);
                } else {
                    self.memo_overflowed = true;
                    self.limit(
                        o,
                        &format!("more than {} memo entries", self.sink.limits.max_memo),
                    );
                }
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
                            bytes: m,
                            text: true,
                        },
                        Sym::Data {
                            bytes: n,
                            text: true,
                        },
                    ) => self.import(&m, &n, o),
                    (m @ Sym::Data { .. }, n @ Sym::Data { .. }) => {
                        let _ = (m, n);
                        return Err(Break("STACK_GLOBAL requires str".into()));
                    }
                    (m, n) => {
                        let msg = format!(
                            "STACK_GLOBAL with module {} and name {}: could not resolve",
                            m.describe(),
                            n.describe()
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
                let r = self.call(g, Some(&Sym::tuple(items)), o);
                self.push(r, o)
            }
            op::OBJ => {
                let mut items = self.stack.pop_mark()?.into_iter();
                let cls = items
                    .next()
                    .ok_or_else(|| Break("OBJ without a class".into()))?;
                let r = self.call(cls, Some(&Sym::tuple(items)), o);
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
                let inst = self.stack.top()?.clone();
                let (severity, global) = match &inst {
                    Sym::Made(g) => {
                        let (module, name) = g.split_once('.').unwrap_or((g, ""));
                        (
                            self.sink.policy.judge(module, name).0.max(Severity::Safe),
                            Some(g.to_string()),
                        )
                    }
                    _ => (Severity::Suspicious, None),
                };
                if severity > Severity::Safe {
                    let msg = format!(
                        "BUILD sets the state of {} (runs __setstate__)",
                        inst.describe()
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
                self.push(
                    Sym::Global {
                        full,
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

    fn memo_key(&self, o: &Op) -> Result<u64, Break> {
        match o.arg {
            Arg::Int(i) => Ok(i as u64),
            Arg::Line(l) => text::memo_key(l)
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| Break("invalid memo key".into())),
            _ => unreachable!("memo opcodes take an int or a line"),
        }
    }
}

fn is_loads(full: &str) -> bool {
    matches!(
        full,
        "pickle.loads"
            | "_pickle.loads"
            | "pickle._loads"
            | "cPickle.loads"
            | "dill.loads"
            | "dill._dill.loads"
    )
}

/// Scans the pickles in `bytes` one after another, as repeated
/// `pickle.load` calls on one file would read them; findings are labelled
/// `{label}#0`, `{label}#1`...
pub(crate) fn scan_stream(bytes: &[u8], label: &str, depth: usize, sink: &mut Sink) {
    let mut pos = 0;
    let mut index = 0;
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
        match scan_one(bytes, pos, here, depth, sink) {
            Some(end) => pos = end,
            None => return,
        }
        index += 1;
    }
}

/// One pickle from `start`; the offset after its `STOP`, or `None` when the
/// stream breaks (reported).
fn scan_one(
    bytes: &[u8],
    start: usize,
    label: String,
    depth: usize,
    sink: &mut Sink,
) -> Option<usize> {
    let mut m = Machine {
        sink,
        label,
        depth,
        stack: Stack::new(),
        memo: HashMap::new(),
        memo_count: 0,
        memo_overflowed: false,
        limit_noted: false,
        frame: None,
        proto_seen: None,
    };
    let input = &bytes[start..];
    let broke = |m: &mut Machine,
                 offset: usize,
                 opcode: Option<&'static str>,
                 message: String,
                 trailing: bool| {
        let (kind, message) = if trailing {
            (
                Kind::Trailing,
                format!(
                    "{} bytes after the last pickle are not a pickle: {message}",
                    input.len() - (offset - start)
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
            location: m.label.clone(),
            message,
        };
        m.sink.push(f);
        None
    };
    for (index, item) in lexer::ops(input).enumerate() {
        let o = match item {
            Ok(mut o) => {
                o.offset += start;
                o.end += start;
                o
            }
            Err(e) => {
                let offset = e.offset + start;
                let trailing = index == 0 && start > 0;
                let message = match e.kind {
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
                return broke(&mut m, offset, None, message, trailing);
            }
        };
        if let Err(Break(why)) = m.step(&o, index, bytes.len()) {
            let msg = format!("{} at offset {}: {why}", o.info.name, o.offset);
            return broke(&mut m, o.offset, Some(o.info.name), msg, false);
        }
        if o.code == op::STOP {
            if let Some((end, frame_at)) = m.frame.filter(|(end, _)| *end > o.end) {
                let msg = format!("STOP at offset {} inside the frame declared at offset {frame_at} (ends at {end})", o.offset);
                m.finding(Severity::Suspicious, Kind::Frame, &o, None, msg);
            }
            return Some(o.end);
        }
    }
    None
}
