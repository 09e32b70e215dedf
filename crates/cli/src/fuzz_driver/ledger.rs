//! The findings ledger: `ledger.json` in the fuzz output directory, one
//! entry per signature across nights, so that a nightly job tells what is
//! new, what keeps coming back, what was fixed and what came back after a
//! fix. The directory is what a CI cache or ClusterFuzzLite's storage
//! carries from one night to the next.
//!
//! A night's transitions, per signature:
//!
//! | before | seen this run | not seen this run |
//! |---|---|---|
//! | — | `new` | — |
//! | `new`, `known`, `regressed` | `known` | `fixed` when its saved input no longer crashes the target the same way, else unchanged |
//! | `fixed` | `regressed` | `fixed` |
//!
//! `times_seen` counts the runs that saw it (several crashes of one
//! signature in one run count once). The ledger is written after every
//! crash the driver handles, through a temporary file and a rename, so an
//! interrupted run keeps every finding it made.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The file's name in the output directory.
pub const FILE: &str = "ledger.json";

/// The version of the file's layout this driver writes and reads.
pub const VERSION: u32 = 1;

/// Where a finding stands after the latest run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// First seen in the latest run.
    New,
    /// Seen before, and seen again or still reproducing.
    Known,
    /// Its saved input no longer crashes the target the same way.
    Fixed,
    /// Fixed before, seen again in the latest run.
    Regressed,
}

impl Status {
    /// Still to be dealt with (everything but `fixed`).
    pub fn is_open(self) -> bool {
        self != Status::Fixed
    }

    /// Its name in the file.
    pub fn name(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Known => "known",
            Status::Fixed => "fixed",
            Status::Regressed => "regressed",
        }
    }
}

/// One signature's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The fuzz target that found it.
    pub target: String,
    /// `finding`, `panic`, `stack-overflow`, `timeout`, …
    pub kind: String,
    /// One line: what happened.
    pub title: String,
    /// Unix seconds of the run that first saw it.
    pub first_seen: u64,
    /// Unix seconds of the latest run that saw it.
    pub last_seen: u64,
    /// How many runs saw it.
    pub times_seen: u64,
    /// Where it stands.
    pub status: Status,
    /// Its saved input (relative to the crate root), which the next runs
    /// replay to tell whether it was fixed.
    pub regression: Option<String>,
}

/// The whole ledger: entries by signature.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    /// The layout's version ([`VERSION`]).
    pub version: u32,
    /// Unix seconds of the latest run that updated it.
    pub updated: u64,
    /// Entries by signature.
    pub entries: BTreeMap<String, Entry>,
    /// Signatures seen by the run in progress (not saved).
    #[serde(skip)]
    seen: BTreeSet<String>,
}

/// A crash as the ledger takes it.
pub struct Sighting<'a> {
    pub signature: &'a str,
    pub target: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    /// Not known before this run (no saved input had its signature).
    pub new: bool,
    pub regression: Option<&'a str>,
}

