//! `protobuf:<file.proto>#<package.Message>`: any message of a user's
//! `.proto` file, compiled at run time in pure Rust (protox, no `protoc`) and
//! read and written by prost-reflect's `DynamicMessage`.
//!
//! # A message as a [`Value`]
//!
//! The mapping keeps every distinction the schema leaves to the bytes, so
//! that two implementations of one schema can be compared value for value,
//! and a message can cross into any format that holds integer map keys:
//!
//! | protobuf | `Value` |
//! |---|---|
//! | message, group | `Map` keyed by field number (`Int`), ascending; only the fields that are *present* |
//! | `int32` `sint32` `sfixed32` `int64` `sint64` `sfixed64` `uint32` `fixed32` `uint64` `fixed64` | `Int` (in the type's range) |
//! | `bool` | `Bool` |
//! | `float` / `double` | f32 / f64 `Float`, bits exact |
//! | `string` / `bytes` | `Text` / `Bytes` |
//! | enum | `Int` (the number; an open enum keeps numbers it does not name) |
//! | repeated field (packed or not) | `Array`, in wire order |
//! | `map<K, V>` | `Map` sorted by key (the wire order of map entries carries no meaning) |
//! | unknown field | under its number, `Bytes` holding its occurrences as read, tags included |
//!
//! Presence follows the schema: a field with explicit presence (proto2
//! `optional`/`required`, proto3 `optional`, messages, oneof members) is
//! present when it was written, whatever its value; a proto3 field with
//! implicit presence is present when it is not its default (proto3 never
//! writes a default, so such a field at its default is outside the model:
//! [`Codec::unsupported`] says so). A oneof holds at most one member, the
//! last one read. Repeated occurrences of a message field merge, of a scalar
//! the last wins (protobuf, not a finding).
//!
//! An extension is kept like an unknown field: under its number, the bytes
//! of its occurrences (as an implementation without extensions reads them).
//! prost-reflect does not check proto2 `required` fields.
//!
//! Encoding writes every field in field-number order, an unknown number's
//! occurrences among the known fields by their number (prost-reflect's
//! order; upb writes unknown fields after the known ones): a `Bytes` under
//! a number the schema does not name must be that number's fields, well
//! formed.

use crossfmt_value::caps::{Caps, CollectionRepr, Duplicates, FloatRepr, IntRange, MapKeys};
use crossfmt_value::rng::SplitMix64;
use crossfmt_value::value::{Float, FloatWidth, Value};
use crossfmt_value::{Codec, CodecError, CodecRef, Format};
use prost::Message;
use prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value as PValue,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The prefix of a schema-bound protobuf codec id.
pub const PREFIX: &str = "protobuf:";

/// The environment variable that adds include directories (`:`-separated),
/// as `--proto-path` does.
pub const PROTO_PATH_ENV: &str = "CROSSFMT_PROTO_PATH";

/// Messages nested deeper than this are refused (prost-reflect allows 100
/// below the root; a `Value` level per message).
pub const MAX_DEPTH: usize = 100;

/// Why a field without presence cannot hold -0.0 here.
pub const NEGATIVE_ZERO: &str = "holds -0.0 without presence, which prost-reflect does not write \
     (it compares with the default by ==; the proto3 spec writes it: prost#1177)";

