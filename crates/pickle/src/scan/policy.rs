//! Which imported globals are safe, suspicious or dangerous.
//!
//! The default is an allowlist: the globals CPython itself writes when it
//! pickles native data (`builtins.set`/`frozenset`/`bytearray`/`bytes`,
//! `_codecs.encode` for bytes before protocol 3) plus the other plain builtin
//! types, which construct data and run nothing else. Every other global is
//! suspicious; one in the known-dangerous tables is dangerous: modules that
//! run commands, open files or sockets, import or evaluate code, or unpickle
//! again (the `DANGEROUS_MODULES` table); builtins such as `eval`, `getattr`,
//! `__import__`; and single callables elsewhere that published scanner
//! bypasses used to run code ([`DANGEROUS_CALLABLES`], each with its source).
//!
//! `copyreg._reconstructor` is not allowed by default: CPython writes it for
//! plain objects of user classes, which always come with a second, user
//! global (the class) — and `_reconstructor(cls, base, state)` calls
//! `base.__init__` on an arbitrary class. Allow it in a policy file together
//! with the classes you trust.
//!
//! Dotted names (`STACK_GLOBAL` `logging` + `os.system`, which protocol 4's
//! `find_class` resolves attribute by attribute) are judged as CPython
//! resolves them: every prefix of the chain is a global in its own right
//! (`logging.os`, then `logging.os.system`), and the name is as bad as the
//! worst of them; a segment that names a dangerous module or builtin, or a
//! dunder attribute (`__globals__`, `__builtins__`...), makes it dangerous.
//!
//! # Presets
//!
//! [`Policy::preset`] `ml` adds what ordinary PyTorch and NumPy checkpoints
//! hold (torch's tensor and parameter rebuild functions, its storage types,
//! dtypes and devices, `collections.OrderedDict`, NumPy's array and scalar
//! reconstructors, joblib's array wrapper), so a checkpoint of plain
//! tensors scans as safe.
//!
//! # Policy files
//!
//! One rule a line, `#` starts a comment:
//!
//! ```text
//! allow collections.OrderedDict
//! allow torch._utils.*
//! suspicious builtins.set
//! dangerous numpy.load
//! ```
//!
//! A pattern is `module.name` exactly, or `module.*` for every name in the
//! module and its submodules. File rules take precedence over the built-in
//! ones, with one exception: a wildcard never makes a built-in dangerous
//! entry less than dangerous (`allow numpy.*` does not allow
//! `numpy.testing...runstring`); only an exact rule can. Among file rules an
//! exact pattern beats a wildcard, and the longer wildcard beats the shorter.
//! Python 2 module names that CPython's `find_class` maps (`__builtin__`,
//! `copy_reg`, `cPickle`) are judged as their Python 3 names, so
//! `allow builtins.x` covers `__builtin__.x` too.

use super::Severity;
use std::collections::HashMap;

const ALLOWED: &[&str] = &[
    "builtins.set",
    "builtins.frozenset",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.list",
    "builtins.tuple",
    "builtins.dict",
    "builtins.int",
    "builtins.float",
    "builtins.complex",
    "builtins.str",
    "builtins.bool",
    "builtins.range",
    "builtins.slice",
    "_codecs.encode",
];

