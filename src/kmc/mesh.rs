//! Amorphous site meshes: the site file, g(r), its first minimum, neighbour-count reports.
//!
//! # The site file (`sintermd-mesh 1`)
//!
//! A text file, whitespace-separated, `#` starts a comment (to the end of the line); blank lines
//! are ignored. Lengths in A (LAMMPS metal units). Header lines, in any order, then the sections:
//!
//! ```text
//! sintermd-mesh 1                      # first line: format name and version
//! box XLO XHI YLO YHI ZLO ZHI          # orthorhombic box [A]
//! periodic p p p                       # per axis: p periodic, f free
//! sites N                              # number of sites
//! cutoff RC                            # optional: cutoff [A] the Neighbors section was made with
//! Sites                                # N lines follow: site number (1..N, in order) and position
//! 1 x y z
//! ...
//! Neighbors                            # optional section, N lines: site, count, neighbour sites
//! 1 k j1 j2 ... jk
//! ...
//! ```
//!
//! Site numbers are 1-based. Neighbour lists must be symmetric (j lists i when i lists j) and
//! name each neighbour once; periodic images are implied by the box (a site never lists itself).
//! Without a `Neighbors` section the KMC input chooses a cutoff or detects the first minimum of
//! g(r). Positions outside the box along periodic axes are wrapped in.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::lattice::{SiteSet, sort_spatially};
use crate::error::{Error, Result};
use crate::io::{read_text, write_text};
use crate::neighbor::NeighborList;
use crate::system::{SimBox, Vec3};

/// The contents of a site file.
#[derive(Clone, Debug, PartialEq)]
pub struct MeshFile {
    /// The box.
    pub simbox: SimBox,
    /// Site positions [A].
    pub positions: Vec<Vec3>,
    /// Cutoff the neighbour lists were made with [A].
    pub cutoff: Option<f64>,
    /// Neighbour lists (0-based), when the file has them.
    pub neighbors: Option<Vec<Vec<u32>>>,
}

/// Reads a site file.
pub fn read_mesh(path: &Path) -> Result<MeshFile> {
    parse_mesh(&read_text(path)?, path)
}

/// Parses the text of a site file; `path` names it in errors.
pub fn parse_mesh(text: &str, path: &Path) -> Result<MeshFile> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.split('#').next().unwrap_or("").trim()))
        .filter(|(_, l)| !l.is_empty());
    let header = read_mesh_header(&mut lines, path)?;
    let n = header.sites;
    // At most one site per line: a corrupt count cannot make a huge allocation.
    let positions = read_sites(&mut lines, path, n, &header.simbox, n.min(text.len() / 8))?;
    let neighbors = match lines.next() {
        None => None,
        Some((_, "Neighbors")) => {
            let rows = read_neighbors(&mut lines, path, n)?;
            if let Some((l, line)) = lines.next() {
                return Err(Error::parse(
                    path,
                    l,
                    format!("unexpected line after the Neighbors section: \"{line}\""),
                ));
            }
            Some(rows)
        }
        Some((l, line)) => {
            return Err(Error::parse(
                path,
                l,
                format!("expected Neighbors or the end of the file, found \"{line}\""),
            ));
        }
    };
    Ok(MeshFile {
        simbox: header.simbox,
        positions,
        cutoff: header.cutoff,
        neighbors,
    })
}

/// The lines of a site file without comments and blank ones: (line number, text).
type MeshLines<'a> = dyn Iterator<Item = (usize, &'a str)> + 'a;

/// What the header of a site file says.
struct MeshHeader {
    simbox: SimBox,
    sites: usize,
    cutoff: Option<f64>,
}

/// A finite number on line `line` of the site file at `path`.
fn mesh_number(path: &Path, line: usize, w: &str) -> Result<f64> {
    w.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::parse(path, line, format!("\"{w}\" is not a number")))
}