static PROTO_PATH: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Sets the include directories of every schema compiled from now on (the
/// CLI's `--proto-path`); a process sets them once, before it names a codec.
pub fn set_proto_path(dirs: Vec<PathBuf>) {
    let _ = PROTO_PATH.set(dirs);
}

/// `--proto-path` directories, then `$CROSSFMT_PROTO_PATH`'s.
fn proto_path() -> Vec<PathBuf> {
    let mut dirs = PROTO_PATH.get().cloned().unwrap_or_default();
    if let Some(env) = std::env::var_os(PROTO_PATH_ENV) {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs
}

/// A message of a user's schema, through prost-reflect.
pub struct Dynamic {
    id: String,
    message: MessageDescriptor,
    /// `<package.Message>@<hex of the FileDescriptorSet>`: the schema as
    /// another implementation is bound to it ([`Codec::schema`]).
    spec: String,
    /// The include directories it was compiled with (not its own).
    include: Vec<PathBuf>,
    /// Reads and writes the message's JSON mapping (prost-reflect's serde
    /// support) instead of its binary encoding: a schema string that starts
    /// with [`JSON_PREFIX`].
    json: bool,
}

/// The prefix of a schema string that binds a message's JSON mapping
/// (`json:<package.Message>@<hex>`), as JSON conformance cases do.
pub const JSON_PREFIX: &str = "json:";

impl Dynamic {
    /// The codec an id names: `None` when `id` is not `protobuf:…`, else the
    /// compiled schema or why it does not compile (naming file, line and
    /// column).
    pub fn from_id(id: &str) -> Option<Result<Dynamic, String>> {
        let spec = id.strip_prefix(PREFIX)?;
        Some(match spec.rsplit_once('#') {
            Some((file, message)) if !file.is_empty() && !message.is_empty() => {
                Dynamic::compile(Path::new(file), message, &proto_path()).map(|mut d| {
                    d.id = id.to_string();
                    d
                })
            }
            _ => Err(format!(
                "{id:?}: a schema-bound protobuf codec is protobuf:<file.proto>#<package.Message>"
            )),
        })
    }

    /// Compiles `file` (its directory and `include` searched for imports,
    /// `include` first) and binds `message` (a full name, `package.Msg`).
    pub fn compile(file: &Path, message: &str, include: &[PathBuf]) -> Result<Dynamic, String> {
        if !file.is_file() {
            return Err(format!("{}: no such file", file.display()));
        }
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // The file is named relative to the include directory that holds
        // it, so that imports of it by that name are the same file; one
        // outside every include directory is found from its own. Its own
        // directory is searched last in any case, as a user expects an
        // import beside the file to be found.
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let under_include = include
            .iter()
            .any(|d| canonical(file).starts_with(canonical(d)));
        let mut dirs: Vec<PathBuf> = Vec::new();
        if !under_include {
            dirs.push(dir.clone());
        }
        dirs.extend(include.iter().cloned());
        if under_include {
            dirs.push(dir);
        }
        let mut compiler = protox::Compiler::new(&dirs).map_err(|e| located(&e, &dirs, file))?;
        compiler.include_imports(true);
        compiler
            .open_file(file)
            .map_err(|e| located(&e, &dirs, file))?;
        let pool = compiler.descriptor_pool();
        let name = message.trim_start_matches('.');
        let Some(desc) = pool.get_message_by_name(name) else {
            let mut names: Vec<String> = pool
                .all_messages()
                .filter(|m| !m.is_map_entry() && !m.full_name().starts_with("google.protobuf."))
                .map(|m| m.full_name().to_string())
                .collect();
            names.sort();
            return Err(format!(
                "{}: no message {name:?}; it defines: {}",
                file.display(),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ));
        };
        let descriptor_set = compiler
            .include_source_info(false)
            .encode_file_descriptor_set();
        Ok(Dynamic {
            id: format!("{PREFIX}{}#{name}", file.display()),
            spec: format!("{name}@{}", hex::encode(descriptor_set)),
            message: desc,
            include: include.to_vec(),
            json: false,
        })
    }

    /// A message of an encoded `FileDescriptorSet`, from a schema string
    /// `<package.Message>@<hex of the set>` ([`Codec::schema`]'s form, the
    /// one conformance cases and testees are bound with), read and written
    /// under the id `id`.
    pub fn from_spec(id: &str, spec: &str) -> Result<Dynamic, String> {
        let (json, binary) = match spec.strip_prefix(JSON_PREFIX) {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let (name, pool) = pool_of(binary)?;
        let message = pool
            .get_message_by_name(name)
            .ok_or_else(|| format!("the schema defines no message {name:?}"))?;
        Ok(Dynamic {
            id: id.to_string(),
            spec: spec.to_string(),
            message,
            include: Vec::new(),
            json,
        })
    }

    /// `message` of an encoded `FileDescriptorSet` (what prost-build's
    /// `file_descriptor_set_path` or protox writes), under the id `id`: a
    /// schema compiled into a binary, for a fuzz target that runs where the
    /// `.proto` files are not.
    pub fn from_descriptor_set(id: &str, message: &str, set: &[u8]) -> Result<Dynamic, String> {
        Dynamic::from_spec(id, &format!("{message}@{}", hex::encode(set)))
    }

    /// The message it reads and writes.
    pub fn message(&self) -> &MessageDescriptor {
        &self.message
    }

    /// The same codec under the id `id` (a user's name for it).
    pub fn with_id(mut self, id: &str) -> Dynamic {
        self.id = id.to_string();
        self
    }
}

/// A compile error as `file:line:column: message`, the position from the
/// error's label in the file it names.
/// The message name and the descriptor pool of a schema string
/// `<package.Message>@<hex FileDescriptorSet>`.
pub fn pool_of(spec: &str) -> Result<(&str, prost_reflect::DescriptorPool), String> {
    let Some((name, set)) = spec.split_once('@') else {
        return Err("a protobuf schema is <package.Message>@<hex of a FileDescriptorSet>".into());
    };
    let bytes = hex::decode(set).map_err(|e| format!("schema of {name}: not hex: {e}"))?;
    let pool = prost_reflect::DescriptorPool::decode(bytes.as_slice())
        .map_err(|e| format!("schema of {name}: {e}"))?;
    Ok((name.trim_start_matches('.'), pool))
}

fn located(e: &protox::Error, dirs: &[PathBuf], file: &Path) -> String {
    use miette::Diagnostic;
    let name = e.file().map(str::to_string);
    let at = (|| {
        let label = e.labels()?.next()?;
        let src = e.source_code()?;
        let span = src.read_span(label.inner(), 0, 0).ok()?;
        Some((span.line() + 1, span.column() + 1))
    })();
    let shown = match &name {
        // The name is relative to an include directory: show the path.
        Some(n) => dirs
            .iter()
            .map(|d| d.join(n))
            .find(|p| p.is_file())
            .unwrap_or_else(|| PathBuf::from(n))
            .display()
            .to_string(),
        None => file.display().to_string(),
    };
    let mut text = e.to_string();
    // A parse error's own text says what was expected; the help, when
    // there is one, says what to do.
    if let Some(help) = e.help() {
        text.push_str(&format!(" ({help})"));
    }
    match at {
        Some((line, col)) => format!("{shown}:{line}:{col}: {text}"),
        None => format!("{shown}: {text}"),
    }
}

impl Codec for Dynamic {
    fn id(&self) -> &str {
        &self.id
    }

    fn format(&self) -> Format {
        Format::Protobuf
    }

    /// The message and the whole compiled schema, so that two codecs are
    /// one schema's implementations only when both agree, and a testee can
    /// build the message from it.
    fn schema(&self) -> Option<&str> {
        Some(&self.spec)
    }

    /// `--proto-path DIR` per include directory, absolute, so that the
    /// reproduce command finds the imports from anywhere.
    fn repro_args(&self) -> Vec<String> {
        self.include
            .iter()
            .flat_map(|d| {
                let d = std::fs::canonicalize(d).unwrap_or_else(|_| d.clone());
                ["--proto-path".to_string(), d.display().to_string()]
            })
            .collect()
    }

    fn caps(&self) -> Caps {
        Caps {
            null: false,
            bool: true,
            ints: IntRange::I64_U64,
            f16: FloatRepr::No,
            f32: FloatRepr::As(FloatWidth::F32),
            f64: FloatRepr::As(FloatWidth::F64),
            nan: true,
            nan_payload: true,
            infinity: true,
            text: true,
            bytes: true,
            array: true,
            map: true,
            map_keys: MapKeys::Any,
            map_order: false,
            duplicates: Duplicates::Unsupported,
            tuple: CollectionRepr::No,
            set: CollectionRepr::No,
            frozenset: CollectionRepr::No,
            max_depth: MAX_DEPTH,
            ..Caps::NONE
        }
    }

    fn unsupported(&self, v: &Value) -> Option<String> {
        check_message(&self.message, v, 1).err()
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        if let Err(why) = check_message(&self.message, v, 1) {
            return Err(CodecError::unsupported(why));
        }
        let m = to_message(&self.message, v)?;
        if self.json {
            return serde_json::to_vec(&m).map_err(|e| CodecError::encode(e.to_string()));
        }
        Ok(m.encode_to_vec())
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let read = |text: String| {
            if text.contains("recursion limit") {
                CodecError::limit(text)
            } else {
                CodecError::syntax(text)
            }
        };
        let m = if self.json {
            let mut de = serde_json::Deserializer::from_slice(b);
            let m = DynamicMessage::deserialize(self.message.clone(), &mut de)
                .map_err(|e| read(e.to_string()))?;
            de.end().map_err(|e| read(e.to_string()))?;
            m
        } else {
            DynamicMessage::decode(self.message.clone(), b).map_err(|e| read(e.to_string()))?
        };
        from_message(&m)
    }

    /// The same engine bound to another message (a conformance case's).
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        Dynamic::from_spec(&self.id, schema)
            .map(|d| Arc::new(d) as CodecRef)
            .map_err(CodecError::unsupported)
    }

    fn samples(&self, seed: u64, n: usize) -> Vec<Value> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|_| sample_message(&self.message, &mut rng, 0))
            .collect()
    }
}

