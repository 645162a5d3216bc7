//! Mean-square displacement of surface and interior atoms.

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
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        bulk_coordination: u32,
        stem: PathBuf,
    ) -> Result<Self> {
        let geometry = NeckGeometry::from_structure(system)?;
        let tracker = MsdTracker::new(system, geometry.bond_cutoff, bulk_coordination)?;
        let header = [
            "step",
            "time[ps]",
            "msd_all[A^2]",
            "msd_surface[A^2]",
            "msd_interior[A^2]",
        ];
        Ok(MsdObserver {
            trigger,
            tracker,
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
                format!("surface ({} atoms)", self.tracker.surface_atoms()),
                self.time.clone(),
                self.surface.clone(),
            ))
            .with(Series::line(
                "interior",
                self.time.clone(),
                self.interior.clone(),
            ));
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            "Mean-square displacement of surface and interior atoms (classed at the stage start)."
                .into(),
        )?])
    }
}
