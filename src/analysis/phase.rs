//! Phase check of particles: is each particle crystalline, crystalline with a premelted surface,
//! or molten? Two signatures, each on the particle's interior and its surface shell (see
//! [`super::shells`]: the interior lies deeper than 2 nearest-neighbour distances below the
//! particle's hull, below its outer three atomic layers):
//!
//! - **Crystalline fraction**: the fraction of the shell's atoms whose adaptive-CNA structure
//!   ([`super::cna`]) is fcc, hcp or bcc. hcp counts because stacking faults and twin planes of an
//!   fcc particle are hcp layers; bcc because a bcc particle is crystalline too. Icosahedral and
//!   other environments do not count (icosahedral order is a liquid and glass motif). Measured on
//!   one frame.
//! - **Lindemann index** over time: for each atom, the root-mean-square displacement about its
//!   time-averaged position, divided by the nearest-neighbour distance d, averaged over the
//!   atoms of the shell,
//!
//!   ```text
//!   delta = < sqrt( <|u_i|^2>_t - |<u_i>_t|^2 ) >_i / d,
//!   ```
//!
//!   with positions taken relative to the particle's centre of mass and turned back by the
//!   particle's rigid rotation since the first frame (a Kabsch fit of its interior atoms), so
//!   that neither drift nor tumbling reads as disorder. The time average runs over the frames
//!   observed so far in the stage (a running estimate; the variance with the n - 1 of an unbiased
//!   estimate); the shells are those of the first frame.
//!
//! **Verdicts** (per particle, at the last frame of a stage), first of the interior:
//! - `molten`: interior crystalline fraction below [`MOLTEN_FRACTION`] (0.2), or interior
//!   Lindemann index above [`LINDEMANN_MOLTEN`] (0.15). Lindemann's criterion: a crystal melts
//!   when the RMS vibration reaches 0.10-0.15 of the interatomic distance (F. A. Lindemann, Phys.
//!   Z. 11, 609 (1910)); in simulations of fcc metals and their clusters the index rises from
//!   0.05-0.10 in the solid to 0.15-0.3 and more once atoms diffuse, growing with the time
//!   averaged over. A liquid's adaptive CNA finds a few per cent of fcc/hcp atoms at most.
//! - `crystalline`: interior crystalline fraction at least [`CRYSTALLINE_FRACTION`] (0.5) and
//!   interior Lindemann index below [`LINDEMANN_SOLID`] (0.10): an ordered core whose atoms only
//!   vibrate. A solid Pt85Fe15 core at 1473 K (0.7 T_m) reads 0.85-0.95 (thermal noise turns
//!   some atoms "other") and 0.085-0.09.
//! - `partly crystalline`: between the two (interior fraction 0.2-0.5, or index 0.10-0.15):
//!   coexistence, a melting or freezing particle, or a heavily defected one.
//! - `undetermined`: the particle is too small to have interior atoms.
//!
//! then, for a particle not molten, of the surface shell: `premelted` when its crystalline
//! fraction is below [`PREMELTED_SURFACE_FRACTION`] (0.1) or its Lindemann index above
//! [`LINDEMANN_MOLTEN`] (a quasi-liquid surface layer on a solid core), else `ordered`. The
//! outermost layer is never fcc (its atoms lack neighbours), so an ordered surface shell reads
//! well below 1 (about 0.5 in a cold crystal), a premelted one near 0. The one-line verdict
//! joins the two: `crystalline`, `crystalline, premelted surface`, `molten`, ...
//!
//! Without a Lindemann index (a single frame) the verdicts rest on the crystalline fractions.

use serde::{Deserialize, Serialize};

use super::cna::Structure;
use super::com::{centre_of_mass, kabsch_rotation};
use super::shells::Shells;
use crate::system::{System, Vec3};

/// Interior crystalline fraction from which a core counts as crystalline.
pub const CRYSTALLINE_FRACTION: f64 = 0.5;
/// Interior crystalline fraction below which a particle is molten.
pub const MOLTEN_FRACTION: f64 = 0.2;
/// Lindemann index below which atoms only vibrate about their sites.
pub const LINDEMANN_SOLID: f64 = 0.10;
/// Lindemann index above which a shell is liquid (Lindemann's criterion, 0.10-0.15).
pub const LINDEMANN_MOLTEN: f64 = 0.15;
/// Surface-shell crystalline fraction below which a crystalline particle's surface is premelted.
pub const PREMELTED_SURFACE_FRACTION: f64 = 0.1;

