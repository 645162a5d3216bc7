//! Coordination and common-neighbour-analysis structure fractions.

use super::*;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StructureObserver {
    trigger: Trigger,
    bond_cutoff: f64,
    view_radius: f64,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    fractions: Vec<[f64; 5]>,
}

impl StructureObserver {
    pub(super) fn new(system: &System, trigger: Trigger, stem: PathBuf) -> Result<Self> {
        // The same distance as the phase check's, so that the two share each frame's CNA.
        let view = PairView::new(system, 6.0)?;
        let d = median_nearest_neighbor_distance(&view)
            .ok_or_else(|| Error::invalid("Structure: no atom has a neighbour within 6 A"))?;
        let header = [
            "step",
            "time[ps]",
            "mean_coordination",
            "other",
            "fcc",
            "hcp",
            "bcc",
            "ico",
        ];
        Ok(StructureObserver {
            trigger,
            bond_cutoff: 0.5 * (1.0 + 2f64.sqrt()) * d,
            view_radius: 1.8 * d,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: vec![],
            fractions: vec![],
        })
    }
}

impl Reopen for StructureObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for StructureObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Structure, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let (view, cna) = frame.shared.structure(s, self.view_radius)?;
        let z = coordination_numbers(&view, self.bond_cutoff);
        let mean_z = z.iter().map(|&c| c as f64).sum::<f64>() / z.len().max(1) as f64;
        let counts = structure_counts(&cna);
        let n = s.len().max(1) as f64;
        let f = counts.map(|c| c as f64 / n);
        self.time.push(frame.state.time);
        self.fractions.push(f);
        let mut row = vec![frame.state.time, mean_z];
        row.extend(f);
        self.csv.record(frame.state.step, &row)
    }

    fn notes(&self) -> Vec<Note> {
        let Some(f) = self.fractions.last() else {
            return Vec::new();
        };
        [
            "final_other_fraction",
            "final_fcc_fraction",
            "final_hcp_fraction",
            "final_bcc_fraction",
            "final_ico_fraction",
        ]
        .into_iter()
        .zip(f)
        .map(|(key, &v)| Note {
            key,
            value: Some(v),
            text: String::new(),
        })
        .collect()
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let mut plot = Plot::new(
            "Local structure (adaptive CNA)",
            "time [ps]",
            "fraction of atoms",
        );
        for (k, s) in Structure::ALL.iter().enumerate() {
            plot = plot.with(Series::line(
                s.name(),
                self.time.clone(),
                self.fractions.iter().map(|f| f[k]).collect(),
            ));
        }
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            "Fractions of atoms in fcc, hcp, bcc, icosahedral and other environments.".into(),
        )?])
    }
}
