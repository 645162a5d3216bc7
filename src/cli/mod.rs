//! The `sintermd` command line.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::io::read_structure;
use crate::io::ron::{base_dir, read_ron};
use crate::potential::{PotentialSpec, build_potential};
use crate::run::eval::evaluate;
use crate::run::kmc::run_kmc_file;
use crate::run::{RunOptions, StopFlag, run_file_opts};
use crate::structure::BuildSpec;
use crate::structure::build::write_built;
use crate::system::parse_boundary;

/// sintermd: molecular dynamics and kinetic Monte Carlo of nanoparticle sintering (LAMMPS metal units).
#[derive(Debug, Parser)]
#[command(name = "sintermd", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a simulation described by a RON input file.
    Run(RunArgs),
    /// Energy, per-atom energies, forces and virial of one structure, as JSON.
    Eval(EvalArgs),
    /// Build a structure (particle, particle pair, lattice block) from a RON file.
    Build(BuildArgs),
    /// Write the state a run starts from (structure and initial velocities) as a LAMMPS data
    /// file, e.g. to run the same start in LAMMPS.
    Prepare(PrepareArgs),
    /// Generate potential files.
    #[command(subcommand)]
    Potential(PotentialCommand),
    /// Kinetic Monte Carlo of two coalescing particles described by a RON input file.
    Kmc(KmcArgs),
    /// Convert a trajectory or structure between H5MD (.h5md/.h5), extended XYZ (.xyz/.extxyz),
    /// LAMMPS dump (.lammpstrj/.dump) and LAMMPS data (.data/.lmp, one frame), by file name.
    Convert(ConvertArgs),
    /// Sweeps: one base input, axes over its fields, one run per point, here or as a Slurm job
    /// array, collected into one table.
    #[command(subcommand)]
    Sweep(SweepCommand),
}

/// `sintermd sweep ...`.
#[derive(Debug, Subcommand)]
pub enum SweepCommand {
    /// Write every point's input, manifest.csv and the Slurm job array submit.sbatch into DIR.
    Plan(SweepPlanArgs),
    /// Run the points of a planned sweep on this machine, K at a time (finished points are
    /// skipped, checkpointed ones resumed).
    Run(SweepRunArgs),
    /// Say how far each point has come: pending, running, done, failed, checkpointed at step S.
    Status(SweepDirArgs),
    /// Gather every point's summary into results.csv, plots and report.html.
    Collect(SweepDirArgs),
}

/// Arguments of `sintermd sweep plan`.
#[derive(Debug, Args)]
pub struct SweepPlanArgs {
    /// Sweep file (RON).
    pub sweep: PathBuf,
    /// The sweep's folder.
    #[arg(long)]
    pub out: PathBuf,
}

/// Arguments of `sintermd sweep run`.
#[derive(Debug, Args)]
pub struct SweepRunArgs {
    /// The sweep's folder (made by `sweep plan`).
    pub dir: PathBuf,
    /// Points run at once (the cores are divided among them).
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Threads in all (default: all cores), divided among the points run at once.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// A sweep's folder.
#[derive(Debug, Args)]
pub struct SweepDirArgs {
    /// The sweep's folder (made by `sweep plan`).
    pub dir: PathBuf,
}

/// Arguments of `sintermd convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The file to read (every frame).
    pub input: PathBuf,
    /// The file to write; a data file takes the last frame (or `--frame`).
    pub output: PathBuf,
    /// Only this frame (0 = first; negative counts from the end, -1 = last).
    #[arg(long, allow_hyphen_values = true)]
    pub frame: Option<i64>,
}

/// Arguments of `sintermd build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Build file (RON, a `BuildSpec`).
    pub input: PathBuf,
    /// Output: extended XYZ (.xyz, with particle and adatom columns) or LAMMPS data (any other
    /// name).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Also write the build report (atom counts, gap) as JSON here.
    #[arg(long)]
    pub report: Option<PathBuf>,
}

/// Arguments of `sintermd prepare`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// Input file (RON).
    pub input: PathBuf,
    /// Output LAMMPS data file.
    #[arg(short = 'o', long)]
    pub output: PathBuf,
}

