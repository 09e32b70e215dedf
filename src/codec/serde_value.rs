//! serde Serialize/Deserialize for Value, shared by serde-based codecs. (Placeholder.)
