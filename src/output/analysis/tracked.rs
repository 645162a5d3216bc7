//! Positions of chosen atoms over time (surface-diffusion paths).

use super::*;

pub(super) struct TrackedObserver {
    trigger: Trigger,
    atoms: Vec<usize>,
    csv: CsvFile,
}

impl TrackedObserver {
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        ids: &[u64],
        stem: PathBuf,
    ) -> Result<Self> {
        let atoms = ids
            .iter()
            .map(|id| {
                system
                    .ids
                    .iter()
                    .position(|x| x == id)
                    .ok_or_else(|| Error::invalid(format!("TrackedAtoms: no atom has id {id}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut header = vec!["step".to_string(), "time[ps]".to_string()];
        for id in ids {
            header.extend(["x", "y", "z"].map(|c| format!("atom{id}_{c}[A]")));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        Ok(TrackedObserver {
            trigger,
            atoms,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
        })
    }
}

impl Observer for TrackedObserver {
    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        for &i in &self.atoms {
            let x = s.simbox.unwrap(&s.positions[i], &s.images[i]);
            row.extend([x.x, x.y, x.z]);
        }
        self.csv.record(frame.state.step, &row)
    }
}
