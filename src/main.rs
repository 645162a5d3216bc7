use clap::Parser;

fn main() {
    // A bug in sintermd should still end with one readable line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("sintermd: internal error: {info}");
    }));
    let cli = sintermd::cli::Cli::parse();
    if let Err(e) = sintermd::cli::main_with(cli) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