/// What the `ml` preset allows (see the module documentation).
const ML_ALLOWED: &[&str] = &[
    "collections.OrderedDict",
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_qtensor",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_nested_tensor",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._tensor._rebuild_from_type_v2",
    "torch.nn.parameter.Parameter",
    "torch.Size",
    "torch.device",
    "torch.storage.UntypedStorage",
    "torch.storage.TypedStorage",
    "torch.UntypedStorage",
    "torch.DoubleStorage",
    "torch.FloatStorage",
    "torch.HalfStorage",
    "torch.BFloat16Storage",
    "torch.LongStorage",
    "torch.IntStorage",
    "torch.ShortStorage",
    "torch.CharStorage",
    "torch.ByteStorage",
    "torch.BoolStorage",
    "torch.ComplexFloatStorage",
    "torch.ComplexDoubleStorage",
    "torch.QInt8Storage",
    "torch.QUInt8Storage",
    "torch.QInt32Storage",
    "torch.float64",
    "torch.float32",
    "torch.float16",
    "torch.bfloat16",
    "torch.int64",
    "torch.int32",
    "torch.int16",
    "torch.int8",
    "torch.uint8",
    "torch.bool",
    "torch.complex64",
    "torch.complex128",
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
    "numpy.ndarray",
    "numpy.dtype",
    "joblib.numpy_pickle.NumpyArrayWrapper",
];

/// Single callables outside the dangerous modules that run commands, load
/// code or write files, with what each does and, where one was published as
/// a way past a pickle scanner's blocklist, where.
pub const DANGEROUS_CALLABLES: &[(&str, &str)] = &[
    (
        "uuid._get_command_stdout",
        "runs a command (promptfoo/modelaudit#581)",
    ),
    ("imaplib.IMAP4_stream", "runs a command through a shell"),
    ("logging.FileHandler", "creates and writes a file"),
    (
        "logging.handlers.RotatingFileHandler",
        "creates and writes a file",
    ),
    (
        "logging.handlers.TimedRotatingFileHandler",
        "creates and writes a file",
    ),
    (
        "logging.handlers.WatchedFileHandler",
        "creates and writes a file",
    ),
    (
        "logging.config.listen",
        "listens on a socket and applies what it receives",
    ),
    (
        "logging.config.dictConfig",
        "imports and calls what the configuration names",
    ),
    (
        "logging.config.fileConfig",
        "imports and calls what the configuration names",
    ),
    ("_osx_support._read_output", "runs a command"),
    ("_aix_support._read_cmd_output", "runs a command"),
    ("cgitb.lookup", "evaluates attribute lookups"),
    ("linecache.updatecache", "reads files"),
    ("shelve.open", "opens a shelf, which unpickles"),
    ("torch.load", "unpickles another file"),
    ("torch.serialization.load", "unpickles another file"),
    (
        "torch.storage._load_from_bytes",
        "unpickles the bytes it is given",
    ),
    ("torch.ops.load_library", "loads a shared library"),
    (
        "numpy.load",
        "unpickles another file when allow_pickle is set",
    ),
    (
        "numpy.lib.npyio.load",
        "unpickles another file when allow_pickle is set",
    ),
    ("joblib.load", "unpickles another file"),
    ("joblib.numpy_pickle.load", "unpickles another file"),
    ("joblib.dump", "writes a file"),
    ("joblib.numpy_pickle.dump", "writes a file"),
    (
        "joblib.Parallel",
        "runs the functions it is given in worker processes",
    ),
    ("joblib.Memory", "caches results in files"),
    ("pandas.read_pickle", "unpickles another file"),
    ("pandas.io.pickle.read_pickle", "unpickles another file"),
];

