//! Which imported globals are safe, suspicious or dangerous.
//!
//! The default is an allowlist: the globals CPython itself writes when it
//! pickles native data (`builtins.set`/`frozenset`/`bytearray`/`bytes`,
//! `_codecs.encode` for bytes
//! before protocol 3) plus the other plain builtin types, which construct
//! data and run nothing else. Every other global is suspicious; one in the
//! known-dangerous list (modules that run commands, open files or sockets,
//! import or evaluate code, or unpickle again; builtins such as `eval`,
//! `getattr`, `__import__`) is dangerous.
//!
//! `copyreg._reconstructor` is not allowed by default: CPython writes it for
//! plain objects of user classes, which always come with a second, user
//! global (the class) — and `_reconstructor(cls, base, state)` calls
//! `base.__init__` on an arbitrary class. Allow it in a policy file together
//! with the classes you trust.
//!
//! Dotted names (`STACK_GLOBAL` `logging` + `os.system`, which protocol 4's
//! `find_class` resolves attribute by attribute) are never allowed: one is
//! dangerous when any segment is a dangerous module or builtin name or a
//! dunder attribute (`__globals__`, `__builtins__`...), suspicious otherwise.
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
//! ones; among file rules an exact pattern beats a wildcard, and the longer
//! wildcard beats the shorter. The allowlist never reaches into dotted
//! names. Python 2 module names that CPython's `find_class` maps
//! (`__builtin__`, `copy_reg`, `cPickle`) are judged as their Python 3
//! names, so `allow builtins.x` covers `__builtin__.x` too.

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
    "_codecs.encode",
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
    "joblib",
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
    "torch.hub",
    "torch.jit",
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
}

/// A policy file line that is not a rule.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PolicyError {
    pub line: usize,
    pub message: String,
}

impl Policy {
    /// The built-in rules only.
    pub fn default_policy() -> Self {
        Self::default()
    }

    /// The built-in rules with a policy file's rules on top (see the module
    /// documentation for the format).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let mut p = Self::default();
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
        Ok(p)
    }

    /// The verdict on importing `name` from `module`, and why when not safe.
    pub fn judge(&self, module: &str, name: &str) -> (Severity, &'static str) {
        let module = python2_name(module);
        if name.contains('.') {
            return dotted(module, name);
        }
        let full = format!("{module}.{name}");
        if let Some(&s) = self.exact.get(&full) {
            return (s, "policy file");
        }
        if let Some((_, s)) = self
            .wildcards
            .iter()
            .find(|(m, _)| module == m || module.starts_with(&format!("{m}.")))
        {
            return (*s, "policy file");
        }
        if ALLOWED.contains(&full.as_str()) {
            return (Severity::Safe, "allowlisted");
        }
        if is_dangerous_module(module) {
            return (Severity::Dangerous, "known-dangerous module");
        }
        if module == "builtins" && DANGEROUS_BUILTINS.contains(&name) {
            return (Severity::Dangerous, "known-dangerous builtin");
        }
        (Severity::Suspicious, "not in the allowlist")
    }
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

fn dotted(module: &str, name: &str) -> (Severity, &'static str) {
    let dangerous = is_dangerous_module(module)
        || module.split('.').chain(name.split('.')).any(|seg| {
            DANGEROUS_MODULES.contains(&seg)
                || DANGEROUS_BUILTINS.contains(&seg)
                || (seg.starts_with("__") && seg.ends_with("__"))
        });
    if dangerous {
        (
            Severity::Dangerous,
            "dotted name reaching a dangerous attribute",
        )
    } else {
        (Severity::Suspicious, "dotted name (attribute chain)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let p = Policy::default_policy();
        assert_eq!(p.judge("builtins", "set").0, Severity::Safe);
        assert_eq!(p.judge("_codecs", "encode").0, Severity::Safe);
        assert_eq!(p.judge("os", "system").0, Severity::Dangerous);
        assert_eq!(p.judge("os.path", "join").0, Severity::Dangerous);
        assert_eq!(p.judge("osx", "thing").0, Severity::Suspicious);
        assert_eq!(p.judge("builtins", "getattr").0, Severity::Dangerous);
        assert_eq!(
            p.judge("collections", "OrderedDict").0,
            Severity::Suspicious
        );
        assert_eq!(p.judge("logging", "os.system").0, Severity::Dangerous);
        assert_eq!(p.judge("builtins", "set.__init__").0, Severity::Dangerous);
        assert_eq!(
            p.judge("collections", "abc.Mapping").0,
            Severity::Suspicious
        );
    }

    #[test]
    fn file_rules_win_and_bad_lines_are_named() {
        let p = Policy::parse(
            "# trusted\nallow collections.OrderedDict\nallow torch.*\nsuspicious torch._utils.*\n\
             dangerous builtins.set\n",
        )
        .unwrap();
        assert_eq!(p.judge("collections", "OrderedDict").0, Severity::Safe);
        assert_eq!(p.judge("torch", "FloatStorage").0, Severity::Safe);
        assert_eq!(p.judge("torch._utils", "_rebuild").0, Severity::Suspicious);
        assert_eq!(p.judge("builtins", "set").0, Severity::Dangerous);
        assert_eq!(p.judge("torch", "a.b").0, Severity::Suspicious);
        let e = Policy::parse("allow x.y\npermit a.b\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(Policy::parse("allow os").is_err());
        assert!(Policy::parse("allow a.b c").is_err());
    }
}
