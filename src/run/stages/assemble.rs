//! The `Assemble` stage: the particles of a `Build(Pair(...))` structure (equilibrated, if an
//! `EquilibrateParticles` stage ran) placed with the pair geometry become the main system.

use crate::error::{Error, Result};
use crate::input::{AssembleStage, in_stage};
use crate::report::Section;
use crate::run::Runner;
use crate::structure::assemble;
use crate::system::define_groups;

impl Runner<'_> {
    /// Places the particles with the pair geometry; the result becomes the main system.
    pub(in crate::run) fn assemble_stage(
        &mut self,
        k: usize,
        name: &str,
        stage: &AssembleStage,
    ) -> Result<()> {
        let (Some(pair), Some([first, second])) =
            (self.input.pair(), self.tally.particles.as_ref())
        else {
            return Err(in_stage(
                &format!("stage {} (\"{name}\")", k + 1),
                Error::invalid("Assemble needs a pair of particles"),
            ));
        };
        let mut geometry = pair.geometry.clone();
        if let Some(gap) = stage.gap {
            geometry.gap = gap;
        }
        let assembly = assemble(first, second, &geometry)
            .map_err(|e| in_stage(&format!("stage {} (\"{name}\")", k + 1), e))?;
        let mut system = assembly.system;
        define_groups(&mut system, &self.input.groups)?;
        let natoms = system.len();
        self.main.replace_system(system)?;
        let closest = assembly
            .closest_approach
            .map(|d| format!("; closest atoms of the two particles {d:.3} A apart"))
            .unwrap_or_default();
        self.tally.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: vec![
                format!("{natoms} atoms: the two particles placed with their facets {:?} and {:?} facing", geometry.facets.0, geometry.facets.1),
                format!("gap {:.4} A ({:?}), facets at {:.4} degrees{closest}", assembly.gap, geometry.gap_between, assembly.angle),
                format!(
                    "facing facet planes (mean x of their outermost layers) {:.4} A apart; outermost atoms {:.4} A apart",
                    assembly.planes[1] - assembly.planes[0],
                    assembly.outermost_gap
                ),
                format!(
                    "each particle's linear and angular momentum {}",
                    if geometry.remove_momentum { "removed" } else { "kept" }
                ),
            ],
            figures: Vec::new(),
        });
        eprintln!(
            "{name}: {natoms} atoms assembled, gap {:.4} A ({:?}): facet planes {:.4} A apart, outermost atoms {:.4} A",
            assembly.gap,
            geometry.gap_between,
            assembly.planes[1] - assembly.planes[0],
            assembly.outermost_gap
        );
        Ok(())
    }
}