/// Subcommands of `sintermd potential`.
#[derive(Debug, Subcommand)]
pub enum PotentialCommand {
    /// Write a setfl (eam/alloy) file of the Zhou-Johnson-Wadley 2004 EAM for any mix of its 17
    /// elements (Cu Ag Au Ni Pd Pt Al Pb Fe Mo Ta W Mg Co Ti Zr Cr).
    Zhou2004(Zhou2004Args),
}

/// Arguments of `sintermd potential zhou2004`.
#[derive(Debug, Args)]
pub struct Zhou2004Args {
    /// Elements, in the order of the file (e.g. Pt Fe).
    #[arg(required = true)]
    pub elements: Vec<String>,
    /// Output file (setfl, for pair_style eam/alloy).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
}

/// Arguments of `sintermd kmc`.
#[derive(Debug, Args)]
pub struct KmcArgs {
    /// Input file (RON, a `KmcInput`).
    pub input: PathBuf,
    /// Output folder (default: output/<input name>). A folder holding another run's results is
    /// refused unless --force is given.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run into a folder holding another run's results, deleting sintermd's files there first.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `sintermd run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input file (RON).
    pub input: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output folder (default: output/<input name>). A folder holding another run's results is
    /// refused unless --force or --resume is given.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run into a folder holding another run's results, deleting sintermd's files there first
    /// (those the old summary.json lists, and the fixed result names); other files are kept.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Continue the run in the output folder from its newest valid checkpoint, exactly as if it
    /// had not stopped (start from scratch when there is none; a finished run is left as is).
    #[arg(long)]
    pub resume: bool,
}

/// Arguments of `sintermd eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Structure: LAMMPS data file, or extended XYZ (.xyz).
    #[arg(long)]
    pub structure: PathBuf,
    /// Potential as a RON file (a `PotentialSpec`).
    #[arg(long, conflicts_with_all = ["pair_style", "pair_coeff"])]
    pub potential: Option<PathBuf>,
    /// LAMMPS pair_style, e.g. "lj/cut 2.5".
    #[arg(long, requires = "pair_coeff")]
    pub pair_style: Option<String>,
    /// LAMMPS pair_coeff (repeatable), e.g. "1 1 1.0 1.0".
    #[arg(long)]
    pub pair_coeff: Vec<String>,
    /// LAMMPS pair_modify (repeatable), e.g. "shift yes".
    #[arg(long)]
    pub pair_modify: Vec<String>,
    /// Boundary as in LAMMPS, e.g. "p p f" (data files default to "p p p"; XYZ files to their pbc).
    #[arg(long)]
    pub boundary: Option<String>,
    /// Write the JSON here instead of standard output.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Runs the command line; errors are returned for `main` to print.
pub fn main_with(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Eval(args) => {
            set_threads(args.threads)?;
            eval(&args)
        }
        Command::Build(args) => build(&args),
        Command::Prepare(args) => {
            let n = crate::run::write_initial_state(&args.input, &args.output)?;
            eprintln!("wrote {} ({n} atoms)", args.output.display());
            Ok(())
        }
        Command::Potential(PotentialCommand::Zhou2004(args)) => zhou2004(&args),
        Command::Sweep(command) => sweep(command),
        Command::Convert(args) => convert(&args),
        Command::Kmc(args) => kmc(args),
    }
}

/// `sintermd run`: runs the input and prints the closing line (steps, atoms, time, the MD
/// stages' atom-steps/s, the results folder).
fn run(args: RunArgs) -> Result<()> {
    set_threads(args.threads)?;
    let out = match args.out {
        Some(o) => o,
        None => default_out_dir(&args.input),
    };
    let options = RunOptions {
        force: args.force,
        resume: args.resume,
        stop: StopFlag::from_signals()?,
    };
    let summary = run_file_opts(&args.input, &out, &options)?;
    eprintln!(
        "done: {} steps of {} atoms in {:.2} s (atom-steps/s of the MD stages: {}); results in {}",
        summary.steps,
        summary.atoms,
        summary.wall_time_s,
        crate::run::stage_rates_text(&summary.stages),
        out.display()
    );
    Ok(())
}