/// Reads the header of a site file, through the `Sites` line: the format line, `box`,
/// `periodic`, `sites` and `cutoff`.
fn read_mesh_header(lines: &mut MeshLines<'_>, path: &Path) -> Result<MeshHeader> {
    let err = |line: usize, m: String| Error::parse(path, line, m);
    match lines.next() {
        Some((_, "sintermd-mesh 1")) => {}
        Some((l, other)) => {
            return Err(err(
                l,
                format!("expected the header \"sintermd-mesh 1\", found \"{other}\""),
            ));
        }
        None => return Err(Error::file(path, "empty site file")),
    }
    let mut bounds: Option<[f64; 6]> = None;
    let mut periodic = [true; 3];
    let mut count: Option<usize> = None;
    let mut cutoff = None;
    let section_line;
    loop {
        let Some((l, line)) = lines.next() else {
            return Err(Error::file(path, "no Sites section"));
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "box" if words.len() == 7 => {
                let mut b = [0.0; 6];
                for k in 0..6 {
                    b[k] = mesh_number(path, l, words[k + 1])?;
                }
                bounds = Some(b);
            }
            "periodic" if words.len() == 4 => {
                periodic = crate::system::parse_boundary(&words[1..].join(" "))
                    .map_err(|e| err(l, e.to_string()))?;
            }
            "sites" if words.len() == 2 => {
                count = Some(
                    words[1]
                        .parse()
                        .map_err(|_| err(l, format!("\"{}\" is not a site count", words[1])))?,
                );
            }
            "cutoff" if words.len() == 2 => cutoff = Some(mesh_number(path, l, words[1])?),
            "Sites" if words.len() == 1 => {
                section_line = l;
                break;
            }
            _ => {
                return Err(err(
                    l,
                    format!("unknown or malformed header line \"{line}\""),
                ));
            }
        }
    }
    let b = bounds.ok_or_else(|| err(section_line, "no box line before Sites".into()))?;
    let n = count.ok_or_else(|| err(section_line, "no sites line before Sites".into()))?;
    let simbox = SimBox::new([b[0], b[2], b[4]], [b[1], b[3], b[5]], periodic)
        .map_err(|e| err(section_line, e.to_string()))?;
    Ok(MeshHeader {
        simbox,
        sites: n,
        cutoff,
    })
}

/// Reads the `n` lines of the Sites section (`k x y z`, k = 1..n), wrapped into `simbox` [A];
/// `capacity` positions are reserved.
fn read_sites(
    lines: &mut MeshLines<'_>,
    path: &Path,
    n: usize,
    simbox: &SimBox,
    capacity: usize,
) -> Result<Vec<Vec3>> {
    let mut positions = Vec::with_capacity(capacity);
    for k in 0..n {
        let (l, line) = lines.next().ok_or_else(|| {
            Error::file(path, format!("Sites section ends after {k} of {n} sites"))
        })?;
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() != 4 || w[0] != (k + 1).to_string() {
            return Err(Error::parse(
                path,
                l,
                format!("expected \"{} x y z\", found \"{line}\"", k + 1),
            ));
        }
        let mut x = Vec3::new(
            mesh_number(path, l, w[1])?,
            mesh_number(path, l, w[2])?,
            mesh_number(path, l, w[3])?,
        );
        let mut image = [0; 3];
        simbox.wrap(&mut x, &mut image);
        positions.push(x);
    }
    Ok(positions)
}

