use clap::Parser;

fn main() {
    cpu_check();
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

/// A build for x86-64-v3 (see .cargo/config.toml) stops with one readable line on a CPU without
/// AVX2 or FMA, rather than with an illegal instruction somewhere later.
fn cpu_check() {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    if !(std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma"))
    {
        eprintln!(
            "error: this sintermd was built for x86-64-v3 (AVX2, FMA) and this CPU lacks them; \
             rebuild with RUSTFLAGS=\"-C target-cpu=x86-64\" cargo build --release"
        );
        std::process::exit(1);
    }
}
