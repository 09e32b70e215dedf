//! Loading the shared corpus, and content-addressed names.
//!
//! A corpus is a directory (the crate's own is [`builtin_root`]; `crossfmt run
//! --corpus DIR` points at another) with up to three parts, each optional:
//!
//! ```text
//! values/<name>.diag                       one Value in diagnostic notation
//! bytes/<format>/<hash>                    one encoded input of <format>
//! bytes/MANIFEST.tsv                       optional: hash, format, expect, description
//! regressions/<check>/<name>.diag          a Value that once made <check> fail
//! regressions/<check>/<format>/<hash>      bytes that once made <check> fail
//! regressions/<target>/<hash>              a raw input of fuzz target <target>
//! ```
//!
//! - `<format>` is a [`Format`] name (`msgpack`, `cbor`, `json`, `pickle`,
//!   `protobuf`); any other directory where a format is expected is an error
//!   that names it.
//! - `<hash>` is [`content_name`] of the file's bytes: the first 16 hex digits
//!   of its SHA-256. The loader does not insist on it (a hand-named file loads
//!   fine); [`Corpus::misnamed`] lists the files whose name is not their hash.
//! - `<check>` is the check's name as it appears in findings (`roundtrip`,
//!   `cross_format`, ...). A regression's input is replayed through that check
//!   by `cargo test` and `crossfmt run`; a value regression under `<check>/` and
//!   a bytes one under `<check>/<format>/` are both allowed.
//! - `<target>` is a fuzz target's name (`crossfmt::fuzz::targets`); a plain
//!   file (not `*.diag`) directly under it is a raw input of that target
//!   ([`RegressionInput::Target`]), replayed through `crossfmt::fuzz::run_target`
//!   by the regression replay, which also refuses a name that is no target.
//!   A directory may be both a check and a target (`cross_format`): `.diag`
//!   files and format directories are check regressions, other files target
//!   inputs; a plain file under a check's directory that is no target's is an
//!   error.
//! - `MANIFEST.tsv` lines are `hash<TAB>format<TAB>expect<TAB>description`
//!   with `expect` one of `accept`, `reject`, `either`; `#` lines are comments.
//!   The loader attaches them to the matching [`BytesCase`].
//! - Skipped everywhere: dotfiles, `README.md`, `MANIFEST.tsv`, `generate.py`.
//!   Anything else out of place (a non-`.diag` file in `values/`, a stray file
//!   at the top of `bytes/`, a directory where a file is expected) is an error
//!   rather than silently ignored, so a typo does not shrink the corpus.
//!
//! Everything is returned sorted (values by name, bytes by format in
//! [`Format::ALL`] order then name,
//! regressions by check then path) so runs are deterministic. Every failure is
//! a [`CorpusError`] naming the path, and for a value that does not parse, the
//! byte offset (with line and column) into the file; bad files never panic.

use crate::finding::Input;
use crate::notation;
use crate::Format;
use crate::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// File names skipped in every corpus directory (besides dotfiles).
pub const SKIPPED_FILES: [&str; 3] = ["README.md", "MANIFEST.tsv", "generate.py"];

/// The extension of value files.
pub const VALUE_EXT: &str = "diag";

/// The content-addressed name of an input: the first 16 hex digits of the
/// SHA-256 of `bytes`, lower case. Corpus bytes files and saved findings are
/// named this way.
pub fn content_name(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    hex::encode(&digest[..8])
}

/// The corpus that ships with crossfmt ([`crate::data::corpus`]: the
/// crossfmt-data crate's, or `$CROSSFMT_DATA/corpus`). `crossfmt run
/// --corpus DIR` and [`crate::testing::Options::corpus`] name another.
pub fn builtin_root() -> PathBuf {
    crate::data::corpus()
}

/// What a decoder should do with a bytes input, from `MANIFEST.tsv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Expect {
    /// A conforming decoder returns a value.
    Accept,
    /// A conforming decoder returns an error.
    Reject,
    /// Implementation-defined: anything but a crash, hang or runaway memory.
    Either,
}

impl FromStr for Expect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "accept" => Ok(Expect::Accept),
            "reject" => Ok(Expect::Reject),
            "either" => Ok(Expect::Either),
            _ => Err(format!(
                "unknown expectation {s:?}; expected accept, reject or either"
            )),
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Expect::Accept => "accept",
            Expect::Reject => "reject",
            Expect::Either => "either",
        })
    }
}

/// One `values/<name>.diag` file.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueCase {
    /// The file name without `.diag`.
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The value it holds.
    pub value: Value,
}