/// The phase of a particle's interior.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Ordered interior whose atoms only vibrate.
    Crystalline,
    /// Between crystalline and molten.
    PartlyCrystalline,
    /// Disordered, diffusing interior.
    Molten,
    /// No interior atoms to judge by.
    Undetermined,
}

impl Phase {
    /// The verdict in words.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Crystalline => "crystalline",
            Phase::PartlyCrystalline => "partly crystalline",
            Phase::Molten => "molten",
            Phase::Undetermined => "undetermined",
        }
    }
}

/// The state of the surface shell of a particle that is not molten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    /// Crystalline order in the shell's inner layers, atoms vibrating.
    Ordered,
    /// Disordered or diffusing: a quasi-liquid layer.
    Premelted,
}

/// Whether CNA structure `s` is crystalline order (fcc, hcp or bcc).
pub fn is_crystalline(s: Structure) -> bool {
    matches!(s, Structure::Fcc | Structure::Hcp | Structure::Bcc)
}

/// Local order of one particle's shells in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShellOrder {
    /// Crystalline (fcc + hcp + bcc) fraction of the interior (None without interior atoms).
    pub interior: Option<f64>,
    /// fcc fraction of the interior.
    pub interior_fcc: Option<f64>,
    /// Crystalline fraction of the surface shell.
    pub surface: Option<f64>,
    /// fcc fraction of the surface shell.
    pub surface_fcc: Option<f64>,
    /// Interior atoms.
    pub interior_atoms: usize,
    /// Surface-shell atoms.
    pub surface_atoms: usize,
}

/// The crystalline and fcc fractions of the shells, from every atom's CNA `structures`.
pub fn shell_order(structures: &[Structure], shells: &Shells) -> ShellOrder {
    let fractions = |atoms: &[u32]| -> (Option<f64>, Option<f64>) {
        if atoms.is_empty() {
            return (None, None);
        }
        let n = atoms.len() as f64;
        let count = |f: &dyn Fn(Structure) -> bool| {
            atoms.iter().filter(|&&i| f(structures[i as usize])).count() as f64 / n
        };
        (
            Some(count(&is_crystalline)),
            Some(count(&|s| s == Structure::Fcc)),
        )
    };
    let (interior, interior_fcc) = fractions(&shells.interior);
    let (surface, surface_fcc) = fractions(&shells.surface);
    ShellOrder {
        interior,
        interior_fcc,
        surface,
        surface_fcc,
        interior_atoms: shells.interior.len(),
        surface_atoms: shells.surface.len(),
    }
}

/// The verdicts from the shells' crystalline fractions and Lindemann indices (None where not
/// measured), by the rules of the module doc: the interior's phase, and the surface shell's state
/// when the particle is not molten and has one.
pub fn classify(
    interior: Option<f64>,
    surface: Option<f64>,
    lindemann_interior: Option<f64>,
    lindemann_surface: Option<f64>,
) -> (Phase, Option<Surface>) {
    let Some(interior) = interior else {
        return (Phase::Undetermined, None);
    };
    let above = |x: Option<f64>, limit: f64| x.is_some_and(|v| v > limit);
    if interior < MOLTEN_FRACTION || above(lindemann_interior, LINDEMANN_MOLTEN) {
        return (Phase::Molten, None);
    }
    let vibrating = lindemann_interior.is_none_or(|v| v < LINDEMANN_SOLID);
    let phase = if interior >= CRYSTALLINE_FRACTION && vibrating {
        Phase::Crystalline
    } else {
        Phase::PartlyCrystalline
    };
    let surface = surface.map(|f| {
        if f < PREMELTED_SURFACE_FRACTION || above(lindemann_surface, LINDEMANN_MOLTEN) {
            Surface::Premelted
        } else {
            Surface::Ordered
        }
    });
    (phase, surface)
}

/// The Lindemann index of one particle's shells over the frames of a stage (see the module doc).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LindemannTracker {
    /// The particle's atoms (indices into the system).
    members: Vec<u32>,
    /// Positions of the members relative to the particle's centre of mass in the first frame [A].
    reference: Vec<Vec3>,
    /// Positions (into `members`) of the first frame's interior atoms.
    interior: Vec<usize>,
    /// Positions (into `members`) of the first frame's surface-shell atoms.
    surface: Vec<usize>,
    /// Sum over frames of each member's displacement from its reference, turned back [A].
    sum: Vec<Vec3>,
    /// Sum over frames of the squared displacements [A^2].
    sum_squares: Vec<f64>,
    /// Frames added.
    frames: usize,
}

