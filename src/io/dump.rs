//! LAMMPS dump files in `dump custom` text form, as LAMMPS writes them with
//! `dump custom ... id type element mass x y z vx vy vz ix iy iz` and `dump_modify time yes`:
//! read by OVITO, by ASE (`lammps-dump-text`) and by LAMMPS `read_dump` / `rerun`.
//!
//! Each frame is
//!
//! ```text
//! ITEM: TIME / time [ps]         ITEM: TIMESTEP / step
//! ITEM: NUMBER OF ATOMS / N      ITEM: BOX BOUNDS pp pp ff / xlo xhi / ylo yhi / zlo zhi
//! ITEM: ATOMS id type element mass x y z vx vy vz ix iy iz / N lines
//! ```
//!
//! Positions are wrapped into the box [A] with image counts, velocities in A/ps (LAMMPS metal).
//! A periodic axis is `pp`, a free one `ff` (LAMMPS's fixed boundary). `ITEM: TIME` comes first,
//! as LAMMPS writes it: LAMMPS's `read_dump` reads these files (checked by hand, exact numbers).

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::system::{SimBox, SpeciesTable, System, Vec3};

use super::Snapshot;

/// Formats one frame.
pub fn format_dump_frame(system: &System, step: u64, time: f64) -> String {
    let b = &system.simbox;
    let mut s = String::with_capacity(110 * system.len() + 256);
    let flags = b.periodic.map(|p| if p { "pp" } else { "ff" });
    let _ = writeln!(s, "ITEM: TIME\n{time:?}\nITEM: TIMESTEP\n{step}");
    let _ = writeln!(s, "ITEM: NUMBER OF ATOMS\n{}", system.len());
    let _ = writeln!(s, "ITEM: BOX BOUNDS {} {} {}", flags[0], flags[1], flags[2]);
    for k in 0..3 {
        let _ = writeln!(s, "{:?} {:?}", b.lo[k], b.hi[k]);
    }
    s.push_str("ITEM: ATOMS id type element mass x y z vx vy vz ix iy iz\n");
    for i in 0..system.len() {
        let (x, v, n) = (system.positions[i], system.velocities[i], system.images[i]);
        let t = system.types[i] as usize;
        let _ = writeln!(
            s,
            "{} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {} {}",
            system.ids[i],
            t + 1,
            system.species.names[t],
            system.species.masses[t],
            x.x,
            x.y,
            x.z,
            v.x,
            v.y,
            v.z,
            n[0],
            n[1],
            n[2]
        );
    }
    s
}

/// Reads every frame of a dump written as above (the columns may come in any order; `element`,
/// `mass`, velocities and image counts are optional, `id`, `type` and `x y z` are not). Species
/// are named by `element` where present, else by type number; masses are those of the `mass`
/// column, else of `species` where given (by name), else of the element table.
pub fn parse_dump(text: &str, species: Option<&SpeciesTable>) -> Result<Vec<Snapshot>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    let mut frames = Vec::new();
    while at < lines.len() {
        if lines[at].trim().is_empty() {
            at += 1;
            continue;
        }
        frames.push(read_frame(&lines, &mut at, species)?);
    }
    if frames.is_empty() {
        return Err(Error::invalid("no frames in the dump file"));
    }
    Ok(frames)
}

/// A parse error at 0-based line index `line`.
fn err(line: usize, msg: String) -> Error {
    Error::parse("", line + 1, msg)
}