/// Another implementation bound to a schema-bound codec's message (a
/// testee's protobuf codec given the schema): `<its id>@<Message>`, judged
/// in the model's terms (its caps and what it can hold), so that the checks
/// compare it with the model as two implementations of one schema.
pub struct Peer {
    id: String,
    model: CodecRef,
    bound: CodecRef,
}

impl Peer {
    /// `other` bound to `model`'s schema, when `other` takes a schema.
    pub fn bind(model: &CodecRef, other: &CodecRef) -> Result<Peer, CodecError> {
        let spec = model
            .schema()
            .ok_or_else(|| CodecError::unsupported(format!("{} has no schema", model.id())))?;
        let message = spec.split_once('@').map_or(spec, |(m, _)| m);
        Ok(Peer {
            id: format!("{}@{message}", other.id()),
            model: Arc::clone(model),
            bound: other.for_schema(spec)?,
        })
    }

    /// Every protobuf testee codec of `codecs` bound to every schema-bound
    /// protobuf codec's message: what a run compares a user's message with.
    pub fn bind_all(codecs: &[CodecRef]) -> Vec<CodecRef> {
        let models = codecs
            .iter()
            .filter(|c| c.format() == Format::Protobuf && c.schema().is_some());
        let others: Vec<&CodecRef> = codecs
            .iter()
            .filter(|c| {
                c.format() == Format::Protobuf && c.schema().is_none() && c.testee().is_some()
            })
            .collect();
        models
            .flat_map(|m| others.iter().filter_map(|o| Peer::bind(m, o).ok()))
            .map(|p| Arc::new(p) as CodecRef)
            .collect()
    }

    /// The message name of a peer id (`protobuf/x@shop.Order`) and the id
    /// it binds, or `None` for any other id.
    pub fn parse_id(id: &str) -> Option<(&str, &str)> {
        if id.starts_with(PREFIX) {
            return None;
        }
        id.rsplit_once('@')
            .filter(|(o, m)| !o.is_empty() && !m.is_empty())
    }
}

/// A protobuf codec that takes schemas (a testee's) whose
/// [`for_schema`](Codec::for_schema) gives a [`Peer`] of the message's own
/// model, so that a conformance case bound to a message judges it in the
/// message's terms (its depth, its caps), not the universal value's.
pub struct Binder(pub CodecRef);

