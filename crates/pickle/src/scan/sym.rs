//! What the scanner's simulation holds on its stack and in its memo: small
//! `Copy` symbols for only as much as the scanner needs (strings for
//! `STACK_GLOBAL` and payloads, globals, call results, small tuples of
//! arguments), never a Python object, with anything bigger in the pickle's
//! [`Tables`].

use super::Severity;
use crate::lexer::{self, Arg, Op};
use crate::text;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::rc::Rc;

/// Tuple items kept: enough for the arguments the scanner reads (a payload,
/// an encoding name); the rest are counted as unknown.
pub(super) const TUPLE_KEEP: usize = 4;

/// Where a string's bytes are. The stack and the memo hold only this and
/// an offset, never the bytes: pickles of data push a string every few
/// ops, and copying, allocating or reference-counting each one was most of
/// the scanner's time; what reads a string (an import, a call's argument)
/// is rare and finds it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Src {
    /// The argument of the op at this offset of the stream (no copy
    /// however big the payload).
    Arg,
    /// The latin-1 encoding of the text argument of the op at this offset,
    /// computed only if something reads it (protocols 0-2 write every bytes
    /// object as `_codecs.encode(text, 'latin1')`, so decoding each
    /// eagerly would copy every payload).
    Latin1,
    /// A protocol 0 `UNICODE` line at this offset (raw-unicode-escape,
    /// checked), decoded only if something reads it.
    UnicodeLine,
    /// The latin-1 encoding of such a line.
    Latin1Line,
    /// A protocol 0 `STRING` line at this offset, quoted, with no escape.
    StringLine,
    /// Bytes the scanner made (unescaped, decoded): an index into
    /// [`Tables::made`].
    Made,
}

/// What the scanner knows of a stack or memo entry: small and `Copy`, with
/// anything bigger in the pickle's [`Tables`].
#[derive(Clone, Copy, Debug)]
pub(super) enum Sym {
    Data {
        src: Src,
        text: bool,
        at: usize,
    },
    /// An imported global, [`Tables::names`]`[id]`.
    Global {
        id: usize,
        severity: Severity,
    },
    /// An import the scanner could not resolve.
    Unresolved,
    /// What calling or constructing global `id` returned, with the global's
    /// verdict (so `BUILD` on it is judged as the import was).
    Made {
        id: usize,
        severity: Severity,
    },
    /// Items `start..start + len` of [`Tables::tuples`]; never a tuple
    /// inside (those become `Container`).
    Tuple {
        start: usize,
        len: u8,
    },
    /// A list, dict, set or tuple the scanner reads nothing from: only
    /// fetching one from the memo can multiply a result's size.
    Container,
    Other,
}

impl Sym {
    pub(super) fn flat(self) -> Sym {
        match self {
            Sym::Tuple { .. } => Sym::Container,
            s => s,
        }
    }

    /// Nothing the scanner reads: a scalar or a container of such.
    pub(super) fn inert(&self) -> bool {
        matches!(self, Sym::Other | Sym::Container)
    }

    /// A fetch of this from the memo (or a `DUP`) shares an object, which
    /// only an expansion bomb does often.
    pub(super) fn shared(&self) -> bool {
        matches!(self, Sym::Container | Sym::Made { .. } | Sym::Tuple { .. })
    }
}

/// What the symbols of one pickle refer to, kept for the stream so that
/// each pickle reuses the allocations.
#[derive(Default)]
pub(super) struct Tables {
    /// Imported globals, `module.name`.
    pub(super) names: Vec<Rc<str>>,
    pub(super) made: Vec<Vec<u8>>,
    pub(super) tuples: Vec<Sym>,
}

impl Tables {
    pub(super) fn clear(&mut self) {
        self.names.clear();
        self.made.clear();
        self.tuples.clear();
    }

    pub(super) fn tuple(&mut self, items: impl IntoIterator<Item = Sym>) -> Sym {
        let start = self.tuples.len();
        self.tuples
            .extend(items.into_iter().take(TUPLE_KEEP).map(Sym::flat));
        Sym::Tuple {
            start,
            len: (self.tuples.len() - start) as u8,
        }
    }

    pub(super) fn items(&self, s: Option<&Sym>) -> &[Sym] {
        match s {
            Some(&Sym::Tuple { start, len }) => &self.tuples[start..start + usize::from(len)],
            _ => &[],
        }
    }

    pub(super) fn describe(&self, s: &Sym) -> String {
        match s {
            Sym::Data { .. } => "a string".into(),
            Sym::Global { id, .. } => self.names[*id].to_string(),
            Sym::Unresolved => "an unresolved global".into(),
            Sym::Made { id, .. } => format!("the result of {}", self.names[*id]),
            Sym::Tuple { .. } => "a tuple".into(),
            Sym::Container => "a container".into(),
            Sym::Other => "a value".into(),
        }
    }

