//! The reference implementation of each format: the one that decides, when
//! two implementations disagree, which of them departs from the format as
//! its users meet it (CPython for pickle, `struct` and `json`,
//! msgpack-python, cbor2, upb for protobuf).
//!
//! The `differential` check asks [`for_format`] on every disagreement it
//! finds ([`crate::finding::Referee`]). A build with the `python` feature
//! answers with the Python reference testee running in this process
//! (`codecs::external::python`), started on first use when its venv exists
//! (`conformance/testees/python/setup` makes it; nothing is installed from
//! here, so a fuzz binary never reaches the network). Without the feature,
//! or without the venv, there is no referee and findings say only that the
//! implementations disagree.

use crate::{CodecRef, Format};

/// The reference of each format: its codec id (as the Python reference
/// testee announces it) and its name in a finding's headline.
pub const REFERENCES: [(Format, &str, &str); 6] = [
    (Format::Pickle, "pickle/cpython", "CPython"),
    (Format::Struct, "struct/cpython", "CPython"),
    (Format::Json, "json/cpython", "CPython"),
    (Format::MsgPack, "msgpack/msgpack-python", "msgpack-python"),
    (Format::Cbor, "cbor/cbor2", "cbor2"),
    (Format::Protobuf, "protobuf/python-protobuf", "upb"),
];

/// Set to `0` to run without a referee even where one is available (to
/// measure what it costs, or to keep a run free of Python).
pub const REFEREE_ENV: &str = "CROSSFMT_REFEREE";

/// The name a finding gives the reference codec `id` ("CPython").
pub fn name_of(id: &str) -> Option<&'static str> {
    REFERENCES
        .iter()
        .find(|(_, c, _)| *c == id)
        .map(|(_, _, name)| *name)
}

thread_local! {
    static SUSPENDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with no referee on this thread: a fuzz loop checks each input
/// without one, since most disagreements it meets are known and passed
/// over, and asks again with the referee only about a finding it reports.
pub fn without<T>(f: impl FnOnce() -> T) -> T {
    let before = SUSPENDED.with(|s| s.replace(true));
    let out = f();
    SUSPENDED.with(|s| s.set(before));
    out
}

/// The reference codec of `format`, when this build and machine have one
/// (and the thread is not inside [`without`]).
pub fn for_format(format: Format) -> Option<CodecRef> {
    if SUSPENDED.with(|s| s.get()) {
        return None;
    }
    participant(id_of(format)?)
}

/// The reference codec `id` itself, as a participant rather than a judge:
/// a fuzz target that compares a format's one built-in implementation with
/// its reference (`differential_cbor`) needs it even inside [`without`].
/// `None` when this build or machine has no such reference.
pub fn participant(id: &str) -> Option<CodecRef> {
    available().iter().find(|c| c.id() == id).cloned()
}

/// The id of `format`'s reference codec (`cbor/cbor2`), whether or not this
/// build can run it.
pub fn id_of(format: Format) -> Option<&'static str> {
    REFERENCES
        .iter()
        .find(|(f, _, _)| *f == format)
        .map(|(_, id, _)| *id)
}

/// The in-process references, started once; empty without them.
pub fn available() -> &'static [CodecRef] {
    static STARTED: std::sync::OnceLock<Vec<CodecRef>> = std::sync::OnceLock::new();
    STARTED.get_or_init(|| {
        if std::env::var_os(REFEREE_ENV).is_some_and(|v| v == "0") {
            return Vec::new();
        }
        start()
    })
}

#[cfg(feature = "python")]
fn start() -> Vec<CodecRef> {
    use crate::codecs::external::{self, python};
    let Some(setup) = python::Setup::existing() else {
        eprintln!(
            "crossfmt: no referee: the Python reference venv is not set up \
             (run conformance/testees/python/setup)"
        );
        return Vec::new();
    };
    match python::Server::start(&setup)
        .and_then(|(server, hello)| external::started(server, hello).map(|s| s.codecs))
    {
        Ok(codecs) => codecs
            .into_iter()
            .filter(|c| REFERENCES.iter().any(|(_, id, _)| *id == c.id()))
            .collect(),
        Err(e) => {
            eprintln!("crossfmt: no referee: {e}");
            Vec::new()
        }
    }
}

#[cfg(not(feature = "python"))]
fn start() -> Vec<CodecRef> {
    Vec::new()
}