/// Modules whose every global is dangerous (and their submodules).
const DANGEROUS_MODULES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "posixpath",
    "ntpath",
    "subprocess",
    "pty",
    "runpy",
    "shutil",
    "socket",
    "ctypes",
    "importlib",
    "imp",
    "pickle",
    "_pickle",
    "cPickle",
    "dill",
    // joblib's process pools and caches run and write; its loaders are in
    // DANGEROUS_CALLABLES. The rest (NumpyArrayWrapper, which every joblib
    // file of arrays holds) constructs data.
    "joblib.externals",
    "joblib.parallel",
    "joblib._parallel_backends",
    "joblib.pool",
    "joblib.memory",
    "joblib.executor",
    "marshal",
    "sys",
    "code",
    "codeop",
    "commands",
    "webbrowser",
    "multiprocessing",
    "asyncio",
    "http",
    "urllib",
    "urllib2",
    "requests",
    "ftplib",
    "smtplib",
    "telnetlib",
    "pdb",
    "bdb",
    "timeit",
    "types",
    "operator",
    "functools",
    "signal",
    "_thread",
    "threading",
    "io",
    "_io",
    "tempfile",
    "glob",
    "pathlib",
    "zipimport",
    "pkgutil",
    "site",
    "platform",
    "cProfile",
    "profile",
    "trace",
    "doctest",
    "pydoc",
    "venv",
    "ensurepip",
    "distutils",
    "setuptools",
    "pip",
    "numpy.testing",
    "numpy.distutils",
    "numpy.f2py",
    "torch.hub",
    "torch.jit",
    "torch.utils.cpp_extension",
    // Published picklescan bypasses (mmaitre314/picklescan#48 and #49:
    // torch.utils.bottleneck.__main__.run_autograd_prof, GHSA-4whj-rm5r-c2v8).
    "torch.utils.bottleneck",
    // _posixsubprocess.fork_exec starts a process; _imp.load_dynamic and
    // create_dynamic load a shared library.
    "_posixsubprocess",
    "_imp",
    // idlelib's runcode, get_entity and ObjectTreeItem evaluate or execute
    // code (GHSA-m869-42cg-3xwr, GHSA-3gf5-cxq9-w223, GHSA-6w4w-5w54-rjvr,
    // GHSA-3vg9-h568-4w9m); lib2to3's ParserGenerator.make_label and
    // Grammar.loads evaluate or unpickle (GHSA-p9w7-82w4-7q8m,
    // GHSA-f54q-57x4-jg88); _pyrepl's pagers run a command.
    "idlelib",
    "lib2to3",
    "_pyrepl",
    "nturl2path",
    "xmlrpc",
    "socketserver",
    "asyncore",
    "nntplib",
    "poplib",
    "imaplib",
    "wsgiref",
];

/// Builtins (under `builtins` and `__builtin__`) that evaluate, import,
/// reach attributes or touch files.
const DANGEROUS_BUILTINS: &[&str] = &[
    "eval",
    "exec",
    "execfile",
    "compile",
    "open",
    "file",
    "getattr",
    "setattr",
    "delattr",
    "__import__",
    "globals",
    "locals",
    "vars",
    "input",
    "raw_input",
    "breakpoint",
    "apply",
    "reload",
    "help",
    "exit",
    "quit",
    "memoryview",
    "type",
    "object",
    "super",
    "classmethod",
    "staticmethod",
    "property",
    "dir",
];

/// What a policy says about one global.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    exact: HashMap<String, Severity>,
    /// `module.*` rules from a file, as (module, severity).
    wildcards: Vec<(String, Severity)>,
    /// A preset's allowlist, under the file rules and over the built-in
    /// suspicious default.
    preset: &'static [&'static str],
}

/// A policy file line that is not a rule.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PolicyError {
    pub line: usize,
    pub message: String,
}

/// The names [`Policy::preset`] knows.
pub const PRESETS: &[&str] = &["default", "ml"];

impl Policy {
    /// The built-in rules only.
    pub fn default_policy() -> Self {
        Self::default()
    }

    /// The built-in rules with a preset's allowlist (`default` or `ml`; see
    /// the module documentation); `None` for an unknown name.
    pub fn preset(name: &str) -> Option<Self> {
        let preset = match name {
            "default" => &[][..],
            "ml" => ML_ALLOWED,
            _ => return None,
        };
        Some(Policy {
            preset,
            ..Self::default()
        })
    }