/// Reads one frame from line index `*at`: its `ITEM:` sections up to and including
/// `ITEM: ATOMS`; `*at` moves past the frame's last atom line.
fn read_frame(lines: &[&str], at: &mut usize, species: Option<&SpeciesTable>) -> Result<Snapshot> {
    let mut step = None;
    let mut time = None;
    let mut natoms = None;
    let mut bounds: Option<([f64; 3], [f64; 3], [bool; 3])> = None;
    loop {
        let Some(line) = lines.get(*at) else {
            return Err(err(
                *at,
                "the frame ends before its ITEM: ATOMS section".into(),
            ));
        };
        let Some(item) = line.trim().strip_prefix("ITEM:") else {
            return Err(err(
                *at,
                format!("expected an ITEM: line, found \"{line}\""),
            ));
        };
        let item = item.trim();
        let value = item_value(lines, *at, item);
        if item == "TIMESTEP" {
            step = Some(
                value(1)?
                    .parse::<u64>()
                    .map_err(|_| err(*at + 1, "TIMESTEP is not a whole number".into()))?,
            );
            *at += 2;
        } else if item == "TIME" {
            time = Some(
                value(1)?
                    .parse::<f64>()
                    .map_err(|_| err(*at + 1, "TIME is not a number".into()))?,
            );
            *at += 2;
        } else if item == "NUMBER OF ATOMS" {
            natoms = Some(
                value(1)?
                    .parse::<usize>()
                    .map_err(|_| err(*at + 1, "NUMBER OF ATOMS is not a whole number".into()))?,
            );
            *at += 2;
        } else if let Some(flags) = item.strip_prefix("BOX BOUNDS") {
            bounds = Some(read_box_bounds(lines, *at, item, flags)?);
            *at += 4;
        } else if let Some(cols) = item.strip_prefix("ATOMS") {
            let cols: Vec<&str> = cols.split_whitespace().collect();
            let n = natoms.ok_or_else(|| err(*at, "ITEM: ATOMS before NUMBER OF ATOMS".into()))?;
            let (lo, hi, periodic) =
                bounds.ok_or_else(|| err(*at, "ITEM: ATOMS before BOX BOUNDS".into()))?;
            let simbox = SimBox::new(lo, hi, periodic).map_err(|e| err(*at, e.to_string()))?;
            let system = parse_atoms(lines, *at + 1, n, &cols, simbox, species)?;
            *at += 1 + n;
            return Ok(Snapshot {
                system,
                step: step.unwrap_or(0),
                time: time.unwrap_or(0.0),
            });
        } else {
            return Err(err(*at, format!("unknown section ITEM: {item}")));
        }
    }
}

/// The `k`-th line after the `ITEM: {item}` line at index `at`, trimmed (an error past the end).
fn item_value<'a>(
    lines: &'a [&'a str],
    at: usize,
    item: &'a str,
) -> impl Fn(usize) -> Result<&'a str> + 'a {
    move |k| {
        lines
            .get(at + k)
            .map(|l| l.trim())
            .ok_or_else(|| err(at + k, format!("ITEM: {item} has no value")))
    }
}

/// Reads `ITEM: {item}` = `ITEM: BOX BOUNDS {flags}` (at line index `at`) and its three `lo hi`
/// lines (Å): the bounds and, per axis, whether it is periodic (`pp`).
fn read_box_bounds(
    lines: &[&str],
    at: usize,
    item: &str,
    flags: &str,
) -> Result<([f64; 3], [f64; 3], [bool; 3])> {
    let value = item_value(lines, at, item);
    let flags: Vec<&str> = flags.split_whitespace().collect();
    if flags.len() != 3 || flags.iter().any(|f| f.len() != 2) {
        return Err(err(
            at,
            "BOX BOUNDS needs three boundary flags (e.g. pp pp ff); tilted boxes are not supported"
                .into(),
        ));
    }
    let mut lo = [0.0; 3];
    let mut hi = [0.0; 3];
    for k in 0..3 {
        let w: Vec<f64> = value(1 + k)?
            .split_whitespace()
            .map(|x| x.parse::<f64>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|_| err(at + 1 + k, "box bounds are not numbers".into()))?;
        let [l, h] = w[..] else {
            return Err(err(at + 1 + k, "box bounds need lo and hi".into()));
        };
        lo[k] = l;
        hi[k] = h;
    }
    Ok((lo, hi, [0, 1, 2].map(|k| flags[k] == "pp")))
}

