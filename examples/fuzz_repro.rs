//! Runs one fuzz target on one input without libFuzzer and prints the finding:
//! `cargo run --release --example fuzz_repro -- <target> <file | hex:HEX>`

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(target), Some(input)) = (args.next(), args.next()) else {
        eprintln!("usage: fuzz_repro <target> <file | hex:HEX>");
        std::process::exit(2);
    };
    let data = match input.strip_prefix("hex:") {
        Some(h) => hex::decode(h).expect("hex"),
        None => std::fs::read(&input).expect("read input"),
    };
    match crossfmt::fuzz::run_target(&target, &data) {
        Ok(()) => println!("no finding"),
        Err(f) => {
            println!("signature: {}", crossfmt::fuzz::signature(&f));
            println!("{f}");
            std::process::exit(1);
        }
    }
}
