//! The five benchmark datasets, generated from [`SEED`]: each a pure function
//! of the seed, so the benches, the report and the Python baseline measure the
//! same data on every machine.

use crate::rng::Rng;
use crate::schema as pb;
use crossfmt::check::{roundtrip, Verdict};
use crossfmt::corpus;
use crossfmt::Value;
use crossfmt::{Codec, Registry};

/// The seed every dataset is generated from.
pub const SEED: u64 = 0x00c0_55f0_2026;

/// A dataset's data: one typed message, or (the small set) many values.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    Logs(pb::Logs),
    Mesh(pb::Mesh),
    SaveGame(pb::SaveGame),
    Numbers(pb::Numbers),
    /// Heterogeneous values: no typed path.
    Small(Vec<Value>),
}

pub struct Dataset {
    pub name: &'static str,
    pub description: &'static str,
    pub data: Data,
    /// The messages of the dynamic path: the typed message as one `Value`
    /// (struct fields as text-keyed maps), or the small set's values.
    pub messages: Vec<Value>,
    /// See [`crate::raw_size()`].
    pub raw_size: usize,
}

impl Dataset {
    /// Whether the set has a typed path (serde structs and prost messages).
    pub fn has_typed(&self) -> bool {
        !matches!(self.data, Data::Small(_))
    }
}

/// Every dataset, in report order. The small set is read from the built-in
/// corpus, so this fails only when the corpus does not load.
pub fn all() -> Result<Vec<Dataset>, String> {
    let mut out = vec![
        typed(
            "logs",
            "log lines: mostly strings (1000 entries)",
            Data::Logs(logs(&mut Rng::new(SEED))),
        ),
        typed(
            "mesh",
            "triangles: mostly f32 (2000 triangles)",
            Data::Mesh(mesh(&mut Rng::new(SEED + 1))),
        ),
        typed(
            "savegame",
            "a save game: deeply nested records",
            Data::SaveGame(savegame(&mut Rng::new(SEED + 2))),
        ),
        typed(
            "numbers",
            "samples of fixed-width numbers and enums (3000)",
            Data::Numbers(numbers(&mut Rng::new(SEED + 3))),
        ),
    ];
    let values = small_values()?;
    out.push(Dataset {
        name: "small",
        description: "the shared corpus's small values that every built-in codec represents, one message each",
        raw_size: values.iter().filter_map(crate::raw_size).sum(),
        messages: values.clone(),
        data: Data::Small(values),
    });
    Ok(out)
}

fn typed(name: &'static str, description: &'static str, data: Data) -> Dataset {
    let (value, raw_size) = match &data {
        Data::Logs(m) => (to_value(m), crate::raw_size(m)),
        Data::Mesh(m) => (to_value(m), crate::raw_size(m)),
        Data::SaveGame(m) => (to_value(m), crate::raw_size(m)),
        Data::Numbers(m) => (to_value(m), crate::raw_size(m)),
        Data::Small(_) => unreachable!("the small set is built by all()"),
    };
    Dataset {
        name,
        description,
        data,
        messages: vec![value],
        raw_size: raw_size.expect("dataset structs serialise"),
    }
}

/// The typed message as a `Value`, through MessagePack with field names:
/// the shape a dynamic user of the format gets (maps keyed by field name,
/// f32 kept as f32).
fn to_value<T: serde::Serialize>(t: &T) -> Value {
    let bytes = rmp_serde::to_vec_named(t).expect("dataset structs serialise");
    crossfmt::codecs::msgpack::Rmpv
        .decode(&bytes)
        .expect("rmpv reads rmp-serde's output")
}

