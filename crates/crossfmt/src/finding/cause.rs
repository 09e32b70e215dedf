//! Causes, not cases: findings grouped by signature. Many inputs that trip
//! one bug the same way share a signature, so a report that lists causes
//! reads as one entry per bug, each with how often it showed, the smallest
//! input that shows it, and the command that reproduces that one.

use super::{Finding, Input};

/// Findings of one signature.
#[derive(Clone, Debug)]
pub struct Cause<'a> {
    /// Their signature ([`Finding::signature`]).
    pub signature: String,
    /// The finding with the smallest input, and its case.
    pub example: (&'a str, &'a Finding),
    /// Every case it was made on, in the order made.
    pub cases: Vec<&'a str>,
}

impl Cause<'_> {
    /// How many findings share the signature.
    pub fn count(&self) -> usize {
        self.cases.len()
    }
}

/// How large an input is, to pick a cause's example: its bytes, or its
/// value's notation.
fn size(i: &Input) -> usize {
    match i {
        Input::Bytes { bytes, .. } => bytes.len(),
        Input::Value(v) => crate::notation::print(v).len(),
        Input::Probe(_) => 0,
    }
}

/// The findings (each with its case) grouped by signature, in the order
/// each cause first showed; each cause's example is its smallest input.
pub fn group<'a, I>(findings: I) -> Vec<Cause<'a>>
where
    I: IntoIterator<Item = (&'a str, &'a Finding)>,
{
    let mut causes: Vec<Cause<'a>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (case, f) in findings {
        let sig = f.signature();
        match index.get(&sig) {
            Some(&i) => {
                let c: &mut Cause<'a> = &mut causes[i];
                if size(&f.input) < size(&c.example.1.input) {
                    c.example = (case, f);
                }
                c.cases.push(case);
            }
            None => {
                index.insert(sig.clone(), causes.len());
                causes.push(Cause {
                    signature: sig,
                    example: (case, f),
                    cases: vec![case],
                });
            }
        }
    }
    causes
}
