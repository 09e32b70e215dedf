//! The pickle opcodes of protocols 0–5: code byte, name, argument kind, the
//! protocol that introduced each, and a one-line description, as CPython
//! 3.11's `pickletools.opcodes` lists them (generated from it once, then
//! committed: the table is the reference the lexer, machine, disassembler and
//! scanner share).

/// How an opcode's argument is spelled in the stream (`pickletools`' names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    None,
    /// `INT`, `GET`, `PUT`: a decimal line (`I01`/`I00` are `True`/`False`).
    DecimalNlShort,
    /// `LONG`: a decimal line, optionally ending in `L`.
    DecimalNlLong,
    Int4,
    Uint1,
    Uint2,
    Uint4,
    Uint8,
    /// Little-endian two's complement bytes, length in one byte.
    Long1,
    /// Little-endian two's complement bytes, length a signed four-byte int.
    Long4,
    /// `STRING`: a quoted Python string literal on a line.
    StringNl,
    String4,
    String1,
    Bytes1,
    Bytes4,
    Bytes8,
    Bytearray8,
    /// `UNICODE`: a raw-unicode-escape line.
    UnicodeStringNl,
    UnicodeString1,
    UnicodeString4,
    UnicodeString8,
    /// `FLOAT`: a `repr(float)` line.
    FloatNl,
    /// `BINFLOAT`: big-endian IEEE 754 double.
    Float8,
    /// `PERSID`: a line taken as is.
    StringNlNoescape,
    /// `GLOBAL`, `INST`: two lines, module and name.
    StringNlNoescapePair,
}

/// One opcode's description.
#[derive(Debug, PartialEq, Eq)]
pub struct OpInfo {
    pub code: u8,
    pub name: &'static str,
    pub arg: ArgKind,
    /// The protocol that introduced it.
    pub proto: u8,
    pub doc: &'static str,
}

/// The code bytes, by name.
pub mod op {
    pub const MARK: u8 = 0x28;
    pub const EMPTY_TUPLE: u8 = 0x29;
    pub const STOP: u8 = 0x2e;
    pub const POP: u8 = 0x30;
    pub const POP_MARK: u8 = 0x31;
    pub const DUP: u8 = 0x32;
    pub const BINBYTES: u8 = 0x42;
    pub const SHORT_BINBYTES: u8 = 0x43;
    pub const FLOAT: u8 = 0x46;
    pub const BINFLOAT: u8 = 0x47;
    pub const INT: u8 = 0x49;
    pub const BININT: u8 = 0x4a;
    pub const BININT1: u8 = 0x4b;
    pub const LONG: u8 = 0x4c;
    pub const BININT2: u8 = 0x4d;
    pub const NONE: u8 = 0x4e;
    pub const PERSID: u8 = 0x50;
    pub const BINPERSID: u8 = 0x51;
    pub const REDUCE: u8 = 0x52;
    pub const STRING: u8 = 0x53;
    pub const BINSTRING: u8 = 0x54;
    pub const SHORT_BINSTRING: u8 = 0x55;
    pub const UNICODE: u8 = 0x56;
    pub const BINUNICODE: u8 = 0x58;
    pub const EMPTY_LIST: u8 = 0x5d;
    pub const APPEND: u8 = 0x61;
    pub const BUILD: u8 = 0x62;
    pub const GLOBAL: u8 = 0x63;
    pub const DICT: u8 = 0x64;
    pub const APPENDS: u8 = 0x65;
    pub const GET: u8 = 0x67;
    pub const BINGET: u8 = 0x68;
    pub const INST: u8 = 0x69;
    pub const LONG_BINGET: u8 = 0x6a;
    pub const LIST: u8 = 0x6c;
    pub const OBJ: u8 = 0x6f;
    pub const PUT: u8 = 0x70;
    pub const BINPUT: u8 = 0x71;
    pub const LONG_BINPUT: u8 = 0x72;
    pub const SETITEM: u8 = 0x73;
    pub const TUPLE: u8 = 0x74;
    pub const SETITEMS: u8 = 0x75;
    pub const EMPTY_DICT: u8 = 0x7d;
    pub const PROTO: u8 = 0x80;
    pub const NEWOBJ: u8 = 0x81;
    pub const EXT1: u8 = 0x82;
    pub const EXT2: u8 = 0x83;
    pub const EXT4: u8 = 0x84;
    pub const TUPLE1: u8 = 0x85;
    pub const TUPLE2: u8 = 0x86;
    pub const TUPLE3: u8 = 0x87;
    pub const NEWTRUE: u8 = 0x88;
    pub const NEWFALSE: u8 = 0x89;
    pub const LONG1: u8 = 0x8a;
    pub const LONG4: u8 = 0x8b;
    pub const SHORT_BINUNICODE: u8 = 0x8c;
    pub const BINUNICODE8: u8 = 0x8d;
    pub const BINBYTES8: u8 = 0x8e;
    pub const EMPTY_SET: u8 = 0x8f;
    pub const ADDITEMS: u8 = 0x90;
    pub const FROZENSET: u8 = 0x91;
    pub const NEWOBJ_EX: u8 = 0x92;
    pub const STACK_GLOBAL: u8 = 0x93;
    pub const MEMOIZE: u8 = 0x94;
    pub const FRAME: u8 = 0x95;
    pub const BYTEARRAY8: u8 = 0x96;
    pub const NEXT_BUFFER: u8 = 0x97;
    pub const READONLY_BUFFER: u8 = 0x98;
}