/// One `bytes/<format>/<name>` file.
#[derive(Clone, Debug, PartialEq)]
pub struct BytesCase {
    /// The file name (normally [`content_name`] of `bytes`).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// Its format (the directory).
    pub format: Format,
    /// Its content.
    pub bytes: Vec<u8>,
    /// From `bytes/MANIFEST.tsv`, when it lists this file.
    pub expect: Option<Expect>,
    /// From `bytes/MANIFEST.tsv`, when it lists this file.
    pub description: Option<String>,
}

/// The input of a regression case.
#[derive(Clone, Debug, PartialEq)]
pub enum RegressionInput {
    /// An input of a check (a value, or bytes of a format), replayed through
    /// every check that takes its kind.
    Check(Input),
    /// A raw input of a fuzz target (`regressions/<target>/<hash>`).
    Target {
        /// The fuzz target.
        target: String,
        /// The raw input.
        data: Vec<u8>,
    },
}

/// One file under `regressions/<check>/` or `regressions/<target>/`.
#[derive(Clone, Debug, PartialEq)]
pub struct RegressionCase {
    /// The check (or, for [`RegressionInput::Target`], the fuzz target)
    /// that failed on this input: the directory name.
    pub check: String,
    /// The file name (without `.diag` for values).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// What it replays.
    pub input: RegressionInput,
}

/// A loaded corpus. See the module documentation for the layout.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corpus {
    /// The directory it was read from.
    pub root: PathBuf,
    /// `values/*.diag`.
    pub values: Vec<ValueCase>,
    /// `bytes/<format>/*`.
    pub bytes: Vec<BytesCase>,
    /// `regressions/**`.
    pub regressions: Vec<RegressionCase>,
}

impl Corpus {
    /// The bytes inputs of one format.
    pub fn bytes_of(&self, format: Format) -> impl Iterator<Item = &BytesCase> {
        self.bytes.iter().filter(move |c| c.format == format)
    }

    /// Bytes files (corpus and regressions) whose name is not
    /// [`content_name`] of their content.
    pub fn misnamed(&self) -> Vec<&Path> {
        let corpus = self.bytes.iter().map(|c| (&c.name, &c.path, &c.bytes));
        let regressions = self.regressions.iter().filter_map(|r| match &r.input {
            RegressionInput::Check(Input::Bytes { bytes, .. }) => Some((&r.name, &r.path, bytes)),
            RegressionInput::Target { data, .. } => Some((&r.name, &r.path, data)),
            RegressionInput::Check(Input::Value(_) | Input::Probe(_)) => None,
        });
        corpus
            .chain(regressions)
            .filter(|(name, _, bytes)| **name != content_name(bytes))
            .map(|(_, path, _)| path.as_path())
            .collect()
    }
}