impl Ledger {
    /// Reads `dir/ledger.json`; an empty ledger when there is none. A file
    /// that does not parse is an error naming it (the run stops before it
    /// fuzzes, so nothing is lost; move the file aside to start afresh).
    pub fn load(dir: &Path) -> Result<Ledger> {
        let path = dir.join(FILE);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Ledger {
                    version: VERSION,
                    ..Ledger::default()
                })
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let ledger: Ledger = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a findings ledger", path.display()))?;
        if ledger.version != VERSION {
            anyhow::bail!(
                "{}: ledger version {} (this crossfmt reads {VERSION})",
                path.display(),
                ledger.version
            );
        }
        Ok(ledger)
    }

    /// Writes `dir/ledger.json` whole or not at all (a temporary file, then
    /// a rename).
    pub fn save(&self, dir: &Path) -> Result<PathBuf> {
        fs::create_dir_all(dir)?;
        let path = dir.join(FILE);
        let tmp = dir.join(format!("{FILE}.tmp"));
        fs::write(&tmp, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("writing {}", tmp.display()))?;
        fs::rename(&tmp, &path).with_context(|| format!("renaming to {}", path.display()))?;
        Ok(path)
    }

    /// Records a crash of the run that started at `now`.
    pub fn record(&mut self, s: &Sighting, now: u64) {
        self.updated = now;
        let first_this_run = self.seen.insert(s.signature.to_string());
        match self.entries.get_mut(s.signature) {
            Some(e) => {
                if first_this_run {
                    e.times_seen += 1;
                    e.status = match e.status {
                        Status::Fixed => Status::Regressed,
                        _ => Status::Known,
                    };
                }
                e.last_seen = now;
                if e.regression.is_none() {
                    e.regression = s.regression.map(str::to_string);
                }
            }
            None => {
                self.entries.insert(
                    s.signature.to_string(),
                    Entry {
                        target: s.target.to_string(),
                        kind: s.kind.to_string(),
                        title: s.title.to_string(),
                        first_seen: now,
                        last_seen: now,
                        times_seen: 1,
                        status: if s.new { Status::New } else { Status::Known },
                        regression: s.regression.map(str::to_string),
                    },
                );
            }
        }
    }

    /// The open entries of `targets` this run did not see, with their saved
    /// input: what [`Ledger::settle`] asks to replay.
    pub fn unseen(&self, targets: &[String]) -> Vec<(String, String, String)> {
        self.entries
            .iter()
            .filter(|(sig, e)| {
                e.status.is_open() && !self.seen.contains(*sig) && targets.contains(&e.target)
            })
            .filter_map(|(sig, e)| {
                e.regression
                    .as_ref()
                    .map(|r| (sig.clone(), e.target.clone(), r.clone()))
            })
            .collect()
    }

    /// An open entry this run did not see whose saved input, replayed, no
    /// longer gives its signature: fixed.
    pub fn settle(&mut self, signature: &str, now: u64) {
        if let Some(e) = self.entries.get_mut(signature) {
            e.status = Status::Fixed;
            self.updated = now;
        }
    }

    /// How many entries stand at each status.
    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut out = BTreeMap::new();
        for e in self.entries.values() {
            *out.entry(e.status).or_insert(0) += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crash<'a>(sig: &'a str, new: bool) -> Sighting<'a> {
        Sighting {
            signature: sig,
            target: "t",
            kind: "finding",
            title: "a title",
            new,
            regression: Some("corpus/regressions/t/abc"),
        }
    }

    #[test]
    fn two_nights_count_two_and_a_fix_then_a_return_regresses() {
        let dir = tempfile::tempdir().unwrap();
        let mut night1 = Ledger::load(dir.path()).unwrap();
        night1.record(&crash("a", true), 100);
        night1.record(&crash("a", false), 100); // again the same night: once
        night1.record(&crash("b", true), 100);
        night1.save(dir.path()).unwrap();
        assert_eq!(night1.entries["a"].times_seen, 1);
        assert_eq!(night1.entries["a"].status, Status::New);

        let mut night2 = Ledger::load(dir.path()).unwrap();
        night2.record(&crash("a", false), 200);
        let unseen = night2.unseen(&["t".to_string()]);
        assert_eq!(unseen.len(), 1, "{unseen:?}");
        assert_eq!(unseen[0].0, "b");
        night2.settle("b", 200);
        night2.save(dir.path()).unwrap();
        let a = &night2.entries["a"];
        assert_eq!(
            (a.times_seen, a.status, a.first_seen, a.last_seen),
            (2, Status::Known, 100, 200)
        );
        assert_eq!(night2.entries["b"].status, Status::Fixed);

        // Not seen, fixed already: not replayed again.
        let mut night3 = Ledger::load(dir.path()).unwrap();
        night3.record(&crash("a", false), 300);
        assert!(night3.unseen(&["t".to_string()]).is_empty());
        // Seen again after the fix: regressed.
        let mut night4 = Ledger::load(dir.path()).unwrap();
        night4.record(&crash("b", false), 400);
        assert_eq!(night4.entries["b"].status, Status::Regressed);
        assert_eq!(night4.entries["b"].times_seen, 2);
    }

    #[test]
    fn a_damaged_ledger_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(FILE), "{ not json").unwrap();
        let e = format!("{:#}", Ledger::load(dir.path()).unwrap_err());
        assert!(e.contains("ledger.json is not a findings ledger"), "{e}");
    }
}