impl LindemannTracker {
    /// Starts tracking the particle `members` of `system`, with its shells there.
    pub fn new(system: &System, members: &[u32], shells: &Shells) -> Self {
        let reference = relative_positions(system, members);
        let index: std::collections::HashMap<u32, usize> =
            members.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let positions =
            |atoms: &[u32]| atoms.iter().filter_map(|i| index.get(i).copied()).collect();
        LindemannTracker {
            members: members.to_vec(),
            interior: positions(&shells.interior),
            surface: positions(&shells.surface),
            sum: vec![Vec3::zeros(); members.len()],
            sum_squares: vec![0.0; members.len()],
            reference,
            frames: 0,
        }
    }

    /// Adds a frame.
    pub fn add(&mut self, system: &System) {
        let now = relative_positions(system, &self.members);
        // The rigid rotation that best maps the interior back onto its first frame (all atoms
        // when the interior is too small to fix one).
        let fit: Vec<usize> = if self.interior.len() >= 3 {
            self.interior.clone()
        } else {
            (0..self.members.len()).collect()
        };
        let rotation = if fit.len() >= 3 {
            let p: Vec<Vec3> = fit.iter().map(|&k| now[k]).collect();
            let q: Vec<Vec3> = fit.iter().map(|&k| self.reference[k]).collect();
            kabsch_rotation(&p, &q)
        } else {
            nalgebra::Matrix3::identity()
        };
        for (k, x) in now.iter().enumerate() {
            let u = rotation * x - self.reference[k];
            self.sum[k] += u;
            self.sum_squares[k] += u.norm_squared();
        }
        self.frames += 1;
    }

    /// Frames added so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// The Lindemann index (interior, surface shell) with nearest-neighbour distance
    /// `nearest_neighbor` [A]: None for a shell without atoms, or before two frames.
    pub fn index(&self, nearest_neighbor: f64) -> (Option<f64>, Option<f64>) {
        if self.frames < 2 {
            return (None, None);
        }
        let n = self.frames as f64;
        let rms = |k: usize| {
            let variance = (self.sum_squares[k] - self.sum[k].norm_squared() / n) / (n - 1.0);
            variance.max(0.0).sqrt()
        };
        let mean = |atoms: &[usize]| {
            (!atoms.is_empty()).then(|| {
                atoms.iter().map(|&k| rms(k)).sum::<f64>() / atoms.len() as f64 / nearest_neighbor
            })
        };
        (mean(&self.interior), mean(&self.surface))
    }
}

/// Unwrapped positions of `members` relative to their centre of mass [A].
fn relative_positions(system: &System, members: &[u32]) -> Vec<Vec3> {
    let c = centre_of_mass(system, Some(members));
    let mut x = super::unwrapped_members(system, members);
    x.iter_mut().for_each(|p| *p -= c);
    x
}

/// The phase check of one particle at the end of a stage, as `summary.json` records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticlePhase {
    /// The stage (filled in by the run).
    #[serde(default)]
    pub stage: String,
    /// The particle (its group, e.g. `particle1`).
    pub particle: String,
    /// The verdict in words: the phase, and `premelted surface` where so.
    pub verdict: String,
    /// The interior's phase.
    pub phase: Phase,
    /// The surface shell's state (None for a molten particle).
    pub surface: Option<Surface>,
    /// Time of the frame [ps].
    pub time_ps: f64,
    /// Crystalline (fcc + hcp + bcc) fraction of the interior.
    pub interior_crystalline_fraction: Option<f64>,
    /// fcc fraction of the interior.
    pub interior_fcc_fraction: Option<f64>,
    /// Crystalline fraction of the surface shell.
    pub surface_crystalline_fraction: Option<f64>,
    /// Lindemann index of the interior over the stage.
    pub lindemann_interior: Option<f64>,
    /// Lindemann index of the surface shell over the stage.
    pub lindemann_surface: Option<f64>,
    /// Interior atoms in the frame.
    pub interior_atoms: usize,
    /// Surface-shell atoms in the frame.
    pub surface_atoms: usize,
}

impl ParticlePhase {
    /// The verdict of `particle` at time `time_ps` [ps] from its shells' `order` and Lindemann
    /// indices `lindemann` (interior, surface).
    pub fn judge(
        particle: &str,
        time_ps: f64,
        order: &ShellOrder,
        lindemann: (Option<f64>, Option<f64>),
    ) -> Self {
        let (phase, surface) = classify(order.interior, order.surface, lindemann.0, lindemann.1);
        let verdict = match surface {
            Some(Surface::Premelted) => format!("{}, premelted surface", phase.name()),
            _ => phase.name().to_string(),
        };
        ParticlePhase {
            stage: String::new(),
            particle: particle.to_string(),
            verdict,
            phase,
            surface,
            time_ps,
            interior_crystalline_fraction: order.interior,
            interior_fcc_fraction: order.interior_fcc,
            surface_crystalline_fraction: order.surface,
            lindemann_interior: lindemann.0,
            lindemann_surface: lindemann.1,
            interior_atoms: order.interior_atoms,
            surface_atoms: order.surface_atoms,
        }
    }

