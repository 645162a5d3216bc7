//! The `WriteMesh` stage of `sintermd run`: the atoms of the current system become the sites of
//! a KMC mesh, written as a `sintermd-mesh 1` file (see [`crate::kmc::mesh`]) with its analysis:
//! g(r) and the neighbour cutoff at its first minimum, the distribution of neighbour counts, and
//! the adaptive common-neighbour analysis that tells an amorphous mesh from a crystal.
//!
//! Typical use, after an MD melt and quench (`inputs/glass_mesh_quench.ron`):
//! ```ron
//! WriteMesh(name: "mesh", file: "glass.mesh")
//! ```

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use crate::error::Result;
use crate::input::{WriteMeshStage, in_stage};
use crate::kmc::mesh::{
    MeshAnalysis, MeshFile, MeshReport, analyse_mesh, mesh_file_of, write_mesh,
};
use crate::report::{Figure, Plot, Section, Series};
use crate::run::Runner;
use crate::system::System;

impl Runner<'_> {
    /// Writes the current atoms as a KMC mesh.
    pub(in crate::run) fn write_mesh_stage(
        &mut self,
        k: usize,
        name: &str,
        stage: &WriteMeshStage,
    ) -> Result<()> {
        let start = Instant::now();
        let outcome = stage
            .run(&self.main.state.system, &self.out_dir, name)
            .map_err(|e| in_stage(&format!("stage {} (\"{name}\")", k + 1), e))?;
        self.tally.wall += start.elapsed().as_secs_f64();
        for line in &outcome.facts {
            eprintln!("{name}: {line}");
        }
        self.tally.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: outcome.facts,
            figures: outcome.figures,
        });
        Ok(())
    }
}

/// Largest fraction of sites in a crystalline environment (fcc, hcp or bcc each) for a mesh to
/// count as amorphous.
pub const AMORPHOUS_CRYSTAL_FRACTION: f64 = 0.05;

/// What the stage wrote and found.
#[derive(Clone, Debug)]
pub struct MeshStageOutcome {
    /// The mesh report (also written to `<name>_mesh.json`).
    pub report: MeshReport,
    /// Lines for the run report.
    pub facts: Vec<String>,
    /// Figures: g(r) with the cutoff, the neighbour-count histogram.
    pub figures: Vec<Figure>,
}

impl WriteMeshStage {
    /// Writes the sites of `system` into `out_dir` (files `self.file`, `<name>_mesh.json`,
    /// `<name>_gr.csv` and figures).
    pub fn run(&self, system: &System, out_dir: &Path, name: &str) -> Result<MeshStageOutcome> {
        let mut positions = system.positions.clone();
        for x in &mut positions {
            let mut image = [0; 3];
            system.simbox.wrap(x, &mut image);
        }
        let mesh = MeshFile {
            simbox: system.simbox.clone(),
            positions,
            cutoff: None,
            neighbors: None,
        };
        let analysis = analyse_mesh(&mesh, &self.neighbors, [1, 1, 1])?;
        let path = out_dir.join(&self.file);
        write_mesh(&path, &mesh_file_of(&analysis.sites, self.write_neighbors))?;
        crate::io::write_json(&out_dir.join(format!("{name}_mesh.json")), &analysis.report)?;
        let figures = mesh_figures(&analysis, out_dir, name)?;
        let facts = self.facts(system, &analysis.report);
        Ok(MeshStageOutcome {
            report: analysis.report,
            facts,
            figures,
        })
    }