/// Reads the `n` lines of the Neighbors section (`k count j1 ... jcount`, sites numbered 1..n)
/// as 0-based neighbour rows.
fn read_neighbors(lines: &mut MeshLines<'_>, path: &Path, n: usize) -> Result<Vec<Vec<u32>>> {
    let err = |line: usize, m: String| Error::parse(path, line, m);
    let mut rows = Vec::with_capacity(n);
    for k in 0..n {
        let (l, line) = lines.next().ok_or_else(|| {
            Error::file(
                path,
                format!("Neighbors section ends after {k} of {n} sites"),
            )
        })?;
        let w: Vec<&str> = line.split_whitespace().collect();
        let bad = || {
            err(
                l,
                format!(
                    "expected \"{} count neighbours...\", found \"{line}\"",
                    k + 1
                ),
            )
        };
        if w.len() < 2 || w[0] != (k + 1).to_string() {
            return Err(bad());
        }
        let c: usize = w[1].parse().map_err(|_| bad())?;
        if w.len() != 2 + c {
            return Err(err(
                l,
                format!(
                    "site {} says {c} neighbours but lists {}",
                    k + 1,
                    w.len() - 2
                ),
            ));
        }
        let row = w[2..]
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(j) if (1..=n).contains(&j) => Ok(j as u32 - 1),
                _ => Err(err(
                    l,
                    format!("neighbour \"{s}\" is not a site number 1..{n}"),
                )),
            })
            .collect::<Result<Vec<u32>>>()?;
        rows.push(row);
    }
    Ok(rows)
}

/// Formats a site file.
pub fn format_mesh(mesh: &MeshFile) -> String {
    let b = &mesh.simbox;
    let mut s = String::with_capacity(48 * mesh.positions.len() + 256);
    s.push_str("sintermd-mesh 1\n");
    let _ = writeln!(
        s,
        "box {:?} {:?} {:?} {:?} {:?} {:?}",
        b.lo[0], b.hi[0], b.lo[1], b.hi[1], b.lo[2], b.hi[2]
    );
    let _ = writeln!(s, "periodic {}", b.boundary_string());
    let _ = writeln!(s, "sites {}", mesh.positions.len());
    if let Some(c) = mesh.cutoff {
        let _ = writeln!(s, "cutoff {c:?}");
    }
    s.push_str("Sites\n");
    for (k, x) in mesh.positions.iter().enumerate() {
        let _ = writeln!(s, "{} {:?} {:?} {:?}", k + 1, x.x, x.y, x.z);
    }
    if let Some(rows) = &mesh.neighbors {
        s.push_str("Neighbors\n");
        for (k, row) in rows.iter().enumerate() {
            let _ = write!(s, "{} {}", k + 1, row.len());
            for j in row {
                let _ = write!(s, " {}", j + 1);
            }
            s.push('\n');
        }
    }
    s
}

/// Writes a site file.
pub fn write_mesh(path: &Path, mesh: &MeshFile) -> Result<()> {
    write_text(path, &format_mesh(mesh))
}

/// Neighbour rows (0-based) of `positions` in `simbox` within `cutoff` [A].
pub fn neighbor_rows(simbox: &SimBox, positions: &[Vec3], cutoff: f64) -> Result<Vec<Vec<u32>>> {
    let mut list = NeighborList::new(cutoff, 0.0);
    list.build(simbox, positions)?;
    Ok((0..positions.len())
        .map(|i| list.row(i).neighbors().collect())
        .collect())
}

/// The radial distribution function g(r) on bins of width `dr` [A] up to `r_max` [A], for sites
/// in a fully periodic box: g(r) = n(r) / (N rho 4 pi r^2 dr), with n(r) the pair count in the
/// shell (each pair counted from both ends).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RadialDistribution {
    /// Bin centres [A].
    pub r: Vec<f64>,
    /// g(r).
    pub g: Vec<f64>,
}

