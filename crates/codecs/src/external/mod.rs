//! Codecs implemented outside crossfmt, in any language: a *testee* process
//! speaking the pipe protocol of `conformance/PROTOCOL.md`. [`start`] runs
//! one and returns a [`Codec`] per codec it announces; [`serve()`] is the
//! other side, serving crossfmt's own codecs (`crossfmt testee`).

pub mod process;
#[cfg(feature = "python")]
pub mod python;
pub mod serve;
pub mod vj;
pub mod wire;

use crate::Registry;
use crossfmt_value::caps::Caps;
use crossfmt_value::stream::{self, Framing, Pieces, Reading, Record, Source, StreamError};
use crossfmt_value::value::Value;
use crossfmt_value::{Codec, CodecError, CodecRef, ErrorKind, Format};
use process::{Parsed, Testee};
use serde::Deserialize;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

pub use serve::serve;

/// Bounds on every request to a testee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time for one request; the hello gets at least 10 s.
    pub timeout: Duration,
    /// Address-space limit (`RLIMIT_AS`) of the testee process, in MiB.
    pub memory_mb: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(10),
            memory_mb: Some(4096),
        }
    }
}

/// A started testee: what it says it is, and its codecs.
pub struct Started {
    pub name: String,
    pub version: String,
    pub codecs: Vec<CodecRef>,
}

/// Starts `command` (split like a shell would, no shell involved), sends the
/// hello, and returns one codec per announced codec. Codecs of a format
/// crossfmt does not know are skipped with a warning on stderr.
pub fn start(command: &str, limits: Limits) -> Result<Vec<CodecRef>, String> {
    start_testee(command, limits).map(|s| s.codecs)
}

/// Starts every testee in `commands`, telling on stderr what each announced
/// (name, version, codec ids): the codecs of all of them, in order.
pub fn start_announced<'a>(
    commands: impl IntoIterator<Item = &'a str>,
    limits: Limits,
) -> Result<Vec<CodecRef>, String> {
    let mut all = Vec::new();
    for cmd in commands {
        let started = start_testee(cmd, limits)?;
        let names: Vec<&str> = started.codecs.iter().map(|c| c.id()).collect();
        eprintln!(
            "crossfmt: testee `{cmd}` ({}; {}): {}",
            started.name,
            started.version,
            names.join(", ")
        );
        all.extend(started.codecs);
    }
    Ok(all)
}

/// The testee command that names the Python reference testee run inside
/// crossfmt's own process (`external::python`, the `python` feature) rather than as
/// a child process.
pub const IN_PROCESS_PYTHON: &str = "python-in-process";

/// How requests reach a testee and its answers come back: a child process
/// over the pipe protocol ([`Testee`]), or a server in this process
/// (`external::python`). Both speak the same requests and responses.
pub trait Exchange: Send + Sync {
    /// What the user named it by (the command), for messages.
    fn command(&self) -> &str;

    /// Sends `request` and hands the response to `read`, which returns
    /// `Err` when the response breaks the protocol. A transport failure (or
    /// such a response) is the codec's breakdown.
    fn exchange(
        &self,
        request: &Json,
        read: &mut dyn FnMut(&Json) -> Result<(), String>,
    ) -> Result<(), CodecError>;
}

impl Exchange for Testee {
    fn command(&self) -> &str {
        Testee::command(self)
    }

    fn exchange(
        &self,
        request: &Json,
        read: &mut dyn FnMut(&Json) -> Result<(), String>,
    ) -> Result<(), CodecError> {
        self.request(request, |r| read(r).map(Ok))
    }
}

/// One request through `via`, its response read by `parse`.
fn ask<T>(
    via: &dyn Exchange,
    request: &Json,
    parse: impl FnOnce(&Json) -> Parsed<T>,
) -> Result<T, CodecError> {
    let mut parse = Some(parse);
    let mut answer = None;
    via.exchange(request, &mut |r| {
        let parse = parse.take().ok_or("one response read twice")?;
        answer = Some(parse(r)?);
        Ok(())
    })?;
    answer.unwrap_or_else(|| {
        Err(CodecError::failure(
            ErrorKind::Crashed,
            "the testee gave no response",
        ))
    })
}

