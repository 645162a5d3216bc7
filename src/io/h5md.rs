//! H5MD 1.1 trajectories through the HDF5 library (cargo feature `hdf5`).
//!
//! One file per run, read by h5py, MDAnalysis (`H5MDReader`) and any H5MD tool:
//!
//! ```text
//! /h5md                 version [1, 1]; author (name); creator (name sintermd, version)
//! /particles/all
//!     box               dimension 3, boundary ["periodic" | "none"] x 3
//!         edges         time-dependent: step, time, value [frames][3]      [A]
//!         offset        time-dependent: the box's lower corner [frames][3] [A]
//!     position          time-dependent, value [frames][N][3] float64        [A]
//!     velocity          time-dependent, value [frames][N][3]                [A ps-1]
//!     image             time-dependent, value [frames][N][3] int32
//!     species           time-dependent, value [frames][N] int32 (species index; names in
//!                       /parameters/species)
//!     id                time-dependent, value [frames][N] int64 (LAMMPS atom ids)
//!     mass              [N] float64                                         [g mol-1]
//! /observables          time-dependent scalars at the same frames: temperature [K], potential,
//!                       kinetic, total and conserved energy [eV], pressure [bar]; with two
//!                       particles (groups particle1, particle2): neck radius and smallest gap
//!                       [A], centres of mass of each particle and of the system [A]
//! /parameters           input (the input file's text), species (names), potential_files
//!                       (names) and potential_sha256 (their SHA-256 checksums)
//! ```
//!
//! Time-dependent groups hold `step` (int64), `time` (float64, unit ps) and `value`, extendable
//! along the first axis, chunked one frame per chunk and compressed (deflate). Positions are
//! wrapped into the box; the unwrapped position is `position + image * edges`.

use std::path::Path;

use hdf5::types::VarLenUnicode;
use hdf5::{Dataset, File, Group, H5Type};
use ndarray::{ArrayView1, ArrayView2, ArrayView3, s};
use serde::{Deserialize, Serialize};

use super::Snapshot;
use crate::analysis::com::centre_of_mass;
use crate::analysis::neck::{NeckGeometry, measure_neck};
use crate::error::{Error, Result};
use crate::system::{SimBox, SpeciesTable, System, Vec3};

/// What a file records about the run that wrote it.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// The input file's text.
    pub input: String,
    /// Potential files: name and SHA-256 checksum (hex).
    pub potential_files: Vec<(String, String)>,
}

fn h5(path: &Path) -> impl Fn(hdf5::Error) -> Error + '_ {
    move |e| Error::file(path, format!("HDF5: {e}"))
}

fn text(s: &str) -> hdf5::Result<VarLenUnicode> {
    s.parse::<VarLenUnicode>()
        .map_err(|e| hdf5::Error::from(format!("string {s:?}: {e}")))
}

fn string_attr(at: &hdf5::Location, name: &str, value: &str) -> hdf5::Result<()> {
    at.new_attr::<VarLenUnicode>()
        .create(name)?
        .write_scalar(&text(value)?)
}

fn strings_dataset(group: &Group, name: &str, values: &[String]) -> hdf5::Result<()> {
    let v = values
        .iter()
        .map(|s| text(s))
        .collect::<hdf5::Result<Vec<_>>>()?;
    group
        .new_dataset::<VarLenUnicode>()
        .shape(v.len())
        .create(name)?
        .write(ArrayView1::from(&v[..]))
}

/// A time-dependent H5MD element: `step`, `time` and an extendable `value` of frames of
/// `shape` (empty for scalars).
struct Series {
    step: Dataset,
    time: Dataset,
    value: Dataset,
    shape: Vec<usize>,
}

impl Series {
    fn create<T: H5Type>(
        parent: &Group,
        name: &str,
        shape: &[usize],
        unit: Option<&str>,
    ) -> hdf5::Result<Self> {
        let g = parent.create_group(name)?;
        let step = g
            .new_dataset::<i64>()
            .shape(0..)
            .chunk(256)
            .create("step")?;
        let time = g
            .new_dataset::<f64>()
            .shape(0..)
            .chunk(256)
            .create("time")?;
        string_attr(&time, "unit", "ps")?;
        let mut extents: Vec<hdf5::Extent> = vec![(0..).into()];
        extents.extend(shape.iter().map(|&d| hdf5::Extent::fixed(d)));
        let mut chunk = vec![if shape.is_empty() { 256 } else { 1 }];
        chunk.extend(shape.iter().map(|&d| d.max(1)));
        let mut builder = g.new_dataset::<T>();
        builder = builder.chunk(chunk);
        if !shape.is_empty() {
            builder = builder.deflate(4);
        }
        let value = builder
            .shape(hdf5::SimpleExtents::from_vec(extents))
            .create("value")?;
        if let Some(u) = unit {
            string_attr(&value, "unit", u)?;
        }
        Ok(Series {
            step,
            time,
            value,
            shape: shape.to_vec(),
        })
    }

