//! STAND-IN, to be deleted on merge: `crate::codec::external` (the testee
//! protocol client) is being written on another branch. This file only has
//! its signature, so that `--testee` is wired up here; it starts nothing.
//! On merge: delete this file, its `mod` line, and point `cli.rs`'s two uses
//! (`start`, `limits`) at `crate::codec::external`.

use crate::codec::CodecRef;
use std::time::Duration;

/// The resource bounds of a testee process.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub timeout: Duration,
}

/// The limits for a `--timeout-ms`.
pub fn limits(timeout_ms: u64) -> Limits {
    Limits {
        timeout: Duration::from_millis(timeout_ms),
    }
}

/// Would spawn `command` and return one codec per implementation it announces.
pub fn start(command: &str, limits: Limits) -> Result<Vec<CodecRef>, String> {
    Err(format!(
        "external testees not available in this build (cannot start {command:?}, time bound {:?})",
        limits.timeout
    ))
}