impl Codec for Binder {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn format(&self) -> Format {
        self.0.format()
    }
    fn caps(&self) -> Caps {
        self.0.caps()
    }
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.0.unsupported(v)
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        self.0.encode(v)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.0.decode(b)
    }
    fn testee(&self) -> Option<&str> {
        self.0.testee()
    }
    fn schema(&self) -> Option<&str> {
        self.0.schema()
    }
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        let model: CodecRef =
            Arc::new(Dynamic::from_spec(self.0.id(), schema).map_err(CodecError::unsupported)?);
        Ok(Arc::new(Peer::bind(&model, &self.0)?))
    }
}

impl Codec for Peer {
    fn id(&self) -> &str {
        &self.id
    }
    fn format(&self) -> Format {
        self.bound.format()
    }
    fn schema(&self) -> Option<&str> {
        self.model.schema()
    }
    /// The model's, but which float bits survive is the library's (a
    /// backend that reads every NaN as one NaN says so in its own caps).
    fn caps(&self) -> Caps {
        Caps {
            nan_payload: self.model.caps().nan_payload && self.bound.caps().nan_payload,
            ..self.model.caps()
        }
    }
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.caps()
            .unsupported(v)
            .or_else(|| self.model.unsupported(v))
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        self.bound.encode(v)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.bound.decode(b)
    }
    fn testee(&self) -> Option<&str> {
        self.bound.testee()
    }
    fn repro_args(&self) -> Vec<String> {
        self.model.repro_args()
    }
}

/// Whether `v`, a message of `desc` in the mapping, holds an unknown field
/// at any depth: [`without_unknown`] would change it. Allocates nothing (a
/// fuzz target asks it of every input).
pub fn has_unknown(desc: &MessageDescriptor, v: &Value) -> bool {
    let Value::Map(fields) = v else {
        return false;
    };
    fields.iter().any(|(k, x)| {
        let Value::Int(n) = k else {
            return false;
        };
        let Some(field) = u32::try_from(*n).ok().and_then(|n| desc.get_field(n)) else {
            return true;
        };
        let kind = field.kind();
        let Some(m) = kind.as_message() else {
            return false;
        };
        match (x, field.is_map()) {
            (Value::Map(kvs), true) => {
                let value = m.map_entry_value_field().kind();
                value
                    .as_message()
                    .is_some_and(|inner| kvs.iter().any(|(_, y)| has_unknown(inner, y)))
            }
            (Value::Array(xs), false) => xs.iter().any(|y| has_unknown(m, y)),
            (x, _) => has_unknown(m, x),
        }
    })
}

/// `v`, a message of `desc` in the mapping, without its unknown fields at
/// any depth: what an implementation that drops them reads.
pub fn without_unknown(desc: &MessageDescriptor, v: &Value) -> Value {
    let Value::Map(fields) = v else {
        return v.clone();
    };
    let kept = fields.iter().filter_map(|(k, x)| {
        let Value::Int(n) = k else {
            return Some((k.clone(), x.clone()));
        };
        let field = desc.get_field(u32::try_from(*n).ok()?)?;
        let inner = |x: &Value| match field.kind() {
            Kind::Message(m) => without_unknown(&m, x),
            _ => x.clone(),
        };
        let x = match (x, field.is_map()) {
            (Value::Map(kvs), true) => {
                let value_kind = field.kind();
                let entry = value_kind
                    .as_message()
                    .and_then(|e| e.map_entry_value_field().kind().as_message().cloned());
                Value::Map(
                    kvs.iter()
                        .map(|(k, y)| {
                            (
                                k.clone(),
                                entry
                                    .as_ref()
                                    .map_or_else(|| y.clone(), |m| without_unknown(m, y)),
                            )
                        })
                        .collect(),
                )
            }
            (Value::Array(xs), false) => Value::Array(xs.iter().map(inner).collect()),
            (x, _) => inner(x),
        };
        Some((k.clone(), x))
    });
    Value::Map(kept.collect())
}

/// The first proto2 `required` field of a scalar or enum type that `v` (a
/// message of `desc` in the mapping) or a message inside it leaves out, by
/// its full name: what generated code that holds such fields as plain
/// values, without presence, cannot hold (a required message field keeps
/// its presence everywhere).
pub fn missing_required_scalar(desc: &MessageDescriptor, v: &Value) -> Option<String> {
    let Value::Map(fields) = v else {
        return None;
    };
    let get = |n: u32| {
        fields
            .iter()
            .find(|(k, _)| *k == Value::Int(i128::from(n)))
            .map(|(_, x)| x)
    };
    for field in desc.fields() {
        let Some(x) = get(field.number()) else {
            if field.cardinality() == prost_reflect::Cardinality::Required
                && field.kind().as_message().is_none()
            {
                return Some(field.full_name().to_string());
            }
            continue;
        };
        let Kind::Message(m) = field.kind() else {
            continue;
        };
        let missing = match (x, field.is_map()) {
            (Value::Map(kvs), true) => {
                let entry = m.map_entry_value_field().kind();
                let Some(inner) = entry.as_message() else {
                    continue;
                };
                kvs.iter()
                    .find_map(|(_, y)| missing_required_scalar(inner, y))
            }
            (Value::Array(xs), false) => xs.iter().find_map(|y| missing_required_scalar(&m, y)),
            (x, _) => missing_required_scalar(&m, x),
        };
        if missing.is_some() {
            return missing;
        }
    }
    None
}