    fn open(parent: &Group, name: &str) -> hdf5::Result<Self> {
        let g = parent.group(name)?;
        let value = g.dataset("value")?;
        let step = g.dataset("step")?;
        if value.ndim() < 1 || step.ndim() != 1 {
            return Err(format!("{name}: not an H5MD time series").into());
        }
        let shape = value.shape()[1..].to_vec();
        Ok(Series {
            step,
            time: g.dataset("time")?,
            value,
            shape,
        })
    }

    fn frames(&self) -> usize {
        self.step.shape()[0]
    }

    /// Drops every frame after the first `frames`.
    fn truncate(&self, frames: usize) -> hdf5::Result<()> {
        self.step.resize(frames)?;
        self.time.resize(frames)?;
        let mut shape = vec![frames];
        shape.extend(&self.shape);
        self.value.resize(shape)
    }

    /// Appends one frame: `data` holds the frame's values in C order.
    fn push<T: H5Type + Clone>(&self, step: u64, time: f64, data: &[T]) -> hdf5::Result<()> {
        let k = self.frames();
        self.step.resize(k + 1)?;
        self.step
            .write_slice(ArrayView1::from(&[step as i64][..]), s![k..k + 1])?;
        self.time.resize(k + 1)?;
        self.time
            .write_slice(ArrayView1::from(&[time][..]), s![k..k + 1])?;
        let mut shape = vec![k + 1];
        shape.extend(&self.shape);
        self.value.resize(shape)?;
        match self.shape.len() {
            0 => self.value.write_slice(ArrayView1::from(data), s![k..k + 1]),
            1 => self.value.write_slice(
                ArrayView2::from_shape((1, self.shape[0]), data).map_err(|e| e.to_string())?,
                s![k..k + 1, ..],
            ),
            _ => self.value.write_slice(
                ArrayView3::from_shape((1, self.shape[0], self.shape[1]), data)
                    .map_err(|e| e.to_string())?,
                s![k..k + 1, .., ..],
            ),
        }
    }
}

/// The thermodynamic observables, with their units.
const THERMO_SERIES: [(&str, &str); 6] = [
    ("temperature", "K"),
    ("potential_energy", "eV"),
    ("kinetic_energy", "eV"),
    ("total_energy", "eV"),
    ("conserved_energy", "eV"),
    ("pressure", "bar"),
];

/// One frame's thermodynamic observables, the values of [`THERMO_SERIES`] (the caller measures
/// them; this module only stores them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct H5mdThermo {
    /// Temperature [K].
    pub temperature: f64,
    /// Potential energy [eV].
    pub potential_energy: f64,
    /// Kinetic energy [eV].
    pub kinetic_energy: f64,
    /// Total energy [eV].
    pub total_energy: f64,
    /// The integrator's conserved quantity [eV].
    pub conserved_energy: f64,
    /// Pressure [bar]; None (stored as NaN) unless every axis is periodic.
    pub pressure: Option<f64>,
}

/// The centre-of-mass observables of a two-particle system.
const PAIR_COM: [&str; 3] = ["com_particle1", "com_particle2", "com_all"];

/// The per-frame observables.
struct Observables {
    thermo: Vec<(&'static str, &'static str, Series)>,
    pair: Option<PairObservables>,
}

/// Neck and centres of mass of a two-particle system.
struct PairObservables {
    geometry: NeckGeometry,
    neck_radius: Series,
    min_gap: Series,
    com: [Series; 3],
}

/// What a checkpoint records of an [`H5mdWriter`]: the frame count of every time series (the
/// neck's series can have fewer frames than the others), to cut the file back to on resume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct H5mdRecord {
    natoms: usize,
    /// Path of each series' group in the file, and its frames.
    frames: Vec<(String, usize)>,
    geometry: Option<NeckGeometry>,
}

