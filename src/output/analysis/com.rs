//! Centre of mass of the whole system and of each group, and its displacement; for a pair of
//! particles also the signed displacements along the contact axis and the change of the distance
//! between the particles' centres.

use super::*;

/// The two particles and the axis between their centres of mass at the stage start.
#[derive(Debug, Serialize, Deserialize)]
struct ContactAxis {
    /// The particles' group names.
    names: (String, String),
    /// Their atoms.
    members: (Vec<u32>, Vec<u32>),
    /// Their centres of mass at the stage start [A].
    start: (Vec3, Vec3),
    /// Unit vector from the first particle's centre of mass to the second's at the stage start.
    axis: Vec3,
    /// Distance between the centres at the stage start [A].
    distance: f64,
    /// Signed displacement along the axis [A] of the whole system, particle 1 and particle 2.
    along: [Vec<f64>; 3],
    /// Change of the centre distance since the stage start [A].
    distance_change: Vec<f64>,
}

/// The unit vector from `first` to `second` and their distance [A] (None when they coincide).
fn contact_axis(first: Vec3, second: Vec3) -> Option<(Vec3, f64)> {
    let d = second - first;
    let distance = d.norm();
    (distance > 0.0).then(|| (d / distance, distance))
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ComObserver {
    trigger: Trigger,
    groups: Vec<(String, Vec<u32>)>,
    origin: Vec<Vec3>,
    contact: Option<ContactAxis>,
    csv: CsvFile,
    stem: PathBuf,
    time: Vec<f64>,
    displacement: Vec<Vec<f64>>,
}

impl ComObserver {
    /// The observer of `groups`; with `pair`, the two particles whose contact axis the signed
    /// displacements are measured along.
    pub(super) fn new(
        system: &System,
        trigger: Trigger,
        groups: Vec<(String, Vec<u32>)>,
        pair: Option<(NamedGroup, NamedGroup)>,
        stem: PathBuf,
    ) -> Result<Self> {
        let mut header = vec!["step".to_string(), "time[ps]".to_string()];
        for name in std::iter::once("all").chain(groups.iter().map(|g| g.0.as_str())) {
            for c in ["x", "y", "z", "dx", "dy", "dz", "displacement"] {
                header.push(format!("{name}_{c}[A]"));
            }
        }
        let contact = pair.and_then(|(a, b)| {
            let start = (
                centre_of_mass(system, Some(&a.1)),
                centre_of_mass(system, Some(&b.1)),
            );
            let (axis, distance) = contact_axis(start.0, start.1)?;
            Some(ContactAxis {
                names: (a.0, b.0),
                members: (a.1, b.1),
                start,
                axis,
                distance,
                along: Default::default(),
                distance_change: Vec::new(),
            })
        });
        if let Some(c) = &contact {
            for name in ["all", &c.names.0, &c.names.1] {
                header.push(format!("{name}_along_axis[A]"));
            }
            header.push("centre_distance_change[A]".into());
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut origin = vec![centre_of_mass(system, None)];
        origin.extend(groups.iter().map(|g| centre_of_mass(system, Some(&g.1))));
        let n = origin.len();
        Ok(ComObserver {
            trigger,
            groups,
            contact,
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
        if let Some(c) = &mut self.contact {
            let first = centre_of_mass(s, Some(&c.members.0));
            let second = centre_of_mass(s, Some(&c.members.1));
            let along = [
                (centres[0] - self.origin[0]).dot(&c.axis),
                (first - c.start.0).dot(&c.axis),
                (second - c.start.1).dot(&c.axis),
            ];
            let change = (second - first).norm() - c.distance;
            for (k, v) in along.iter().enumerate() {
                c.along[k].push(*v);
            }
            c.distance_change.push(change);
            row.extend(along);
            row.push(change);
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
        if let Some(c) = &self.contact {
            let plot = Plot::new(
                "Centre-of-mass displacement along the contact axis",
                "time [ps]",
                "displacement [Å]",
            )
            .with(Series::line(
                c.names.0.clone(),
                self.time.clone(),
                c.along[1].clone(),
            ))
            .with(Series::line(c.names.1.clone(), self.time.clone(), c.along[2].clone()).dashed())
            .with(Series::line("whole system", self.time.clone(), c.along[0].clone()).dotted())
            .with(Series::line(
                "centre distance change",
                self.time.clone(),
                c.distance_change.clone(),
            ));
            let caption = format!(
                "Displacement of the centres of mass along the contact axis (from {a}'s centre \
                 to {b}'s at the stage start, {d:.2} Å apart): positive towards {b}, so \
                 approaching particles move {a} up and {b} down; with the change of the distance \
                 between the centres (negative: shrinkage). Full vectors and magnitudes of every \
                 group in {csv}.",
                a = c.names.0,
                b = c.names.1,
                d = c.distance,
                csv = file_stem(self.csv.path())
            );
            return Ok(vec![figure(plot, self.stem.clone(), caption)?]);
        }
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
