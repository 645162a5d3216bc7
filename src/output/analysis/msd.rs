//! Mean-square displacement of surface-shell and interior atoms, each particle's centre-of-mass
//! motion removed.

use super::*;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct MsdObserver {
    trigger: Trigger,
    tracker: MsdTracker,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    surface: Vec<f64>,
    interior: Vec<f64>,
}

impl MsdObserver {
    pub(super) fn new(system: &System, trigger: Trigger, stem: PathBuf) -> Result<Self> {
        let geometry = NeckGeometry::from_structure(system)?;
        let bulk = pressure_is_defined(system);
        let shells = particle_groups(system)
            .iter()
            .map(|(_, members)| particle_shells(system, members, geometry.nearest_neighbor, bulk))
            .collect();
        let header = [
            "step",
            "time[ps]",
            "msd_all[A^2]",
            "msd_surface[A^2]",
            "msd_interior[A^2]",
        ];
        Ok(MsdObserver {
            trigger,
            tracker: MsdTracker::new(system, shells),
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: vec![],
            surface: vec![],
            interior: vec![],
        })
    }
}

impl Reopen for MsdObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for MsdObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Msd, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let m = self.tracker.measure(&frame.state.system);
        self.time.push(frame.state.time);
        self.surface.push(m.surface);
        self.interior.push(m.interior);
        self.csv.record(
            frame.state.step,
            &[frame.state.time, m.all, m.surface, m.interior],
        )
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let plot = Plot::new("Mean-square displacement", "time [ps]", "MSD [Å²]")
            .with(Series::line(
                format!("surface shell ({} atoms)", self.tracker.surface_atoms()),
                self.time.clone(),
                self.surface.clone(),
            ))
            .with(Series::line(
                format!("interior ({} atoms)", self.tracker.interior_atoms()),
                self.time.clone(),
                self.interior.clone(),
            ));
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            "Mean-square displacement of interior atoms (deeper than 2 nearest-neighbour \
             distances below their particle's hull: below the outer three atomic layers) and of \
             the surface shell (those outer layers, adatoms included), classed at the stage start, \
             each particle's centre-of-mass motion removed."
                .into(),
        )?])
    }
}