/// Where each known column of `ITEM: ATOMS` is (its index in the line).
struct AtomColumns<'a> {
    cols: &'a [&'a str],
    id: usize,
    ty: usize,
    pos: [usize; 3],
    element: Option<usize>,
    mass: Option<usize>,
    vel: [Option<usize>; 3],
    img: [Option<usize>; 3],
}

/// One atom line's values: id, 0-based type, position (Å), velocity (Å/ps), image counts.
type DumpAtom = (u64, u32, Vec3, Vec3, [i32; 3]);

impl<'a> AtomColumns<'a> {
    /// Finds the columns named by `cols`; `id`, `type` and `x y z` are required (the error names
    /// 1-based line `first`).
    fn find(cols: &'a [&'a str], first: usize) -> Result<Self> {
        let col = |name: &str| cols.iter().position(|c| *c == name);
        let need = |name: &str| {
            col(name)
                .ok_or_else(|| Error::parse("", first, format!("ITEM: ATOMS has no {name} column")))
        };
        Ok(AtomColumns {
            cols,
            id: need("id")?,
            ty: need("type")?,
            pos: [need("x")?, need("y")?, need("z")?],
            element: col("element"),
            mass: col("mass"),
            vel: [col("vx"), col("vy"), col("vz")],
            img: [col("ix"), col("iy"), col("iz")],
        })
    }

    /// Reads the atom line `line` (0-based index `ln`). Each type's name (from `element`, else
    /// the type number) must agree with earlier lines, kept in `names`; its `mass` column (u),
    /// if any, goes into `masses_seen`.
    fn read_row(
        &self,
        line: &str,
        ln: usize,
        names: &mut Vec<String>,
        masses_seen: &mut Vec<Option<f64>>,
    ) -> Result<DumpAtom> {
        let cols = self.cols;
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() != cols.len() {
            return Err(Error::parse(
                "",
                ln + 1,
                format!("{} columns, ITEM: ATOMS names {}", w.len(), cols.len()),
            ));
        }
        let real = |c: usize| real_field(cols, &w, c, ln);
        let whole = |c: usize| whole_field(cols, &w, c, ln);
        let atom_id = u64::try_from(whole(self.id)?)
            .ok()
            .filter(|&i| i > 0)
            .ok_or_else(|| Error::parse("", ln + 1, "atom ids must be positive"))?;
        let t = usize::try_from(whole(self.ty)?)
            .ok()
            .filter(|t| (1..=1 << 16).contains(t))
            .ok_or_else(|| Error::parse("", ln + 1, "atom types must be 1 or more"))?;
        let name = match self.element {
            Some(c) => w[c].to_string(),
            None => t.to_string(),
        };
        if names.len() < t {
            names.resize(t, String::new());
        }
        if masses_seen.len() < t {
            masses_seen.resize(t, None);
        }
        if let Some(c) = self.mass {
            let m = real(c)?;
            if !(m > 0.0) {
                return Err(Error::parse("", ln + 1, "masses must be positive"));
            }
            masses_seen[t - 1] = Some(m);
        }
        if names[t - 1].is_empty() {
            names[t - 1] = name;
        } else if names[t - 1] != name {
            return Err(Error::parse(
                "",
                ln + 1,
                format!("type {t} is named both {} and {name}", names[t - 1]),
            ));
        }
        let [x, y, z] = self.pos;
        let pos = Vec3::new(real(x)?, real(y)?, real(z)?);
        let mut v = Vec3::zeros();
        for (d, c) in self.vel.iter().enumerate() {
            if let Some(c) = *c {
                v[d] = real(c)?;
            }
        }
        let mut image = [0i32; 3];
        for (d, c) in self.img.iter().enumerate() {
            if let Some(c) = *c {
                image[d] = i32::try_from(whole(c)?)
                    .map_err(|_| Error::parse("", ln + 1, "image count out of range"))?;
            }
        }
        Ok((atom_id, (t - 1) as u32, pos, v, image))
    }
}

