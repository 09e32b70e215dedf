//! `crossfmt init`: sets up a codec author's crate for crossfmt — the test
//! that runs every check and conformance suite, the known-findings list, a
//! cargo-fuzz crate of two-line targets with their options and dictionary,
//! and the ClusterFuzzLite build and workflows.

use anyhow::{anyhow, bail, Context, Result};
use crossfmt::fuzz::{self, Target};
use crossfmt::Format;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const AFTER_HELP: &str = "\
Writes, under --path (the crate's directory, where its Cargo.toml is):

  tests/crossfmt.rs        cargo test runs every check on the codec: round trip,
                           cross-format and differential over crossfmt's corpus and
                           generated values, its format's conformance suites, and
                           the inputs the fuzz targets saved (fuzz/regressions/)
  crossfmt-known.txt       findings you have judged (the test and the fuzz targets
                           do not fail on them)
  fuzz/                    a cargo-fuzz crate: one two-line target per check that
                           fuzzes one codec (decode, roundtrip_value, differential
                           against each built-in implementation of the format),
                           options/<target>.options, dict/<format>.dict
  .clusterfuzzlite/        project.yaml, Dockerfile, build.sh: the same targets on
                           ClusterFuzzLite or OSS-Fuzz, seeded from crossfmt's corpus
  .github/workflows/       cflite_pr.yml (every pull request), cflite_batch.yml (nightly)

Nothing is written when any of these files exists (they are listed). The crate
needs crossfmt as a dev-dependency; init prints the command when it is missing.

Exit status: 0 written; 2 usage error, a file in the way, or an unreadable crate.";

/// What `crossfmt init` takes.
#[derive(clap::Args)]
pub struct InitArgs {
    /// The Rust expression that makes the codec, as the test and the fuzz
    /// targets will write it: a value whose type implements crossfmt::Codec,
    /// e.g. `my_cbor::crossfmt::Codec::default()`.
    #[arg(long, value_name = "EXPR")]
    codec: String,
    /// The codec's format: msgpack, cbor, json, pickle, protobuf, struct.
    #[arg(long, short)]
    format: Format,
    /// The codec's id (what its Codec::id returns), for the examples in
    /// crossfmt-known.txt. Default: FORMAT/PACKAGE (e.g. cbor/my-cbor).
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// The crate to set up: the directory of its Cargo.toml.
    #[arg(long, default_value = ".", value_name = "DIR")]
    path: PathBuf,
    /// Depend on crossfmt from this checkout (path dependencies) rather than
    /// crates.io.
    #[arg(long, value_name = "DIR")]
    crossfmt_path: Option<PathBuf>,
}

/// One file to write: its path under the crate, its text, executable or not.
struct File {
    path: PathBuf,
    text: String,
    executable: bool,
}

fn file(path: impl Into<PathBuf>, text: impl Into<String>) -> File {
    File {
        path: path.into(),
        text: text.into(),
        executable: false,
    }
}

/// `template` with each `{{key}}` replaced by its value.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{{{k}}}}}"), v);
    }
    // A placeholder left over is a template and its caller out of step.
    debug_assert!(!s.contains("{{"), "{s}");
    s
}

/// The crate's package name and whether crossfmt is one of its
/// dev-dependencies, from its Cargo.toml.
fn read_manifest(dir: &Path) -> Result<(String, bool)> {
    let path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading {} (--path names the crate's directory)",
            path.display()
        )
    })?;
    let doc: toml::Table = text
        .parse()
        .with_context(|| format!("parsing {}", path.display()))?;
    let name = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
        .ok_or_else(|| {
            anyhow!(
                "{} has no [package] name (a workspace root? point --path at the codec's crate)",
                path.display()
            )
        })?
        .to_string();
    let has_dev = doc
        .get("dev-dependencies")
        .and_then(|d| d.as_table())
        .is_some_and(|d| d.contains_key("crossfmt"));
    Ok((name, has_dev))
}

/// Where crossfmt's crates come from: the dependency spec of
/// `crossfmt-fuzz` in the fuzz crate.
struct Source {
    fuzz: String,
}

fn source(checkout: Option<&Path>) -> Result<Source> {
    let version = env!("CARGO_PKG_VERSION");
    let Some(dir) = checkout else {
        return Ok(Source {
            fuzz: format!("\"{version}\""),
        });
    };
    let dir = dir
        .canonicalize()
        .with_context(|| format!("--crossfmt-path {}", dir.display()))?;
    let d = dir.join("crates/fuzz");
    if !d.join("Cargo.toml").is_file() {
        bail!(
            "--crossfmt-path {}: no crates/fuzz/Cargo.toml (expected a crossfmt checkout)",
            dir.display()
        );
    }
    Ok(Source {
        fuzz: format!("{{ path = {:?} }}", d.display().to_string()),
    })
}

