//! Centre of mass of the whole system and of each group, and its displacement.

use super::*;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ComObserver {
    trigger: Trigger,
    groups: Vec<(String, Vec<u32>)>,
    origin: Vec<Vec3>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    displacement: Vec<Vec<f64>>,
}

impl ComObserver {
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        groups: Vec<(String, Vec<u32>)>,
        stem: PathBuf,
    ) -> Result<Self> {
        let mut header = vec!["step".to_string(), "time[ps]".to_string()];
        for name in std::iter::once("all").chain(groups.iter().map(|g| g.0.as_str())) {
            for c in ["x", "y", "z", "dx", "dy", "dz", "displacement"] {
                header.push(format!("{name}_{c}[A]"));
            }
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut origin = vec![centre_of_mass(system, None)];
        origin.extend(groups.iter().map(|g| centre_of_mass(system, Some(&g.1))));
        let n = origin.len();
        Ok(ComObserver {
            trigger,
            groups,
            origin,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            displacement: vec![Vec::new(); n],
        })
    }
}

impl Reopen for ComObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for ComObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::CentreOfMass, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        let mut centres = vec![centre_of_mass(s, None)];
        centres.extend(self.groups.iter().map(|g| centre_of_mass(s, Some(&g.1))));
        for (k, (c, o)) in centres.iter().zip(&self.origin).enumerate() {
            let d = c - o;
            row.extend([c.x, c.y, c.z, d.x, d.y, d.z, d.norm()]);
            self.displacement[k].push(d.norm());
        }
        self.time.push(frame.state.time);
        self.csv.record(frame.state.step, &row)
    }

    fn notes(&self) -> Vec<Note> {
        // The whole system's centre of mass: how far it moved over the stage.
        vec![Note {
            key: "com_drift_A",
            value: self.displacement.first().and_then(|d| d.last()).copied(),
            text: String::new(),
        }]
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut plot = Plot::new(
            "Centre-of-mass displacement",
            "time [ps]",
            "displacement [Å]",
        );
        for (k, name) in std::iter::once("whole system")
            .chain(self.groups.iter().map(|g| g.0.as_str()))
            .enumerate()
        {
            plot = plot.with(Series::line(
                name,
                self.time.clone(),
                self.displacement[k].clone(),
            ));
        }
        let caption = format!(
            "Displacement of the centre of mass of the whole system and of each group ({}).",
            file_stem(self.csv.path())
        );
        Ok(vec![figure(plot, self.stem.clone(), caption)?])
    }
}
