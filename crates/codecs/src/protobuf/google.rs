//! Google's conformance messages (`TestAllTypesProto3`, `TestAllTypesProto2`,
//! `conformance/vectors/protobuf/`) read and written by prost's generated
//! code: what `protobuf/prost` is when a conformance case is bound to one of
//! them, through [`Generated`] (prost decides everything about the bytes,
//! the descriptor reads the value).

use super::dynamic::{pool_of, Dynamic};
use super::generated::{Generated, Rebind};
use crossfmt_value::CodecRef;
use std::sync::Arc;

/// Code generated from `test_messages_proto3.proto` by `build.rs`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto3 {
    include!(concat!(
        env!("OUT_DIR"),
        "/protobuf_test_messages.proto3.rs"
    ));
}

/// Code generated from `test_messages_proto2.proto` by `build.rs`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto2 {
    include!(concat!(
        env!("OUT_DIR"),
        "/protobuf_test_messages.proto2.rs"
    ));
}

/// Both files (and the well-known types they import) as an encoded
/// `FileDescriptorSet`, written by `build.rs`.
pub const DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/test_messages.binpb"));

/// The proto3 message's full name.
pub const PROTO3: &str = "protobuf_test_messages.proto3.TestAllTypesProto3";
/// The proto2 message's full name.
pub const PROTO2: &str = "protobuf_test_messages.proto2.TestAllTypesProto2";
/// The proto2 message whose every field is `required`.
pub const PROTO2_REQUIRED: &str = "protobuf_test_messages.proto2.TestAllRequiredTypesProto2";

/// The messages prost's generated code binds: the two test messages, and
/// two small proto2 messages with a `required` field.
const TYPED: [&str; 4] = [
    PROTO3,
    PROTO2,
    "protobuf_test_messages.proto2.TestAllRequiredTypesProto2.MessageSetCorrectExtension1",
    "protobuf_test_messages.proto2.TestAllRequiredTypesProto2.MessageSetCorrectExtension2",
];

/// Why prost's code for [`PROTO2_REQUIRED`] is never run.
pub const PROTO2_REQUIRED_UNBUILDABLE: &str = "prost's generated struct for \
    TestAllRequiredTypesProto2 cannot be built: its required message fields are plain boxes, \
    and one requires the message itself, so Default (which every decode starts from) recurses \
    until the stack overflows (prost#924)";

/// The schema string of `message` in [`DESCRIPTOR_SET`].
pub fn spec(message: &str) -> String {
    format!("{message}@{}", hex::encode(DESCRIPTOR_SET))
}

/// prost's generated code for the message `spec` names, when it is one of
/// Google's test messages as this build compiled it; `None` for any other
/// message, or the same name in a different schema.
pub fn typed(id: &str, spec: &str) -> Option<Result<CodecRef, String>> {
    let (name, pool) = pool_of(spec).ok()?;
    if name == PROTO2_REQUIRED && same_file(name, &pool)? {
        return Some(Err(PROTO2_REQUIRED_UNBUILDABLE.to_string()));
    }
    if !TYPED.contains(&name) || !same_file(name, &pool)? {
        return None;
    }
    let view = match Dynamic::from_spec(id, spec) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let rebind: Rebind = |id, spec| {
        typed(id, spec).unwrap_or_else(|| {
            Err(format!(
                "{id} has generated code only for {}",
                TYPED.join(", ")
            ))
        })
    };
    use proto2::test_all_required_types_proto2 as required;
    Some(Ok(match TYPED.iter().position(|t| *t == name) {
        Some(0) => Arc::new(Generated::<proto3::TestAllTypesProto3>::rebinding(
            view, rebind,
        )) as CodecRef,
        Some(1) => Arc::new(Generated::<proto2::TestAllTypesProto2>::rebinding(
            view, rebind,
        )),
        Some(2) => {
            Arc::new(Generated::<required::MessageSetCorrectExtension1>::rebinding(view, rebind))
        }
        _ => Arc::new(Generated::<required::MessageSetCorrectExtension2>::rebinding(view, rebind)),
    }))
}

/// Each of Google's test messages with the implementations of it this build
/// has: prost's generated code and prost-reflect (`protobuf/prost`,
/// `protobuf/prost-reflect`), as `(short name, message, codecs)`; what a
/// differential over one schema compares.
pub fn implementations() -> Vec<(&'static str, &'static str, Vec<CodecRef>)> {
    [("proto3", PROTO3), ("proto2", PROTO2)]
        .into_iter()
        .map(|(short, message)| {
            let name = message.rsplit('.').next().unwrap_or(message);
            let codecs = ["protobuf/prost", "protobuf/prost-reflect"]
                .map(|base| {
                    bound(&format!("{base}@{name}"))
                        .expect("a built-in engine")
                        .expect("the built-in descriptor set binds")
                })
                .to_vec();
            (short, message, codecs)
        })
        .collect()
}

/// `Some(true)` when `name` in `pool` is defined by the same file as in
/// [`DESCRIPTOR_SET`] (a schema of the user's may reuse the name for another
/// message); compared without source info.
fn same_file(name: &str, pool: &prost_reflect::DescriptorPool) -> Option<bool> {
    let file = |p: &prost_reflect::DescriptorPool| {
        p.get_message_by_name(name).map(|m| {
            let mut f = m.parent_file().file_descriptor_proto().clone();
            f.source_code_info = None;
            f
        })
    };
    let own = prost_reflect::DescriptorPool::decode(DESCRIPTOR_SET).ok()?;
    Some(file(pool).is_some() && file(pool) == file(&own))
}

/// The codec an id `<engine>@<message>` names, when the engine is
/// `protobuf/prost` or `protobuf/prost-reflect` and the message one of
/// Google's test messages (full name or `TestAllTypesProto3`): how findings
/// of a fuzz target over one schema name its codecs, so that their
/// reproduce commands work. `None` for any other id.
pub fn bound(id: &str) -> Option<Result<CodecRef, String>> {
    let (base, message) = id.rsplit_once('@')?;
    let message = [PROTO3, PROTO2]
        .into_iter()
        .find(|m| *m == message || m.rsplit('.').next() == Some(message))?;
    let spec = spec(message);
    match base {
        "protobuf/prost" => typed(id, &spec),
        "protobuf/prost-reflect" => {
            Some(Dynamic::from_spec(id, &spec).map(|d| Arc::new(d) as CodecRef))
        }
        _ => None,
    }
}