    /// The built-in rules with a policy file's rules on top (see the module
    /// documentation for the format).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        Self::default().with_rules(text)
    }

    /// This policy with a policy file's rules on top.
    pub fn with_rules(mut self, text: &str) -> Result<Self, PolicyError> {
        let p = &mut self;
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |message: String| PolicyError {
                line: i + 1,
                message,
            };
            let mut words = line.split_whitespace();
            let (Some(kind), Some(pattern), None) = (words.next(), words.next(), words.next())
            else {
                return Err(err(format!(
                    "expected `allow|suspicious|dangerous PATTERN`, got {line:?}"
                )));
            };
            let severity = match kind {
                "allow" => Severity::Safe,
                "suspicious" => Severity::Suspicious,
                "dangerous" => Severity::Dangerous,
                other => return Err(err(format!("unknown rule {other:?}"))),
            };
            match pattern.strip_suffix(".*") {
                Some(module) if !module.is_empty() && !module.contains('*') => {
                    p.wildcards.push((module.to_string(), severity))
                }
                _ if pattern.contains('*') || !pattern.contains('.') => {
                    return Err(err(format!(
                        "pattern {pattern:?} is neither `module.name` nor `module.*`"
                    )))
                }
                _ => {
                    p.exact.insert(pattern.to_string(), severity);
                }
            }
        }
        // Longest module first, so the first match is the most specific.
        p.wildcards.sort_by_key(|(m, _)| std::cmp::Reverse(m.len()));
        Ok(self)
    }

    /// The verdict on importing `name` from `module`, and why when not safe.
    pub fn judge(&self, module: &str, name: &str) -> (Severity, &'static str) {
        let module = python2_name(module);
        if !name.contains('.') {
            return self.judge_plain(module, name);
        }
        let segments: Vec<&str> = name.split('.').collect();
        let reaches_danger = module
            .split('.')
            .chain(segments.iter().copied())
            .any(|seg| {
                DANGEROUS_MODULES.contains(&seg)
                    || DANGEROUS_BUILTINS.contains(&seg)
                    || (seg.starts_with("__") && seg.ends_with("__"))
            });
        if reaches_danger {
            return (
                Severity::Dangerous,
                "dotted name reaching a dangerous attribute",
            );
        }
        // `find_class` walks the chain from the module: every prefix is an
        // object the unpickler touches, and the last one is what it returns.
        let mut worst = (Severity::Safe, "allowlisted");
        for split in 1..segments.len() + 1 {
            let owner = std::iter::once(module)
                .chain(segments[..split - 1].iter().copied())
                .collect::<Vec<_>>()
                .join(".");
            let judged = self.judge_plain(&owner, segments[split - 1]);
            if judged.0 > worst.0 {
                worst = judged;
            }
        }
        worst
    }

    fn judge_plain(&self, module: &str, name: &str) -> (Severity, &'static str) {
        let full = format!("{module}.{name}");
        if let Some(&s) = self.exact.get(&full) {
            return (s, "policy file");
        }
        let builtin = builtin_judgement(module, name, &full);
        if let Some((_, s)) = self
            .wildcards
            .iter()
            .find(|(m, _)| module == m || module.starts_with(&format!("{m}.")))
        {
            if builtin.0 == Severity::Dangerous && *s < Severity::Dangerous {
                return builtin;
            }
            return (*s, "policy file");
        }
        if builtin.0 == Severity::Suspicious && self.preset.contains(&full.as_str()) {
            return (Severity::Safe, "preset");
        }
        builtin
    }
}

fn builtin_judgement(module: &str, name: &str, full: &str) -> (Severity, &'static str) {
    if ALLOWED.contains(&full) {
        return (Severity::Safe, "allowlisted");
    }
    if is_dangerous_module(module) {
        return (Severity::Dangerous, "known-dangerous module");
    }
    if module == "builtins" && DANGEROUS_BUILTINS.contains(&name) {
        return (Severity::Dangerous, "known-dangerous builtin");
    }
    if let Some((_, why)) = DANGEROUS_CALLABLES.iter().find(|(c, _)| *c == full) {
        return (Severity::Dangerous, why);
    }
    (Severity::Suspicious, "not in the allowlist")
}