/// Why a corpus did not load. Every variant names the path it is about.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file or directory could not be read.
    // The reason is in the message and not a `source`, so a chain printer
    // does not say it twice.
    #[error("{}: {error}", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A value file is not diagnostic notation.
    #[error("{}: at byte {offset} (line {line}, column {column}): {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Byte offset into the file.
        offset: usize,
        /// 1-based line of `offset`.
        line: usize,
        /// 1-based column (in characters) of `offset`.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A directory where a format is expected names none.
    #[error("{}: unknown format directory {name:?}; expected one of {}", path.display(), format_names())]
    UnknownFormat {
        /// The directory.
        path: PathBuf,
        /// Its name.
        name: String,
    },
    /// Something out of place (a stray file, a directory for a file).
    #[error("{}: {message}", path.display())]
    Layout {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl CorpusError {
    /// The file or directory the error is about.
    pub fn path(&self) -> &Path {
        match self {
            CorpusError::Io { path, .. }
            | CorpusError::Parse { path, .. }
            | CorpusError::UnknownFormat { path, .. }
            | CorpusError::Layout { path, .. } => path,
        }
    }

    fn layout(path: &Path, message: impl Into<String>) -> Self {
        CorpusError::Layout {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }

    fn parse(path: &Path, text: &[u8], offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = 1 + String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count();
        CorpusError::Parse {
            path: path.to_path_buf(),
            offset,
            line,
            column,
            message: message.into(),
        }
    }
}

fn format_names() -> String {
    Format::ALL.map(Format::name).join(", ")
}

/// Loads a whole corpus: `values/`, `bytes/` and `regressions/` under `root`,
/// each optional. `root` itself must be a readable directory.
pub fn load(root: &Path) -> Result<Corpus, CorpusError> {
    require_dir(root)?;
    Ok(Corpus {
        root: root.to_path_buf(),
        values: load_values(root)?,
        bytes: load_bytes(root)?,
        regressions: load_regressions(root)?,
    })
}

/// Loads only `root/values/*.diag`, sorted by name.
pub fn load_values(root: &Path) -> Result<Vec<ValueCase>, CorpusError> {
    require_dir(root)?;
    let dir = root.join("values");
    let mut out = Vec::new();
    for entry in optional_dir(&dir)? {
        let Some(name) = diag_stem(&entry)? else {
            return Err(CorpusError::layout(
                &entry.path,
                format!("unexpected file; values/ holds only *.{VALUE_EXT} files"),
            ));
        };
        let value = read_value(&entry.path)?;
        out.push(ValueCase {
            name,
            path: entry.path,
            value,
        });
    }
    Ok(out)
}

/// Loads only `root/bytes/<format>/*` (and `bytes/MANIFEST.tsv` if present),
/// sorted by format (in [`Format::ALL`] order), then name.
pub fn load_bytes(root: &Path) -> Result<Vec<BytesCase>, CorpusError> {
    require_dir(root)?;
    let dir = root.join("bytes");
    let manifest = read_manifest(&dir.join("MANIFEST.tsv"))?;
    let mut out = Vec::new();
    for entry in optional_dir(&dir)? {
        if !entry.is_dir {
            return Err(CorpusError::layout(
                &entry.path,
                format!(
                    "unexpected file; bytes/ holds one directory per format ({})",
                    format_names()
                ),
            ));
        }
        let format = parse_format(&entry)?;
        for file in read_dir_sorted(&entry.path)? {
            let bytes = read_file_entry(&file)?;
            let (expect, description) = match manifest.get(&(format, file.name.clone())) {
                Some((e, d)) => (Some(*e), Some(d.clone())),
                None => (None, None),
            };
            out.push(BytesCase {
                name: file.name,
                path: file.path,
                format,
                bytes,
                expect,
                description,
            });
        }
    }
    out.sort_by(|a, b| (a.format, &a.name).cmp(&(b.format, &b.name)));
    Ok(out)
}

/// Whether plain files under `regressions/<dir>/` are raw fuzz inputs: any
/// directory but a check's that is not also a fuzz target's (`cross_format`
/// is both). Which target a name means is the fuzz module's business; the
/// regression replay refuses a name that is none.
fn holds_raw_inputs(dir: &str) -> bool {
    let is_check = crate::check::get(dir).is_some();
    let is_target = crate::check::CHECKS.iter().any(|c| c.target == Some(dir));
    !is_check || is_target
}

/// Loads only `root/regressions/<check>/…`, sorted by check, then path.
pub fn load_regressions(root: &Path) -> Result<Vec<RegressionCase>, CorpusError> {
    require_dir(root)?;
    let dir = root.join("regressions");
    let mut out = Vec::new();
    for check_dir in optional_dir(&dir)? {
        if !check_dir.is_dir {
            return Err(CorpusError::layout(
                &check_dir.path,
                "unexpected file; regressions/ holds one directory per check",
            ));
        }
        let check = check_dir.name.clone();
        for entry in read_dir_sorted(&check_dir.path)? {
            if entry.is_dir {
                let format = parse_format(&entry)?;
                for file in read_dir_sorted(&entry.path)? {
                    let bytes = read_file_entry(&file)?;
                    out.push(RegressionCase {
                        check: check.clone(),
                        name: file.name,
                        path: file.path,
                        input: RegressionInput::Check(Input::Bytes { format, bytes }),
                    });
                }
            } else if let Some(name) = diag_stem(&entry)? {
                let value = read_value(&entry.path)?;
                out.push(RegressionCase {
                    check: check.clone(),
                    name,
                    path: entry.path,
                    input: RegressionInput::Check(Input::Value(value)),
                });
            } else if holds_raw_inputs(&check) {
                let data = read_file_entry(&entry)?;
                out.push(RegressionCase {
                    check: check.clone(),
                    name: entry.name,
                    path: entry.path,
                    input: RegressionInput::Target {
                        target: check.clone(),
                        data,
                    },
                });
            } else {
                return Err(CorpusError::layout(
                    &entry.path,
                    format!(
                        "unexpected file; regressions/<check>/ holds *.{VALUE_EXT} values and <format>/ directories of bytes (raw inputs belong under regressions/<fuzz target>/)"
                    ),
                ));
            }
        }
    }
    out.sort_by(|a, b| (&a.check, &a.path).cmp(&(&b.check, &b.path)));
    Ok(out)
}

/// Parses one `.diag` file. Errors name the file and the byte offset.
pub fn read_value(path: &Path) -> Result<Value, CorpusError> {
    let raw = fs::read(path).map_err(|source| io(path, source))?;
    let text = std::str::from_utf8(&raw)
        .map_err(|e| CorpusError::parse(path, &raw, e.valid_up_to(), "not valid UTF-8"))?;
    notation::parse(text).map_err(|e| CorpusError::parse(path, &raw, e.offset, e.message))
}

// ------------------------------------------------------------------ helpers

struct DirEntry {
    name: String,
    path: PathBuf,
    is_dir: bool,
}

fn io(path: &Path, error: std::io::Error) -> CorpusError {
    CorpusError::Io {
        path: path.to_path_buf(),
        error,
    }
}

fn require_dir(path: &Path) -> Result<(), CorpusError> {
    let meta = fs::metadata(path).map_err(|source| io(path, source))?;
    if meta.is_dir() {
        Ok(())
    } else {
        Err(CorpusError::layout(path, "not a directory"))
    }
}

/// The entries of `dir`, or none when it does not exist.
fn optional_dir(dir: &Path) -> Result<Vec<DirEntry>, CorpusError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(io(dir, source)),
        Ok(m) if !m.is_dir() => Err(CorpusError::layout(dir, "expected a directory")),
        Ok(_) => read_dir_sorted(dir),
    }
}

