//! SARIF 2.1.0 for code-scanning UIs: the pickle scanner's reports, and the
//! fuzz findings ledger.

use crossfmt_pickle::scan::{Kind, Report, Severity};
use serde_sarif::sarif;

fn rule_id(kind: Kind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One run, one result per finding above safe; rule ids are the finding
/// kinds, levels `error` (dangerous) and `warning` (suspicious), the byte
/// offset in `region.byteOffset`, and the pickle's place (zip member,
/// nesting) in the location's message and in `properties`.
pub fn pickle_scan(reports: &[Report]) -> String {
    let mut results = Vec::new();
    for r in reports {
        for f in &r.findings {
            if f.severity == Severity::Safe {
                continue;
            }
            let level = if f.severity == Severity::Dangerous {
                sarif::ResultLevel::Error
            } else {
                sarif::ResultLevel::Warning
            };
            let mut props = serde_json::Map::new();
            props.insert("pickle".into(), f.location.clone().into());
            if let Some(g) = &f.global {
                props.insert("global".into(), g.clone().into());
            }
            if let Some(o) = f.opcode {
                props.insert("opcode".into(), o.into());
            }
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder()
                                .uri(r.path.clone())
                                .build(),
                        )
                        .region(
                            sarif::Region::builder()
                                .byte_offset(f.offset as i64)
                                .build(),
                        )
                        .build(),
                )
                .message(
                    sarif::Message::builder()
                        .text(format!("pickle {}", f.location))
                        .build(),
                )
                .build();
            results.push(
                sarif::Result::builder()
                    .rule_id(rule_id(f.kind))
                    .level(level)
                    .message(sarif::Message::builder().text(f.message.clone()).build())
                    .locations(vec![location])
                    .properties(
                        sarif::PropertyBag::builder()
                            .additional_properties(
                                props
                                    .into_iter()
                                    .collect::<std::collections::BTreeMap<_, _>>(),
                            )
                            .build(),
                    )
                    .build(),
            );
        }
    }
    log("crossfmt pickle scan", results)
}

/// One result per open entry of the fuzz findings ledger: rule ids are the
/// crash kinds, levels `error` (new, regressed) and `warning` (known), the
/// saved input (relative to `root`'s repository) as the location, the
/// signature as the partial fingerprint a code-scanning UI tracks it by, and
/// the history in `properties`.
pub fn fuzz_ledger(ledger: &crate::fuzz_driver::ledger::Ledger, _root: &std::path::Path) -> String {
    use crate::fuzz_driver::ledger::Status;
    let mut results = Vec::new();
    for (sig, e) in ledger.entries.iter().filter(|(_, e)| e.status.is_open()) {
        let level = match e.status {
            Status::New | Status::Regressed => sarif::ResultLevel::Error,
            _ => sarif::ResultLevel::Warning,
        };
        let mut props = std::collections::BTreeMap::new();
        props.insert("status".to_string(), e.status.name().into());
        props.insert("target".to_string(), e.target.clone().into());
        props.insert("times_seen".to_string(), e.times_seen.into());
        props.insert("first_seen".to_string(), e.first_seen.into());
        props.insert("last_seen".to_string(), e.last_seen.into());
        let mut result = sarif::Result::builder()
            .rule_id(e.kind.clone())
            .level(level)
            .message(
                sarif::Message::builder()
                    .text(format!("{} ({}): {}", e.target, e.status.name(), e.title))
                    .build(),
            )
            .partial_fingerprints(std::collections::BTreeMap::from([(
                "crossfmtSignature/v1".to_string(),
                sig.clone(),
            )]))
            .properties(
                sarif::PropertyBag::builder()
                    .additional_properties(props)
                    .build(),
            )
            .build();
        if let Some(path) = &e.regression {
            result.locations = Some(vec![sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder().uri(path.clone()).build(),
                        )
                        .build(),
                )
                .build()]);
        }
        results.push(result);
    }
    log("crossfmt fuzz", results)
}

/// A SARIF log of one run of the tool `name`.
fn log(name: &str, results: Vec<sarif::Result>) -> String {
    let driver = sarif::ToolComponent::builder()
        .name(name)
        .information_uri("https://github.com/crossfmt/crossfmt")
        .version(env!("CARGO_PKG_VERSION"))
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::json!(sarif::Version::V2_1_0.to_string()))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).expect("SARIF serialises")
}
