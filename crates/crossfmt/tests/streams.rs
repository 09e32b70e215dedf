//! The corpus's record streams (`corpus/bytes/MANIFEST.tsv`: "stream of N
//! records[, then ... at offset K]") read by every built-in codec of their
//! format that reads streams, whole and one byte at a time: exactly N
//! records, each where the previous ended, then a clean end, or the error
//! at offset K. A codec whose model cannot hold a record (serde-pickle and
//! protocol 5) stops there with `Unsupported`, which is a skip.

use crossfmt::stream::Source;
use crossfmt::{ErrorKind, Format, Registry};

/// Library bugs the known-findings list records elsewhere, seen here too:
/// (codec, words of the stream's description).
const KNOWN: [(&str, &str); 1] = [
    // rmpv 1.3 reads the reserved marker c1 as nil (corpus/known-findings.txt).
    ("msgpack/rmpv", "reserved marker c1"),
];

struct Case {
    format: Format,
    hash: String,
    records: usize,
    error_at: Option<u64>,
    description: String,
}

fn cases() -> Vec<Case> {
    let root = crate::util::root().join("corpus/bytes");
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let mut out = Vec::new();
    for line in manifest.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(rest) = cols[3].strip_prefix("stream of ") else {
            continue;
        };
        let records: usize = rest.split(' ').next().unwrap().parse().unwrap();
        let head = rest.split(':').next().unwrap();
        let error_at = head
            .split(" at offset ")
            .nth(1)
            .map(|k| k.trim().parse().unwrap());
        out.push(Case {
            format: cols[1].parse().unwrap(),
            hash: cols[0].to_string(),
            records,
            error_at,
            description: cols[3].to_string(),
        });
    }
    out
}

#[test]
fn every_corpus_stream_reads_as_its_manifest_says() {
    let root = crate::util::root().join("corpus/bytes");
    let cases = cases();
    assert!(cases.len() >= 25, "the corpus has {} streams", cases.len());
    let mut read = 0;
    for case in &cases {
        let data = std::fs::read(root.join(case.format.name()).join(&case.hash)).unwrap();
        for codec in Registry::builtin().of_format(case.format) {
            let known = KNOWN
                .iter()
                .any(|(id, words)| codec.id() == *id && case.description.contains(words));
            if codec.framing().is_none() || known {
                continue;
            }
            for sizes in [[usize::MAX], [1]] {
                let from = Source::Pieces {
                    data: &data,
                    sizes: &sizes,
                    interrupt: false,
                };
                let r = codec.read_stream(&from).unwrap();
                let what = format!("{} on {} ({})", codec.id(), case.hash, case.description);
                if let Some(e) = r
                    .end
                    .as_ref()
                    .filter(|e| e.error.kind == ErrorKind::Unsupported)
                {
                    assert!(r.records.len() < case.records, "{what}: {e}");
                    continue;
                }
                assert_eq!(r.records.len(), case.records, "{what}: {r}");
                let mut at = 0;
                for rec in &r.records {
                    assert_eq!(rec.offset, at, "{what}: {r}");
                    at += rec.len;
                }
                assert_eq!(
                    r.end.as_ref().map(|e| e.offset),
                    case.error_at,
                    "{what}: {r}"
                );
                read += 1;
            }
        }
    }
    assert!(read >= 2 * cases.len(), "only {read} readings");
}
