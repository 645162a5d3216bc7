//! The neck between two particles: radius, gap, bridging atoms and when it first forms.

use super::*;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct NeckObserver {
    trigger: Trigger,
    names: (String, String),
    particles: (Vec<u32>, Vec<u32>),
    geometry: NeckGeometry,
    min_bridging: usize,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    radius: Vec<f64>,
    gap: Vec<f64>,
    bridging: Vec<f64>,
    formed_at: Option<f64>,
}

impl NeckObserver {
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        names: (String, String),
        min_bridging: usize,
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
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            radius: Vec::new(),
            gap: Vec::new(),
            bridging: Vec::new(),
            formed_at: None,
        })
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
        if self.formed_at.is_none() && n.bridging_atoms >= self.min_bridging {
            self.formed_at = Some(t);
        }
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
        vec![
            Note {
                key: "neck_formed_ps",
                value: self.formed_at,
                text,
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
