//! Progress on standard error for long runs, and the seam through which a
//! SIGINT/SIGTERM reaches the harness's runners.

use crossfmt::run::Observer;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A progress bar that is also a run [`Observer`]: it draws progress and
/// tells the runner when a signal asked it to stop
/// ([`crate::fuzz_driver::process::interrupted`]).
pub struct Progress(pub ProgressBar);

impl Observer for Progress {
    fn progress(&mut self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }

    fn interrupted(&self) -> bool {
        crate::fuzz_driver::process::interrupted()
    }
}

/// A progress bar on standard error, drawn only when that is a terminal.
/// `unit` names what is counted (`checks`, `cases`).
pub fn progress_bar(unit: &str) -> Progress {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit} {{elapsed}}"))
            .expect("a valid template"),
    );
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    Progress(bar)
}

/// A byte-count progress bar on standard error (a spinner when the total is
/// unknown), drawn only when that is a terminal.
pub fn bytes_bar(total: Option<u64>) -> ProgressBar {
    let bar = match total {
        Some(n) => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
                .expect("a valid template"),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} {bytes} {bytes_per_sec}")
                .expect("a valid template"),
        ),
    };
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}