/// Protocols 0-2 spell some modules the Python 2 way, and CPython's
/// `find_class` maps them (`_compat_pickle`); rules see the Python 3 name.
fn python2_name(module: &str) -> &str {
    match module {
        "__builtin__" => "builtins",
        "copy_reg" => "copyreg",
        "cPickle" => "pickle",
        _ => module,
    }
}

fn is_dangerous_module(module: &str) -> bool {
    DANGEROUS_MODULES.iter().any(|m| {
        module == *m || (module.starts_with(m) && module.as_bytes().get(m.len()) == Some(&b'.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use Severity::{Dangerous as D, Safe as S, Suspicious as U};

    /// Each `(module, name, verdict)` judged by `p`.
    fn judged(p: &Policy, cases: &[(&str, &str, Severity)]) {
        for (module, name, want) in cases {
            assert_eq!(p.judge(module, name).0, *want, "{module}.{name}");
        }
    }

    #[test]
    fn defaults() {
        judged(
            &Policy::default_policy(),
            &[
                ("builtins", "set", S),
                ("_codecs", "encode", S),
                ("os", "system", D),
                ("os.path", "join", D),
                ("osx", "thing", U),
                ("builtins", "getattr", D),
                ("collections", "OrderedDict", U),
                ("logging", "os.system", D),
                ("builtins", "set.__init__", D),
                ("collections", "abc.Mapping", U),
            ],
        );
    }

    #[test]
    fn file_rules_win_and_bad_lines_are_named() {
        let p = Policy::parse(
            "# trusted\nallow collections.OrderedDict\nallow torch.*\nsuspicious torch._utils.*\n\
             dangerous builtins.set\n",
        )
        .unwrap();
        judged(
            &p,
            &[
                ("collections", "OrderedDict", S),
                ("torch", "FloatStorage", S),
                ("torch._utils", "_rebuild", U),
                ("builtins", "set", D),
                ("torch", "a.b", S),
            ],
        );
        let e = Policy::parse("allow x.y\npermit a.b\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(Policy::parse("allow os").is_err());
        assert!(Policy::parse("allow a.b c").is_err());
    }

    #[test]
    fn a_wildcard_never_allows_a_dangerous_entry_and_dotted_names_resolve_as_cpython_does() {
        judged(
            &Policy::parse("allow numpy.*\n").unwrap(),
            &[
                ("numpy.testing._private.utils", "runstring", D),
                ("numpy", "load", D),
                ("numpy.core.multiarray", "_reconstruct", S),
                ("numpy", "core.multiarray._reconstruct", S),
            ],
        );
        judged(
            &Policy::parse("allow numpy.load\n").unwrap(),
            &[("numpy", "load", S)],
        );
        judged(
            &Policy::default_policy(),
            &[
                ("torch", "hub.load", D),
                ("idlelib", "calltip.get_entity", D),
                ("_posixsubprocess", "fork_exec", D),
                ("logging", "FileHandler", D),
                ("_imp", "load_dynamic", D),
                ("uuid", "_get_command_stdout", D),
                ("imaplib", "IMAP4_stream", D),
                ("builtins", "bytes.fromhex", U),
            ],
        );
    }

    #[test]
    fn the_ml_preset_allows_checkpoint_globals_and_nothing_dangerous() {
        judged(
            &Policy::preset("ml").unwrap(),
            &[
                ("torch._utils", "_rebuild_tensor_v2", S),
                ("collections", "OrderedDict", S),
                ("torch", "load", D),
                ("torch", "Tensor", U),
            ],
        );
        judged(
            &Policy::default_policy(),
            &[("torch._utils", "_rebuild_tensor_v2", U)],
        );
        assert!(Policy::preset("nope").is_none());
        for name in ML_ALLOWED {
            let (m, n) = name.rsplit_once('.').unwrap();
            assert_eq!(
                builtin_judgement(m, n, name).0,
                Severity::Suspicious,
                "{name}"
            );
        }
    }
}
