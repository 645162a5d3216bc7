//! The gap between the particles' facing facets (definitions in [`crate::analysis::gap`]):
//! atoms per layer above each facet and in the gap and the neck over time (`gap.csv`, a
//! figure), the followed adatoms' heights over time and fates (`adatoms.csv`, a figure), and
//! snapshots of the gap region seen from the side.

use std::fmt::Write as _;

use super::*;
use crate::analysis::gap::{AtomHistory, FacetPlanes, Fate, GapSample, Zone, measure_gap};
use crate::report::{Disc, Snapshot};

/// At most this many followed atoms are drawn in the heights figure (two of each fate).
const DRAWN_PER_FATE: usize = 2;

/// Colours of the species of particle 1 (blues) and particle 2 (reds), darkest first.
const COLOURS: [[[u8; 3]; 3]; 2] = [
    [[31, 119, 180], [158, 202, 225], [8, 48, 107]],
    [[214, 39, 40], [252, 174, 145], [103, 0, 13]],
];

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct GapObserver {
    trigger: Trigger,
    particles: (Vec<u32>, Vec<u32>),
    geometry: NeckGeometry,
    planes: FacetPlanes,
    layers: usize,
    species: Vec<String>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    /// Atoms in each layer of each facet at each observation: [facet][layer][observation].
    counts: [Vec<Vec<f64>>; 2],
    in_gap: Vec<f64>,
    in_neck: Vec<f64>,
    /// Followed atoms.
    followed: Vec<Followed>,
    /// Index into `followed` of each atom, if followed.
    index: Vec<Option<u32>>,
    /// Stage times of the snapshots still to take [ps]; None: the start, the first bridge and
    /// the end.
    snapshot_times: Option<Vec<f64>>,
    /// Whether the default snapshot of the first bridge was taken.
    bridge_taken: bool,
    /// The latest observation's picture (stage time [ps] and atoms), for the end snapshot.
    latest: Option<(f64, Vec<Disc>)>,
    figures: Vec<Figure>,
}

/// An atom followed through the stage.
#[derive(Debug, Serialize, Deserialize)]
struct Followed {
    history: AtomHistory,
    id: u64,
    species: u32,
    /// The observation it was first seen at.
    since: usize,
    /// Its heights above its facet plane since then [A].
    heights: Vec<f64>,
}

