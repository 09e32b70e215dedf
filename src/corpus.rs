//! (Placeholder until the corpus loader lands.)
use crate::codec::Format;
use crate::value::Value;
use std::path::{Path, PathBuf};
pub struct ValueCase {
    pub name: String,
    pub path: PathBuf,
    pub value: Value,
}
pub struct BytesCase {
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    pub bytes: Vec<u8>,
}
pub struct Corpus {
    pub root: PathBuf,
    pub values: Vec<ValueCase>,
    pub bytes: Vec<BytesCase>,
}
pub fn builtin_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}
pub fn load(root: &Path) -> anyhow::Result<Corpus> {
    Ok(Corpus {
        root: root.into(),
        values: vec![],
        bytes: vec![],
    })
}