/// `sintermd convert`: rewrites a trajectory or structure file (all frames, or one) in the
/// format of the output's extension.
fn convert(args: &ConvertArgs) -> Result<()> {
    let mut frames = crate::io::read_frames(&args.input)?;
    if let Some(k) = args.frame {
        let f = crate::io::pick_frame(frames, k).map_err(|e| e.in_file(&args.input))?;
        frames = vec![f];
    }
    crate::io::write_frames(&args.output, &frames)?;
    eprintln!(
        "wrote {} ({} frame(s), {} atoms)",
        args.output.display(),
        frames.len(),
        frames.last().map_or(0, |f| f.system.len())
    );
    Ok(())
}

/// `sintermd kmc`: runs a KMC input and prints the closing line and the growth-law fit.
fn kmc(args: KmcArgs) -> Result<()> {
    let out = args.out.unwrap_or_else(|| default_out_dir(&args.input));
    let s = run_kmc_file(&args.input, &out, args.force)?;
    eprintln!(
        "done: {} events ({} null) to t = {:.4e} s in {:.2} s ({:.3e} events/s, {} per CPU second); r/R = {:.4}; results in {}",
        s.clock.events,
        s.clock.null_events,
        s.clock.time,
        s.wall_time_s,
        s.events_per_second,
        s.events_per_cpu_second
            .map_or("n/a".to_string(), |r| format!("{r:.3e}")),
        s.final_neck.radius_over_particle,
        out.display()
    );
    match &s.fit {
        Ok(f) => eprintln!(
            "fit r^n = K t over {:.3e} .. {:.3e} s ({} points): n = {:.3} +/- {:.3}",
            f.t_min, f.t_max, f.points, f.exponent, f.exponent_error
        ),
        Err(e) => eprintln!("no fit: {e}"),
    }
    Ok(())
}

fn build(args: &BuildArgs) -> Result<()> {
    let spec: BuildSpec = read_ron(&args.input)?;
    let built = spec
        .build(&base_dir(&args.input))
        .map_err(|e| e.in_file(&args.input))?;
    write_built(&args.output, &built.system)?;
    let r = &built.report;
    let species: Vec<String> = r.species.iter().map(|(s, n)| format!("{n} {s}")).collect();
    eprintln!(
        "{}: {} atoms ({})",
        args.output.display(),
        r.atoms,
        species.join(", ")
    );
    for (k, p) in r.particles.iter().enumerate() {
        let species: Vec<String> = p.species.iter().map(|(s, n)| format!("{n} {s}")).collect();
        eprintln!(
            "particle {}: {} atoms ({}), {} adatoms",
            k + 1,
            p.atoms,
            species.join(", "),
            p.adatoms
        );
    }
    if let (Some(gap), Some(angle)) = (r.gap, r.facet_angle) {
        eprintln!("gap {gap:.4} A, facing facets at {angle:.4} degrees");
    }
    if let Some(path) = &args.report {
        crate::io::write_json(path, r)?;
    }
    Ok(())
}

fn zhou2004(args: &Zhou2004Args) -> Result<()> {
    let symbols: Vec<&str> = args.elements.iter().map(String::as_str).collect();
    let command = format!(
        "sintermd potential zhou2004 {} -o {}",
        symbols.join(" "),
        args.output.display()
    );
    let file = crate::potential::eam::zhou2004::tabulate(&symbols, &command)?;
    crate::io::write_text(&args.output, &file.format())?;
    eprintln!(
        "wrote {} ({} elements, cutoff {:.6} A)",
        args.output.display(),
        symbols.len(),
        file.cutoff
    );
    Ok(())
}

fn default_out_dir(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    PathBuf::from("output").join(stem)
}