/// The entries of `dir` sorted by name, without dotfiles and [`SKIPPED_FILES`].
/// Symbolic links are followed.
fn read_dir_sorted(dir: &Path) -> Result<Vec<DirEntry>, CorpusError> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).map_err(|source| io(dir, source))? {
        let entry = entry.map_err(|source| io(dir, source))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(CorpusError::layout(&path, "file name is not valid UTF-8"));
        };
        if name.starts_with('.') || SKIPPED_FILES.contains(&name.as_str()) {
            continue;
        }
        let meta = fs::metadata(&path).map_err(|source| io(&path, source))?;
        out.push(DirEntry {
            name,
            path,
            is_dir: meta.is_dir(),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn parse_format(entry: &DirEntry) -> Result<Format, CorpusError> {
    if !entry.is_dir {
        return Err(CorpusError::layout(
            &entry.path,
            "expected a format directory",
        ));
    }
    entry.name.parse().map_err(|_| CorpusError::UnknownFormat {
        path: entry.path.clone(),
        name: entry.name.clone(),
    })
}

fn read_file_entry(entry: &DirEntry) -> Result<Vec<u8>, CorpusError> {
    if entry.is_dir {
        return Err(CorpusError::layout(
            &entry.path,
            "unexpected directory; expected an input file",
        ));
    }
    fs::read(&entry.path).map_err(|source| io(&entry.path, source))
}

/// `Some(stem)` for a `*.diag` file, `None` for any other file; a directory
/// named `*.diag` is an error.
fn diag_stem(entry: &DirEntry) -> Result<Option<String>, CorpusError> {
    let Some(stem) = entry.name.strip_suffix(".diag").filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if entry.is_dir {
        return Err(CorpusError::layout(
            &entry.path,
            "unexpected directory; expected a value file",
        ));
    }
    Ok(Some(stem.to_owned()))
}

type Manifest = BTreeMap<(Format, String), (Expect, String)>;

/// Reads `bytes/MANIFEST.tsv` if it exists.
fn read_manifest(path: &Path) -> Result<Manifest, CorpusError> {
    let raw = match fs::read(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::new()),
        Err(source) => return Err(io(path, source)),
        Ok(raw) => raw,
    };
    let text = std::str::from_utf8(&raw)
        .map_err(|e| CorpusError::parse(path, &raw, e.valid_up_to(), "not valid UTF-8"))?;
    let mut out = Manifest::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(4, '\t').collect();
        let [hash, format, expect, description] = fields[..] else {
            return Err(CorpusError::parse(
                path,
                &raw,
                start,
                "expected hash<TAB>format<TAB>expect<TAB>description",
            ));
        };
        let format: Format = format
            .parse()
            .map_err(|m: String| CorpusError::parse(path, &raw, start, m))?;
        let expect: Expect = expect
            .parse()
            .map_err(|m: String| CorpusError::parse(path, &raw, start, m))?;
        out.insert((format, hash.to_owned()), (expect, description.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh, empty directory under the system temp directory.
    fn scratch(tag: &str) -> PathBuf {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "crossfmt-corpus-test-{}-{}-{tag}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(path: &Path, bytes: &[u8]) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    #[test]
    fn content_name_is_first_16_hex_of_sha256() {
        // sha256("") = e3b0c44298fc1c149afbf4c8996fb924...
        assert_eq!(content_name(b""), "e3b0c44298fc1c14");
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223...
        assert_eq!(content_name(b"abc"), "ba7816bf8f01cfea");
    }

    #[test]
    fn bytes_load_sorted_with_manifest_and_skips() {
        let root = scratch("bytes");
        let a = b"\xc0";
        let b = b"\x92\x01\x02";
        write(&root.join("bytes/msgpack").join(content_name(b)), b);
        write(&root.join("bytes/msgpack").join(content_name(a)), a);
        write(
            &root.join("bytes/cbor").join(content_name(b"\xf6")),
            b"\xf6",
        );
        write(&root.join("bytes/cbor/.hidden"), b"x");
        write(&root.join("bytes/README.md"), b"docs");
        write(&root.join("bytes/generate.py"), b"pass");
        let manifest = format!(
            "# hash\tformat\texpect\tdescription\n{}\tmsgpack\taccept\tnil\n",
            content_name(a)
        );
        write(&root.join("bytes/MANIFEST.tsv"), manifest.as_bytes());

        let corpus = load(&root).unwrap();
        assert!(corpus.values.is_empty() && corpus.regressions.is_empty());
        let got: Vec<_> = corpus
            .bytes
            .iter()
            .map(|c| (c.format, c.bytes.clone()))
            .collect();
        let mut want_msgpack = vec![(content_name(a), a.to_vec()), (content_name(b), b.to_vec())];
        want_msgpack.sort();
        // Formats come in `Format::ALL` order (msgpack before cbor), names sorted within.
        let mut want: Vec<_> = want_msgpack
            .into_iter()
            .map(|(_, bytes)| (Format::MsgPack, bytes))
            .collect();
        want.push((Format::Cbor, b"\xf6".to_vec()));
        assert_eq!(got, want);
        let nil = corpus.bytes.iter().find(|c| c.bytes == a).unwrap();
        assert_eq!(nil.expect, Some(Expect::Accept));
        assert_eq!(nil.description.as_deref(), Some("nil"));
        assert_eq!(corpus.bytes_of(Format::MsgPack).count(), 2);
        assert!(corpus.misnamed().is_empty());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn unknown_format_directory_is_named() {
        let root = scratch("unknown-format");
        write(&root.join("bytes/yaml/x"), b"a: 1");
        let err = load_bytes(&root).unwrap_err();
        assert!(
            matches!(&err, CorpusError::UnknownFormat { name, .. } if name == "yaml"),
            "{err}"
        );
        assert_eq!(err.path(), root.join("bytes/yaml"));
        let shown = err.to_string();
        assert!(
            shown.contains("yaml") && shown.contains("msgpack"),
            "{shown}"
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn layout_errors_name_the_path() {
        let root = scratch("layout");
        write(&root.join("bytes/stray.bin"), b"x");
        let err = load_bytes(&root).unwrap_err();
        assert!(matches!(err, CorpusError::Layout { .. }), "{err}");
        assert!(err.to_string().contains("stray.bin"), "{err}");
        fs::remove_dir_all(&root).unwrap();

        let root = scratch("layout-nested-dir");
        fs::create_dir_all(root.join("bytes/cbor/sub")).unwrap();
        let err = load_bytes(&root).unwrap_err();
        assert!(err.to_string().contains("sub"), "{err}");
        fs::remove_dir_all(&root).unwrap();

        let root = scratch("layout-values");
        write(&root.join("values/int-one.txt"), b"1");
        let err = load_values(&root).unwrap_err();
        assert!(err.to_string().contains("int-one.txt"), "{err}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn missing_root_is_an_io_error_naming_it() {
        let root = scratch("missing").join("nope");
        let err = load(&root).unwrap_err();
        assert!(matches!(err, CorpusError::Io { .. }), "{err}");
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn empty_root_is_an_empty_corpus() {
        let root = scratch("empty");
        let corpus = load(&root).unwrap();
        assert_eq!(corpus.root, root);
        assert!(
            corpus.values.is_empty() && corpus.bytes.is_empty() && corpus.regressions.is_empty()
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn bad_manifest_line_names_file_and_offset() {
        let root = scratch("manifest");
        write(
            &root.join("bytes/MANIFEST.tsv"),
            b"# header\nabc\tmsgpack\tmaybe\tx\n",
        );
        let err = load_bytes(&root).unwrap_err();
        match &err {
            CorpusError::Parse { offset, line, .. } => assert_eq!((*offset, *line), (9, 2)),
            other => panic!("{other}"),
        }
        assert!(err.to_string().contains("MANIFEST.tsv"), "{err}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn regression_bytes_and_layout() {
        let root = scratch("regressions");
        let input = b"\xdd\xff\xff\xff\xff";
        write(
            &root
                .join("regressions/roundtrip/msgpack")
                .join(content_name(input)),
            input,
        );
        write(&root.join("regressions/roundtrip/README.md"), b"notes");
        write(&root.join("regressions/limits/cbor/not-a-hash"), b"\x9f");
        let regs = load_regressions(&root).unwrap();
        assert_eq!(regs.len(), 2);
        assert_eq!(regs[0].check, "limits");
        assert_eq!(
            regs[1].input,
            RegressionInput::Check(Input::Bytes {
                format: Format::MsgPack,
                bytes: input.to_vec()
            })
        );
        let corpus = Corpus {
            regressions: regs,
            ..Corpus::default()
        };
        assert_eq!(
            corpus.misnamed(),
            vec![root.join("regressions/limits/cbor/not-a-hash").as_path()]
        );

        // A fuzz target's directory holds raw inputs; elsewhere a raw file is an error.
        let raw = b"\xda\x2a\x3b";
        write(
            &root
                .join("regressions/planted_decode")
                .join(content_name(raw)),
            raw,
        );
        write(&root.join("regressions/cross_format/abc"), b"\x01");
        let regs = load_regressions(&root).unwrap();
        assert!(regs.iter().any(|r| r.input
            == RegressionInput::Target {
                target: "planted_decode".into(),
                data: raw.to_vec()
            }));
        assert!(regs.iter().any(|r| matches!(&r.input,
            RegressionInput::Target { target, .. } if target == "cross_format")));
        write(&root.join("regressions/roundtrip/rawfile"), b"");
        let err = load_regressions(&root).unwrap_err();
        assert!(err.to_string().contains("rawfile"), "{err}");
        fs::remove_file(root.join("regressions/roundtrip/rawfile")).unwrap();

        write(&root.join("regressions/roundtrip/yaml/x"), b"");
        let err = load_regressions(&root).unwrap_err();
        assert!(err.to_string().contains("yaml"), "{err}");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn value_file_that_is_not_utf8_names_the_offset() {
        let root = scratch("utf8");
        write(&root.join("values/bad.diag"), b"# ok\n\"a\xffb\"\n");
        let err = load_values(&root).unwrap_err();
        match &err {
            CorpusError::Parse {
                offset,
                line,
                column,
                ..
            } => assert_eq!((*offset, *line, *column), (7, 2, 3)),
            other => panic!("{other}"),
        }
        assert!(
            err.to_string().contains("bad.diag") && err.to_string().contains("byte 7"),
            "{err}"
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn builtin_bytes_are_content_named_and_in_the_manifest() {
        let bytes = load_bytes(&builtin_root()).unwrap();
        for format in Format::ALL.into_iter().filter(|f| !f.has_schema()) {
            assert!(
                bytes.iter().any(|c| c.format == format),
                "no {format} inputs"
            );
        }
        for case in &bytes {
            assert_eq!(
                case.name,
                content_name(&case.bytes),
                "{}",
                case.path.display()
            );
            assert!(
                case.expect.is_some(),
                "{} is not in MANIFEST.tsv",
                case.path.display()
            );
        }
    }

    /// Needs `crate::notation::parse`; passes once the notation work lands.
    #[test]
    fn builtin_corpus_loads_and_values_are_well_formed() {
        let corpus = match load(&builtin_root()) {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        assert!(corpus.values.len() >= 90, "{} values", corpus.values.len());
        for case in &corpus.values {
            assert!(case.value.is_well_formed(), "{}", case.path.display());
        }
        let one = corpus
            .values
            .iter()
            .find(|c| c.name == "int-u64-max-plus-1")
            .unwrap();
        assert_eq!(one.value, Value::Int(1 << 64));
        let bignum = corpus
            .values
            .iter()
            .find(|c| c.name == "tag-bignum-pos")
            .unwrap();
        assert_eq!(bignum.value, one.value);
    }
}