// ---- protobuf -> Value ------------------------------------------------------

fn from_message(m: &DynamicMessage) -> Result<Value, CodecError> {
    let mut out: Vec<(u32, Value)> = Vec::new();
    for (field, value) in m.fields() {
        out.push((field.number(), from_field(&field, value)?));
    }
    // Unknown fields, each number's occurrences together, as read; an
    // extension the same way, as its bytes (what an implementation that
    // has no extensions reads).
    let mut unknown: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut add = |number: u32, raw: Vec<u8>| match unknown.iter_mut().find(|(n, _)| *n == number) {
        Some((_, bytes)) => bytes.extend(raw),
        None => unknown.push((number, raw)),
    };
    for u in m.unknown_fields() {
        let mut raw = Vec::new();
        u.encode(&mut raw);
        add(u.number(), raw);
    }
    for (ext, value) in m.extensions() {
        let mut alone = DynamicMessage::new(prost_reflect::ReflectMessage::descriptor(m));
        alone.set_extension(&ext, value.clone());
        add(ext.number(), alone.encode_to_vec());
    }
    out.extend(unknown.into_iter().map(|(n, b)| (n, Value::Bytes(b))));
    out.sort_by_key(|(n, _)| *n);
    Ok(Value::Map(
        out.into_iter()
            .map(|(n, v)| (Value::Int(n.into()), v))
            .collect(),
    ))
}

fn from_field(field: &FieldDescriptor, v: &PValue) -> Result<Value, CodecError> {
    match v {
        PValue::List(items) => Ok(Value::Array(
            items.iter().map(from_scalar).collect::<Result<_, _>>()?,
        )),
        PValue::Map(entries) => {
            let value_field = match field.kind() {
                Kind::Message(entry) => entry.map_entry_value_field(),
                _ => unreachable!("a map field's kind is its entry message"),
            };
            let mut out = entries
                .iter()
                .map(|(k, v)| Ok((from_key(k), from_field(&value_field, v)?)))
                .collect::<Result<Vec<_>, CodecError>>()?;
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(Value::Map(out))
        }
        other => from_scalar(other),
    }
}

fn from_scalar(v: &PValue) -> Result<Value, CodecError> {
    Ok(match v {
        PValue::Bool(b) => Value::Bool(*b),
        PValue::I32(i) => Value::Int((*i).into()),
        PValue::I64(i) => Value::Int((*i).into()),
        PValue::U32(i) => Value::Int((*i).into()),
        PValue::U64(i) => Value::Int((*i).into()),
        PValue::EnumNumber(i) => Value::Int((*i).into()),
        PValue::F32(x) => Value::Float(Float::from_f32(*x)),
        PValue::F64(x) => Value::Float(Float::from_f64(*x)),
        PValue::String(s) => Value::Text(s.clone()),
        PValue::Bytes(b) => Value::Bytes(b.to_vec()),
        PValue::Message(m) => from_message(m)?,
        PValue::List(_) | PValue::Map(_) => {
            return Err(CodecError::unsupported("a list or map inside a list"))
        }
    })
}

fn from_key(k: &MapKey) -> Value {
    match k {
        MapKey::Bool(b) => Value::Bool(*b),
        MapKey::I32(i) => Value::Int((*i).into()),
        MapKey::I64(i) => Value::Int((*i).into()),
        MapKey::U32(i) => Value::Int((*i).into()),
        MapKey::U64(i) => Value::Int((*i).into()),
        MapKey::String(s) => Value::Text(s.clone()),
    }
}

// ---- the model: which values are messages of this schema ----------------------

/// `Ok` when `v` is a message of `desc` in the mapping above, else where and
/// why not (a path of field numbers).
fn check_message(desc: &MessageDescriptor, v: &Value, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} messages"));
    }
    let Value::Map(entries) = v else {
        return Err(format!(
            "{} is a map keyed by field number, not {}",
            desc.full_name(),
            kind_of(v)
        ));
    };
    let mut seen: Vec<u32> = Vec::new();
    let mut oneofs: HashMap<String, u32> = HashMap::new();
    for (k, value) in entries {
        let number = match k {
            Value::Int(n) if (1..=536_870_911).contains(n) => *n as u32,
            other => {
                return Err(format!(
                    "{}: key {} is not a field number (1..=536870911)",
                    desc.full_name(),
                    crossfmt_value::notation::print(other)
                ))
            }
        };
        if seen.contains(&number) {
            return Err(format!("{}: field {number} given twice", desc.full_name()));
        }
        seen.push(number);
        // A path through one recursive message reads `M.27.27: why`,
        // not `M.27: M.27: why`.
        let at = |why: String| match why.strip_prefix(desc.full_name()) {
            Some(rest) if rest.starts_with('.') => format!("{}.{number}{rest}", desc.full_name()),
            _ => format!("{}.{number}: {why}", desc.full_name()),
        };
        let Some(field) = desc.get_field(number) else {
            return match value {
                Value::Bytes(raw) => check_unknown(number, raw).map_err(at),
                other => Err(at(format!(
                    "no field has this number, so it holds unknown fields as bytes, not {}",
                    kind_of(other)
                ))),
            };
        };
        if let Some(oneof) = field.containing_oneof() {
            if let Some(other) = oneofs.insert(oneof.full_name().to_string(), number) {
                return Err(at(format!(
                    "fields {other} and {number} are members of oneof {}",
                    oneof.name()
                )));
            }
        }
        check_field(&field, value, depth).map_err(at)?;
    }
    Ok(())
}