/// Appends frames to an H5MD file.
pub struct H5mdWriter {
    path: std::path::PathBuf,
    natoms: usize,
    edges: Series,
    offset: Series,
    position: Series,
    velocity: Series,
    image: Series,
    species: Series,
    id: Series,
    observables: Observables,
    _file: File,
}

impl std::fmt::Debug for H5mdWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("H5mdWriter")
            .field("path", &self.path)
            .field("natoms", &self.natoms)
            .field("frames", &self.position.frames())
            .finish()
    }
}

impl H5mdWriter {
    /// Creates (truncates) the file for frames of `system` (its atoms, in this order, with these
    /// ids and species, in every frame).
    pub fn create(path: &Path, system: &System, provenance: &Provenance) -> Result<Self> {
        Self::create_inner(path, system, provenance).map_err(h5(path))
    }

    /// Writes the file's metadata and creates its (empty) time series, in this order:
    /// `/h5md`, `/particles/all`, `/observables`, `/parameters`.
    fn create_inner(path: &Path, system: &System, provenance: &Provenance) -> hdf5::Result<Self> {
        let file = File::create(path)?;
        let n = system.len();
        write_h5md_group(&file)?;

        let all = file.create_group("particles")?.create_group("all")?;
        let bx = all.create_group("box")?;
        bx.new_attr::<i32>().create("dimension")?.write_scalar(&3)?;
        let boundary = system
            .simbox
            .periodic
            .map(|p| text(if p { "periodic" } else { "none" }));
        let boundary = boundary.into_iter().collect::<hdf5::Result<Vec<_>>>()?;
        bx.new_attr::<VarLenUnicode>()
            .shape(3)
            .create("boundary")?
            .write(ArrayView1::from(&boundary[..]))?;
        let edges = Series::create::<f64>(&bx, "edges", &[3], Some("Angstrom"))?;
        let offset = Series::create::<f64>(&bx, "offset", &[3], Some("Angstrom"))?;
        let position = Series::create::<f64>(&all, "position", &[n, 3], Some("Angstrom"))?;
        let velocity = Series::create::<f64>(&all, "velocity", &[n, 3], Some("Angstrom ps-1"))?;
        let image = Series::create::<i32>(&all, "image", &[n, 3], None)?;
        let species = Series::create::<i32>(&all, "species", &[n], None)?;
        let id = Series::create::<i64>(&all, "id", &[n], None)?;
        let masses: Vec<f64> = (0..n).map(|i| system.mass(i)).collect();
        let mass = all.new_dataset::<f64>().shape(n).create("mass")?;
        mass.write(ArrayView1::from(&masses[..]))?;
        string_attr(&mass, "unit", "g mol-1")?;

        let observables = create_observables(&file, system)?;
        write_parameters(&file, system, provenance)?;
        file.flush()?;
        Ok(H5mdWriter {
            path: path.to_path_buf(),
            natoms: n,
            edges,
            offset,
            position,
            velocity,
            image,
            species,
            id,
            observables,
            _file: file,
        })
    }

    /// Every time series with the path of its group.
    fn series(&self) -> Vec<(String, &Series)> {
        let mut all = vec![
            ("particles/all/box/edges".to_string(), &self.edges),
            ("particles/all/box/offset".to_string(), &self.offset),
            ("particles/all/position".to_string(), &self.position),
            ("particles/all/velocity".to_string(), &self.velocity),
            ("particles/all/image".to_string(), &self.image),
            ("particles/all/species".to_string(), &self.species),
            ("particles/all/id".to_string(), &self.id),
        ];
        for (name, _, series) in &self.observables.thermo {
            all.push((format!("observables/{name}"), series));
        }
        if let Some(p) = &self.observables.pair {
            all.push(("observables/neck_radius".into(), &p.neck_radius));
            all.push(("observables/min_gap".into(), &p.min_gap));
            for (name, series) in PAIR_COM.iter().zip(&p.com) {
                all.push((format!("observables/{name}"), series));
            }
        }
        all
    }

    /// The writer's record for a checkpoint.
    pub fn record(&self) -> H5mdRecord {
        H5mdRecord {
            natoms: self.natoms,
            frames: self
                .series()
                .into_iter()
                .map(|(name, s)| (name, s.frames()))
                .collect(),
            geometry: self.observables.pair.as_ref().map(|p| p.geometry),
        }
    }