/// Every file init writes for `args`, in the order they are listed.
fn files(args: &InitArgs, name: &str, src: &Source) -> Result<Vec<File>> {
    let codec_id = args
        .id
        .clone()
        .unwrap_or_else(|| format!("{}/{name}", args.format.name()));
    let targets: Vec<Target> = fuzz::targets_for(args.format);
    let mut out = vec![
        file(
            "tests/crossfmt.rs",
            fill(
                include_str!("../templates/test.rs"),
                &[("codec", &args.codec)],
            ),
        ),
        file(
            "crossfmt-known.txt",
            fill(
                include_str!("../templates/crossfmt-known.txt"),
                &[("name", name), ("codec_id", &codec_id)],
            ),
        ),
    ];

    let mut manifest = fill(
        include_str!("../templates/fuzz-Cargo.toml"),
        &[("name", name), ("crossfmt_fuzz", &src.fuzz)],
    );
    for t in &targets {
        let _ = write!(
            manifest,
            "\n[[bin]]\nname = \"{0}\"\npath = \"fuzz_targets/{0}.rs\"\ntest = false\ndoc = false\nbench = false\n",
            t.name
        );
    }
    out.push(file("fuzz/Cargo.toml", manifest));
    out.push(file(
        "fuzz/.gitignore",
        include_str!("../templates/fuzz-gitignore"),
    ));
    for t in &targets {
        let about = match t.codecs.as_slice() {
            [] => about(t),
            peers => format!("{}, against {}", about(t), peers.join(", ")),
        };
        out.push(file(
            format!("fuzz/fuzz_targets/{}.rs", t.name),
            fill(
                include_str!("../templates/target.rs"),
                &[
                    ("target", &t.name),
                    ("name", name),
                    ("about", &about),
                    ("codec", &args.codec),
                ],
            ),
        ));
        out.push(file(
            format!("fuzz/options/{}.options", t.name),
            fuzz::options_text(t),
        ));
    }
    let dict = format!("{}.dict", args.format.name());
    if let Some(d) = crossfmt::data::dictionary(args.format.name()) {
        let text =
            std::fs::read_to_string(&d).with_context(|| format!("reading {}", d.display()))?;
        out.push(file(format!("fuzz/dict/{dict}"), text));
    }

    out.push(file(
        ".clusterfuzzlite/project.yaml",
        include_str!("../templates/project.yaml"),
    ));
    out.push(file(
        ".clusterfuzzlite/Dockerfile",
        fill(
            include_str!("../templates/Dockerfile"),
            &[
                ("name", name),
                (
                    "crossfmt_install",
                    &format!("crossfmt-cli --version {}", env!("CARGO_PKG_VERSION")),
                ),
            ],
        ),
    ));
    out.push(File {
        path: ".clusterfuzzlite/build.sh".into(),
        text: include_str!("../templates/build.sh").into(),
        executable: true,
    });
    out.push(file(
        ".github/workflows/cflite_pr.yml",
        include_str!("../templates/cflite_pr.yml"),
    ));
    out.push(file(
        ".github/workflows/cflite_batch.yml",
        include_str!("../templates/cflite_batch.yml"),
    ));
    Ok(out)
}

/// One line on what a target does, for its file's comment.
fn about(t: &Target) -> String {
    let check = t.check.unwrap_or("?");
    match t.format {
        Some(f) => format!("the {check} check on {f} bytes"),
        None => format!("the {check} check on generated values"),
    }
}

/// Runs `crossfmt init`.
pub fn cmd_init(args: InitArgs) -> Result<ExitCode> {
    let dir = &args.path;
    let (name, has_dev) = read_manifest(dir)?;
    let src = source(args.crossfmt_path.as_deref())?;
    let files = files(&args, &name, &src)?;
    let in_the_way: Vec<String> = files
        .iter()
        .filter(|f| dir.join(&f.path).exists())
        .map(|f| format!("  {}", f.path.display()))
        .collect();
    if !in_the_way.is_empty() {
        bail!(
            "{} already has {} of the files init writes; nothing written. Move them aside to start over:\n{}",
            dir.display(),
            in_the_way.len(),
            in_the_way.join("\n")
        );
    }
    for f in &files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &f.text).with_context(|| format!("writing {}", path.display()))?;
        if f.executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("making {} executable", path.display()))?;
        }
    }
    println!(
        "crossfmt init: wrote {} files for {name}'s {} codec in {}:",
        files.len(),
        args.format,
        dir.display()
    );
    for f in &files {
        println!("  {}", f.path.display());
    }
    println!("\nNext:");
    if !has_dev {
        let add = match &args.crossfmt_path {
            Some(p) => format!(
                "cargo add --dev crossfmt --path {}",
                p.join("crates/crossfmt").display()
            ),
            None => "cargo add --dev crossfmt".to_string(),
        };
        println!("  {add:<52} # the test's dependency");
    }
    println!(
        "  {:<52} # every check; findings are listed one per cause",
        "cargo test --test crossfmt"
    );
    println!(
        "  {:<52} # fuzz each target 60 s (installs cargo-fuzz)",
        format!(
            "crossfmt fuzz --root {} --seconds-per-target 60",
            dir.display()
        )
    );
    println!(
        "Judged findings go in crossfmt-known.txt. Commit .clusterfuzzlite/ and\n\
         .github/workflows/ to fuzz every pull request and nightly with ClusterFuzzLite\n\
         (its image installs crossfmt-cli {} from crates.io).",
        env!("CARGO_PKG_VERSION")
    );
    Ok(ExitCode::SUCCESS)
}
