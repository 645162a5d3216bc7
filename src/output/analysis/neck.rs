//! The neck between two particles: radius, gap, bridging atoms, when it first forms, and its
//! onset: the first persistent bridge, with what made it (diffusion or capture).
//!
//! **Onset.** The first observation with at least `min_bridging` bridging atoms that starts a
//! run of observations, each with that many, lasting at least `persistence` ps. The onset's
//! first bridging atoms are those of its first observation. Each one's displacement is measured
//! relative to its particle's centre of mass since the stage start (x(t) - c_p(t)) - (x(0) -
//! c_p(0)); an atom displaced by [`MIGRATED`] nearest-neighbour distances or more has hopped
//! from where it sat (one hop of an adatom on fcc (100) or (111) moves it one nearest-neighbour
//! distance; thermal vibration, a few tenths of an angstrom). The onset is by **diffusion** when
//! one of its first bridging atoms had migrated, by **capture** otherwise: atoms still at their
//! sites bonding across the gap, the particles or their surface atoms drawn into contact. The
//! change of the centre distance before the onset and after it (to the end of the stage) is
//! recorded beside: capture is followed by the centres jumping together.

use super::*;
use crate::analysis::gap::membership;

/// Displacement, in nearest-neighbour distances, from which a bridging atom counts as migrated.
pub const MIGRATED: f64 = 0.75;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct NeckObserver {
    trigger: Trigger,
    names: (String, String),
    particles: (Vec<u32>, Vec<u32>),
    geometry: NeckGeometry,
    min_bridging: usize,
    /// Time a bridge must last to be the onset [ps].
    persistence: f64,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    radius: Vec<f64>,
    gap: Vec<f64>,
    bridging: Vec<f64>,
    formed_at: Option<f64>,
    /// Each atom's position relative to its particle's centre of mass at the stage start [A]
    /// (None before the first observation).
    start: Option<Vec<Vec3>>,
    /// Centre distance at the first and the latest observation [A].
    distance: (f64, f64),
    /// The bridge being watched for persistence.
    candidate: Option<Onset>,
    /// The onset, once a bridge has lasted.
    onset: Option<Onset>,
}

/// The start of a bridge (see the module documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Onset {
    /// Time [ps].
    time: f64,
    /// Centre distance then minus at the stage start [A].
    approach_before: f64,
    /// Centre distance then [A].
    distance: f64,
    /// The first bridging atoms: id, particle (1 or 2), displacement [A].
    atoms: Vec<(u64, u8, f64)>,
    /// Some first bridging atom had migrated.
    by_diffusion: bool,
}

impl Onset {
    fn mechanism(&self) -> &'static str {
        if self.by_diffusion {
            "diffusion"
        } else {
            "capture"
        }
    }
}

impl NeckObserver {
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        names: (String, String),
        (min_bridging, persistence): (usize, f64),
        stem: PathBuf,
    ) -> Result<Self> {
        let groups = resolve_groups(system, &Some(vec![names.0.clone(), names.1.clone()]))?;
        let geometry = NeckGeometry::from_structure(system)?;
        let header = [
            "step",
            "time[ps]",
            "centre_distance[A]",
            "neck_radius[A]",
            "neck_position[A]",
            "crossing_bonds",
            "neck_atoms",
            "min_gap[A]",
            "bridging_atoms",
            "neck_formed",
        ];
        Ok(NeckObserver {
            trigger,
            names,
            particles: (groups[0].1.clone(), groups[1].1.clone()),
            geometry,
            min_bridging: min_bridging.max(1),
            persistence,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            radius: Vec::new(),
            gap: Vec::new(),
            bridging: Vec::new(),
            formed_at: None,
            start: None,
            distance: (0.0, 0.0),
            candidate: None,
            onset: None,
        })
    }

    /// Each atom's position relative to its particle's centre of mass [A] (zero for atoms of
    /// neither particle).
    fn relative_positions(&self, system: &System) -> Vec<Vec3> {
        let x = crate::analysis::unwrapped_positions(system);
        let mut out = vec![Vec3::zeros(); x.len()];
        for members in [&self.particles.0, &self.particles.1] {
            let c = centre_of_mass(system, Some(members));
            members
                .iter()
                .for_each(|&i| out[i as usize] = x[i as usize] - c);
        }
        out
    }

    /// Follows the bridge for the onset: a new bridge becomes the candidate, a broken one is
    /// dropped, one that has lasted `persistence` is the onset.
    fn watch_onset(&mut self, system: &System, t: f64, bridging: &[u32]) {
        if self.onset.is_some() {
            return;
        }
        if bridging.len() < self.min_bridging {
            self.candidate = None;
            return;
        }
        if self.candidate.is_none() {
            let now = self.relative_positions(system);
            let start = self.start.as_deref().unwrap_or(&now);
            let moved = MIGRATED * self.geometry.nearest_neighbor;
            let particle = membership(system.len(), [&self.particles.0, &self.particles.1]);
            let atoms: Vec<(u64, u8, f64)> = bridging
                .iter()
                .map(|&i| {
                    let i = i as usize;
                    (system.ids[i], particle[i], (now[i] - start[i]).norm())
                })
                .collect();
            self.candidate = Some(Onset {
                time: t,
                approach_before: self.distance.1 - self.distance.0,
                distance: self.distance.1,
                by_diffusion: atoms.iter().any(|a| a.2 >= moved),
                atoms,
            });
        }
        if let Some(c) = &self.candidate
            && t - c.time >= self.persistence
        {
            self.onset = self.candidate.take();
        }
    }

    /// The onset's first bridging atoms as a table.
    fn write_onset(&self, onset: &Onset) -> Result<()> {
        let moved = MIGRATED * self.geometry.nearest_neighbor;
        let rows: Vec<Vec<f64>> = onset
            .atoms
            .iter()
            .map(|&(id, particle, displacement)| {
                vec![
                    id as f64,
                    particle as f64,
                    displacement,
                    (displacement >= moved) as u8 as f64,
                ]
            })
            .collect();
        write_csv(
            &self
                .stem
                .with_file_name(format!("{}_onset.csv", file_stem(&self.stem))),
            &["id", "particle", "displacement[A]", "migrated"],
            &rows,
        )
    }
}