fn sweep(command: SweepCommand) -> Result<()> {
    use crate::sweep;
    match command {
        SweepCommand::Plan(args) => {
            let s = sweep::Sweep::read(&args.sweep)?;
            let points = s.plan(&args.out)?;
            eprintln!(
                "planned {} points of `sintermd {}` in {}: points/NNNN/input.ron, {}, {} (submit with `sbatch {}`, or run here with `sintermd sweep run {}`)",
                points.len(),
                s.program.command(),
                args.out.display(),
                sweep::MANIFEST_FILE,
                sweep::SUBMIT_FILE,
                args.out.join(sweep::SUBMIT_FILE).display(),
                args.out.display()
            );
            Ok(())
        }
        SweepCommand::Run(args) => {
            let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
            let total = args.threads.unwrap_or(cores);
            if args.jobs == 0 || total == 0 {
                return Err(Error::invalid("--jobs and --threads must be at least 1"));
            }
            let threads = (total / args.jobs).max(1);
            let outcome = sweep::local::run_points(
                &args.dir,
                args.jobs,
                threads,
                &StopFlag::from_signals()?,
            )?;
            eprintln!(
                "sweep: {} point(s) run now; {} done, {} failed",
                outcome.ran,
                outcome.done,
                outcome.failed.len()
            );
            match outcome.failed.first() {
                None => Ok(()),
                Some((id, e)) => Err(Error::invalid(format!(
                    "{} point(s) failed (`sintermd sweep status {}` lists them); the first, {}: {e}",
                    outcome.failed.len(),
                    args.dir.display(),
                    sweep::point_folder(*id)
                ))),
            }
        }
        SweepCommand::Status(args) => {
            print!("{}", sweep::status::report(&args.dir)?);
            Ok(())
        }
        SweepCommand::Collect(args) => {
            let c = sweep::collect::collect(&args.dir)?;
            eprintln!(
                "wrote {} ({} rows), {} figure(s) and report.html in {}",
                c.table.display(),
                c.rows,
                c.figures,
                args.dir.display()
            );
            if !c.missing.is_empty() {
                eprintln!("{} point(s) not done:", c.missing.len());
                for (id, state) in &c.missing {
                    eprintln!("  {}: {state}", sweep::point_folder(*id));
                }
            }
            Ok(())
        }
    }
}

/// Sets the number of rayon worker threads (`--threads`; default all cores).
pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
        if n == 0 {
            return Err(Error::invalid("--threads must be at least 1"));
        }
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        // More threads than cores only slows a run (results do not depend on the count); far
        // more is a mistake that would start thousands of threads.
        if n > 8 * cores {
            return Err(Error::invalid(format!(
                "--threads {n} is more than 8 times the {cores} available cores; use at most {cores}"
            )));
        }
        if n > cores {
            eprintln!(
                "warning: --threads {n} is more than the {cores} available cores; the run will be \
                 slower, with the same results"
            );
        }
        // The calling thread is one of the `n`: a parallel loop too short to split runs on it
        // directly, and a parallel region wakes only the other threads, instead of handing
        // the work to the pool and sleeping until it is done.
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .use_current_thread()
            .build_global()
            .map_err(|e| Error::invalid(format!("cannot start {n} threads: {e}")))?;
    }
    Ok(())
}

fn eval(args: &EvalArgs) -> Result<()> {
    let periodic = args.boundary.as_deref().map(parse_boundary).transpose()?;
    let mut system = read_structure(&args.structure, periodic)?;
    let (spec, base) = match (&args.potential, &args.pair_style) {
        (Some(p), _) => (read_ron::<PotentialSpec>(p)?, base_dir(p)),
        (None, Some(style)) => (
            PotentialSpec::Lammps {
                pair_style: style.clone(),
                pair_coeff: args.pair_coeff.clone(),
                pair_modify: args.pair_modify.clone(),
            },
            PathBuf::from("."),
        ),
        (None, None) => {
            return Err(Error::invalid(
                "eval needs --potential FILE or --pair-style and --pair-coeff",
            ));
        }
    };
    let potential =
        build_potential(&spec, &system.species, &base).map_err(|e| match &args.potential {
            Some(p) => e.in_file(p),
            None => e,
        })?;
    let report = evaluate(&mut system, potential).map_err(|e| e.in_file(&args.structure))?;
    let text = serde_json::to_string(&report).map_err(|e| Error::invalid(e.to_string()))?;
    match &args.json {
        Some(path) => crate::io::write_text(path, &text),
        None => {
            println!("{text}");
            Ok(())
        }
    }
}
