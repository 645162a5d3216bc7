//! The phase check of each particle: crystalline fractions of its interior and surface shell,
//! Lindemann indices, and the verdict at the stage's end (see `analysis::phase`).

use super::*;

/// One particle's record over the stage.
#[derive(Debug, Serialize, Deserialize)]
struct ParticleTrack {
    name: String,
    members: Vec<u32>,
    lindemann: LindemannTracker,
    interior: Vec<f64>,
    surface: Vec<f64>,
    lindemann_interior: Vec<f64>,
    lindemann_surface: Vec<f64>,
    last: Option<ParticlePhase>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct PhaseObserver {
    trigger: Trigger,
    nearest_neighbor: f64,
    view_radius: f64,
    bulk: bool,
    particles: Vec<ParticleTrack>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
}

impl PhaseObserver {
    pub(super) fn new(system: &System, trigger: Trigger, stem: PathBuf) -> Result<Self> {
        // The Structure observer's distance, so that the two share each frame's CNA.
        let d =
            median_nearest_neighbor_distance(&PairView::new(system, 6.0)?).ok_or_else(|| {
                Error::invalid(
                    "phase check: no atom has a neighbour within 6 A (a stage of a particle study \
                 runs it by default; output: (phase_check: false) turns that off)",
                )
            })?;
        let bulk = pressure_is_defined(system);
        let mut header = vec!["step".to_string(), "time[ps]".to_string()];
        let particles: Vec<ParticleTrack> = particle_groups(system)
            .into_iter()
            .map(|(name, members)| {
                for column in [
                    "interior_crystalline",
                    "interior_fcc",
                    "surface_crystalline",
                    "surface_fcc",
                    "lindemann_interior",
                    "lindemann_surface",
                    "interior_atoms",
                    "surface_atoms",
                ] {
                    header.push(format!("{name}_{column}"));
                }
                let shells = particle_shells(system, &members, d, bulk);
                ParticleTrack {
                    lindemann: LindemannTracker::new(system, &members, &shells),
                    name,
                    members,
                    interior: Vec::new(),
                    surface: Vec::new(),
                    lindemann_interior: Vec::new(),
                    lindemann_surface: Vec::new(),
                    last: None,
                }
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        Ok(PhaseObserver {
            trigger,
            nearest_neighbor: d,
            // The adaptive CNA needs each atom's 14 nearest neighbours (bcc: 1.15 d); the
            // Structure observer's radius.
            view_radius: 1.8 * d,
            bulk,
            particles,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
        })
    }
}

impl Reopen for PhaseObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for PhaseObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Phase, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let t = frame.state.time;
        let (_, structures) = frame.shared.structure(s, self.view_radius)?;
        let mut row = vec![t];
        for p in &mut self.particles {
            let shells = particle_shells(s, &p.members, self.nearest_neighbor, self.bulk);
            let order = shell_order(&structures, &shells);
            p.lindemann.add(s);
            let lindemann = p.lindemann.index(self.nearest_neighbor);
            let nan = |x: Option<f64>| x.unwrap_or(f64::NAN);
            row.extend([
                nan(order.interior),
                nan(order.interior_fcc),
                nan(order.surface),
                nan(order.surface_fcc),
                nan(lindemann.0),
                nan(lindemann.1),
                order.interior_atoms as f64,
                order.surface_atoms as f64,
            ]);
            p.interior.push(nan(order.interior));
            p.surface.push(nan(order.surface));
            p.lindemann_interior.push(nan(lindemann.0));
            p.lindemann_surface.push(nan(lindemann.1));
            p.last = Some(ParticlePhase::judge(&p.name, t, &order, lindemann));
        }
        self.time.push(t);
        self.csv.record(frame.state.step, &row)
    }

    fn notes(&self) -> Vec<Note> {
        // The verdicts go to the report and summary.json through `phases`.
        let last: Vec<&ParticlePhase> = self
            .particles
            .iter()
            .filter_map(|p| p.last.as_ref())
            .collect();
        // For sweep tables: the least crystalline particle's interior and the largest index.
        let least = last
            .iter()
            .filter_map(|p| p.interior_crystalline_fraction)
            .reduce(f64::min);
        let largest = last
            .iter()
            .filter_map(|p| p.lindemann_interior)
            .reduce(f64::max);
        vec![
            Note {
                key: "final_interior_crystalline_fraction",
                value: least,
                text: String::new(),
            },
            Note {
                key: "final_lindemann_index",
                value: largest,
                text: String::new(),
            },
        ]
    }

    fn phases(&self) -> Vec<ParticlePhase> {
        self.particles
            .iter()
            .filter_map(|p| p.last.clone())
            .collect()
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut order = Plot::new(
            "Crystalline (fcc + hcp + bcc) fraction",
            "time [ps]",
            "fraction of atoms",
        );
        let mut lindemann = Plot::new("Lindemann index", "time [ps]", "RMS displacement / d");
        // A particle's interior (solid line) and surface shell (dashed) on `plot`.
        let shells = |plot: Plot, name: &str, interior: &[f64], surface: &[f64]| {
            plot.with(Series::line(
                format!("{name} interior"),
                self.time.clone(),
                interior.to_vec(),
            ))
            .with(
                Series::line(
                    format!("{name} surface shell"),
                    self.time.clone(),
                    surface.to_vec(),
                )
                .dashed(),
            )
        };
        for p in &self.particles {
            order = shells(order, &p.name, &p.interior, &p.surface);
            lindemann = shells(
                lindemann,
                &p.name,
                &p.lindemann_interior,
                &p.lindemann_surface,
            );
        }
        // The criterion's bounds, unlabelled (the caption names them).
        if let (Some(&t0), Some(&t1)) = (self.time.first(), self.time.last()) {
            for limit in [LINDEMANN_SOLID, LINDEMANN_MOLTEN] {
                lindemann = lindemann.with(Series::line("", vec![t0, t1], vec![limit; 2]).dotted());
            }
        }
        let verdicts: Vec<String> = self
            .particles
            .iter()
            .filter_map(|p| p.last.as_ref())
            .map(|p| format!("{} {}", p.particle, p.verdict))
            .collect();
        let shells = "interior: deeper than 2 nearest-neighbour distances below the particle's \
                      hull; surface shell: the rest";
        Ok(vec![
            figure(
                order,
                self.stem.clone(),
                format!(
                    "Phase check: fraction of fcc, hcp or bcc atoms (adaptive CNA) in each \
                     particle's interior and surface shell ({shells}). At the end: {} ({}).",
                    verdicts.join(", "),
                    file_stem(self.csv.path())
                ),
            )?,
            figure(
                lindemann,
                self.stem
                    .with_file_name(format!("{}_lindemann", file_stem(&self.stem))),
                format!(
                    "Phase check: Lindemann index of each particle's interior and surface shell \
                     (RMS displacement about the mean position over the stage so far, centre of \
                     mass and rotation removed, over the nearest-neighbour distance {:.3} Å). \
                     Dotted: {LINDEMANN_SOLID} (crystalline below) and {LINDEMANN_MOLTEN} \
                     (molten above), Lindemann's criterion 0.10-0.15.",
                    self.nearest_neighbor
                ),
            )?,
        ])
    }
}