    /// Opens the file at `path` again for appending, every series cut back to its frame count
    /// in `record`: frames written after the checkpoint are dropped.
    pub fn reopen(path: &Path, record: &H5mdRecord) -> Result<Self> {
        Self::reopen_inner(path, record).map_err(h5(path))
    }

    fn reopen_inner(path: &Path, record: &H5mdRecord) -> hdf5::Result<Self> {
        let file = File::open_rw(path)?;
        let open = |name: &str| -> hdf5::Result<Series> {
            let (parent, leaf) = name.rsplit_once('/').unwrap_or(("/", name));
            Series::open(&file.group(parent)?, leaf)
        };
        let thermo = THERMO_SERIES
            .iter()
            .map(|&(name, unit)| Ok((name, unit, open(&format!("observables/{name}"))?)))
            .collect::<hdf5::Result<Vec<_>>>()?;
        let pair = match record.geometry {
            Some(geometry) => Some(PairObservables {
                geometry,
                neck_radius: open("observables/neck_radius")?,
                min_gap: open("observables/min_gap")?,
                com: [
                    open(&format!("observables/{}", PAIR_COM[0]))?,
                    open(&format!("observables/{}", PAIR_COM[1]))?,
                    open(&format!("observables/{}", PAIR_COM[2]))?,
                ],
            }),
            None => None,
        };
        let writer = H5mdWriter {
            path: path.to_path_buf(),
            natoms: record.natoms,
            edges: open("particles/all/box/edges")?,
            offset: open("particles/all/box/offset")?,
            position: open("particles/all/position")?,
            velocity: open("particles/all/velocity")?,
            image: open("particles/all/image")?,
            species: open("particles/all/species")?,
            id: open("particles/all/id")?,
            observables: Observables { thermo, pair },
            _file: file,
        };
        let series = writer.series();
        if series.len() != record.frames.len() {
            return Err("the file's series differ from the checkpoint's".into());
        }
        for ((name, s), (saved, frames)) in series.iter().zip(&record.frames) {
            if name != saved || s.frames() < *frames {
                return Err(format!(
                    "series {saved} has {} frames, fewer than the checkpoint's {frames}",
                    s.frames()
                )
                .into());
            }
            s.truncate(*frames)?;
        }
        writer._file.flush()?;
        Ok(writer)
    }

    /// Appends one frame at `step`, `time` [ps], with the thermodynamic sample where there is one.
    pub fn write_frame(
        &mut self,
        system: &System,
        step: u64,
        time: f64,
        thermo: Option<&H5mdThermo>,
    ) -> Result<()> {
        if system.len() != self.natoms {
            return Err(Error::file(
                &self.path,
                format!(
                    "H5MD keeps one atom count per file: this frame has {} atoms, the file {}",
                    system.len(),
                    self.natoms
                ),
            ));
        }
        self.write_inner(system, step, time, thermo)
            .map_err(h5(&self.path.clone()))
    }

    fn write_inner(
        &mut self,
        system: &System,
        step: u64,
        time: f64,
        thermo: Option<&H5mdThermo>,
    ) -> hdf5::Result<()> {
        let b = &system.simbox;
        let l = b.lengths();
        self.edges.push(step, time, &[l.x, l.y, l.z])?;
        self.offset.push(step, time, &b.lo)?;
        let flat = |v: &[Vec3]| -> Vec<f64> { v.iter().flat_map(|p| [p.x, p.y, p.z]).collect() };
        self.position.push(step, time, &flat(&system.positions))?;
        self.velocity.push(step, time, &flat(&system.velocities))?;
        let images: Vec<i32> = system.images.iter().flatten().copied().collect();
        self.image.push(step, time, &images)?;
        let species: Vec<i32> = system.types.iter().map(|&t| t as i32).collect();
        self.species.push(step, time, &species)?;
        let ids: Vec<i64> = system.ids.iter().map(|&i| i as i64).collect();
        self.id.push(step, time, &ids)?;
        if let Some(t) = thermo {
            for (name, _, series) in &self.observables.thermo {
                let v = match *name {
                    "temperature" => t.temperature,
                    "potential_energy" => t.potential_energy,
                    "kinetic_energy" => t.kinetic_energy,
                    "total_energy" => t.total_energy,
                    "conserved_energy" => t.conserved_energy,
                    _ => t.pressure.unwrap_or(f64::NAN),
                };
                series.push(step, time, &[v])?;
            }
        }
        if let Some(p) = &self.observables.pair {
            let (Some(p1), Some(p2)) = (
                system.groups.get("particle1"),
                system.groups.get("particle2"),
            ) else {
                return Ok(());
            };
            if let Ok(neck) = measure_neck(system, p1, p2, &p.geometry) {
                p.neck_radius.push(step, time, &[neck.neck_radius])?;
                p.min_gap.push(step, time, &[neck.min_gap])?;
            }
            let coms = [
                centre_of_mass(system, Some(p1)),
                centre_of_mass(system, Some(p2)),
                centre_of_mass(system, None),
            ];
            for (series, c) in p.com.iter().zip(coms) {
                series.push(step, time, &[c.x, c.y, c.z])?;
            }
        }
        self._file.flush()
    }
}