/// Every opcode of protocols 0–5, sorted by code byte (as `pickletools.opcodes` lists them).
pub static OPCODES: [OpInfo; 68] = [
    OpInfo {
        code: op::MARK,
        name: "MARK",
        arg: ArgKind::None,
        proto: 0,
        doc: "Push markobject onto the stack.",
    },
    OpInfo {
        code: op::EMPTY_TUPLE,
        name: "EMPTY_TUPLE",
        arg: ArgKind::None,
        proto: 1,
        doc: "Push an empty tuple.",
    },
    OpInfo {
        code: op::STOP,
        name: "STOP",
        arg: ArgKind::None,
        proto: 0,
        doc: "Stop the unpickling machine.",
    },
    OpInfo {
        code: op::POP,
        name: "POP",
        arg: ArgKind::None,
        proto: 0,
        doc: "Discard the top stack item, shrinking the stack by one item.",
    },
    OpInfo {
        code: op::POP_MARK,
        name: "POP_MARK",
        arg: ArgKind::None,
        proto: 1,
        doc: "Pop all the stack objects at and above the topmost markobject.",
    },
    OpInfo {
        code: op::DUP,
        name: "DUP",
        arg: ArgKind::None,
        proto: 0,
        doc: "Push the top stack item onto the stack again, duplicating it.",
    },
    OpInfo {
        code: op::BINBYTES,
        name: "BINBYTES",
        arg: ArgKind::Bytes4,
        proto: 3,
        doc: "Push a Python bytes object.",
    },
    OpInfo {
        code: op::SHORT_BINBYTES,
        name: "SHORT_BINBYTES",
        arg: ArgKind::Bytes1,
        proto: 3,
        doc: "Push a Python bytes object.",
    },
    OpInfo {
        code: op::FLOAT,
        name: "FLOAT",
        arg: ArgKind::FloatNl,
        proto: 0,
        doc: "Newline-terminated decimal float literal.",
    },
    OpInfo {
        code: op::BINFLOAT,
        name: "BINFLOAT",
        arg: ArgKind::Float8,
        proto: 1,
        doc: "Float stored in binary form, with 8 bytes of data.",
    },
    OpInfo {
        code: op::INT,
        name: "INT",
        arg: ArgKind::DecimalNlShort,
        proto: 0,
        doc: "Push an integer or bool.",
    },
    OpInfo {
        code: op::BININT,
        name: "BININT",
        arg: ArgKind::Int4,
        proto: 1,
        doc: "Push a four-byte signed integer.",
    },
    OpInfo {
        code: op::BININT1,
        name: "BININT1",
        arg: ArgKind::Uint1,
        proto: 1,
        doc: "Push a one-byte unsigned integer.",
    },
    OpInfo {
        code: op::LONG,
        name: "LONG",
        arg: ArgKind::DecimalNlLong,
        proto: 0,
        doc: "Push a long integer.",
    },
    OpInfo {
        code: op::BININT2,
        name: "BININT2",
        arg: ArgKind::Uint2,
        proto: 1,
        doc: "Push a two-byte unsigned integer.",
    },
    OpInfo {
        code: op::NONE,
        name: "NONE",
        arg: ArgKind::None,
        proto: 0,
        doc: "Push None on the stack.",
    },
    OpInfo {
        code: op::PERSID,
        name: "PERSID",
        arg: ArgKind::StringNlNoescape,
        proto: 0,
        doc: "Push an object identified by a persistent ID.",
    },
    OpInfo {
        code: op::BINPERSID,
        name: "BINPERSID",
        arg: ArgKind::None,
        proto: 1,
        doc: "Push an object identified by a persistent ID.",
    },
    OpInfo {
        code: op::REDUCE,
        name: "REDUCE",
        arg: ArgKind::None,
        proto: 0,
        doc: "Push an object built from a callable and an argument tuple.",
    },
    OpInfo {
        code: op::STRING,
        name: "STRING",
        arg: ArgKind::StringNl,
        proto: 0,
        doc: "Push a Python string object.",
    },
    OpInfo {
        code: op::BINSTRING,
        name: "BINSTRING",
        arg: ArgKind::String4,
        proto: 1,
        doc: "Push a Python string object.",
    },
    OpInfo {
        code: op::SHORT_BINSTRING,
        name: "SHORT_BINSTRING",
        arg: ArgKind::String1,
        proto: 1,
        doc: "Push a Python string object.",
    },
    OpInfo {
        code: op::UNICODE,
        name: "UNICODE",
        arg: ArgKind::UnicodeStringNl,
        proto: 0,
        doc: "Push a Python Unicode string object.",
    },
    OpInfo {
        code: op::BINUNICODE,
        name: "BINUNICODE",
        arg: ArgKind::UnicodeString4,
        proto: 1,
        doc: "Push a Python Unicode string object.",
    },
    OpInfo {
        code: op::EMPTY_LIST,
        name: "EMPTY_LIST",
        arg: ArgKind::None,
        proto: 1,
        doc: "Push an empty list.",
    },
    OpInfo {
        code: op::APPEND,
        name: "APPEND",
        arg: ArgKind::None,
        proto: 0,
        doc: "Append an object to a list.",
    },
    OpInfo {
        code: op::BUILD,
        name: "BUILD",
        arg: ArgKind::None,
        proto: 0,
        doc: "Finish building an object, via __setstate__ or dict update.",
    },
    OpInfo {
        code: op::GLOBAL,
        name: "GLOBAL",
        arg: ArgKind::StringNlNoescapePair,
        proto: 0,
        doc: "Push a global object (module.attr) on the stack.",
    },
    OpInfo {
        code: op::DICT,
        name: "DICT",
        arg: ArgKind::None,
        proto: 0,
        doc: "Build a dict out of the topmost stack slice, after markobject.",
    },
    OpInfo {
        code: op::APPENDS,
        name: "APPENDS",
        arg: ArgKind::None,
        proto: 1,
        doc: "Extend a list by a slice of stack objects.",
    },
    OpInfo {
        code: op::GET,
        name: "GET",
        arg: ArgKind::DecimalNlShort,
        proto: 0,
        doc: "Read an object from the memo and push it on the stack.",
    },
    OpInfo {
        code: op::BINGET,
        name: "BINGET",
        arg: ArgKind::Uint1,
        proto: 1,
        doc: "Read an object from the memo and push it on the stack.",
    },
    OpInfo {
        code: op::INST,
        name: "INST",
        arg: ArgKind::StringNlNoescapePair,
        proto: 0,
        doc: "Build a class instance.",
    },
    OpInfo {
        code: op::LONG_BINGET,
        name: "LONG_BINGET",
        arg: ArgKind::Uint4,
        proto: 1,
        doc: "Read an object from the memo and push it on the stack.",
    },
    OpInfo {
        code: op::LIST,
        name: "LIST",
        arg: ArgKind::None,
        proto: 0,
        doc: "Build a list out of the topmost stack slice, after markobject.",
    },
    OpInfo {
        code: op::OBJ,
        name: "OBJ",
        arg: ArgKind::None,
        proto: 1,
        doc: "Build a class instance.",
    },
    OpInfo {
        code: op::PUT,
        name: "PUT",
        arg: ArgKind::DecimalNlShort,
        proto: 0,
        doc: "Store the stack top into the memo.  The stack is not popped.",
    },
    OpInfo {
        code: op::BINPUT,
        name: "BINPUT",
        arg: ArgKind::Uint1,
        proto: 1,
        doc: "Store the stack top into the memo.  The stack is not popped.",
    },
    OpInfo {
        code: op::LONG_BINPUT,
        name: "LONG_BINPUT",
        arg: ArgKind::Uint4,
        proto: 1,
        doc: "Store the stack top into the memo.  The stack is not popped.",
    },
    OpInfo {
        code: op::SETITEM,
        name: "SETITEM",
        arg: ArgKind::None,
        proto: 0,
        doc: "Add a key+value pair to an existing dict.",
    },
    OpInfo {
        code: op::TUPLE,
        name: "TUPLE",
        arg: ArgKind::None,
        proto: 0,
        doc: "Build a tuple out of the topmost stack slice, after markobject.",
    },
    OpInfo {
        code: op::SETITEMS,
        name: "SETITEMS",
        arg: ArgKind::None,
        proto: 1,
        doc: "Add an arbitrary number of key+value pairs to an existing dict.",
    },
    OpInfo {
        code: op::EMPTY_DICT,
        name: "EMPTY_DICT",
        arg: ArgKind::None,
        proto: 1,
        doc: "Push an empty dict.",
    },
    OpInfo {
        code: op::PROTO,
        name: "PROTO",
        arg: ArgKind::Uint1,
        proto: 2,
        doc: "Protocol version indicator.",
    },
    OpInfo {
        code: op::NEWOBJ,
        name: "NEWOBJ",
        arg: ArgKind::None,
        proto: 2,
        doc: "Build an object instance.",
    },
    OpInfo {
        code: op::EXT1,
        name: "EXT1",
        arg: ArgKind::Uint1,
        proto: 2,
        doc: "Extension code.",
    },
    OpInfo {
        code: op::EXT2,
        name: "EXT2",
        arg: ArgKind::Uint2,
        proto: 2,
        doc: "Extension code.",
    },
    OpInfo {
        code: op::EXT4,
        name: "EXT4",
        arg: ArgKind::Int4,
        proto: 2,
        doc: "Extension code.",
    },
    OpInfo {
        code: op::TUPLE1,
        name: "TUPLE1",
        arg: ArgKind::None,
        proto: 2,
        doc: "Build a one-tuple out of the topmost item on the stack.",
    },
    OpInfo {
        code: op::TUPLE2,
        name: "TUPLE2",
        arg: ArgKind::None,
        proto: 2,
        doc: "Build a two-tuple out of the top two items on the stack.",
    },
    OpInfo {
        code: op::TUPLE3,
        name: "TUPLE3",
        arg: ArgKind::None,
        proto: 2,
        doc: "Build a three-tuple out of the top three items on the stack.",
    },
    OpInfo {
        code: op::NEWTRUE,
        name: "NEWTRUE",
        arg: ArgKind::None,
        proto: 2,
        doc: "Push True onto the stack.",
    },
    OpInfo {
        code: op::NEWFALSE,
        name: "NEWFALSE",
        arg: ArgKind::None,
        proto: 2,
        doc: "Push False onto the stack.",
    },
    OpInfo {
        code: op::LONG1,
        name: "LONG1",
        arg: ArgKind::Long1,
        proto: 2,
        doc: "Long integer using one-byte length.",
    },
    OpInfo {
        code: op::LONG4,
        name: "LONG4",
        arg: ArgKind::Long4,
        proto: 2,
        doc: "Long integer using four-byte length.",
    },
    OpInfo {
        code: op::SHORT_BINUNICODE,
        name: "SHORT_BINUNICODE",
        arg: ArgKind::UnicodeString1,
        proto: 4,
        doc: "Push a Python Unicode string object.",
    },
    OpInfo {
        code: op::BINUNICODE8,
        name: "BINUNICODE8",
        arg: ArgKind::UnicodeString8,
        proto: 4,
        doc: "Push a Python Unicode string object.",
    },
    OpInfo {
        code: op::BINBYTES8,
        name: "BINBYTES8",
        arg: ArgKind::Bytes8,
        proto: 4,
        doc: "Push a Python bytes object.",
    },
    OpInfo {
        code: op::EMPTY_SET,
        name: "EMPTY_SET",
        arg: ArgKind::None,
        proto: 4,
        doc: "Push an empty set.",
    },
    OpInfo {
        code: op::ADDITEMS,
        name: "ADDITEMS",
        arg: ArgKind::None,
        proto: 4,
        doc: "Add an arbitrary number of items to an existing set.",
    },
    OpInfo {
        code: op::FROZENSET,
        name: "FROZENSET",
        arg: ArgKind::None,
        proto: 4,
        doc: "Build a frozenset out of the topmost slice, after markobject.",
    },
    OpInfo {
        code: op::NEWOBJ_EX,
        name: "NEWOBJ_EX",
        arg: ArgKind::None,
        proto: 4,
        doc: "Build an object instance.",
    },
    OpInfo {
        code: op::STACK_GLOBAL,
        name: "STACK_GLOBAL",
        arg: ArgKind::None,
        proto: 4,
        doc: "Push a global object (module.attr) on the stack.",
    },
    OpInfo {
        code: op::MEMOIZE,
        name: "MEMOIZE",
        arg: ArgKind::None,
        proto: 4,
        doc: "Store the stack top into the memo.  The stack is not popped.",
    },
    OpInfo {
        code: op::FRAME,
        name: "FRAME",
        arg: ArgKind::Uint8,
        proto: 4,
        doc: "Indicate the beginning of a new frame.",
    },
    OpInfo {
        code: op::BYTEARRAY8,
        name: "BYTEARRAY8",
        arg: ArgKind::Bytearray8,
        proto: 5,
        doc: "Push a Python bytearray object.",
    },
    OpInfo {
        code: op::NEXT_BUFFER,
        name: "NEXT_BUFFER",
        arg: ArgKind::None,
        proto: 5,
        doc: "Push an out-of-band buffer object.",
    },
    OpInfo {
        code: op::READONLY_BUFFER,
        name: "READONLY_BUFFER",
        arg: ArgKind::None,
        proto: 5,
        doc: "Make an out-of-band buffer object read-only.",
    },
];

/// `OPCODES` index of each byte, `NOT_AN_OPCODE` for the others: a table
/// lookup per op, which the scanner's and the lexer's hot loop need.
static INDEX: [u8; 256] = {
    let mut t = [NOT_AN_OPCODE; 256];
    let mut i = 0;
    while i < OPCODES.len() {
        t[OPCODES[i].code as usize] = i as u8;
        i += 1;
    }
    t
};
const NOT_AN_OPCODE: u8 = u8::MAX;

/// The description of `code`, if it is an opcode.
#[inline]
pub fn info(code: u8) -> Option<&'static OpInfo> {
    match INDEX[usize::from(code)] {
        NOT_AN_OPCODE => None,
        i => Some(&OPCODES[usize::from(i)]),
    }
}

/// The highest protocol this table knows.
pub const HIGHEST_PROTOCOL: u8 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert_eq!(OPCODES.len(), 68);
        assert!(OPCODES.windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(info(op::STOP).unwrap().name, "STOP");
        assert_eq!(info(op::FRAME).unwrap().arg, ArgKind::Uint8);
        assert!(info(0xff).is_none());
        assert!(OPCODES.iter().all(|o| o.proto <= HIGHEST_PROTOCOL));
    }
}
