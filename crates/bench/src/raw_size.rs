//! The raw information size of a dataset: the bytes of its fields packed with
//! no framing (no tags, lengths, names or padding). Fixed-width numbers count
//! their width (bool 1, f32 4, u64 8, ...), strings and byte strings their
//! length, null and unit nothing. It is the "× raw size" limit of the report:
//! no encoding that keeps every field can be smaller without compressing.
//!
//! Measured through serde, so the typed structs and `Value` (whose integers
//! serialise as i64/u64, i.e. 8 bytes) are counted by one definition.

use serde::ser::{self, Serialize, Serializer};
use std::fmt;

/// The raw information size of `v`; `None` when `v` refuses to serialise
/// (a `Value` outside the serde data model: a tag, an ext, a set).
pub fn raw_size<T: Serialize + ?Sized>(v: &T) -> Option<usize> {
    let mut c = Counter(0);
    v.serialize(&mut c).ok()?;
    Some(c.0)
}

struct Counter(usize);

/// The value refused to serialise.
#[derive(Debug)]
pub struct Never;

impl fmt::Display for Never {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no raw size")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Never
    }
}

macro_rules! fixed {
    ($($m:ident: $t:ty = $n:expr;)*) => {$(
        fn $m(self, _: $t) -> Result<(), Never> {
            self.0 += $n;
            Ok(())
        }
    )*};
}

macro_rules! compound {
    ($($tr:ident :: $m:ident ($($arg:ident: $t:ty),*);)*) => {$(
        impl ser::$tr for &mut Counter {
            type Ok = ();
            type Error = Never;
            fn $m<T: Serialize + ?Sized>(&mut self, $($arg: $t,)* v: &T) -> Result<(), Never> {
                v.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element();
    SerializeTuple::serialize_element();
    SerializeTupleStruct::serialize_field();
    SerializeTupleVariant::serialize_field();
    SerializeStruct::serialize_field(_k: &'static str);
    SerializeStructVariant::serialize_field(_k: &'static str);
}

impl ser::SerializeMap for &mut Counter {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Never> {
        k.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Never> {
        v.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

impl Serializer for &mut Counter {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fixed! {
        serialize_bool: bool = 1;
        serialize_i8: i8 = 1;
        serialize_u8: u8 = 1;
        serialize_i16: i16 = 2;
        serialize_u16: u16 = 2;
        serialize_i32: i32 = 4;
        serialize_u32: u32 = 4;
        serialize_f32: f32 = 4;
        serialize_char: char = 4;
        serialize_i64: i64 = 8;
        serialize_u64: u64 = 8;
        serialize_f64: f64 = 8;
        serialize_i128: i128 = 16;
        serialize_u128: u128 = 16;
    }

    fn serialize_str(self, s: &str) -> Result<(), Never> {
        self.0 += s.len();
        Ok(())
    }
    fn serialize_bytes(self, b: &[u8]) -> Result<(), Never> {
        self.0 += b.len();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    /// A unit variant is an enum value: one byte holds any enum here.
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        self.0 += 1;
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        self.0 += 1;
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.0 += 1;
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        self.0 += 1;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::raw_size;

    #[derive(serde::Serialize)]
    struct R {
        a: u32,
        b: f32,
        s: String,
        v: Vec<u64>,
        o: Option<bool>,
    }

    #[test]
    fn fields_packed_without_framing() {
        let r = R {
            a: 1,
            b: 2.0,
            s: "héllo".into(),
            v: vec![1, 2, 3],
            o: Some(true),
        };
        assert_eq!(raw_size(&r), Some(4 + 4 + 6 + 24 + 1));
    }
}