impl GapObserver {
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        (particles, facets): (GroupPair, GroupPair),
        layers: usize,
        snapshot_times: Option<Vec<f64>>,
        stem: PathBuf,
    ) -> Result<Self> {
        let geometry = NeckGeometry::from_structure(system)?;
        let [p1, p2] = &particles;
        let planes = FacetPlanes::measure(
            system,
            [p1, p2],
            [&facets[0], &facets[1]],
            geometry.bond_cutoff,
        )?;
        let mut header = vec![
            "step".to_string(),
            "time[ps]".into(),
            "centre_distance[A]".into(),
            "plane_separation[A]".into(),
        ];
        for f in 1..=2 {
            header.extend((1..=layers).map(|k| format!("facet{f}_layer{k}")));
        }
        header.extend(["gap_atoms".into(), "neck_atoms".into()]);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut times = snapshot_times;
        if let Some(t) = &mut times {
            t.sort_by(f64::total_cmp);
        }
        let [p1, p2] = particles;
        Ok(GapObserver {
            trigger,
            geometry,
            planes,
            layers,
            species: system.species.names.clone(),
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            time: Vec::new(),
            counts: [vec![Vec::new(); layers], vec![Vec::new(); layers]],
            in_gap: Vec::new(),
            in_neck: Vec::new(),
            followed: Vec::new(),
            index: vec![None; system.len()],
            snapshot_times: times,
            bridge_taken: false,
            latest: None,
            figures: Vec::new(),
            particles: (p1, p2),
        })
    }

    /// Records each particle atom's zone; starts following the adatoms at the first observation
    /// and any atom that enters the gap or the neck. Returns the atoms in the gap.
    fn follow(&mut self, system: &System, g: &GapSample, bridging: &[bool], t: f64) -> usize {
        let first = self.time.len() == 1;
        let observation = self.time.len() - 1;
        let mut in_gap = 0;
        for (p, members) in [&self.particles.0, &self.particles.1]
            .into_iter()
            .enumerate()
        {
            let d = self.planes.spacing[p];
            for &i in members {
                let i = i as usize;
                let h = g.heights[i];
                let zone = Zone::of(h, d, bridging[i]);
                in_gap += (zone == Zone::Gap) as usize;
                match self.index[i] {
                    Some(k) => {
                        let f = &mut self.followed[k as usize];
                        f.history.record(zone, h, t);
                        f.heights.push(h);
                    }
                    None if (first && h > 0.5 * d) || matches!(zone, Zone::Gap | Zone::Neck) => {
                        self.index[i] = Some(self.followed.len() as u32);
                        self.followed.push(Followed {
                            history: AtomHistory::new(i, p, first, zone, h, t),
                            id: system.ids[i],
                            species: system.types[i],
                            since: observation,
                            heights: vec![h],
                        });
                    }
                    None => {}
                }
            }
        }
        in_gap
    }

    /// The gap region seen from the side: atoms within three layer spacings of either facet
    /// plane's far side, the axis horizontal.
    fn picture(&self, system: &System, g: &GapSample) -> Vec<Disc> {
        let u = g.axis;
        let up = if u.z.abs() < 0.9 {
            Vec3::z()
        } else {
            Vec3::y()
        };
        let e1 = (up - u * u.dot(&up)).normalize();
        let e2 = u.cross(&e1);
        let reach =
            0.5 * g.plane_separation + 3.0 * self.planes.spacing[0].max(self.planes.spacing[1]);
        let x = crate::analysis::unwrapped_positions(system);
        let mut discs = Vec::new();
        for (p, members) in [&self.particles.0, &self.particles.1]
            .into_iter()
            .enumerate()
        {
            for &i in members {
                let i = i as usize;
                if g.axial[i].abs() <= reach {
                    discs.push(Disc {
                        x: g.axial[i],
                        y: x[i].dot(&e1),
                        depth: x[i].dot(&e2),
                        class: p * self.species.len() + system.types[i] as usize,
                    });
                }
            }
        }
        // Lateral coordinates from the middle of the drawn atoms.
        let n = discs.len().max(1) as f64;
        let (my, md) = discs
            .iter()
            .fold((0.0, 0.0), |(y, d), a| (y + a.y / n, d + a.depth / n));
        discs.iter_mut().for_each(|a| {
            a.y -= my;
            a.depth -= md;
        });
        discs
    }

    /// Writes the snapshot of `discs` at stage time `t` [ps], `why` it was taken.
    fn snapshot(&mut self, t: f64, discs: Vec<Disc>, why: &str) -> Result<()> {
        let mut classes = Vec::new();
        for (p, colours) in COLOURS.iter().enumerate() {
            for (k, name) in self.species.iter().enumerate() {
                classes.push((format!("particle{} {name}", p + 1), colours[k % 3]));
            }
        }
        // The time with `p` for the decimal point: a dot would start the file's extension.
        let stem = self.stem.with_file_name(format!(
            "{}_snapshot_{}ps",
            file_stem(&self.stem),
            format!("{t:08.3}").replace('.', "p")
        ));
        let png = stem.with_extension("png");
        if self.figures.iter().any(|f| f.png == png) {
            // Taken already at this time (the first bridge seen at the stage's end).
            return Ok(());
        }
        Snapshot {
            title: format!("Gap region at t = {t:.2} ps ({why})"),
            x_label: "along the axis, from the midplane between the facets [Å]".into(),
            y_label: "across [Å]".into(),
            classes,
            discs,
            radius: 0.45 * self.geometry.nearest_neighbor,
        }
        .write(&stem)?;
        self.figures.push(Figure {
            png,
            caption: format!(
                "The gap region at t = {t:.2} ps ({why}), seen from the side (orthographic, far \
                 atoms first): the atoms within three layer spacings of the facet planes and \
                 between them, coloured by particle and species."
            ),
        });
        Ok(())
    }

    /// The followed atoms drawn in the heights figure: up to [`DRAWN_PER_FATE`] of each fate,
    /// those that went highest.
    fn drawn(&self) -> Vec<usize> {
        let mut out = Vec::new();
        for fate in [
            Fate::JoinsNeck,
            Fate::CrossesIntoGap,
            Fate::Returns,
            Fate::StaysOnFacet,
        ] {
            let mut of: Vec<usize> = (0..self.followed.len())
                .filter(|&k| self.followed[k].history.fate() == fate)
                .collect();
            of.sort_by(|&a, &b| {
                self.followed[b]
                    .history
                    .max_height
                    .total_cmp(&self.followed[a].history.max_height)
            });
            out.extend(of.into_iter().take(DRAWN_PER_FATE));
        }
        out
    }

    fn fate_counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for f in &self.followed {
            let k = Fate::ALL
                .iter()
                .position(|&x| x == f.history.fate())
                .unwrap_or(0);
            n[k] += 1;
        }
        n
    }

    fn write_followed(&self) -> Result<()> {
        let mut text = String::from(
            "id,particle,species,followed_from,fate,first_gap[ps],first_neck[ps],max_height[A],final_height[A]\n",
        );
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        for f in &self.followed {
            let h = &f.history;
            let _ = writeln!(
                text,
                "{},{},{},{},{},{},{},{},{}",
                f.id,
                h.particle + 1,
                self.species[f.species as usize],
                if h.from_start { "start" } else { "entry" },
                h.fate().key(),
                opt(h.first_gap),
                opt(h.first_neck),
                h.max_height,
                f.heights.last().copied().unwrap_or(f64::NAN),
            );
        }
        crate::io::write_text(
            &self
                .stem
                .with_file_name(format!("{}_adatoms.csv", file_stem(&self.stem))),
            &text,
        )
    }
}

