//! Radial distribution function g(r), total and per species pair, averaged over a window.

use super::*;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct RdfObserver {
    pub(super) trigger: Trigger,
    pub(super) window: Option<(u64, u64)>,
    pub(super) normalization: RdfNormalization,
    pub(super) accumulator: RdfAccumulator,
    pub(super) names: Vec<String>,
    pub(super) stem: PathBuf,
}

impl Reopen for RdfObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        Ok(())
    }
}

impl Observer for RdfObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Rdf, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        if let Some((from, to)) = self.window
            && !(from..=to).contains(&frame.state.stage_step)
        {
            return Ok(());
        }
        let s = &frame.state.system;
        self.accumulator.add(s, self.normalization)
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        let g = self.accumulator.result();
        // The density each g(r) column was normalised by, in its header (units in brackets).
        let norm = match g.normalization {
            RdfNormalization::Box => "box",
            RdfNormalization::Material => "material",
            RdfNormalization::FiniteSphere => "sphere",
            RdfNormalization::Auto => "none",
        };
        let tag = format!("[{norm} density {:.5}/A^3]", g.density);
        let mut header = vec!["r[A]".to_string(), format!("g_total{tag}")];
        header.extend(
            g.pairs
                .iter()
                .map(|((a, b), _)| format!("g_{}-{}{tag}", self.names[*a], self.names[*b])),
        );
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows: Vec<Vec<f64>> = (0..g.r.len())
            .map(|k| {
                let mut row = vec![g.r[k], g.total[k]];
                row.extend(g.pairs.iter().map(|(_, v)| v[k]));
                row
            })
            .collect();
        write_csv(&csv_path(&self.stem), &header, &rows)?;
        let mut plot = Plot::new(
            format!("Radial distribution function ({} frames)", g.frames),
            "r [Å]",
            "g(r)",
        )
        .with(Series::line("total", g.r.clone(), g.total.clone()));
        if g.pairs.len() > 1 {
            for ((a, b), v) in &g.pairs {
                plot = plot.with(Series::line(
                    format!("{}-{}", self.names[*a], self.names[*b]),
                    g.r.clone(),
                    v.clone(),
                ));
            }
        }
        Ok(vec![figure(
            plot,
            self.stem.clone(),
            format!(
                "g(r), total and per species pair, averaged over {} frames; {}.",
                g.frames,
                g.normalization_note()
            ),
        )?])
    }
}
