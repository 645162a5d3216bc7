use clap::Parser;

fn main() {
    cpu_check();
    // A bug in sintermd should still end with one readable line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("sintermd: internal error: {info}");
    }));
    restore_sigpipe();
    let cli = sintermd::cli::Cli::parse();
    match sintermd::cli::main_with(cli) {
        Ok(()) => {}
        // Stopped by a signal with a checkpoint written: the message says how to resume.
        Err(sintermd::Error::Interrupted(message)) => {
            eprintln!("sintermd: {message}");
            std::process::exit(sintermd::run::stop::INTERRUPTED_EXIT_CODE);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

/// Rust ignores SIGPIPE, so writing to a closed pipe (`sintermd eval ... | head`) returns an
/// error that `println!` turns into a panic. The default action, ending the process quietly as
/// every Unix tool does, is restored.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
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
