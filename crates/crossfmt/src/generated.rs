//! Generated values through the value checks: one property per check and
//! set of codecs a codec takes part in, over values its (and its partners')
//! declared capabilities hold, each failure shrunk to a minimal value before
//! it is reported. `check_codec` runs this for an in-process codec, `crossfmt
//! run --testee` for a testee's codecs (shrinking then happens over the
//! pipe: every step is another request).

use crate::check::{Check, Input, InputKind};
use crate::finding::Finding;
use crate::known::Known;
use crate::{Codec, CodecRef, Registry};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

/// The case name a generated finding is recorded under, as known-findings
/// entries name it (`*` and `generated*` match it).
pub const CASE: &str = "generated";

/// One property: a check over generated values for one set of codecs.
#[derive(Debug)]
pub struct Property {
    /// The check.
    pub check: &'static str,
    /// The codecs it compared, in order.
    pub codecs: Vec<String>,
    /// Values tried (all of them when nothing was found).
    pub cases: usize,
    /// The finding on the shrunk value, when one was made and no known
    /// entry records it.
    pub finding: Option<Box<Finding>>,
}

/// How many values, and from which seed (`None`: a random one, as proptest
/// picks it unless `PROPTEST_RNG_SEED` is set).
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Values per property.
    pub cases: u32,
    /// The seed.
    pub seed: Option<u64>,
}

/// Every value check of `checks` that any of `codecs` takes part in, with
/// the codecs of `registry` (schema-driven ones left out: a struct layout's
/// values are shaped by its format, not its caps), each set of codecs once.
/// A finding `known` records (another implementation's bug) does not fail
/// the property. `each` sees every property as it ends (so a caller can show
/// it and keep its finding at once) and stops the run by returning false.
pub fn run(
    registry: &Registry,
    codecs: &[CodecRef],
    checks: &[&'static Check],
    plan: Plan,
    known: &Known,
    each: &mut dyn FnMut(&Property) -> bool,
) -> Result<Vec<Property>, String> {
    let mut config = Config {
        cases: plan.cases,
        failure_persistence: None,
        ..Config::default()
    };
    if let Some(seed) = plan.seed {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    let one_model: Vec<CodecRef> = registry
        .all()
        .iter()
        .filter(|c| !c.format().has_schema())
        .cloned()
        .collect();
    let mut out = Vec::new();
    for c in checks.iter().filter(|c| c.input == InputKind::Value) {
        for app in c.applications(&one_model) {
            if !app.iter().any(|x| codecs.iter().any(|c| c.id() == x.id())) {
                continue;
            }
            let refs: Vec<&dyn Codec> = app.iter().map(|x| x.as_ref()).collect();
            let caps = refs
                .iter()
                .skip(1)
                .fold(refs[0].caps(), |m, x| m.meet(&x.caps()));
            // Two models with nothing in common: nothing to compare.
            if !crate::strategy::generates(&caps) {
                continue;
            }
            let unknown = |v: &crate::Value| match c.run(&refs, &Input::Value(v.clone())) {
                Err(f) if known.find(&f, CASE).is_none() => Some(f),
                _ => None,
            };
            let mut runner = TestRunner::new(config.clone());
            let result = runner.run(&crate::strategy::value_for(&caps), |v| match unknown(&v) {
                Some(f) => Err(TestCaseError::fail(f.signature())),
                None => Ok(()),
            });
            let finding = match result {
                Ok(()) => None,
                // Re-run on the shrunk value to report its finding.
                Err(TestError::Fail(_, minimal)) => unknown(&minimal),
                Err(TestError::Abort(why)) => {
                    return Err(format!("value generation for {} aborted: {why}", c.name))
                }
            };
            let property = Property {
                check: c.name,
                codecs: app.iter().map(|x| x.id().to_string()).collect(),
                cases: plan.cases as usize,
                finding,
            };
            let go_on = each(&property);
            out.push(property);
            if !go_on {
                return Ok(out);
            }
        }
    }
    Ok(out)
}
