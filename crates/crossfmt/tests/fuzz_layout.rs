//! The cargo-fuzz crate in `fuzz/` matches `crossfmt::fuzz::targets()`: one
//! `[[bin]]` and one two-line target file per target, options files equal to
//! `options_text`, a dictionary for every format a target names.
//!
//! `CROSSFMT_BLESS=1 cargo test --test fuzz_layout` rewrites the generated
//! files (target sources, options) instead of comparing them; `[[bin]]`
//! sections are written by hand (the test prints the missing ones).

use crossfmt::fuzz::{dict_formats, options_text, targets};
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

fn fuzz_dir() -> PathBuf {
    crate::util::root().join("fuzz")
}

fn bless() -> bool {
    std::env::var_os("CROSSFMT_BLESS").is_some()
}

/// `name`s of the `[[bin]]` sections of fuzz/Cargo.toml, with their paths.
fn bins() -> Vec<(String, String)> {
    let text = fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap();
    let mut out = Vec::new();
    for section in text.split("[[bin]]").skip(1) {
        let field = |key: &str| {
            section
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
                })
                .unwrap_or_default()
        };
        assert_eq!(field("test"), "false", "{section}");
        assert_eq!(field("doc"), "false", "{section}");
        assert_eq!(field("bench"), "false", "{section}");
        out.push((field("name"), field("path")));
    }
    out
}

fn target_source(name: &str) -> String {
    format!("#![no_main]\ncrossfmt_fuzz::target!({name});\n")
}

#[test]
fn one_bin_and_one_thin_source_per_target() {
    let names: BTreeSet<String> = targets().into_iter().map(|t| t.name).collect();
    let bins = bins();
    let bin_names: BTreeSet<String> = bins.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(bins.len(), bin_names.len(), "duplicate [[bin]] names");
    let missing: Vec<_> = names.difference(&bin_names).collect();
    let extra: Vec<_> = bin_names.difference(&names).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "fuzz/Cargo.toml [[bin]]s: missing {missing:?}, not a target {extra:?}"
    );
    for (name, path) in &bins {
        assert_eq!(path, &format!("fuzz_targets/{name}.rs"));
        let file = fuzz_dir().join(path);
        if bless() {
            fs::write(&file, target_source(name)).unwrap();
        }
        assert_eq!(
            fs::read_to_string(&file).unwrap_or_default(),
            target_source(name),
            "{}",
            file.display()
        );
    }
    let files: BTreeSet<String> = fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let want: BTreeSet<String> = names.iter().map(|n| format!("{n}.rs")).collect();
    assert_eq!(files, want, "stray or missing files in fuzz/fuzz_targets");
}

#[test]
fn options_are_as_generated() {
    let dir = fuzz_dir().join("options");
    let mut want = BTreeSet::new();
    for t in targets() {
        let file = dir.join(format!("{}.options", t.name));
        want.insert(format!("{}.options", t.name));
        if bless() {
            fs::create_dir_all(&dir).unwrap();
            fs::write(&file, options_text(&t)).unwrap();
        }
        assert_eq!(
            fs::read_to_string(&file).unwrap_or_default(),
            options_text(&t),
            "{} differs from crossfmt::fuzz::options_text; rerun with CROSSFMT_BLESS=1",
            file.display()
        );
    }
    let files: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, want, "stray or missing files in fuzz/options");
}

#[test]
fn every_dictionary_named_exists_and_parses() {
    let dir = fuzz_dir().join("dict");
    let want: BTreeSet<String> = dict_formats()
        .iter()
        .map(|f| format!("{}.dict", f.name()))
        .collect();
    let files: BTreeSet<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files, want,
        "fuzz/dict must hold exactly the named dictionaries"
    );
    for t in targets() {
        if let Some(d) = t.dict() {
            assert!(want.contains(&d), "{}: {d}", t.name);
        }
    }
    // libFuzzer syntax: `name="..."` with \xNN, \\ and \" escapes only.
    for f in &files {
        let text = fs::read_to_string(dir.join(f)).unwrap();
        let mut entries = 0;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (_, q) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("{f}:{}: no `=`", i + 1));
            assert!(
                q.len() >= 2 && q.starts_with('"') && q.ends_with('"'),
                "{f}:{}: value not quoted",
                i + 1
            );
            let body = &q[1..q.len() - 1];
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('\\') | Some('"') => {}
                        Some('x') => {
                            let h: String = chars.by_ref().take(2).collect();
                            assert!(
                                h.len() == 2 && u8::from_str_radix(&h, 16).is_ok(),
                                "{f}:{}: bad \\x escape",
                                i + 1
                            );
                        }
                        other => panic!("{f}:{}: bad escape {other:?}", i + 1),
                    }
                } else {
                    assert!(c != '"' && (' '..='~').contains(&c), "{f}:{}: {c:?}", i + 1);
                }
            }
            entries += 1;
        }
        assert!(entries >= 10, "{f}: only {entries} entries");
    }
}

#[test]
fn seeds_cover_every_target() {
    let out = std::env::temp_dir().join(format!("crossfmt-seeds-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    let corpus = crossfmt::corpus::load(&crossfmt::corpus::builtin_root()).unwrap();
    let regressions = corpus.root.join("regressions");
    let seeds = || {
        crossfmt::fuzz::materialise_seeds(
            &corpus,
            &crossfmt::Registry::builtin(),
            &targets(),
            &regressions,
            &out,
        )
        .unwrap()
    };
    let stats = seeds();
    for t in targets() {
        let n = stats.per_target[&t.name];
        let on_disk = fs::read_dir(out.join(&t.name)).unwrap().count();
        assert_eq!(n, on_disk, "{}", t.name);
        if t.takes_bytes() {
            // Corpus bytes of the format plus encodings of the corpus values.
            assert!(n >= 50, "{}: {n} seeds", t.name);
        } else {
            assert!(n >= crossfmt::fuzz::RANDOM_SEEDS, "{}: {n} seeds", t.name);
        }
    }
    // Deterministic: a second run writes the same files.
    assert_eq!(stats, seeds());
    // A target's saved crash inputs are among its seeds.
    let saved = fs::read(
        regressions
            .join("planted_decode")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
    )
    .unwrap();
    let name = crossfmt::corpus::content_name(&saved);
    assert_eq!(
        fs::read(out.join("planted_decode").join(name)).unwrap(),
        saved
    );
    fs::remove_dir_all(&out).unwrap();
}