/// Column `c` of the atom line `w` (0-based line index `ln`) as a finite number.
fn real_field(cols: &[&str], w: &[&str], c: usize, ln: usize) -> Result<f64> {
    w[c].parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            Error::parse(
                "",
                ln + 1,
                format!("{}: \"{}\" is not a finite number", cols[c], w[c]),
            )
        })
}

/// Column `c` of the atom line `w` (0-based line index `ln`) as a whole number.
fn whole_field(cols: &[&str], w: &[&str], c: usize, ln: usize) -> Result<i64> {
    w[c].parse::<i64>().map_err(|_| {
        Error::parse(
            "",
            ln + 1,
            format!("{}: \"{}\" is not a whole number", cols[c], w[c]),
        )
    })
}

/// The `n` atom lines from `first`, columns named by `cols`.
fn parse_atoms(
    lines: &[&str],
    first: usize,
    n: usize,
    cols: &[&str],
    simbox: SimBox,
    species: Option<&SpeciesTable>,
) -> Result<System> {
    let columns = AtomColumns::find(cols, first)?;
    let mut masses_seen: Vec<Option<f64>> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut atoms = Vec::with_capacity(n);
    for k in 0..n {
        let ln = first + k;
        let line = lines.get(ln).ok_or_else(|| {
            Error::parse("", ln + 1, format!("expected {n} atom lines, found {k}"))
        })?;
        atoms.push(columns.read_row(line, ln, &mut names, &mut masses_seen)?);
    }
    let species = dump_species(names, &masses_seen, species)?;
    let mut system = System::new(simbox, species);
    for (id, t, x, v, image) in atoms {
        system.push(id, t, x, v);
        if let Some(last) = system.images.last_mut() {
            *last = image;
        }
    }
    system.validate()?;
    Ok(system)
}

/// The species table of a frame: types never seen are named by their number; each mass (u) is
/// the `mass` column's, else that of `species` by name, else the element's, else 1.
fn dump_species(
    mut names: Vec<String>,
    masses_seen: &[Option<f64>],
    species: Option<&SpeciesTable>,
) -> Result<SpeciesTable> {
    for (t, name) in names.iter_mut().enumerate() {
        if name.is_empty() {
            *name = (t + 1).to_string();
        }
    }
    let masses = names
        .iter()
        .enumerate()
        .map(|(t, s)| {
            masses_seen
                .get(t)
                .copied()
                .flatten()
                .or_else(|| species.and_then(|sp| sp.index_of(s).map(|k| sp.masses[k])))
                .or_else(|| crate::system::element_mass(s))
                .unwrap_or(1.0)
        })
        .collect();
    SpeciesTable::new(names, masses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let s = crate::io::test_frame();
        let text = format_dump_frame(&s, 40, 0.08) + &format_dump_frame(&s, 80, 0.16);
        let frames = parse_dump(&text, Some(&s.species)).unwrap();
        assert_eq!(frames.len(), 2);
        assert_eq!((frames[1].step, frames[1].time), (80, 0.16));
        assert_eq!(frames[0].system.positions, s.positions);
        assert_eq!(frames[0].system.velocities, s.velocities);
        assert_eq!(frames[0].system.images, s.images);
        assert_eq!(frames[0].system.ids, s.ids);
        assert_eq!(frames[0].system.simbox, s.simbox);
        assert_eq!(frames[0].system.species.names, vec!["Pt", "Fe"]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse_dump("ITEM: TIMESTEP\nx\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(":2:") && e.contains("TIMESTEP"), "{e}");
        let e = parse_dump("ITEM: TIMESTEP\n1\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 1\n0 1\n0 1\nITEM: ATOMS id type x y z\n1 1 0.5 0.5\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(":10:"), "{e}");
    }
}