/// Writes the `/h5md` group: version, author (`$USER`) and creator.
fn write_h5md_group(file: &File) -> hdf5::Result<()> {
    let h5md = file.create_group("h5md")?;
    h5md.new_attr::<i32>()
        .shape(2)
        .create("version")?
        .write(ArrayView1::from(&[1, 1][..]))?;
    let author = h5md.create_group("author")?;
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    string_attr(&author, "name", &user)?;
    let creator = h5md.create_group("creator")?;
    string_attr(&creator, "name", "sintermd")?;
    string_attr(&creator, "version", env!("CARGO_PKG_VERSION"))
}

/// Creates `/observables`: the thermodynamic series and, for a two-particle `system` (groups
/// `particle1` and `particle2` with a neck geometry), the neck and centre-of-mass series.
fn create_observables(file: &File, system: &System) -> hdf5::Result<Observables> {
    let obs = file.create_group("observables")?;
    let mut thermo = Vec::new();
    for &(name, unit) in &THERMO_SERIES {
        thermo.push((
            name,
            unit,
            Series::create::<f64>(&obs, name, &[], Some(unit))?,
        ));
    }
    let pair = match (
        system.groups.contains_key("particle1"),
        system.groups.contains_key("particle2"),
        NeckGeometry::from_structure(system),
    ) {
        (true, true, Ok(geometry)) => Some(PairObservables {
            geometry,
            neck_radius: Series::create::<f64>(&obs, "neck_radius", &[], Some("Angstrom"))?,
            min_gap: Series::create::<f64>(&obs, "min_gap", &[], Some("Angstrom"))?,
            com: [
                Series::create::<f64>(&obs, PAIR_COM[0], &[3], Some("Angstrom"))?,
                Series::create::<f64>(&obs, PAIR_COM[1], &[3], Some("Angstrom"))?,
                Series::create::<f64>(&obs, PAIR_COM[2], &[3], Some("Angstrom"))?,
            ],
        }),
        _ => None,
    };
    Ok(Observables { thermo, pair })
}

/// Writes `/parameters`: the input's text, the species names and the potential files with
/// their SHA-256 checksums.
fn write_parameters(file: &File, system: &System, provenance: &Provenance) -> hdf5::Result<()> {
    let params = file.create_group("parameters")?;
    strings_dataset(&params, "input", std::slice::from_ref(&provenance.input))?;
    strings_dataset(&params, "species", &system.species.names)?;
    let names: Vec<String> = provenance
        .potential_files
        .iter()
        .map(|f| f.0.clone())
        .collect();
    let sums: Vec<String> = provenance
        .potential_files
        .iter()
        .map(|f| f.1.clone())
        .collect();
    strings_dataset(&params, "potential_files", &names)?;
    strings_dataset(&params, "potential_sha256", &sums)
}

/// Reads every frame of an H5MD file written as above (particle group `all`).
pub fn read_h5md(path: &Path) -> Result<Vec<Snapshot>> {
    read_inner(path).map_err(h5(path))
}