fn check_field(field: &FieldDescriptor, v: &Value, depth: usize) -> Result<(), String> {
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else {
            unreachable!("a map field's kind is its entry message")
        };
        let Value::Map(pairs) = v else {
            return Err(format!("a map field holds a map, not {}", kind_of(v)));
        };
        if pairs.is_empty() && !field.supports_presence() {
            return Err("an empty map is never written: leave it out".to_string());
        }
        let (kf, vf) = (entry.map_entry_key_field(), entry.map_entry_value_field());
        let mut keys = Vec::new();
        for (k, x) in pairs {
            check_scalar(&kf.kind(), k, depth).map_err(|e| format!("key: {e}"))?;
            check_scalar(&vf.kind(), x, depth)?;
            // An entry's value has no presence in proto3 either: prost-reflect
            // leaves a -0.0 out of the entry, which then reads as 0.0.
            if !vf.supports_presence() && to_scalar(&vf.kind(), x).is_ok_and(|p| negative_zero(&p))
            {
                return Err(format!("map value: {NEGATIVE_ZERO}"));
            }
            if keys.contains(&k) {
                return Err(format!(
                    "key {} given twice",
                    crossfmt_value::notation::print(k)
                ));
            }
            keys.push(k);
        }
        return Ok(());
    }
    if field.is_list() {
        let Value::Array(items) = v else {
            return Err(format!(
                "a repeated field holds an array, not {}",
                kind_of(v)
            ));
        };
        if items.is_empty() {
            return Err("an empty repeated field is never written: leave it out".to_string());
        }
        return items.iter().enumerate().try_for_each(|(i, x)| {
            check_scalar(&field.kind(), x, depth).map_err(|e| format!("[{i}]: {e}"))
        });
    }
    check_scalar(&field.kind(), v, depth)?;
    if field.supports_presence() {
        return Ok(());
    }
    match to_scalar(&field.kind(), v) {
        Ok(p) if is_default(&p) => Err(format!(
            "holds its default, {}, which proto3 does not write: leave it out",
            crossfmt_value::notation::print(v)
        )),
        // The proto3 spec writes -0.0 (only +0.0 is the default), as upb and
        // Google's pure-Python protobuf do; prost-reflect compares with `==`
        // and drops it (prost#1177). Declared, so that it is one skip with
        // its reason rather than a finding on every message that holds one;
        // `negative_zero_is_still_dropped` notices when that changes.
        Ok(p) if negative_zero(&p) => Err(NEGATIVE_ZERO.to_string()),
        _ => Ok(()),
    }
}

fn negative_zero(p: &PValue) -> bool {
    match *p {
        PValue::F32(x) => x == 0.0 && x.is_sign_negative(),
        PValue::F64(x) => x == 0.0 && x.is_sign_negative(),
        _ => false,
    }
}

fn check_scalar(kind: &Kind, v: &Value, depth: usize) -> Result<(), String> {
    if let (Kind::Message(m), _) = (kind, v) {
        return check_message(m, v, depth + 1);
    }
    to_scalar(kind, v).map(|_| ())
}

/// An unknown field's bytes: fields of `number` only, each complete.
fn check_unknown(number: u32, mut raw: &[u8]) -> Result<(), String> {
    use prost::encoding::{decode_key, skip_field, DecodeContext, WireType};
    if raw.is_empty() {
        return Err("no bytes: an unknown field holds at least one occurrence".to_string());
    }
    while !raw.is_empty() {
        let (n, wire) = decode_key(&mut raw).map_err(|e| format!("unknown field bytes: {e}"))?;
        if n != number {
            return Err(format!("unknown field bytes hold field {n}"));
        }
        if wire == WireType::EndGroup {
            return Err("unknown field bytes start with an end-group tag".to_string());
        }
        skip_field(wire, n, &mut raw, DecodeContext::default())
            .map_err(|e| format!("unknown field bytes: {e}"))?;
    }
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Simple(_) => "a simple value",
        Value::Bool(_) => "a bool",
        Value::Int(_) | Value::BigInt(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Text(_) => "text",
        Value::Bytes(_) => "bytes",
        Value::Array(_) => "an array",
        Value::Map(_) => "a map",
        Value::Tag(..) => "a tag",
        Value::Ext(..) => "an ext",
        Value::Tuple(_) => "a tuple",
        Value::Set(_) => "a set",
        Value::FrozenSet(_) => "a frozenset",
    }
}

