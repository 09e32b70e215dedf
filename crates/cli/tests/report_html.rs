//! Opens the report of a real bench run in headless Chromium and checks that
//! every table and plot the report.json promises is in the rendered page,
//! saving a screenshot beside it. Ignored by default (it needs a bench run
//! and Chromium); CI runs it after `cargo bench` and `crossfmt report`:
//!
//! ```text
//! cargo test --release --test report_html -- --ignored
//! ```

use std::process::Command;

const REPORT: &str = "target/crossfmt-report";

fn chromium(args: &[&str]) -> std::process::Output {
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("chromium: {e} (Debian: apt-get install chromium)"));
    assert!(
        out.status.success(),
        "chromium {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The HTML of the element with this id, up to its closing tag.
fn element<'a>(dom: &'a str, id: &str, close: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id} in the rendered page"));
    let end = dom[start..]
        .find(close)
        .unwrap_or_else(|| panic!("#{id} is not closed by {close}"));
    &dom[start..start + end]
}

#[test]
#[ignore = "needs a bench run, `crossfmt report` and chromium; CI runs it"]
fn every_table_and_plot_renders() {
    let dir = crate::util::root().join(REPORT);
    let index = dir.join("index.html");
    assert!(
        index.exists(),
        "{} missing: run `cargo bench --bench datasets` then `crossfmt report`",
        index.display()
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let url = format!("file://{}", index.display());
    let dom = String::from_utf8(chromium(&["--dump-dom", &url]).stdout).unwrap();

    let machine = element(&dom, "machine-table", "</table>");
    assert!(machine.contains("rustc") && machine.contains("git revision"));
    let datasets = json["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 5, "five datasets");
    for ds in datasets {
        let name = ds["name"].as_str().unwrap();
        let table = element(&dom, &format!("table-{name}"), "</table>");
        let rows = ds["rows"].as_array().unwrap().len() + ds["python"].as_array().unwrap().len();
        // header + memcpy + one per row
        assert_eq!(
            table.matches("<tr>").count(),
            rows + 2,
            "{name}: table rows"
        );
        for r in ds["rows"].as_array().unwrap() {
            let id = r["implementation"].as_str().unwrap();
            assert!(
                table.contains(&format!("<td>{id}</td>")),
                "{name}: {id} not in the table"
            );
        }
        let plot = element(&dom, &format!("plot-{name}"), "</figure>");
        assert!(plot.contains("<svg"), "{name}: no svg");
        // Every row is a labelled point: `<codec name> T|D`, `py <library>`.
        let rows = ds["rows"].as_array().unwrap();
        for r in rows.iter().chain(ds["python"].as_array().unwrap()) {
            let imp = r["implementation"].as_str().unwrap();
            let label = match imp.strip_prefix("python ") {
                Some(lib) => format!("py {lib}"),
                None => {
                    let path = if r["path"] == "typed" { "T" } else { "D" };
                    format!("{} {path}", imp.split('/').nth(1).unwrap())
                }
            };
            assert!(plot.contains(&label), "{name}: no point labelled {label:?}");
        }
        // The front: a red line through red rings.
        assert!(plot.contains("<polyline"), "{name}: no Pareto line");
        assert!(
            plot.contains("stroke=\"#FF0000\""),
            "{name}: no Pareto points"
        );
        assert!(plot.contains("Pareto front"), "{name}: no legend");
    }

    // The scanner comparison, when it ran: a row per set and tool, a row
    // per family, with crossfmt's column.
    if let Some(scan) = json.get("pickle_scan").filter(|s| !s.is_null()) {
        for (id, key) in [
            ("pickle-scan-throughput", "throughput"),
            ("pickle-scan-families", "families"),
        ] {
            let table = element(&dom, id, "</table>");
            let rows = scan[key].as_array().unwrap().len();
            assert!(rows > 0, "{key}: no rows");
            assert_eq!(table.matches("<tr>").count(), rows + 1, "{id}: table rows");
        }
        let families = element(&dom, "pickle-scan-families", "</table>");
        assert!(families.contains("crossfmt") && families.contains("nested loads"));
    }

    // Pickle decoding beside CPython, when it ran: a row per input set.
    if let Some(decode) = json.get("pickle_decode").filter(|s| !s.is_null()) {
        let table = element(&dom, "pickle-decode-table", "</table>");
        let rows = decode["rows"].as_array().unwrap().len();
        assert!(rows > 0, "pickle decode: no rows");
        assert_eq!(
            table.matches("<tr>").count(),
            rows + 1,
            "pickle decode rows"
        );
        assert!(table.contains("CPython pickle.loads ms"));
    }

    // The fuzz targets with their exec/s, and the findings ledger when the
    // fuzz run kept one: a row per target, a row per signature.
    if let Some(fuzz) = json.get("fuzz").filter(|s| !s.is_null()) {
        let table = element(&dom, "fuzz-table", "</table>");
        let rows = fuzz.as_array().unwrap().len();
        assert_eq!(table.matches("<tr>").count(), rows + 1, "fuzz rows");
        assert!(table.contains("exec/s"));
        if let Some(ledger) = json.get("fuzz_ledger").filter(|s| !s.is_null()) {
            let table = element(&dom, "fuzz-ledger-table", "</table>");
            let rows = ledger.as_array().unwrap().len();
            assert_eq!(table.matches("<tr>").count(), rows + 1, "ledger rows");
        }
        // The coverage per target, linked to its own page, when it ran.
        if let Some(cov) = json.get("fuzz_coverage").filter(|s| !s.is_null()) {
            let table = element(&dom, "fuzz-coverage-table", "</table>");
            let rows = cov["targets"].as_array().unwrap().len();
            assert_eq!(table.matches("<tr>").count(), rows + 1, "coverage rows");
            let link = element(&dom, "fuzz-coverage-link", "</a>");
            let href = cov["index"].as_str().unwrap();
            assert!(link.contains(href), "{link}");
            assert!(dir.join(href).is_file(), "{href} from the report");
        }
    }

    let shot = dir.join("screenshot.png");
    let _ = std::fs::remove_file(&shot);
    chromium(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1280,4000",
        &url,
    ]);
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.len() > 10_000 && png.starts_with(b"\x89PNG"),
        "screenshot {}",
        shot.display()
    );
}