/// Corpus values of at most 64 bytes of raw information that every built-in
/// one-model codec (struct layouts hold only their own records) round-trips (`check::roundtrip`): what a many-small-messages
/// workload looks like, minus the edge cases the corpus keeps for the checks.
fn small_values() -> Result<Vec<Value>, String> {
    let root = corpus::builtin_root();
    let cases = corpus::load_values(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let registry = Registry::builtin();
    Ok(cases
        .into_iter()
        .map(|c| c.value)
        .filter(|v| crate::raw_size(v).is_some_and(|n| n <= 64))
        .filter(|v| {
            registry
                .all()
                .iter()
                .filter(|c| !c.format().has_schema())
                .all(|c| matches!(roundtrip::value_first(&**c, v), Ok(Verdict::Pass)))
        })
        .collect())
}

const HOSTS: [&str; 6] = [
    "web-01", "web-02", "api-eu-1", "api-us-3", "batch-7", "edge-lon",
];
const SERVICES: [&str; 5] = ["checkout", "search", "auth", "inventory", "mailer"];
const WORDS: [&str; 16] = [
    "request",
    "completed",
    "user",
    "session",
    "cache",
    "miss",
    "upstream",
    "timeout",
    "retrying",
    "connection",
    "reset",
    "payload",
    "accepted",
    "queue",
    "drained",
    "slow",
];

fn sentence(rng: &mut Rng, words: u64) -> String {
    let n = 3 + rng.below(words);
    (0..n)
        .map(|_| *rng.pick(&WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn logs(rng: &mut Rng) -> pb::Logs {
    let mut t = 1_764_000_000_000u64;
    let entries = (0..1000)
        .map(|_| {
            t += rng.below(2000);
            pb::LogEntry {
                timestamp_ms: t,
                level: rng.below(5) as i32,
                host: rng.pick(&HOSTS).to_string(),
                service: rng.pick(&SERVICES).to_string(),
                message: sentence(rng, 12),
                status: *rng.pick(&[200, 200, 200, 201, 304, 404, 500]),
                duration_us: rng.below(250_000) as u32,
                request_id: format!("{:016x}", rng.next_u64()),
            }
        })
        .collect();
    pb::Logs { entries }
}

fn vec3(rng: &mut Rng) -> Option<pb::Vec3> {
    Some(pb::Vec3 {
        x: rng.f32_in(-100.0, 100.0, 256.0),
        y: rng.f32_in(-100.0, 100.0, 256.0),
        z: rng.f32_in(-100.0, 100.0, 256.0),
    })
}

fn mesh(rng: &mut Rng) -> pb::Mesh {
    let triangles = (0..2000)
        .map(|_| pb::Triangle {
            v0: vec3(rng),
            v1: vec3(rng),
            v2: vec3(rng),
            normal: vec3(rng),
        })
        .collect();
    pb::Mesh { triangles }
}

fn item(rng: &mut Rng, depth: u32) -> pb::Item {
    let bag = depth > 0 && rng.chance(30);
    pb::Item {
        name: format!(
            "{} {}",
            rng.pick(&["rusty", "fine", "cursed", "heavy"]),
            rng.pick(&["sword", "potion", "bag", "ring", "arrow"])
        ),
        count: 1 + rng.below(99) as u32,
        durability: rng.below(1000) as u32,
        contents: if bag {
            (0..1 + rng.below(4))
                .map(|_| item(rng, depth - 1))
                .collect()
        } else {
            Vec::new()
        },
    }
}

fn region(rng: &mut Rng, depth: u32) -> pb::Region {
    pb::Region {
        name: format!("region-{}", rng.below(10_000)),
        subregions: if depth > 0 {
            (0..1 + rng.below(3))
                .map(|_| region(rng, depth - 1))
                .collect()
        } else {
            Vec::new()
        },
        visited_cells: (0..rng.below(12))
            .map(|_| rng.below(65_536) as u32)
            .collect(),
    }
}

fn savegame(rng: &mut Rng) -> pb::SaveGame {
    let players = (0..8)
        .map(|i| pb::Player {
            name: format!("player{i}"),
            level: 1 + rng.below(80) as u32,
            stats: Some(pb::Stats {
                health: rng.below(1000) as u32,
                mana: rng.below(1000) as u32,
                strength: rng.below(100) as u32,
                agility: rng.below(100) as u32,
                experience: rng.f32_in(0.0, 1.0e6, 1.0),
            }),
            inventory: (0..10 + rng.below(20)).map(|_| item(rng, 4)).collect(),
            quests: (0..rng.below(6))
                .map(|q| pb::Quest {
                    id: format!("quest-{i}-{q}"),
                    objectives: (0..1 + rng.below(4))
                        .map(|_| pb::Objective {
                            text: sentence(rng, 6),
                            done: rng.chance(50),
                            progress: rng.below(100) as u32,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    pb::SaveGame {
        players,
        world: Some(pb::World {
            seed_name: "emerald-hollow".into(),
            regions: (0..4).map(|_| region(rng, 4)).collect(),
        }),
    }
}

fn numbers(rng: &mut Rng) -> pb::Numbers {
    let samples = (0..3000)
        .map(|i| pb::Sample {
            id: i,
            delta: rng.below(2001) as i32 - 1000,
            counter: (rng.next_u64() >> 20) as i64,
            value: rng.f64_in(-1.0e6, 1.0e6, 1000.0),
            ratio: rng.f32_in(0.0, 1.0, 1024.0),
            unit: rng.below(5) as i32,
            quality: rng.below(3) as i32,
            valid: rng.chance(90),
        })
        .collect();
    pb::Numbers { samples }
}
