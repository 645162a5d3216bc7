//! Positions of chosen atoms over time (surface-diffusion paths), with two figures: the paths
//! projected on the facet plane and each atom's displacement against time.

use super::*;

/// At most this many atoms are named in the figures' legends.
const MAX_LEGEND_ATOMS: usize = 8;

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct TrackedObserver {
    trigger: Trigger,
    ids: Vec<u64>,
    atoms: Vec<usize>,
    csv: CsvFile,
    stem: PathBuf,
    /// Normal of the projection plane (unit), and what it is.
    normal: Vec3,
    normal_source: String,
    time: Vec<f64>,
    /// Unwrapped positions of each atom at each observation [A].
    paths: Vec<Vec<Vec3>>,
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
        let (normal, normal_source) = facet_normal(system, &atoms);
        Ok(TrackedObserver {
            trigger,
            ids: ids.to_vec(),
            paths: vec![Vec::new(); atoms.len()],
            atoms,
            csv: CsvFile::create(&csv_path(&stem), &header)?,
            stem,
            normal,
            normal_source: normal_source.to_string(),
            time: Vec::new(),
        })
    }
}

/// The normal of the plane the paths are projected on: the axis between the centres of mass of
/// groups `particle1` and `particle2` when the system has them (adatoms on the facing facets move
/// in planes normal to it), else the direction from the system's centre of mass to the tracked
/// atoms' mean position (the outward normal of the facet they sit on), else z.
fn facet_normal(system: &System, atoms: &[usize]) -> (Vec3, &'static str) {
    let groups = (
        system.groups.get("particle1"),
        system.groups.get("particle2"),
    );
    if let (Some(a), Some(b)) = groups {
        let axis = centre_of_mass(system, Some(b)) - centre_of_mass(system, Some(a));
        if axis.norm() > 1e-6 {
            return (
                axis.normalize(),
                "the axis between the particles' centres of mass",
            );
        }
    }
    if !atoms.is_empty() {
        let mean = atoms
            .iter()
            .map(|&i| {
                system
                    .simbox
                    .unwrap(&system.positions[i], &system.images[i])
            })
            .sum::<Vec3>()
            / atoms.len() as f64;
        let outward = mean - centre_of_mass(system, None);
        if outward.norm() > 1.0 {
            return (
                outward.normalize(),
                "the direction from the system's centre of mass to the tracked atoms",
            );
        }
    }
    (Vec3::z(), "z")
}

/// Two unit vectors spanning the plane normal to `normal`.
fn plane_basis(normal: &Vec3) -> (Vec3, Vec3) {
    // Start from the Cartesian axis least aligned with the normal.
    let axis = [Vec3::x(), Vec3::y(), Vec3::z()]
        .into_iter()
        .min_by(|a, b| a.dot(normal).abs().total_cmp(&b.dot(normal).abs()))
        // Three candidates: never empty.
        .expect("three axes");
    let e1 = (axis - normal * axis.dot(normal)).normalize();
    (e1, normal.cross(&e1))
}

impl Reopen for TrackedObserver {
    fn reopen(&mut self, dir: &Path) -> Result<()> {
        rebase(&mut self.stem, dir);
        self.csv.reopen(dir)
    }
}

impl Observer for TrackedObserver {
    fn save(&self) -> Result<SavedObserver> {
        SavedObserver::of(ObserverKind::TrackedAtoms, self)
    }

    fn trigger(&self) -> Trigger {
        self.trigger
    }

    fn observe(&mut self, frame: &Frame<'_>) -> Result<()> {
        let s = &frame.state.system;
        let mut row = vec![frame.state.time];
        for (k, &i) in self.atoms.iter().enumerate() {
            let x = s.simbox.unwrap(&s.positions[i], &s.images[i]);
            row.extend([x.x, x.y, x.z]);
            self.paths[k].push(x);
        }
        self.time.push(frame.state.time);
        self.csv.record(frame.state.step, &row)
    }

    fn finish(&mut self) -> Result<Vec<Figure>> {
        if self.time.is_empty() || self.atoms.is_empty() {
            return Ok(Vec::new());
        }
        let (e1, e2) = plane_basis(&self.normal);
        let starts: Vec<Vec3> = self.paths.iter().map(|p| p[0]).collect();
        let origin = starts.iter().sum::<Vec3>() / starts.len() as f64;
        let label = |k: usize| {
            if self.ids.len() <= MAX_LEGEND_ATOMS {
                format!("atom {}", self.ids[k])
            } else {
                String::new()
            }
        };
        let mut paths = Plot::new(
            "Paths of the tracked atoms in the facet plane",
            "u [Å]",
            "v [Å]",
        );
        let mut displacement = Plot::new(
            "Displacement of the tracked atoms",
            "time [ps]",
            "|r(t) - r(0)| [Å]",
        );
        for (k, path) in self.paths.iter().enumerate() {
            let (u, v): (Vec<f64>, Vec<f64>) = path
                .iter()
                .map(|x| ((x - origin).dot(&e1), (x - origin).dot(&e2)))
                .unzip();
            paths = paths.with(Series::line(label(k), u, v));
            let d = path.iter().map(|x| (x - path[0]).norm()).collect();
            displacement = displacement.with(Series::line(label(k), self.time.clone(), d));
        }
        // Components to 3 decimals, without "-0.000".
        let show = |v: &Vec3| {
            let c = v.map(|x| (x * 1000.0).round() / 1000.0 + 0.0);
            format!("({:.3}, {:.3}, {:.3})", c.x, c.y, c.z)
        };
        let plane = format!(
            "the plane normal to {}, {}; u along {}, v along {}, both from the atoms' mean \
             starting position",
            show(&self.normal),
            self.normal_source,
            show(&e1),
            show(&e2)
        );
        let count = self.atoms.len();
        let name = file_stem(self.csv.path());
        let mut path_stem = self.stem.clone().into_os_string();
        path_stem.push("_paths");
        let mut disp_stem = self.stem.clone().into_os_string();
        disp_stem.push("_displacement");
        Ok(vec![
            figure(
                paths,
                PathBuf::from(path_stem),
                format!("Paths of {count} tracked atoms ({name}) projected on {plane}."),
            )?,
            figure(
                displacement,
                PathBuf::from(disp_stem),
                format!(
                    "Distance of each of {count} tracked atoms ({name}) from its starting \
                     position (unwrapped) against time."
                ),
            )?,
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_basis_is_orthonormal() {
        let n = Vec3::new(1.0, 2.0, -0.5).normalize();
        let (a, b) = plane_basis(&n);
        for (p, q) in [(a, b), (a, n), (b, n)] {
            assert!(p.dot(&q).abs() < 1e-12);
        }
        assert!((a.norm() - 1.0).abs() < 1e-12 && (b.norm() - 1.0).abs() < 1e-12);
    }
}