    /// One line: the verdict and the numbers behind it.
    pub fn describe(&self) -> String {
        let f = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.2}"));
        let l = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
        format!(
            "{}: {} at t = {:.3} ps (crystalline fraction {} interior (fcc {}), {} surface shell; \
             Lindemann index {} interior, {} surface shell; {} interior and {} surface-shell atoms)",
            self.particle,
            self.verdict,
            self.time_ps,
            f(self.interior_crystalline_fraction),
            f(self.interior_fcc_fraction),
            f(self.surface_crystalline_fraction),
            l(self.lindemann_interior),
            l(self.lindemann_surface),
            self.interior_atoms,
            self.surface_atoms
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_follow_the_thresholds() {
        use Phase::*;
        use Surface::*;
        let c = |fi, fs, li, ls| classify(Some(fi), Some(fs), li, ls);
        assert_eq!(
            c(0.95, 0.35, Some(0.06), Some(0.09)),
            (Crystalline, Some(Ordered))
        );
        assert_eq!(c(0.95, 0.35, None, None), (Crystalline, Some(Ordered)));
        assert_eq!(
            c(0.95, 0.02, Some(0.06), Some(0.12)),
            (Crystalline, Some(Premelted))
        );
        assert_eq!(
            c(0.95, 0.35, Some(0.06), Some(0.25)),
            (Crystalline, Some(Premelted))
        );
        assert_eq!(c(0.10, 0.0, Some(0.05), None), (Molten, None));
        assert_eq!(c(0.95, 0.35, Some(0.3), Some(0.4)), (Molten, None));
        assert_eq!(
            c(0.35, 0.2, Some(0.08), Some(0.1)),
            (PartlyCrystalline, Some(Ordered))
        );
        assert_eq!(
            c(0.9, 0.3, Some(0.12), Some(0.1)),
            (PartlyCrystalline, Some(Ordered))
        );
        assert_eq!(classify(None, Some(0.2), None, None), (Undetermined, None));
        assert_eq!(
            classify(Some(0.9), None, Some(0.05), None),
            (Crystalline, None)
        );
    }

    #[test]
    fn a_rigidly_moved_particle_has_no_lindemann_index() {
        use crate::system::{SimBox, SpeciesTable};
        let b = SimBox::new([-50.0; 3], [50.0; 3], [false; 3]).unwrap();
        let mut s = System::new(b, SpeciesTable::elements(&["Cu"]).unwrap());
        for k in 0..27 {
            let x = Vec3::new((k % 3) as f64, ((k / 3) % 3) as f64, (k / 9) as f64) * 2.5;
            s.push(k + 1, 0, x, Vec3::zeros());
        }
        let members: Vec<u32> = (0..27).collect();
        // The middle layer is the interior (nine atoms fix the rotation), the others the shell.
        let shells = Shells {
            interior: (9..18).collect(),
            surface: (0..9).chain(18..27).collect(),
        };
        let mut t = LindemannTracker::new(&s, &members, &shells);
        t.add(&s);
        assert_eq!(t.index(2.5), (None, None));
        // Translated and turned by 20 degrees about z: nothing moved relative to the particle.
        let turn = nalgebra::Rotation3::from_axis_angle(&Vec3::z_axis(), 20f64.to_radians());
        for x in &mut s.positions {
            *x = turn * *x + Vec3::new(3.0, -1.0, 7.0);
        }
        t.add(&s);
        let (li, ls) = t.index(2.5);
        assert!(li.unwrap() < 1e-12 && ls.unwrap() < 1e-12, "{li:?} {ls:?}");
        // Two opposite corners move 1 A apart along z (centre of mass and interior stay): each
        // has displacements 0, 0, 1 over the three frames, variance 1/3.
        s.positions[0].z -= 1.0;
        s.positions[26].z += 1.0;
        t.add(&s);
        let (li, ls) = t.index(2.5);
        assert!(li.unwrap() < 1e-12, "{li:?}");
        let expected = 2.0 * (1.0f64 / 3.0).sqrt() / 18.0 / 2.5;
        assert!(
            (ls.unwrap() - expected).abs() < 1e-12,
            "{ls:?} vs {expected}"
        );
    }
}
