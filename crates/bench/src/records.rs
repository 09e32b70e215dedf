//! What a bench run leaves for the report besides criterion's estimates: the
//! plan of rows with their sizes and round-trip verdicts (`sizes.json`), and
//! the datasets as files for the Python baseline. Paths are relative to the
//! workspace root, like criterion's `target/criterion/`.

use serde::{Deserialize, Serialize};

pub const BENCH_DIR: &str = "target/crossfmt-bench";

/// [`BENCH_DIR`] under the workspace root, wherever the caller runs (a
/// bench's working directory is its crate's, `crossfmt report`'s the root).
pub fn bench_dir() -> std::path::PathBuf {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join(BENCH_DIR)
}
pub const SIZES_FILE: &str = "sizes.json";
pub const PYTHON_FILE: &str = "python.json";
/// The zstd levels every encoding is compressed at.
pub const ZSTD_LEVELS: [i32; 2] = [3, 19];

/// `typed` (the codec's own API over structs) or `dynamic` (crossfmt's
/// `Value` adapters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Path {
    Typed,
    Dynamic,
}

impl Path {
    pub fn name(self) -> &'static str {
        match self {
            Path::Typed => "typed",
            Path::Dynamic => "dynamic",
        }
    }
}

/// The criterion benchmark of a row: group = dataset, function = `encode` or
/// `decode`, parameter = this label. The memcpy row's label is [`MEMCPY`].
pub fn bench_label(codec: &str, path: Path) -> String {
    format!("{codec}:{}", path.name())
}

/// The parameter of the memcpy benchmark (function `copy`).
pub const MEMCPY: &str = "memcpy";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizeRecords {
    pub seed: u64,
    /// Seconds since the epoch when the run began: criterion results older
    /// than this are from another run.
    pub started_unix: u64,
    pub datasets: Vec<DatasetRecord>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetRecord {
    pub name: String,
    pub description: String,
    pub raw_size: u64,
    pub messages: u64,
    /// SHA-256 of the dataset file handed to Python (`datasets/<name>.msgpack`).
    pub sha256: String,
    pub rows: Vec<SizeRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizeRow {
    pub codec: String,
    pub path: Path,
    /// Total encoded bytes over the dataset's messages (0 when the round trip failed).
    pub size: u64,
    /// (level, compressed bytes), one per [`ZSTD_LEVELS`].
    pub zstd: Vec<(i32, u64)>,
    /// `None` when the round trip held; else what went wrong.
    pub roundtrip_error: Option<String>,
    /// Why the codec's declared model cannot hold the messages (not timed,
    /// and not a failure); `None` when it can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// For a codec that reads record streams: the messages written as one
    /// record file, whose reading back is timed as `stream` (how many
    /// records, and the file's size); `None` when it reads none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamFile>,
}

/// The record file of a row's `stream` timing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StreamFile {
    /// Records in the file (the dataset's messages).
    pub records: u64,
    /// Its size in bytes, framing included.
    pub bytes: u64,
}

/// `python.json`, written by `benches/python_baseline.py`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonRecords {
    pub python: String,
    pub libraries: std::collections::BTreeMap<String, String>,
    pub rows: Vec<PythonRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PythonRow {
    pub dataset: String,
    /// The dataset file's SHA-256 as Python read it: must match sizes.json.
    pub sha256: String,
    pub library: String,
    pub size: u64,
    pub encode: Timing,
    pub decode: Timing,
    pub roundtrip_error: Option<String>,
}

/// Nanoseconds for one pass over the dataset.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub median_ns: f64,
    /// The spread: a 95% confidence interval of the median (criterion) or
    /// the interquartile range of the samples (Python).
    pub low_ns: f64,
    pub high_ns: f64,
}