impl Reopen for NeckObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for NeckObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Neck, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let n = measure_neck(
            &frame.state.system,
            &self.particles.0,
            &self.particles.1,
            &self.geometry,
        )?;
        let t = frame.state.time;
        if self.start.is_none() {
            self.start = Some(self.relative_positions(&frame.state.system));
            self.distance.0 = n.centre_distance;
        }
        self.distance.1 = n.centre_distance;
        if self.formed_at.is_none() && n.bridging_atoms >= self.min_bridging {
            self.formed_at = Some(t);
        }
        self.watch_onset(&frame.state.system, t, &n.bridging);
        self.time.push(t);
        self.radius.push(n.neck_radius);
        self.gap.push(n.min_gap);
        self.bridging.push(n.bridging_atoms as f64);
        self.csv.record(
            frame.state.step,
            &[
                t,
                n.centre_distance,
                n.neck_radius,
                n.neck_position,
                n.crossing_bonds as f64,
                n.neck_atoms as f64,
                n.min_gap,
                n.bridging_atoms as f64,
                self.formed_at.is_some() as u8 as f64,
            ],
        )
    }

    fn notes(&self) -> Vec<Note> {
        let text = match self.formed_at {
            Some(t) => format!(
                "neck between {} and {} formed at t = {t:.3} ps (first observation with at least {} atom(s) bonded to both)",
                self.names.0, self.names.1, self.min_bridging
            ),
            None => format!(
                "no neck formed between {} and {} during the stage",
                self.names.0, self.names.1
            ),
        };
        let onset = self.onset.as_ref();
        let onset_text = match onset {
            Some(o) => format!(
                "neck onset (first bridge lasting {} ps) at t = {:.3} ps, by {}: {} of its {} first \
                 bridging atom(s) had migrated ({} nearest-neighbour distances or more from their \
                 sites); the centres had moved {:+.2} A by then and moved {:+.2} A more by the \
                 end of the stage",
                self.persistence,
                o.time,
                o.mechanism(),
                o.atoms
                    .iter()
                    .filter(|a| a.2 >= MIGRATED * self.geometry.nearest_neighbor)
                    .count(),
                o.atoms.len(),
                MIGRATED,
                o.approach_before,
                self.distance.1 - o.distance
            ),
            None => format!(
                "no bridge lasted {} ps: no neck onset during the stage",
                self.persistence
            ),
        };
        vec![
            Note {
                key: "neck_formed_ps",
                value: self.formed_at,
                text,
            },
            Note {
                key: "neck_onset_ps",
                value: onset.map(|o| o.time),
                text: onset_text,
            },
            Note {
                key: "neck_onset_by_diffusion",
                value: onset.map(|o| o.by_diffusion as u8 as f64),
                text: String::new(),
            },
            Note {
                key: "centre_distance_change_before_onset_A",
                value: onset.map(|o| o.approach_before),
                text: String::new(),
            },
            Note {
                key: "centre_distance_change_after_onset_A",
                value: onset.map(|o| self.distance.1 - o.distance),
                text: String::new(),
            },
            Note {
                key: "final_neck_radius_A",
                value: self.radius.last().copied(),
                text: String::new(),
            },
            Note {
                key: "final_min_gap_A",
                value: self.gap.last().copied(),
                text: String::new(),
            },
        ]
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        if let Some(onset) = &self.onset {
            self.write_onset(onset)?;
        }
        let formed = match self.formed_at {
            Some(t) => format!(
                "neck formed at t = {t:.3} ps (first observation with at least {} bridging atom(s))",
                self.min_bridging
            ),
            None => "no neck formed during the stage".into(),
        };
        let mut figures = vec![];
        let plot = Plot::new(
            format!("Neck between {} and {}", self.names.0, self.names.1),
            "time [ps]",
            "length [Å]",
        )
        .with(Series::line(
            "neck radius",
            self.time.clone(),
            self.radius.clone(),
        ))
        .with(Series::line(
            "minimum gap",
            self.time.clone(),
            self.gap.clone(),
        ));
        figures.push(figure(
            plot,
            self.stem.clone(),
            format!("Neck radius and minimum gap between the particles; {formed}."),
        )?);
        let plot = Plot::new(
            "Atoms bonded to both particles",
            "time [ps]",
            "bridging atoms",
        )
        .with(Series::line(
            "bridging atoms",
            self.time.clone(),
            self.bridging.clone(),
        ));
        figures.push(figure(
            plot,
            self.stem
                .with_file_name(format!("{}_bridging", file_stem(&self.stem))),
            "Number of atoms bonded to atoms of both particles.".into(),
        )?);
        Ok(figures)
    }
}