fn is_default(v: &PValue) -> bool {
    match v {
        PValue::Bool(b) => !b,
        PValue::I32(i) | PValue::EnumNumber(i) => *i == 0,
        PValue::I64(i) => *i == 0,
        PValue::U32(i) => *i == 0,
        PValue::U64(i) => *i == 0,
        // proto3 writes -0.0 (its bits are not the default's).
        PValue::F32(x) => x.to_bits() == 0,
        PValue::F64(x) => x.to_bits() == 0,
        PValue::String(s) => s.is_empty(),
        PValue::Bytes(b) => b.is_empty(),
        PValue::Message(_) | PValue::List(_) | PValue::Map(_) => false,
    }
}

// ---- Value -> protobuf ------------------------------------------------------

/// A scalar (or message) of `kind` from `v`; messages are built whole.
fn to_scalar(kind: &Kind, v: &Value) -> Result<PValue, String> {
    fn int<T: TryFrom<i128>>(v: &Value, ty: &str) -> Result<T, String> {
        match v {
            Value::Int(n) => T::try_from(*n).map_err(|_| format!("{n} is outside {ty}")),
            other => Err(format!("{ty} holds an integer, not {}", kind_of(other))),
        }
    }
    Ok(match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => PValue::I32(int(v, "int32")?),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => PValue::I64(int(v, "int64")?),
        Kind::Uint32 | Kind::Fixed32 => PValue::U32(int(v, "uint32")?),
        Kind::Uint64 | Kind::Fixed64 => PValue::U64(int(v, "uint64")?),
        Kind::Enum(_) => PValue::EnumNumber(int(v, "an enum (int32)")?),
        Kind::Bool => match v {
            Value::Bool(b) => PValue::Bool(*b),
            other => return Err(format!("bool holds a bool, not {}", kind_of(other))),
        },
        Kind::Float => match v {
            Value::Float(f) if f.width() == FloatWidth::F32 => PValue::F32(f.to_f64() as f32),
            other => return Err(format!("float holds an f32, not {}", describe_float(other))),
        },
        Kind::Double => match v {
            Value::Float(f) if f.width() == FloatWidth::F64 => PValue::F64(f.to_f64()),
            other => {
                return Err(format!(
                    "double holds an f64, not {}",
                    describe_float(other)
                ))
            }
        },
        Kind::String => match v {
            Value::Text(s) => PValue::String(s.clone()),
            other => return Err(format!("string holds text, not {}", kind_of(other))),
        },
        Kind::Bytes => match v {
            Value::Bytes(b) => PValue::Bytes(b.clone().into()),
            other => return Err(format!("bytes holds bytes, not {}", kind_of(other))),
        },
        Kind::Message(m) => {
            check_message(m, v, 1)?;
            PValue::Message(to_message(m, v).map_err(|e| e.message)?)
        }
    })
}

fn describe_float(v: &Value) -> String {
    match v {
        Value::Float(f) => format!("an {:?} float", f.width()).to_lowercase(),
        other => kind_of(other).to_string(),
    }
}

/// `v` (already checked against `desc`) as a message: known fields set,
/// then unknown fields' bytes appended and read back in, so that a nested
/// message keeps its own.
fn to_message(desc: &MessageDescriptor, v: &Value) -> Result<DynamicMessage, CodecError> {
    let unsupported = |e: String| CodecError::unsupported(e);
    let Value::Map(entries) = v else {
        return Err(unsupported(format!("{} is a map", desc.full_name())));
    };
    let mut m = DynamicMessage::new(desc.clone());
    let mut raw_unknown = Vec::new();
    for (k, value) in entries {
        let Value::Int(n) = k else { continue };
        let number = *n as u32;
        let Some(field) = desc.get_field(number) else {
            if let Value::Bytes(raw) = value {
                raw_unknown.extend_from_slice(raw);
            }
            continue;
        };
        let pv = if field.is_map() {
            let Kind::Message(entry) = field.kind() else {
                unreachable!("a map field's kind is its entry message")
            };
            let (kf, vf) = (entry.map_entry_key_field(), entry.map_entry_value_field());
            let Value::Map(pairs) = value else {
                return Err(unsupported("a map field holds a map".to_string()));
            };
            let mut out = HashMap::new();
            for (k, x) in pairs {
                let key = match to_scalar(&kf.kind(), k).map_err(unsupported)? {
                    PValue::Bool(b) => MapKey::Bool(b),
                    PValue::I32(i) => MapKey::I32(i),
                    PValue::I64(i) => MapKey::I64(i),
                    PValue::U32(i) => MapKey::U32(i),
                    PValue::U64(i) => MapKey::U64(i),
                    PValue::String(s) => MapKey::String(s),
                    _ => return Err(unsupported("a map key of no key type".to_string())),
                };
                out.insert(key, to_scalar(&vf.kind(), x).map_err(unsupported)?);
            }
            PValue::Map(out)
        } else if field.is_list() {
            let Value::Array(items) = value else {
                return Err(unsupported("a repeated field holds an array".to_string()));
            };
            PValue::List(
                items
                    .iter()
                    .map(|x| to_scalar(&field.kind(), x))
                    .collect::<Result<_, _>>()
                    .map_err(unsupported)?,
            )
        } else {
            to_scalar(&field.kind(), value).map_err(unsupported)?
        };
        m.try_set_field(&field, pv)
            .map_err(|e| CodecError::encode(e.to_string()))?;
    }
    if raw_unknown.is_empty() {
        return Ok(m);
    }
    let mut bytes = m.encode_to_vec();
    bytes.extend_from_slice(&raw_unknown);
    DynamicMessage::decode(desc.clone(), bytes.as_slice())
        .map_err(|e| CodecError::encode(format!("unknown fields: {e}")))
}