impl RadialDistribution {
    /// g(r) of `positions` in the periodic `simbox`.
    pub fn compute(simbox: &SimBox, positions: &[Vec3], r_max: f64, dr: f64) -> Result<Self> {
        if !simbox.fully_periodic() {
            return Err(Error::invalid("g(r) needs a fully periodic box"));
        }
        if !(dr > 0.0) || !(r_max > dr) {
            return Err(Error::invalid("g(r): need 0 < dr < r_max"));
        }
        let bins = (r_max / dr).floor() as usize;
        let mut counts = vec![0u64; bins];
        let mut list = NeighborList::new(r_max, 0.0);
        list.build(simbox, positions)?;
        for i in 0..positions.len() {
            for nb in list.iter_row(i, positions) {
                let k = (nb.r2.sqrt() / dr) as usize;
                if k < bins {
                    counts[k] += 1;
                }
            }
        }
        let n = positions.len() as f64;
        let rho = n / simbox.volume();
        let r: Vec<f64> = (0..bins).map(|k| (k as f64 + 0.5) * dr).collect();
        let g = (0..bins)
            .map(|k| {
                let shell = 4.0 / 3.0
                    * std::f64::consts::PI
                    * (((k + 1) as f64 * dr).powi(3) - (k as f64 * dr).powi(3));
                counts[k] as f64 / (n * rho * shell)
            })
            .collect();
        Ok(RadialDistribution { r, g })
    }

    /// Position of the first peak [A] (the largest g).
    pub fn first_peak(&self) -> f64 {
        let k = argmax(&smooth(&self.g));
        self.r[k]
    }

    /// Position of the first minimum after the first peak [A]: the lowest point of the (smoothed)
    /// dip where g first falls below 1 after the peak and before it rises above 1 again.
    pub fn first_minimum(&self) -> Result<f64> {
        let g = smooth(&self.g);
        let peak = argmax(&g);
        let start = (peak..g.len()).find(|&k| g[k] < 1.0).ok_or_else(|| {
            Error::invalid("g(r) does not fall below 1 after its first peak: no first minimum")
        })?;
        let end = (start..g.len()).find(|&k| g[k] > 1.0).unwrap_or(g.len());
        let k = start + argmin(&g[start..end]);
        if end == g.len() && k + 1 >= g.len() {
            return Err(Error::invalid(
                "g(r) is still falling at the largest distance computed: no first minimum",
            ));
        }
        Ok(self.r[k])
    }
}

fn smooth(g: &[f64]) -> Vec<f64> {
    (0..g.len())
        .map(|k| {
            let lo = k.saturating_sub(2);
            let hi = (k + 3).min(g.len());
            g[lo..hi].iter().sum::<f64>() / (hi - lo) as f64
        })
        .collect()
}

fn argmax(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |b, k| if v[k] > v[b] { k } else { b })
}

fn argmin(v: &[f64]) -> usize {
    (0..v.len()).fold(0, |b, k| if v[k] < v[b] { k } else { b })
}

/// How a mesh's neighbours are found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum MeshNeighbors {
    /// The file's Neighbors section.
    FromFile,
    /// Sites closer than this cutoff [A].
    Cutoff(f64),
    /// Sites closer than the first minimum of g(r) (detected).
    #[default]
    FirstMinimum,
}

/// Distribution of neighbour counts over the sites.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NeighborCountReport {
    /// Sites with each neighbour count.
    pub histogram: BTreeMap<u8, usize>,
    /// Mean neighbour count.
    pub mean: f64,
    /// Smallest count.
    pub min: u8,
    /// Largest count.
    pub max: u8,
}

impl NeighborCountReport {
    /// The report for `sites`.
    pub fn of(sites: &SiteSet) -> Self {
        let mut histogram = BTreeMap::new();
        for &c in sites.neighbor_counts() {
            *histogram.entry(c).or_insert(0) += 1;
        }
        let n = sites.len().max(1) as f64;
        NeighborCountReport {
            mean: sites
                .neighbor_counts()
                .iter()
                .map(|&c| c as f64)
                .sum::<f64>()
                / n,
            min: histogram.keys().next().copied().unwrap_or(0),
            max: histogram.keys().last().copied().unwrap_or(0),
            histogram,
        }
    }

