//! Radius of gyration of each group and centre-to-centre distance of the particles (shrinkage).

use super::*;

/// A group's name and atom indices.
pub(super) type NamedGroup = (String, Vec<u32>);

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ShapeObserver {
    trigger: Trigger,
    groups: Vec<(String, Vec<u32>)>,
    particles: Option<(NamedGroup, NamedGroup)>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    gyration: Vec<Vec<f64>>,
    centre_distance: Vec<f64>,
}

impl ShapeObserver {
    pub(super) fn new(
        trigger: Trigger,
        groups: Vec<(String, Vec<u32>)>,
        particles: Option<(NamedGroup, NamedGroup)>,
        stem: PathBuf,
    ) -> Result<Self> {
        let mut header = vec![
            "step".to_string(),
            "time[ps]".to_string(),
            "all_rg[A]".to_string(),
        ];
        header.extend(groups.iter().map(|g| format!("{}_rg[A]", g.0)));
        if let Some((a, b)) = &particles {
            header.push(format!("{}_{}_centre_distance[A]", a.0, b.0));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let n = groups.len() + 1;
        Ok(ShapeObserver {
            trigger,
            groups,
            particles,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            gyration: vec![Vec::new(); n],
            centre_distance: Vec::new(),
        })
    }
}

impl Reopen for ShapeObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for ShapeObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Shape, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        let mut rg = vec![radius_of_gyration(s, None)];
        rg.extend(
            self.groups
                .iter()
                .map(|g| radius_of_gyration(s, Some(&g.1))),
        );
        for (k, v) in rg.iter().enumerate() {
            self.gyration[k].push(*v);
        }
        row.extend(rg);
        if let Some((a, b)) = &self.particles {
            let d = (centre_of_mass(s, Some(&b.1)) - centre_of_mass(s, Some(&a.1))).norm();
            self.centre_distance.push(d);
            row.push(d);
        }
        self.time.push(frame.state.time);
        self.csv.record(frame.state.step, &row)
    }

    fn notes(&self) -> Vec<Note> {
        // Shrinkage: how much closer the particles' centres came, as a fraction of their first
        // distance.
        match (self.centre_distance.first(), self.centre_distance.last()) {
            (Some(&d0), Some(&d)) if d0 > 0.0 => vec![
                Note {
                    key: "shrinkage",
                    value: Some(1.0 - d / d0),
                    text: String::new(),
                },
                Note {
                    key: "final_centre_distance_A",
                    value: Some(d),
                    text: String::new(),
                },
            ],
            _ => Vec::new(),
        }
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        let mut plot = Plot::new("Radius of gyration", "time [ps]", "Rg [Å]");
        for (k, name) in std::iter::once("whole system")
            .chain(self.groups.iter().map(|g| g.0.as_str()))
            .enumerate()
        {
            plot = plot.with(Series::line(
                name,
                self.time.clone(),
                self.gyration[k].clone(),
            ));
        }
        figures.push(figure(
            plot,
            self.stem
                .with_file_name(format!("{}_rg", file_stem(&self.stem))),
            "Radius of gyration of the system and of each group.".into(),
        )?);
        if let (Some((a, b)), false) = (&self.particles, self.centre_distance.is_empty()) {
            let plot = Plot::new(
                "Shrinkage: centre-to-centre distance",
                "time [ps]",
                "distance [Å]",
            )
            .with(Series::line(
                format!("{} to {}", a.0, b.0),
                self.time.clone(),
                self.centre_distance.clone(),
            ));
            figures.push(figure(
                plot,
                self.stem
                    .with_file_name(format!("{}_distance", file_stem(&self.stem))),
                "Distance between the centres of mass of the two particles.".into(),
            )?);
        }
        Ok(figures)
    }
}