    /// Lines for the run report: the file, g(r) and the cutoff, neighbour counts, the CNA.
    fn facts(&self, system: &System, report: &MeshReport) -> Vec<String> {
        let mut facts = vec![
            format!(
                "{} sites written to {} ({} box {:.3} x {:.3} x {:.3} A, {:.5} sites/A^3){}",
                report.sites,
                self.file,
                system.simbox.boundary_string(),
                system.simbox.lengths().x,
                system.simbox.lengths().y,
                system.simbox.lengths().z,
                report.sites as f64 / system.simbox.volume(),
                if self.write_neighbors {
                    ", with neighbour lists"
                } else {
                    ""
                }
            ),
            format!(
                "g(r) first peak {:.3} A; neighbour cutoff {:.3} A{}",
                report.first_peak,
                report.cutoff,
                if report.detected {
                    " (first minimum of g(r))"
                } else {
                    ""
                }
            ),
            report.neighbor_counts.line(),
        ];
        if let Some(f) = &report.structure_fractions {
            let parts: Vec<String> = f
                .iter()
                .map(|(k, v)| format!("{k} {:.2} %", 100.0 * v))
                .collect();
            let crystalline = crystalline_fraction(report);
            facts.push(format!(
                "adaptive CNA: {}; {}",
                parts.join(", "),
                if crystalline <= AMORPHOUS_CRYSTAL_FRACTION {
                    format!(
                        "amorphous (no fcc, hcp or bcc fraction above {:.0} %)",
                        100.0 * AMORPHOUS_CRYSTAL_FRACTION
                    )
                } else {
                    format!(
                        "NOT amorphous: a crystalline fraction of {:.1} % exceeds {:.0} %",
                        100.0 * crystalline,
                        100.0 * AMORPHOUS_CRYSTAL_FRACTION
                    )
                }
            ));
        }
        facts
    }
}

/// Writes `<name>_gr.csv` and the figures: g(r) with the cutoff (when there is a g(r)), the
/// neighbour-count histogram.
fn mesh_figures(analysis: &MeshAnalysis, out_dir: &Path, name: &str) -> Result<Vec<Figure>> {
    let report = &analysis.report;
    let mut figures = Vec::new();
    if let Some(g) = &analysis.rdf {
        let mut csv = String::from("r[A],g\n");
        for (r, v) in g.r.iter().zip(&g.g) {
            let _ = writeln!(csv, "{r},{v}");
        }
        crate::io::write_text(&out_dir.join(format!("{name}_gr.csv")), &csv)?;
        let top = g.g.iter().copied().fold(0.0, f64::max);
        let stem = out_dir.join(format!("{name}_gr"));
        Plot::new("Mesh sites: radial distribution function", "r [A]", "g(r)")
            .with(Series::line("g(r)", g.r.clone(), g.g.clone()))
            .with(Series::line(
                "neighbour cutoff",
                vec![report.cutoff, report.cutoff],
                vec![0.0, top],
            ))
            .write(&stem)?;
        figures.push(Figure {
            png: stem.with_extension("png"),
            caption: format!(
                "g(r) of the {} mesh sites; neighbours are closer than {:.3} A",
                report.sites, report.cutoff
            ),
        });
    }
    let hist = &report.neighbor_counts.histogram;
    let stem = out_dir.join(format!("{name}_neighbor_counts"));
    Plot::new(
        "Mesh sites: neighbour counts",
        "neighbours",
        "fraction of sites",
    )
    .with(Series::points(
        "sites",
        hist.keys().map(|&c| c as f64).collect(),
        hist.values()
            .map(|&n| n as f64 / report.sites.max(1) as f64)
            .collect(),
    ))
    .write(&stem)?;
    figures.push(Figure {
        png: stem.with_extension("png"),
        caption: "distribution of neighbour counts over the mesh sites".into(),
    });
    Ok(figures)
}

/// The largest of the fcc, hcp and bcc fractions of a mesh report (0 without CNA).
pub fn crystalline_fraction(report: &MeshReport) -> f64 {
    report
        .structure_fractions
        .as_ref()
        .map(|f| {
            ["fcc", "hcp", "bcc"]
                .iter()
                .map(|k| f.get(*k).copied().unwrap_or(0.0))
                .fold(0.0, f64::max)
        })
        .unwrap_or(0.0)
}
