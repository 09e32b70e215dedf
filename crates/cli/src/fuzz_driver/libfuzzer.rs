//! Reading libFuzzer's output and per-target options files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one fuzzing run measured, parsed from libFuzzer's output.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// `stat::number_of_executed_units`, else the last `#N` status line.
    pub execs: Option<u64>,
    /// `stat::average_exec_per_sec`, else the last `exec/s:` figure.
    pub exec_per_sec: Option<u64>,
    /// `cov:` of the last `#N ... cov: X ft: Y` line.
    pub cov: Option<u64>,
    /// `ft:` (coverage features) of that line.
    pub ft: Option<u64>,
    /// `stat::peak_rss_mb`, else the largest `rss: NMb`.
    pub peak_rss_mb: Option<u64>,
    /// `stat::new_units_added`.
    pub new_units: Option<u64>,
}

fn field(line: &str, key: &str) -> Option<u64> {
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        if w == key {
            let v = words.next()?;
            let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
            return digits.parse().ok();
        }
    }
    None
}

/// Parses libFuzzer's log (stderr): status lines such as
/// `#123\tNEW    cov: 10 ft: 20 corp: 3/4b exec/s: 100 rss: 30Mb` and the
/// `stat::` lines printed with `-print_final_stats=1`.
pub fn parse_stats(log: &str) -> Stats {
    let mut s = Stats::default();
    let mut last_n = None;
    let mut last_eps = None;
    let mut max_rss = None::<u64>;
    for line in log.lines() {
        let line = line.trim_end();
        if let Some(rest) = line.strip_prefix("stat::") {
            let Some((k, v)) = rest.split_once(':') else {
                continue;
            };
            let v: Option<u64> = v.trim().parse().ok();
            match k.trim() {
                "number_of_executed_units" => s.execs = v,
                "average_exec_per_sec" => s.exec_per_sec = v,
                "peak_rss_mb" => s.peak_rss_mb = v,
                "new_units_added" => s.new_units = v,
                _ => {}
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            let n: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let Ok(n) = n.parse::<u64>() else { continue };
            last_n = Some(n);
            if let Some(e) = field(line, "exec/s:") {
                last_eps = Some(e);
            }
            if let Some(r) = field(line, "rss:") {
                max_rss = Some(max_rss.map_or(r, |m| m.max(r)));
            }
            if let (Some(c), Some(f)) = (field(line, "cov:"), field(line, "ft:")) {
                s.cov = Some(c);
                s.ft = Some(f);
            }
        }
    }
    s.execs = s.execs.or(last_n);
    s.exec_per_sec = s.exec_per_sec.or(last_eps);
    s.peak_rss_mb = match (s.peak_rss_mb, max_rss) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    s
}

/// A target's `fuzz/options/<target>.options`: the `[libfuzzer]` section,
/// and the `[crossfmt]` section saying what the target takes
/// (`crossfmt::fuzz::options_text`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub libfuzzer: BTreeMap<String, String>,
    pub crossfmt: BTreeMap<String, String>,
}

impl Options {
    /// Parses the INI text; keys outside `[libfuzzer]` and `[crossfmt]`
    /// are ignored.
    pub fn parse(text: &str) -> Options {
        let mut out = Options::default();
        let mut section = None;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if line.starts_with('[') {
                section = match line {
                    "[libfuzzer]" => Some(&mut out.libfuzzer),
                    "[crossfmt]" => Some(&mut out.crossfmt),
                    _ => None,
                };
                continue;
            }
            if let (Some(map), Some((k, v))) = (section.as_mut(), line.split_once('=')) {
                map.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
        out
    }

    /// The target `name` as its `[crossfmt]` section describes it.
    pub fn target(&self, name: &str) -> Result<crossfmt::fuzz::Target, String> {
        let get = |k: &str| self.crossfmt.get(k).map(String::as_str);
        let mut t = crossfmt::fuzz::described_target(name, get("check"), get("format"))?;
        if let Some(n) = self.libfuzzer.get("max_len").and_then(|v| v.parse().ok()) {
            t.max_len = n;
        }
        Ok(t)
    }

    /// Reads `dir/<target>.options`; absent means no options.
    pub fn load(dir: &Path, target: &str) -> std::io::Result<Options> {
        match std::fs::read_to_string(dir.join(format!("{target}.options"))) {
            Ok(t) => Ok(Options::parse(&t)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Options::default()),
            Err(e) => Err(e),
        }
    }

    /// The dictionary named by `dict`, looked for next to the options file,
    /// then in `dict_dir` under its file name.
    pub fn dict(&self, options_dir: &Path, dict_dir: &Path) -> Option<PathBuf> {
        let d = self.libfuzzer.get("dict")?;
        let rel = options_dir.join(d);
        if rel.is_file() {
            return Some(rel);
        }
        let by_name = dict_dir.join(Path::new(d).file_name()?);
        by_name.is_file().then_some(by_name)
    }

    /// libFuzzer flags for the options other than `dict`
    /// (`-max_len=…`, `-timeout=…`, …), in a stable order.
    pub fn flags(&self) -> Vec<String> {
        self.libfuzzer
            .iter()
            .filter(|(k, _)| *k != "dict")
            .map(|(k, v)| format!("-{k}={v}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_flags() {
        let o = Options::parse(
            "# comment\n[other]\nx = 1\n[libfuzzer]\nmax_len = 4096\ntimeout=10\ndict = msgpack.dict\n",
        );
        assert_eq!(o.flags(), vec!["-max_len=4096", "-timeout=10"]);
        assert_eq!(o.libfuzzer["dict"], "msgpack.dict");
    }

    #[test]
    fn stats_without_final_stats_fall_back_to_status_lines() {
        let s = parse_stats("#2\tINITED cov: 5 ft: 6 corp: 1/1b exec/s: 0 rss: 30Mb\n#99\tNEW    cov: 7 ft: 9 corp: 2/3b lim: 4 exec/s: 50 rss: 31Mb L: 2/2 MS: 1 ChangeBit-\n");
        assert_eq!(s.execs, Some(99));
        assert_eq!(s.exec_per_sec, Some(50));
        assert_eq!((s.cov, s.ft), (Some(7), Some(9)));
        assert_eq!(s.peak_rss_mb, Some(31));
    }
}