fn read_inner(path: &Path) -> hdf5::Result<Vec<Snapshot>> {
    let file = File::open(path)?;
    let all = file.group("particles/all")?;
    let bx = all.group("box")?;
    let boundary: Vec<VarLenUnicode> = bx.attr("boundary")?.read_raw()?;
    let periodic: Vec<bool> = boundary.iter().map(|b| b.as_str() == "periodic").collect();
    let edges = Series::open(&bx, "edges")?;
    let offset = Series::open(&bx, "offset")?;
    let position = Series::open(&all, "position")?;
    let velocity = Series::open(&all, "velocity")?;
    let image = Series::open(&all, "image")?;
    let species: Vec<i32> = Series::open(&all, "species")?.value.read_raw()?;
    let ids: Vec<i64> = Series::open(&all, "id")?.value.read_raw()?;
    let masses: Vec<f64> = all.dataset("mass")?.read_raw()?;
    let n = masses.len();
    let names: Vec<VarLenUnicode> = file.dataset("parameters/species")?.read_raw()?;
    let names: Vec<String> = names.iter().map(|s| s.as_str().to_string()).collect();
    let mut species_mass = vec![0.0; names.len()];
    for (&t, &m) in species.iter().zip(&masses) {
        if let Some(slot) = species_mass.get_mut(t as usize) {
            *slot = m;
        }
    }
    let table = SpeciesTable::new(names, species_mass).map_err(|e| e.to_string())?;
    let steps: Vec<i64> = position.step.read_raw()?;
    let times: Vec<f64> = position.time.read_raw()?;
    let e: Vec<f64> = edges.value.read_raw()?;
    let o: Vec<f64> = offset.value.read_raw()?;
    let x: Vec<f64> = position.value.read_raw()?;
    let v: Vec<f64> = velocity.value.read_raw()?;
    let im: Vec<i32> = image.value.read_raw()?;
    let frames = steps.len();
    if x.len() != frames * n * 3 || v.len() != x.len() || im.len() != x.len() {
        return Err("position, velocity and image hold different numbers of frames".into());
    }
    if species.len() != frames * n || ids.len() != frames * n {
        return Err(
            "species and id hold another number of frames or atoms than the positions".into(),
        );
    }
    if e.len() != frames * 3 || o.len() != frames * 3 || periodic.len() != 3 {
        return Err("the box holds another number of frames than the positions".into());
    }
    let mut out = Vec::with_capacity(frames);
    for f in 0..frames {
        let lo = [o[3 * f], o[3 * f + 1], o[3 * f + 2]];
        let hi = [0, 1, 2].map(|k| lo[k] + e[3 * f + k]);
        let simbox = SimBox::new(lo, hi, [periodic[0], periodic[1], periodic[2]])
            .map_err(|e| e.to_string())?;
        let mut system = System::new(simbox, table.clone());
        for i in 0..n {
            let at = (f * n + i) * 3;
            let t = u32::try_from(species[f * n + i]).map_err(|_| "negative species index")?;
            let id = u64::try_from(ids[f * n + i]).map_err(|_| "negative atom id")?;
            system.push(
                id,
                t,
                Vec3::new(x[at], x[at + 1], x[at + 2]),
                Vec3::new(v[at], v[at + 1], v[at + 2]),
            );
            system.images[i] = [im[at], im[at + 1], im[at + 2]];
        }
        system.validate().map_err(|e| e.to_string())?;
        out.push(Snapshot {
            system,
            step: steps[f] as u64,
            time: times[f],
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_frames_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.h5md");
        let mut s = crate::io::test_frame();
        s.groups.insert("particle1".into(), vec![0]);
        s.groups.insert("particle2".into(), vec![1]);
        {
            let mut w = H5mdWriter::create(&path, &s, &Provenance::default()).unwrap();
            let thermo = H5mdThermo {
                temperature: 300.0,
                potential_energy: -1.0,
                kinetic_energy: 0.5,
                total_energy: -0.5,
                conserved_energy: -0.5,
                pressure: None,
            };
            w.write_frame(&s, 0, 0.0, Some(&thermo)).unwrap();
            s.positions[1].x = 0.25;
            w.write_frame(&s, 10, 0.02, None).unwrap();
        }
        let frames = read_h5md(&path).unwrap();
        assert_eq!(frames.len(), 2);
        assert_eq!((frames[1].step, frames[1].time), (10, 0.02));
        assert_eq!(frames[1].system.positions, s.positions);
        assert_eq!(frames[1].system.velocities, s.velocities);
        assert_eq!(frames[1].system.images, s.images);
        assert_eq!(frames[1].system.ids, s.ids);
        assert_eq!(frames[1].system.simbox.lo, s.simbox.lo);
        assert_eq!(frames[1].system.simbox.periodic, s.simbox.periodic);
        assert_eq!(frames[1].system.species, s.species);
    }
}