/// [`start`], keeping the testee's name and version for reports.
/// [`IN_PROCESS_PYTHON`] starts the Python reference testee in this process
/// (a build with the `python` feature; without it, an error that says so).
pub fn start_testee(command: &str, limits: Limits) -> Result<Started, String> {
    if command == IN_PROCESS_PYTHON {
        return start_in_process();
    }
    let (testee, hello) = Testee::start(command, limits)?;
    started(Arc::new(testee), hello)
}

#[cfg(feature = "python")]
fn start_in_process() -> Result<Started, String> {
    let (server, hello) = python::Server::start(&python::Setup::prepared()?)?;
    started(server, hello)
}

#[cfg(not(feature = "python"))]
fn start_in_process() -> Result<Started, String> {
    Err(format!(
        "testee `{IN_PROCESS_PYTHON}`: this crossfmt was built without the `python` feature \
         (build with `--features python`, or run the reference as a process: \
         --testee conformance/testees/python/testee)"
    ))
}

/// The codecs a testee's `hello` response announces, served through
/// `testee`.
pub fn started(testee: Arc<dyn Exchange>, hello: Json) -> Result<Started, String> {
    let command = testee.command().to_string();
    let command = command.as_str();
    require_caps_fields(command, &hello)?;
    let hello: Hello = serde_json::from_value(hello)
        .map_err(|e| format!("testee `{command}`: malformed hello: {e}"))?;
    let streams = match hello.extensions.get("stream") {
        None | Some(&STREAM_EXTENSION) => true,
        Some(v) => {
            eprintln!(
                "crossfmt: warning: testee `{command}` speaks version {v} of the stream \
                 extension, crossfmt {STREAM_EXTENSION}: its codecs are not read as streams"
            );
            false
        }
    };
    let mut seen = BTreeSet::new();
    let mut codecs: Vec<CodecRef> = Vec::new();
    for c in hello.codecs {
        if !seen.insert(c.id.clone()) {
            return Err(format!(
                "testee `{command}` announces codec {:?} twice",
                c.id
            ));
        }
        let format = match c.format.parse::<Format>() {
            Ok(f) => f,
            Err(e) => {
                eprintln!(
                    "crossfmt: warning: testee `{command}`: skipping codec {:?}: {e}",
                    c.id
                );
                continue;
            }
        };
        let framing = match c
            .framing
            .as_ref()
            .filter(|_| streams)
            .map(framing_from_json)
            .transpose()
        {
            Ok(f) => f,
            Err(e) => {
                return Err(format!(
                    "testee `{command}`: codec {:?}: framing: {e}",
                    c.id
                ))
            }
        };
        codecs.push(Arc::new(ExternalCodec {
            testee: Arc::clone(&testee),
            id: c.id,
            format,
            // crossfmt reads an answer at most `notation::MAX_DEPTH` deep
            // (deeper is refused as crossfmt's own limit), so a deeper
            // declared limit cannot be held to: what both sides hold.
            caps: Caps {
                max_depth: c.caps.max_depth.min(crossfmt_value::notation::MAX_DEPTH),
                ..c.caps
            },
            schemas: c.schemas,
            schema: None,
            framing,
        }));
    }
    Ok(Started {
        name: hello.name,
        version: hello.version,
        codecs,
    })
}

/// `registry` with `codecs` added; a codec whose id is already there takes
/// that codec's place (so a testee serving a built-in codec replaces it).
/// Two added codecs with one id are an error.
pub fn join(registry: &Registry, codecs: &[CodecRef]) -> Result<Registry, String> {
    let mut ids = BTreeSet::new();
    for c in codecs {
        if !ids.insert(c.id()) {
            return Err(format!("two testees announce codec {:?}", c.id()));
        }
    }
    let mut out: Vec<CodecRef> = registry
        .all()
        .iter()
        .map(|c| match codecs.iter().find(|x| x.id() == c.id()) {
            Some(x) => Arc::clone(x),
            None => Arc::clone(c),
        })
        .collect();
    for c in codecs {
        if registry.get(c.id()).is_none() {
            out.push(Arc::clone(c));
        }
    }
    Ok(Registry::new(out))
}

/// Caps fields a hello must give, with what each means: left out, the
/// default would silently support nothing (`max_depth` 0 skips every value),
/// so it is an error that names the field rather than a run with nothing in
/// it. Codecs of a format crossfmt does not know are skipped, so their caps
/// are not asked for.
const REQUIRED_CAPS: [(&str, &str); 1] = [("max_depth", "the deepest nesting it handles")];