// ---- samples ----------------------------------------------------------------

/// A message of `desc` with each field present by chance, each value drawn
/// from its type's boundaries and ordinary values; recursion stops at a few
/// levels (a recursive message's fields are left out below that).
fn sample_message(desc: &MessageDescriptor, rng: &mut SplitMix64, depth: usize) -> Value {
    let mut out = Vec::new();
    let mut oneofs_done: Vec<String> = Vec::new();
    for field in desc.fields() {
        if rng.below(3) == 0 {
            continue;
        }
        if let Some(o) = field.containing_oneof() {
            let name = o.full_name().to_string();
            if oneofs_done.contains(&name) {
                continue;
            }
            oneofs_done.push(name);
        }
        let nests = matches!(field.kind(), Kind::Message(_));
        if nests && depth >= 3 {
            continue;
        }
        let value = if field.is_map() {
            let Kind::Message(entry) = field.kind() else {
                continue;
            };
            let (kf, vf) = (entry.map_entry_key_field(), entry.map_entry_value_field());
            let mut pairs: Vec<(Value, Value)> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let k = sample_scalar(&kf.kind(), rng, depth);
                if !pairs.iter().any(|(x, _)| *x == k) {
                    pairs.push((k, sample_scalar(&vf.kind(), rng, depth)));
                }
            }
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(pairs)
        } else if field.is_list() {
            Value::Array(
                (0..1 + rng.below(4))
                    .map(|_| sample_scalar(&field.kind(), rng, depth))
                    .collect(),
            )
        } else {
            let v = sample_scalar(&field.kind(), rng, depth);
            // A default without presence is never written, -0.0 not by
            // this implementation: both are outside the model.
            if check_field(&field, &v, depth + 1).is_err() {
                continue;
            }
            v
        };
        out.push((Value::Int(field.number().into()), value));
    }
    // Now and then a field the schema does not name, which a reader must
    // keep and write back.
    let unknown = desc.fields().map(|f| f.number()).max().unwrap_or(0) + 1;
    if rng.below(4) == 0 && unknown <= 536_870_911 {
        use prost::encoding::{encode_key, encode_varint, WireType};
        let mut raw = Vec::new();
        encode_key(unknown, WireType::Varint, &mut raw);
        encode_varint(rng.below(1 << 20), &mut raw);
        out.push((Value::Int(unknown.into()), Value::Bytes(raw)));
    }
    Value::Map(out)
}

fn sample_scalar(kind: &Kind, rng: &mut SplitMix64, depth: usize) -> Value {
    fn pick<T: Copy>(rng: &mut SplitMix64, xs: &[T]) -> T {
        xs[rng.below(xs.len() as u64) as usize]
    }
    let small = |rng: &mut SplitMix64| rng.below(300) as i128 - 100;
    match kind {
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::Int(if rng.below(2) == 0 {
            small(rng)
        } else {
            pick(
                rng,
                &[i32::MIN as i128, i32::MAX as i128, -1, 1, 127, 128, 16_384],
            )
        }),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::Int(if rng.below(2) == 0 {
            small(rng)
        } else {
            pick(
                rng,
                &[
                    i64::MIN as i128,
                    i64::MAX as i128,
                    i32::MIN as i128 - 1,
                    1 << 35,
                ],
            )
        }),
        Kind::Uint32 | Kind::Fixed32 => {
            Value::Int(pick(rng, &[1, 127, 128, 300, u32::MAX as i128]))
        }
        Kind::Uint64 | Kind::Fixed64 => Value::Int(pick(rng, &[1, 128, 1 << 40, u64::MAX as i128])),
        Kind::Enum(e) => {
            let numbers: Vec<i32> = e.values().map(|v| v.number()).collect();
            Value::Int(
                if numbers.is_empty() {
                    0
                } else {
                    pick(rng, &numbers)
                }
                .into(),
            )
        }
        Kind::Bool => Value::Bool(rng.below(2) == 0),
        Kind::Float => Value::Float(Float::from_f32(pick(
            rng,
            &[
                1.5,
                -0.0,
                f32::MAX,
                f32::MIN_POSITIVE,
                f32::INFINITY,
                f32::NAN,
                1e-45,
            ],
        ))),
        Kind::Double => Value::Float(Float::from_f64(pick(
            rng,
            &[
                0.1,
                -0.0,
                f64::MAX,
                f64::MIN_POSITIVE,
                f64::NEG_INFINITY,
                f64::NAN,
                5e-324,
            ],
        ))),
        Kind::String => Value::Text(
            pick(
                rng,
                &["a", "héllo", "日本語", "\u{1F600}", "with\0nul", "x"],
            )
            .to_string(),
        ),
        Kind::Bytes => {
            Value::Bytes(pick::<&[u8]>(rng, &[b"\x00", b"\xff\xfe", b"abc", b"\x80"]).to_vec())
        }
        Kind::Message(m) => sample_message(m, rng, depth + 1),
    }
}