    /// A string's bytes, from the stream `bytes` its offsets are in; a
    /// latin-1 encoding CPython would refuse (a character past U+00FF, text
    /// that is not UTF-8) is empty, since the call that made it raises.
    pub(super) fn bytes<'t>(&'t self, stream: &'t [u8], src: Src, at: usize) -> Cow<'t, [u8]> {
        let arg = || match lexer::ops(&stream[at..]).next() {
            Some(Ok(Op {
                arg: Arg::Bytes(b) | Arg::Text(b) | Arg::Line(b),
                ..
            })) => b,
            _ => unreachable!("a string symbol points at an op with a string argument"),
        };
        match src {
            Src::Arg => Cow::Borrowed(arg()),
            Src::Latin1 => Cow::Owned(super::decode::latin1(arg()).unwrap_or_default()),
            Src::UnicodeLine => match arg() {
                line if line.is_ascii() && memchr::memchr(b'\\', line).is_none() => {
                    Cow::Borrowed(line)
                }
                line => {
                    Cow::Owned(text::raw_unicode_escape_wtf8(line).expect("a checked line decodes"))
                }
            },
            // Without escapes every byte is its own code point.
            Src::Latin1Line => match arg() {
                line if memchr::memchr(b'\\', line).is_none() => Cow::Borrowed(line),
                line => Cow::Owned(
                    text::raw_unicode_escape_wtf8(line)
                        .and_then(|t| super::decode::latin1(&t))
                        .unwrap_or_default(),
                ),
            },
            Src::StringLine => {
                let line = arg();
                Cow::Borrowed(&line[1..line.len() - 1])
            }
            Src::Made => Cow::Borrowed(&self.made[at]),
        }
    }
}

/// Why the simulation of a pickle stops where CPython's unpickler would.
pub(super) struct Break(pub(super) String);

pub(super) struct Stack {
    items: Vec<Sym>,
    /// Entries forgotten at the bottom when the stack reached its cap.
    forgotten: usize,
    pub(super) marks: VecDeque<usize>,
    marks_forgotten: bool,
}

impl Stack {
    pub(super) fn new() -> Self {
        Stack {
            items: Vec::new(),
            forgotten: 0,
            marks: VecDeque::new(),
            marks_forgotten: false,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.forgotten + self.items.len()
    }

    /// Returns true when entries had to be forgotten: the older half, at
    /// once, so that a stack kept at its cap costs no more per push.
    #[inline]
    pub(super) fn push(&mut self, s: Sym, cap: usize) -> bool {
        let full = self.items.len() >= cap.max(2);
        if full {
            let half = self.items.len() / 2;
            self.items.drain(..half);
            self.forgotten += half;
        }
        self.items.push(s);
        full
    }

    pub(super) fn fence(&self) -> usize {
        self.marks.back().copied().unwrap_or(0)
    }

    pub(super) fn clear(&mut self) {
        self.items.clear();
        self.forgotten = 0;
        self.marks.clear();
        self.marks_forgotten = false;
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Result<Sym, Break> {
        if self.len() <= self.fence() {
            return Err(underflow());
        }
        Ok(match self.items.pop() {
            Some(s) => s,
            None => {
                self.forgotten -= 1;
                Sym::Other
            }
        })
    }

    #[inline]
    pub(super) fn top(&mut self) -> Result<&mut Sym, Break> {
        if self.len() <= self.fence() {
            return Err(underflow());
        }
        if self.items.is_empty() {
            self.forgotten -= 1;
            self.items.push(Sym::Other);
        }
        Ok(self.items.last_mut().expect("not empty"))
    }

    pub(super) fn mark(&mut self, cap: usize) -> bool {
        self.marks.push_back(self.len());
        if self.marks.len() > cap {
            self.marks.pop_front();
            self.marks_forgotten = true;
            return true;
        }
        false
    }

    /// The items above the last mark as one symbol: `Container` when none
    /// of them is anything the scanner reads, else a tuple.
    pub(super) fn pop_mark_tuple(&mut self, tables: &mut Tables) -> Result<Sym, Break> {
        let known_from = self.unmark()?.min(self.items.len());
        if self.items[known_from..].iter().all(Sym::inert) {
            self.items.truncate(known_from);
            return Ok(Sym::Container);
        }
        Ok(tables.tuple(self.items.drain(known_from..)))
    }

    /// Removes the last mark; where its items start in `items` (its end
    /// when the mark was forgotten).
    pub(super) fn unmark(&mut self) -> Result<usize, Break> {
        let Some(m) = self.marks.pop_back() else {
            if self.marks_forgotten {
                return Ok(self.items.len());
            }
            return Err(Break("could not find MARK".into()));
        };
        let known_from = m.saturating_sub(self.forgotten);
        self.forgotten = self.forgotten.min(m);
        Ok(known_from)
    }

    /// Pops the items above the last mark and the mark, keeping nothing.
    pub(super) fn discard_mark(&mut self) -> Result<(), Break> {
        let known_from = self.unmark()?;
        self.items.truncate(known_from);
        Ok(())
    }

    /// The items above the last mark, oldest first (forgotten ones are not
    /// returned), and the mark removed.
    pub(super) fn pop_mark(&mut self) -> Result<Vec<Sym>, Break> {
        let known_from = self.unmark()?;
        Ok(self
            .items
            .drain(known_from.min(self.items.len())..)
            .collect())
    }
}

#[cold]
pub(super) fn underflow() -> Break {
    Break("unpickling stack underflow".into())
}