fn require_caps_fields(command: &str, hello: &Json) -> Result<(), String> {
    let Some(codecs) = hello.get("codecs").and_then(Json::as_array) else {
        return Ok(()); // the typed parse says what is wrong
    };
    for c in codecs {
        let id = c.get("id").and_then(Json::as_str).unwrap_or("?");
        let known = c
            .get("format")
            .and_then(Json::as_str)
            .map(str::parse::<Format>);
        if !matches!(known, Some(Ok(_))) {
            continue;
        }
        let Some(caps) = c.get("caps").and_then(Json::as_object) else {
            continue;
        };
        for (field, meaning) in REQUIRED_CAPS {
            if !caps.contains_key(field) {
                return Err(format!(
                    "testee `{command}`: codec {id:?}: its caps give no `{field}` \
                     ({meaning}; see conformance/PROTOCOL.md)"
                ));
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct Hello {
    name: String,
    #[serde(default)]
    version: String,
    codecs: Vec<Announced>,
    /// Optional protocol extensions and the version of each it speaks.
    #[serde(default)]
    extensions: std::collections::BTreeMap<String, u64>,
}

/// The version of the stream extension (`read_stream`) crossfmt speaks.
pub const STREAM_EXTENSION: u64 = 1;

#[derive(Deserialize)]
struct Announced {
    id: String,
    format: String,
    caps: Caps,
    #[serde(default)]
    schemas: bool,
    /// The stream extension: how its records are laid out.
    #[serde(default)]
    framing: Option<Json>,
}

/// A framing as the protocol spells it: `"concatenated"`, `"lines"`,
/// `"length-delimited"`, or `{"fixed": <size>}`.
pub fn framing_json(f: Framing) -> Json {
    match f {
        Framing::Concatenated => json!("concatenated"),
        Framing::Lines => json!("lines"),
        Framing::LengthDelimited => json!("length-delimited"),
        Framing::Fixed(n) => json!({ "fixed": n }),
    }
}

fn framing_from_json(j: &Json) -> Result<Framing, String> {
    match j.as_str() {
        Some("concatenated") => Ok(Framing::Concatenated),
        Some("lines") => Ok(Framing::Lines),
        Some("length-delimited") => Ok(Framing::LengthDelimited),
        _ => match j.get("fixed").and_then(Json::as_u64) {
            Some(n) if n > 0 => Ok(Framing::Fixed(n as usize)),
            _ => Err(format!(
                "{j} is none of \"concatenated\", \"lines\", \"length-delimited\", {{\"fixed\": <size>}}"
            )),
        },
    }
}

/// One codec of a testee. Clones share the process; requests are serialised.
pub struct ExternalCodec {
    testee: Arc<dyn Exchange>,
    id: String,
    format: Format,
    caps: Caps,
    schemas: bool,
    schema: Option<String>,
    framing: Option<Framing>,
}

impl ExternalCodec {
    fn request(&self, op: &str, field: &str, body: Json) -> Json {
        let mut req = json!({ "op": op, "codec": self.id });
        req[field] = body;
        if let Some(s) = &self.schema {
            req["schema"] = json!(s);
        }
        req
    }
}

impl Codec for ExternalCodec {
    fn id(&self) -> &str {
        &self.id
    }

    fn format(&self) -> Format {
        self.format
    }

    fn caps(&self) -> Caps {
        self.caps
    }

    fn testee(&self) -> Option<&str> {
        Some(self.testee.command())
    }

    /// A codec of a schema-driven format (`struct`) not yet bound to a
    /// schema (`for_schema`) can hold nothing: every value is a skip, not a
    /// refusal to report. Other formats may take a schema as an option (a
    /// pickle protocol) and work without one.
    fn unsupported(&self, v: &Value) -> Option<String> {
        if self.format.has_schema() && self.schema.is_none() {
            return Some(format!("{} needs a schema and is bound to none", self.id));
        }
        self.caps.unsupported(v)
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let req = self.request("encode", "value", vj::to_vj(v));
        ask(&*self.testee, &req, |r| {
            answer(r, "bytes", "payload", |p| {
                let text = p
                    .as_str()
                    .ok_or_else(|| format!("payload is not a string: {p}"))?;
                hex::decode(text).map_err(|e| format!("payload is not hex: {e}"))
            })
        })
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let req = self.request("decode", "payload", json!(hex::encode(b)));
        ask(&*self.testee, &req, |r| {
            answer(r, "value", "value", |v| {
                vj::from_vj(v).map_err(|e| e.to_string())
            })
        })
    }

    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        if !self.schemas {
            return Err(CodecError::unsupported(format!(
                "{} takes no schema (asked for {schema:?})",
                self.id
            )));
        }
        Ok(Arc::new(ExternalCodec {
            testee: Arc::clone(&self.testee),
            id: self.id.clone(),
            format: self.format,
            caps: self.caps,
            schemas: true,
            schema: Some(schema.to_string()),
            framing: self.framing,
        }))
    }

    fn framing(&self) -> Option<Framing> {
        self.framing
    }

    /// The stream extension: the pieces (or the file's path) go to the
    /// testee, whose own streaming reader reads them; `Interrupted` is a
    /// notion of Rust's readers that no other process sees.
    fn read_stream(&self, from: &Source) -> Result<Reading, CodecError> {
        if self.framing.is_none() {
            return stream::read_source(self, from);
        }
        let req = match from {
            Source::File(path) => self.request("read_stream", "file", json!(path)),
            Source::Pieces { data, sizes, .. } => {
                let pieces: Vec<String> = Pieces::split(data, sizes)
                    .into_iter()
                    .map(hex::encode)
                    .collect();
                self.request("read_stream", "pieces", json!(pieces))
            }
        };
        let answered = ask(&*self.testee, &req, |r| {
            answer(r, "records", "records", |records| {
                reading_from_json(records, r.get("end"))
            })
        });
        match answered {
            // A testee that refuses the whole request read nothing.
            Err(e) if !e.kind.is_failure() => Ok(Reading {
                records: Vec::new(),
                end: Some(StreamError {
                    offset: 0,
                    error: e,
                }),
            }),
            other => other,
        }
    }
}

fn reading_from_json(records: &Json, end: Option<&Json>) -> Result<Reading, String> {
    let number = |j: &Json, key: &str, at: &str| {
        j.get(key)
            .and_then(Json::as_u64)
            .ok_or_else(|| format!("{at}: no {key:?} number"))
    };
    let list = records
        .as_array()
        .ok_or_else(|| format!("records is not an array: {records}"))?;
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let at = format!("records[{i}]");
        let value = r
            .get("value")
            .ok_or_else(|| format!("{at}: no value"))
            .and_then(|v| vj::from_vj(v).map_err(|e| format!("{at}: {e}")))?;
        out.push(Record {
            offset: number(r, "offset", &at)?,
            len: number(r, "len", &at)?,
            value,
        });
    }
    let end = match end {
        None | Some(Json::Null) => None,
        Some(e) => {
            let offset = number(e, "offset", "end")?;
            // The end is an error response with an offset.
            let error = match answer(e, "", "", |_| Ok(()))? {
                Err(error) => error,
                Ok(()) => return Err(format!("end is not an error: {e}")),
            };
            Some(StreamError { offset, error })
        }
    };
    Ok(Reading { records: out, end })
}

/// Reads a response: `{"ok": <ok>, <field>: ...}` through `read`, or an
/// error response as the codec's refusal. Anything else breaks the protocol.
fn answer<T>(
    r: &Json,
    ok: &str,
    field: &str,
    read: impl FnOnce(&Json) -> Result<T, String>,
) -> Parsed<T> {
    let obj = r
        .as_object()
        .ok_or_else(|| format!("response is not an object: {r}"))?;
    if let Some(kind) = obj.get("error") {
        let kind = match kind.as_str() {
            Some("parse") => ErrorKind::Syntax,
            Some("unsupported") => ErrorKind::Unsupported,
            Some("unrepresentable") => ErrorKind::Unrepresentable,
            Some("limit") => ErrorKind::Limit,
            Some("serialize") => ErrorKind::Encode,
            _ => return Err(format!("unknown error kind {kind}")),
        };
        let message = obj.get("message").and_then(Json::as_str).unwrap_or("");
        return Ok(Err(CodecError::failure(kind, message)));
    }
    if obj.get("ok").and_then(Json::as_str) != Some(ok) {
        let shown: String = r.to_string().chars().take(300).collect();
        return Err(format!(
            "expected an \"ok\": \"{ok}\" response, got {shown}"
        ));
    }
    let body = obj
        .get(field)
        .ok_or_else(|| format!("\"ok\": \"{ok}\" response without \"{field}\""))?;
    read(body).map(Ok)
}
