//! crossfmt's built-in codecs: adapters that put third-party libraries (and
//! crossfmt's own pickle machine and struct engine) behind
//! [`crossfmt_value::Codec`], the [`Registry`] that lists them, and
//! [`external`] implementations in any language, run as testee processes.
//!
//! | id | module | library |
//! |---|---|---|
//! | `msgpack/rmp-serde`, `msgpack/rmpv` | [`msgpack`] | rmp-serde (serde path), rmpv (its own reader and writer) |
//! | `cbor/ciborium` | [`cbor`] | ciborium |
//! | `json/serde_json` | [`json`] | serde_json |
//! | `pickle/serde-pickle`, `pickle/crossfmt` | [`pickle`] | serde-pickle (screened), crossfmt-pickle |
//! | `protobuf/prost` | [`protobuf`] | prost, on `corpus/schemas/value.proto` |
//! | `pystruct:<format>` | [`pystruct`] | crossfmt-pystruct, bound to one format string |
//!
//! Code shared by formats lives below, in `crossfmt-value` (the serde
//! mapping of `Value`), never sideways between two format modules.
//! [`planted`] is a codec with planted bugs, kept out of the registry: the
//! fuzzers' evidence that they find bugs.

pub mod cbor;
pub mod external;
pub mod json;
pub mod msgpack;
pub mod pickle;
pub mod planted;
pub mod protobuf;
pub mod pystruct;
mod registry;

pub use registry::Registry;