/// The coverage pages of `crossfmt fuzz --coverage` (CI's fuzz smoke writes
/// them): the overview lists every target and every file, each target's
/// link opens llvm-cov's report, and the pickle machine and the struct
/// engine were reached.
#[test]
#[ignore = "needs `crossfmt fuzz --coverage` and chromium; CI runs it"]
fn the_coverage_pages_render() {
    let dir = crate::util::root().join("target/crossfmt-fuzz/coverage");
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("summary.json"))
            .expect("run crossfmt fuzz --coverage first"),
    )
    .unwrap();
    let index = dir.join("index.html");
    let dom =
        String::from_utf8(chromium(&["--dump-dom", &format!("file://{}", index.display())]).stdout)
            .unwrap();
    let targets = summary["targets"].as_array().unwrap();
    let table = element(&dom, "coverage-targets", "</table>");
    assert_eq!(table.matches("<tr>").count(), targets.len() + 1);
    let files = summary["files"].as_array().unwrap();
    let table = element(&dom, "coverage-files", "</table>");
    assert_eq!(table.matches("<tr>").count(), files.len() + 1);
    for t in targets {
        assert_eq!(t["status"], "ok", "{t}");
        let page = dir.join(t["html"].as_str().unwrap());
        assert!(page.is_file(), "{}", page.display());
    }
    let covered = |path: &str| {
        files
            .iter()
            .find(|f| f["path"] == path)
            .and_then(|f| f["lines"]["covered"].as_u64())
            .unwrap_or_else(|| panic!("{path} not in the coverage"))
    };
    for f in [
        "crates/pickle/src/machine.rs",
        "crates/pystruct/src/unpack.rs",
        "crates/codecs/src/msgpack.rs",
    ] {
        assert!(covered(f) > 0, "{f}: nothing covered");
    }
    // llvm-cov's page of all targets together opens and names the files.
    let all = dir.join(summary["all_html"].as_str().unwrap());
    let all_dom =
        String::from_utf8(chromium(&["--dump-dom", &format!("file://{}", all.display())]).stdout)
            .unwrap();
    assert!(
        all_dom.contains("pickle/src/machine.rs"),
        "all targets page"
    );
    let shot = dir.join("screenshot.png");
    let _ = std::fs::remove_file(&shot);
    chromium(&[
        &format!("--screenshot={}", shot.display()),
        "--window-size=1280,2000",
        &format!("file://{}", index.display()),
    ]);
    let png = std::fs::read(&shot).unwrap();
    assert!(png.len() > 10_000 && png.starts_with(b"\x89PNG"));
}
