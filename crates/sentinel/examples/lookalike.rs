//! Stand-in for `certguard lookalike` until the binary wires it: same arguments, same output.
//! `cargo run --release -p certguard-sentinel --example lookalike -- --mode dnstwist mem.gov.cn`

use clap::Parser;

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    args: certguard_sentinel::cli::LookalikeArgs,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    certguard_sentinel::cli::run_lookalike(&cli.args, &mut std::io::stdout().lock())
}
