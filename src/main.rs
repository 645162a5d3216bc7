use clap::Parser;

fn main() {
    cpu_check();
    // A bug in sintermd should still end with one readable line, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("sintermd: internal error: {info}");
    }));
    restore_sigpipe();
    return_freed_buffers();
    let cli = sintermd::cli::Cli::parse();
    let is_run = matches!(cli.command, sintermd::cli::Command::Run(_));
    if let Err(e) = sintermd::domain::check_launcher(is_run) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    #[cfg(feature = "mpi")]
    let _session = mpi_role(&cli);
    let result = sintermd::cli::main_with(cli);
    // Rank 0 tells the other MPI ranks to finish before exiting.
    #[cfg(feature = "mpi")]
    drop(_session);
    match result {
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

/// Under an MPI launcher, `sintermd run` on several ranks: rank 0 goes on as usual (its force
/// engines distribute) and keeps the session until the end; the other ranks serve force
/// evaluations here and exit.
#[cfg(feature = "mpi")]
fn mpi_role(cli: &sintermd::cli::Cli) -> Option<sintermd::domain::mpi::Session> {
    use sintermd::domain::mpi::Role;
    let sintermd::cli::Command::Run(args) = &cli.command else {
        return None;
    };
    match sintermd::domain::mpi::role() {
        Ok(Role::Alone) => None,
        Ok(Role::Leader(session)) => Some(session),
        Ok(Role::Worker(session)) => {
            // The run's potential, from the input file every rank reads.
            let mut spec = None;
            let make = |species: &sintermd::system::SpeciesTable| {
                if spec.is_none() {
                    let input = sintermd::input::Input::read(&args.input)?;
                    let base = input.base_dir(&args.input);
                    spec = Some((input.potential, base));
                }
                let (potential, base) = spec.as_ref().expect("read above");
                sintermd::potential::build_potential(potential, species, base)
            };
            let served =
                sintermd::cli::set_threads(args.threads).and_then(|()| session.serve(make));
            drop(session);
            match served {
                Ok(()) => std::process::exit(0),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
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

/// glibc serves allocations above its mmap threshold (128 KiB) from fresh pages and returns them
/// when they are freed, but after the first such free it raises the threshold (up to 32 MiB),
/// so that later large buffers (a structure being built, a neighbour-list block) come from the
/// heap and stay resident after they are dropped: about 18 MB of the peak resident memory of a
/// 256,000-atom EAM run (benches/README.md). Setting the threshold explicitly, to 1 MiB, turns
/// that adjustment off; buffers below it (per-step scratch) stay on the heap.
fn return_freed_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in main, before any other thread exists or allocates much;
    // M_MMAP_THRESHOLD with a value below the 32 MiB maximum is a valid mallopt request.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
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