    /// One line: "neighbour counts: mean 13.2, min 9, max 17; 9:12 10:40 ...".
    pub fn line(&self) -> String {
        let mut s = format!(
            "neighbour counts: mean {:.2}, min {}, max {};",
            self.mean, self.min, self.max
        );
        for (c, n) in &self.histogram {
            let _ = write!(s, " {c}:{n}");
        }
        s
    }
}

/// The mesh tiled `copies` times along x, y, z (a periodic block repeats itself).
pub fn replicate(mesh: &MeshFile, copies: [usize; 3]) -> Result<MeshFile> {
    if copies.contains(&0) {
        return Err(Error::invalid("replicate counts must be at least 1"));
    }
    if copies == [1, 1, 1] {
        return Ok(mesh.clone());
    }
    for k in 0..3 {
        if copies[k] > 1 && !mesh.simbox.periodic[k] {
            return Err(Error::invalid(format!(
                "cannot replicate the mesh along the free axis {}",
                ["x", "y", "z"][k]
            )));
        }
    }
    let l = mesh.simbox.lengths();
    let mut positions = Vec::with_capacity(mesh.positions.len() * copies.iter().product::<usize>());
    for i in 0..copies[0] {
        for j in 0..copies[1] {
            for k in 0..copies[2] {
                let shift = Vec3::new(i as f64 * l.x, j as f64 * l.y, k as f64 * l.z);
                positions.extend(mesh.positions.iter().map(|x| x + shift));
            }
        }
    }
    let b = &mesh.simbox;
    let hi = [0, 1, 2].map(|k| b.lo[k] + copies[k] as f64 * l[k]);
    Ok(MeshFile {
        simbox: SimBox::new(b.lo, hi, b.periodic)?,
        positions,
        cutoff: mesh.cutoff,
        neighbors: None,
    })
}

/// Fractions of sites by local structure from adaptive common-neighbour analysis
/// ([`crate::analysis::cna`]): other, fcc, hcp, bcc, icosahedral. An amorphous mesh has little
/// fcc, hcp and bcc.
pub fn structure_fractions(
    simbox: &SimBox,
    positions: &[Vec3],
    spacing: f64,
) -> Result<BTreeMap<String, f64>> {
    use crate::analysis::PairView;
    use crate::analysis::cna::{Structure, adaptive_cna, structure_counts};
    let species = crate::system::SpeciesTable::new(vec!["site".into()], vec![1.0])?;
    let mut system = crate::system::System::new(simbox.clone(), species);
    for (i, x) in positions.iter().enumerate() {
        system.push(i as u64 + 1, 0, *x, Vec3::zeros());
    }
    // Adaptive CNA needs each site's 14 nearest neighbours: about 1.5 spacings; 1.8 is safe.
    let radius = (1.8 * spacing).min(0.499 * simbox.lengths().min());
    let counts = structure_counts(&adaptive_cna(&PairView::new(&system, radius)?));
    let n = positions.len().max(1) as f64;
    Ok(Structure::ALL
        .iter()
        .zip(counts)
        .map(|(s, c)| (s.name().to_string(), c as f64 / n))
        .collect())
}

/// What was learnt building a site set from a mesh.
#[derive(Clone, Debug, Serialize)]
pub struct MeshReport {
    /// Sites.
    pub sites: usize,
    /// First peak of g(r) [A] (the site spacing).
    pub first_peak: f64,
    /// Neighbour cutoff used [A].
    pub cutoff: f64,
    /// Whether the cutoff was detected from g(r).
    pub detected: bool,
    /// Neighbour counts.
    pub neighbor_counts: NeighborCountReport,
    /// Fractions of sites by local structure (adaptive CNA; fully periodic meshes only).
    pub structure_fractions: Option<BTreeMap<String, f64>>,
}

