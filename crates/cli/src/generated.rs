//! Generated values through testee codecs, for `run --testee` and
//! `conformance --testee` alike: the built-ins get theirs from the property
//! tests, a testee only from here.

use anyhow::{anyhow, Result};
use crossfmt::check::Check;
use crossfmt::known::Known;
use crossfmt::run::Recorded;
use crossfmt::Registry;

/// How many generated values, and from which seed.
#[derive(clap::Args, Debug, Clone)]
pub struct GeneratedArgs {
    /// Generated values per property for each testee codec: every value
    /// check it takes part in runs over this many values its caps hold,
    /// and a failure is shrunk over the pipe (0: none).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub generated: u32,
    /// The seed of the generated values (printed on every run that
    /// generates, to replay it). Default: $PROPTEST_RNG_SEED, else random.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
}

/// Runs every property of `checks` each testee codec of `registry` takes
/// part in, printing one line per property; each shrunk finding goes to
/// `found` as it is made (so an interrupted run keeps it) and is returned.
/// A finding `known` records does not fail its property.
pub fn for_testees(
    registry: &Registry,
    checks: &[&'static Check],
    args: &GeneratedArgs,
    known: &Known,
    found: &mut dyn FnMut(&Recorded),
) -> Result<Vec<Recorded>> {
    let testee_codecs: Vec<_> = registry
        .all()
        .iter()
        // A codec bound to a user's schema gets its values from the schema
        // (`run::schema_cases`), not from its caps.
        .filter(|c| c.testee().is_some() && c.schema().is_none())
        .cloned()
        .collect();
    if args.generated == 0 || testee_codecs.is_empty() {
        return Ok(Vec::new());
    }
    // PROPTEST_RNG_SEED (what CI fixes for the property tests) fixes this too.
    let seed = args
        .seed
        .or_else(|| std::env::var("PROPTEST_RNG_SEED").ok()?.parse().ok())
        .unwrap_or_else(clock_seed);
    eprintln!(
        "crossfmt: {} generated values per property through {} testee codec(s) (--seed {seed})",
        args.generated,
        testee_codecs.len()
    );
    let plan = crossfmt::generated::Plan {
        cases: args.generated,
        seed: Some(seed),
    };
    let mut out = Vec::new();
    crossfmt::generated::run(registry, &testee_codecs, checks, plan, known, &mut |p| {
        let verdict = if p.finding.is_some() { "FOUND" } else { "ok" };
        println!(
            "generated  {:<14} {:<40} {:>5} values  {verdict}",
            p.check,
            p.codecs.join(", "),
            p.cases
        );
        if let Some(f) = &p.finding {
            let r = Recorded {
                case: format!("{} (shrunk; --seed {seed})", crossfmt::generated::CASE),
                finding: (**f).clone(),
                known: None,
            };
            found(&r);
            out.push(r);
        }
        !crate::fuzz_driver::process::interrupted()
    })
    .map_err(|e| anyhow!(e))?;
    println!();
    Ok(out)
}

/// A seed from the clock: each run explores new values unless told one.
fn clock_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