impl Reopen for GapObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        for f in &mut self.figures {
            rebase(&mut f.png, dir);
        }
        self.csv.reopen(dir)
    }
}

impl Observer for GapObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::Gap, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let system = &frame.state.system;
        let (p1, p2) = (&self.particles.0, &self.particles.1);
        let neck = measure_neck(system, p1, p2, &self.geometry)?;
        let g = measure_gap(system, [p1, p2], &self.planes, self.layers)?;
        let mut bridging = vec![false; system.len()];
        neck.bridging
            .iter()
            .for_each(|&i| bridging[i as usize] = true);
        let t = frame.state.time;
        let stage_t = t - frame.state.stage_start_time;
        self.time.push(t);
        let in_gap = self.follow(system, &g, &bridging, t);
        let mut row = vec![t, g.centre_distance, g.plane_separation];
        for f in 0..2 {
            for (k, &n) in g.layers[f].iter().enumerate() {
                self.counts[f][k].push(n as f64);
                row.push(n as f64);
            }
        }
        self.in_gap.push(in_gap as f64);
        self.in_neck.push(neck.bridging_atoms as f64);
        row.extend([in_gap as f64, neck.bridging_atoms as f64]);
        self.csv.record(frame.state.step, &row)?;

        let discs = self.picture(system, &g);
        match &mut self.snapshot_times {
            Some(times) => {
                // Times are sorted; take the due ones, at most one picture per observation.
                let due = times.iter().take_while(|&&s| s <= stage_t + 1e-9).count();
                if due > 0 {
                    times.drain(..due);
                    self.snapshot(stage_t, discs.clone(), "chosen time")?;
                }
            }
            None => {
                if self.time.len() == 1 {
                    self.snapshot(stage_t, discs.clone(), "start")?;
                } else if !self.bridge_taken && neck.bridging_atoms > 0 {
                    self.bridge_taken = true;
                    self.snapshot(stage_t, discs.clone(), "first bridge across the gap")?;
                }
            }
        }
        self.latest = Some((stage_t, discs));
        Ok(())
    }

    fn notes(&self) -> Vec<Note> {
        let n = self.fate_counts();
        let started = self
            .followed
            .iter()
            .filter(|f| f.history.from_start)
            .count();
        let layers = |f: usize| {
            self.counts[f]
                .iter()
                .map(|c| c.last().copied().unwrap_or(0.0).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let text = format!(
            "gap: {} atoms followed ({started} adatoms at the start, {} that entered the gap or \
             the neck later): {} stay on their facet, {} cross into the gap, {} join the neck, \
             {} return; atoms in layers 1-{} above facet 1 at the end: {}; above facet 2: {}",
            self.followed.len(),
            self.followed.len() - started,
            n[0],
            n[1],
            n[2],
            n[3],
            self.layers,
            layers(0),
            layers(1)
        );
        let keys = [
            "adatoms_stay_on_facet",
            "adatoms_cross_into_gap",
            "adatoms_join_neck",
            "adatoms_return",
        ];
        let mut notes = vec![Note {
            key: "adatoms_followed",
            value: Some(self.followed.len() as f64),
            text,
        }];
        notes.extend(keys.iter().zip(n).map(|(key, n)| Note {
            key,
            value: Some(n as f64),
            text: String::new(),
        }));
        notes
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        if let Some((t, discs)) = self.latest.take()
            && self.snapshot_times.is_none()
        {
            self.snapshot(t, discs, "end of the stage")?;
        }
        self.write_followed()?;
        let mut figures = std::mem::take(&mut self.figures);

        let mut layers = Plot::new(
            "Atoms in the layers above the facing facets",
            "time [ps]",
            "atoms",
        );
        for (f, facet) in self.counts.iter().enumerate() {
            for (k, c) in facet.iter().enumerate() {
                let s = Series::line(
                    format!("facet {} layer {}", f + 1, k + 1),
                    self.time.clone(),
                    c.clone(),
                );
                layers = layers.with(if f == 0 { s } else { s.dashed() });
            }
        }
        let gap = Plot::new("Atoms out in the gap and in the neck", "time [ps]", "atoms")
            .with(Series::line(
                "in the gap",
                self.time.clone(),
                self.in_gap.clone(),
            ))
            .with(
                Series::line(
                    "bonded to both particles",
                    self.time.clone(),
                    self.in_neck.clone(),
                )
                .dashed(),
            );
        crate::report::write_panels(&self.stem, &[layers, gap])?;
        figures.push(Figure {
            png: self.stem.with_extension("png"),
            caption: format!(
                "Atoms per layer above each facing facet (layer k: heights within half a layer \
                 spacing of k spacings above the facet plane; spacings {:.2} and {:.2} Å), and \
                 atoms of either particle more than 1.5 spacings above their facet (in the gap) or \
                 bonded to both particles.",
                self.planes.spacing[0], self.planes.spacing[1]
            ),
        });

        let drawn = self.drawn();
        if !drawn.is_empty() {
            let mut plot = Plot::new(
                "Followed atoms: height above their particle's facet plane",
                "time [ps]",
                "height [Å]",
            );
            for k in drawn {
                let f = &self.followed[k];
                plot = plot.with(Series::line(
                    format!(
                        "particle {} atom {}: {}",
                        f.history.particle + 1,
                        f.id,
                        f.history.fate().name()
                    ),
                    self.time[f.since..].to_vec(),
                    f.heights.clone(),
                ));
            }
            let d = self.planes.spacing[0];
            let guide = |y: f64| {
                Series::line(
                    "",
                    vec![self.time[0], *self.time.last().unwrap_or(&0.0)],
                    vec![y, y],
                )
                .dotted()
            };
            plot = plot.with(guide(1.5 * d)).with(guide(-0.5 * d));
            let stem = self
                .stem
                .with_file_name(format!("{}_adatoms", file_stem(&self.stem)));
            figures.push(figure(
                plot,
                stem,
                "Heights above their own facet plane of followed atoms, up to two of each fate \
                 (the highest-reaching); dotted: the gap's edge, 1.5 layer spacings up, and the \
                 bottom of the facet layer."
                    .into(),
            )?);
        }
        Ok(figures)
    }
}