/// A mesh turned into KMC sites, with what was learnt on the way.
#[derive(Clone, Debug)]
pub struct MeshAnalysis {
    /// The sites (sorted along a space-filling curve unless the neighbours came from the file).
    pub sites: SiteSet,
    /// The report.
    pub report: MeshReport,
    /// g(r) of the sites (fully periodic meshes only).
    pub rdf: Option<RadialDistribution>,
}

/// Builds the KMC site set of `mesh` (tiled `copies` times), with neighbours as `choice` says.
pub fn mesh_sites(
    mesh: &MeshFile,
    choice: &MeshNeighbors,
    copies: [usize; 3],
) -> Result<(SiteSet, MeshReport)> {
    let a = analyse_mesh(mesh, choice, copies)?;
    Ok((a.sites, a.report))
}

/// Builds the KMC site set of `mesh` (tiled `copies` times), with neighbours as `choice` says,
/// keeping g(r).
pub fn analyse_mesh(
    mesh: &MeshFile,
    choice: &MeshNeighbors,
    copies: [usize; 3],
) -> Result<MeshAnalysis> {
    if mesh.positions.len() < 2 {
        return Err(Error::invalid("a mesh needs at least two sites"));
    }
    let tiled = replicate(mesh, copies)?;
    let rho = tiled.positions.len() as f64 / tiled.simbox.volume();
    let typical = rho.powf(-1.0 / 3.0);
    let half_box = 0.5 * tiled.simbox.lengths().min();
    let rdf = if tiled.simbox.fully_periodic() {
        Some(RadialDistribution::compute(
            &tiled.simbox,
            &tiled.positions,
            (2.5 * typical).min(half_box * 0.999),
            typical / 100.0,
        )?)
    } else {
        None
    };
    let spacing = rdf.as_ref().map(|g| g.first_peak()).unwrap_or(typical);
    let (cutoff, detected) = match choice {
        MeshNeighbors::FromFile => (mesh.cutoff.unwrap_or(f64::NAN), false),
        MeshNeighbors::Cutoff(c) => (*c, false),
        MeshNeighbors::FirstMinimum => (
            rdf.as_ref()
                .ok_or_else(|| {
                    Error::invalid("detecting the g(r) minimum needs a fully periodic mesh")
                })?
                .first_minimum()?,
            true,
        ),
    };
    let sites = match choice {
        MeshNeighbors::FromFile => {
            let rows = mesh.neighbors.as_ref().ok_or_else(|| {
                Error::invalid("neighbors: FromFile, but the site file has no Neighbors section")
            })?;
            if copies != [1, 1, 1] {
                return Err(Error::invalid(
                    "neighbors: FromFile cannot be combined with replicate; give a cutoff",
                ));
            }
            SiteSet::from_rows(tiled.positions, tiled.simbox, cutoff, spacing, rows)?
        }
        _ => {
            let mut positions = tiled.positions;
            sort_spatially(&mut positions, spacing);
            SiteSet::with_cutoff(positions, tiled.simbox, cutoff, spacing)?
        }
    };
    let structure = if sites.simbox.fully_periodic() {
        Some(structure_fractions(
            &sites.simbox,
            &sites.positions,
            spacing,
        )?)
    } else {
        None
    };
    let report = MeshReport {
        sites: sites.len(),
        first_peak: spacing,
        cutoff,
        detected,
        neighbor_counts: NeighborCountReport::of(&sites),
        structure_fractions: structure,
    };
    Ok(MeshAnalysis { sites, report, rdf })
}

/// The mesh file of `sites`: their box and positions, with the cutoff and a Neighbors section
/// when `with_neighbors`.
pub fn mesh_file_of(sites: &SiteSet, with_neighbors: bool) -> MeshFile {
    MeshFile {
        simbox: sites.simbox.clone(),
        positions: sites.positions.clone(),
        cutoff: Some(sites.cutoff),
        neighbors: with_neighbors.then(|| {
            (0..sites.len())
                .map(|i| sites.neighbors(i).to_vec())
                .collect()
        }),
    }
}
