//! Extended XYZ (the ASE / OVITO convention): a count line, a comment line of `key=value` pairs
//! with `Lattice="..."`, `Properties=name:type:columns:...` and `pbc="T T F"`, then one line per
//! atom. sintermd writes `species:S:1:pos:R:3:id:I:1:velo:R:3:masses:R:1:momenta:R:3` plus any
//! extra integer columns, positions relative to the box's lower corner (kept as
//! `sintermd_origin="x y z"`); see [`format_xyz_frame`].

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::{Snapshot, read_text};
use crate::error::{Error, Result};
use crate::system::{SimBox, SpeciesTable, System, Vec3, element_mass};

/// Splits an extended XYZ comment line into `key=value` pairs (values may be double-quoted).
pub fn parse_comment(line: &str) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut chars = line.trim().chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    value.push(c);
                }
                if !closed {
                    return Err(Error::invalid(format!(
                        "unclosed quote in the value of {key}"
                    )));
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        } else {
            value.push('T');
        }
        out.push((key, value));
    }
    Ok(out)
}

#[derive(Debug)]
struct Column {
    name: String,
    count: usize,
}

fn parse_properties(spec: &str) -> Result<Vec<Column>> {
    let parts: Vec<&str> = spec.split(':').collect();
    if !parts.len().is_multiple_of(3) {
        return Err(Error::invalid(format!(
            "Properties=\"{spec}\" is not a list of name:type:columns"
        )));
    }
    parts
        .chunks(3)
        .map(|c| {
            let kind = c[1].chars().next().unwrap_or('?');
            if !"SRIL".contains(kind) || c[1].len() != 1 {
                return Err(Error::invalid(format!(
                    "Properties: column type \"{}\" of {} is not S, R, I or L",
                    c[1], c[0]
                )));
            }
            let count = c[2].parse::<usize>().map_err(|_| {
                Error::invalid(format!(
                    "Properties: column count \"{}\" of {} is not a number",
                    c[2], c[0]
                ))
            })?;
            Ok(Column {
                name: c[0].to_string(),
                count,
            })
        })
        .collect()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "T" | "True" | "true" | "1" => Some(true),
        "F" | "False" | "false" | "0" => Some(false),
        _ => None,
    }
}

/// Reads the first frame of an extended XYZ file. The box comes from `Lattice` (which must be
/// orthorhombic) and `Origin`; periodicity from `pbc` (default: periodic when a Lattice is given),
/// unless `periodic` overrides it. Species are named by the `species` column; masses come from a
/// `mass`/`masses` column or the element table.
pub fn read_xyz(path: &Path, periodic: Option<[bool; 3]>) -> Result<System> {
    let text = read_text(path)?;
    parse_xyz(&text, periodic).map_err(|e| e.at_path(path))
}

/// Parses the text of an extended XYZ file (see [`read_xyz`]): the count and comment lines,
/// then one line per atom, then the species table and the box.
pub fn parse_xyz(text: &str, periodic: Option<[bool; 3]>) -> Result<System> {
    let mut lines = text.lines();
    let n: usize = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .ok_or_else(|| Error::parse("", 1, "the first line must be the number of atoms"))?;
    let comment = lines
        .next()
        .ok_or_else(|| Error::parse("", 2, "missing comment line"))?;
    let header = FrameHeader::parse(comment, periodic)?;

    let mut species_names: Vec<String> = Vec::new();
    let mut species_mass: Vec<Option<f64>> = Vec::new();
    // At most one atom per line: a corrupt count cannot make a huge allocation.
    let mut system_atoms = Vec::with_capacity(n.min(text.len() / 8));
    for a in 0..n {
        let ln = a + 3;
        let line = lines
            .next()
            .ok_or_else(|| Error::parse("", ln, format!("expected {n} atom lines, found {a}")))?;
        let atom = header.read_atom(line, ln, (a + 1) as u64)?;
        let t = match species_names.iter().position(|s| *s == atom.name) {
            Some(t) => t,
            None => {
                species_names.push(atom.name.clone());
                species_mass.push(None);
                species_names.len() - 1
            }
        };
        if let Some(m) = atom.mass {
            species_mass[t] = Some(m);
        }
        system_atoms.push((atom.id, t as u32, atom.pos, atom.vel));
    }
    let masses = species_names
        .iter()
        .zip(&species_mass)
        .map(|(s, m)| {
            m.or_else(|| element_mass(s)).ok_or_else(|| {
                Error::invalid(format!("no mass for species {s}: add a mass column"))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let species = SpeciesTable::new(species_names, masses)?;
    let simbox = header.simbox(system_atoms.iter().map(|a| a.2))?;
    let mut system = System::new(simbox, species);
    for (id, t, x, v) in system_atoms {
        system.push(id, t, x, v);
    }
    system.validate()?;
    Ok(system)
}

/// What a frame's comment line says: the columns, the lattice (9 numbers, Å), the box origin
/// (Å, `Origin` plus `sintermd_origin`), the shift added to every position (`sintermd_origin`,
/// Å) and the periodicity.
struct FrameHeader {
    columns: Vec<Column>,
    lattice: Option<Vec<f64>>,
    origin: [f64; 3],
    shift: [f64; 3],
    pbc: [bool; 3],
}

/// One atom line's values: id, species name, position (Å), velocity (Å/ps), mass (u) if given.
struct XyzAtom {
    id: u64,
    name: String,
    pos: Vec3,
    vel: Vec3,
    mass: Option<f64>,
}

/// Three numbers from a comment value; words that are not numbers (or, when `finite_only`, not
/// finite) are skipped, so a wrong count tells of them.
fn three_numbers(value: &str, finite_only: bool) -> Option<[f64; 3]> {
    let v: Vec<f64> = value
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .filter(|x: &f64| !finite_only || x.is_finite())
        .collect();
    let [a, b, c] = v[..] else {
        return None;
    };
    Some([a, b, c])
}

impl FrameHeader {
    /// Reads the comment line (line 2); `periodic` overrides its `pbc`.
    fn parse(comment: &str, periodic: Option<[bool; 3]>) -> Result<Self> {
        let pairs = parse_comment(comment).map_err(|e| Error::parse("", 2, e.to_string()))?;
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        let columns = parse_properties(get("Properties").unwrap_or("species:S:1:pos:R:3"))
            .map_err(|e| Error::parse("", 2, e.to_string()))?;
        let lattice: Option<Vec<f64>> = match get("Lattice") {
            Some(l) => Some(
                l.split_whitespace()
                    .map(|w| w.parse::<f64>())
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .ok()
                    .filter(|v| v.len() == 9)
                    .ok_or_else(|| Error::parse("", 2, "Lattice must hold 9 numbers"))?,
            ),
            None => None,
        };
        let origin: [f64; 3] = match get("Origin") {
            Some(o) => three_numbers(o, false)
                .ok_or_else(|| Error::parse("", 2, "Origin must hold 3 numbers"))?,
            None => [0.0; 3],
        };
        // Written by sintermd: positions are relative to this corner of the box.
        let shift: [f64; 3] = match get("sintermd_origin") {
            Some(o) => three_numbers(o, true)
                .ok_or_else(|| Error::parse("", 2, "sintermd_origin must hold 3 numbers"))?,
            None => [0.0; 3],
        };
        let origin = [0, 1, 2].map(|k| origin[k] + shift[k]);
        let pbc: [bool; 3] = match (periodic, get("pbc")) {
            (Some(p), _) => p,
            (None, Some(p)) => {
                let v: Option<Vec<bool>> = p.split_whitespace().map(parse_bool).collect();
                match v.as_deref() {
                    Some(&[a, b, c]) => [a, b, c],
                    _ => {
                        return Err(Error::parse(
                            "",
                            2,
                            format!("pbc=\"{p}\" must be three of T/F"),
                        ));
                    }
                }
            }
            (None, None) => [lattice.is_some(); 3],
        };
        Ok(FrameHeader {
            columns,
            lattice,
            origin,
            shift,
            pbc,
        })
    }

    /// Reads one atom line (1-based line `ln`) by the columns; `id` is used when there is no id
    /// column.
    fn read_atom(&self, line: &str, ln: usize, id: u64) -> Result<XyzAtom> {
        let shift = self.shift;
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut w = 0;
        let mut name = None;
        let mut pos = None;
        let mut vel = Vec3::zeros();
        let mut id = id;
        let mut mass = None;
        for col in &self.columns {
            if w + col.count > words.len() {
                return Err(Error::parse(
                    "",
                    ln,
                    format!("too few columns (Properties asks for {})", col.name),
                ));
            }
            let field = &words[w..w + col.count];
            let reals = || -> Result<Vec<f64>> {
                field
                    .iter()
                    .map(|s| {
                        s.parse::<f64>().map_err(|_| {
                            Error::parse("", ln, format!("{}: \"{s}\" is not a number", col.name))
                        })
                    })
                    .collect()
            };
            match (col.name.as_str(), col.count) {
                ("species" | "element" | "type_name", 1) => name = Some(field[0].to_string()),
                ("pos" | "positions" | "Position", 3) => {
                    let v = reals()?;
                    pos = Some(Vec3::new(v[0] + shift[0], v[1] + shift[1], v[2] + shift[2]));
                }
                ("vel" | "velo" | "velocities" | "Velocity", 3) => {
                    let v = reals()?;
                    vel = Vec3::new(v[0], v[1], v[2]);
                }
                ("id" | "Particle Identifier", 1) => {
                    id = field[0].parse().map_err(|_| {
                        Error::parse("", ln, format!("id \"{}\" is not a whole number", field[0]))
                    })?;
                }
                ("mass" | "masses" | "Mass", 1) => mass = Some(reals()?[0]),
                _ => {}
            }
            w += col.count;
        }
        let name = name.ok_or_else(|| Error::parse("", 2, "Properties has no species column"))?;
        let pos = pos.ok_or_else(|| Error::parse("", 2, "Properties has no pos column"))?;
        if !pos.iter().all(|c| c.is_finite()) {
            return Err(Error::parse("", ln, "position is not finite"));
        }
        Ok(XyzAtom {
            id,
            name,
            pos,
            vel,
            mass,
        })
    }

    /// The box: the orthorhombic `Lattice` from the origin, or without a Lattice (allowed only
    /// with free boundaries) a free box around `positions`.
    fn simbox(&self, positions: impl Iterator<Item = Vec3>) -> Result<SimBox> {
        let origin = self.origin;
        match &self.lattice {
            Some(l) => {
                if [l[1], l[2], l[3], l[5], l[6], l[7]]
                    .iter()
                    .any(|&x| x != 0.0)
                {
                    return Err(Error::parse(
                        "",
                        2,
                        "Lattice is not orthorhombic (only diagonal lattices are supported)",
                    ));
                }
                SimBox::new(
                    origin,
                    [origin[0] + l[0], origin[1] + l[4], origin[2] + l[8]],
                    self.pbc,
                )
            }
            None => {
                if self.pbc.iter().any(|&p| p) {
                    return Err(Error::parse("", 2, "periodic boundaries need a Lattice"));
                }
                SimBox::around(positions, 1.0, [false; 3])
            }
        }
    }
}

/// Extra per-atom integer column written after the standard ones.
pub struct ExtraColumn<'a> {
    /// Column name in `Properties`.
    pub name: &'a str,
    /// One value per atom.
    pub values: &'a [i64],
}

/// ASE's unit of time in ps: ASE measures time in A sqrt(amu/eV), 1 ps = 1e-2 sqrt(e/amu) of
/// them with ASE's default CODATA 2014 constants. Velocities [A/ps] divided by this are ASE's.
pub const ASE_TIME_UNITS_PER_PS: f64 = 98.226_947_884_640_64;

/// The comment-line pairs sintermd writes for a trajectory frame: step and time [ps].
pub fn step_info(step: u64, time: f64) -> Vec<(&'static str, String)> {
    vec![("Step", step.to_string()), ("Time", format!("{time:?}"))]
}

/// Formats one extended XYZ frame. `info` adds `key=value` pairs to the comment line.
///
/// The frame reads the same in OVITO and in ASE: positions are written relative to the box's
/// lower corner, so that the atoms lie inside the cell `Lattice` spans from the origin (ASE
/// ignores `Origin`); the corner itself is kept as `sintermd_origin` and added back by
/// [`parse_xyz`]. Per atom: `velo` [A/ps] (OVITO's velocities), `masses` [g/mol] and `momenta`
/// in ASE's units, so that ASE's `get_velocities()` returns the velocities in its units.
pub fn format_xyz_frame(
    system: &System,
    info: &[(&str, String)],
    extra: &[ExtraColumn<'_>],
) -> String {
    let b = &system.simbox;
    let l = b.lengths();
    let mut s = String::with_capacity(160 * system.len() + 256);
    let _ = writeln!(s, "{}", system.len());
    let _ = write!(
        s,
        "Lattice=\"{:?} 0.0 0.0 0.0 {:?} 0.0 0.0 0.0 {:?}\" sintermd_origin=\"{:?} {:?} {:?}\" Properties=species:S:1:pos:R:3:id:I:1:velo:R:3:masses:R:1:momenta:R:3",
        l.x, l.y, l.z, b.lo[0], b.lo[1], b.lo[2]
    );
    for c in extra {
        let _ = write!(s, ":{}:I:1", c.name);
    }
    let pbc = b.periodic.map(|p| if p { "T" } else { "F" });
    let _ = write!(s, " pbc=\"{} {} {}\"", pbc[0], pbc[1], pbc[2]);
    for (k, v) in info {
        let _ = write!(s, " {k}={v}");
    }
    s.push('\n');
    for i in 0..system.len() {
        let x = system.positions[i];
        let v = system.velocities[i];
        let m = system.mass(i);
        let p = v * (m / ASE_TIME_UNITS_PER_PS);
        let _ = write!(
            s,
            "{} {:?} {:?} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            system.species.names[system.types[i] as usize],
            x.x - b.lo[0],
            x.y - b.lo[1],
            x.z - b.lo[2],
            system.ids[i],
            v.x,
            v.y,
            v.z,
            m,
            p.x,
            p.y,
            p.z
        );
        for c in extra {
            let _ = write!(s, " {}", c.values[i]);
        }
        s.push('\n');
    }
    s
}

/// Parses every frame of an extended XYZ text (see [`parse_xyz`]); `Step` and `Time` come from
/// the comment lines (0 where absent). Errors name the line in the whole text.
pub fn parse_xyz_frames(text: &str) -> Result<Vec<Snapshot>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut frames = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        if lines[at].trim().is_empty() {
            at += 1;
            continue;
        }
        let n: usize = lines[at]
            .trim()
            .parse()
            .map_err(|_| Error::parse("", at + 1, "a frame must start with the number of atoms"))?;
        let end = at.saturating_add(2).saturating_add(n);
        if end > lines.len() {
            return Err(Error::parse(
                "",
                lines.len(),
                format!("the frame starting at line {} ends early", at + 1),
            ));
        }
        let chunk = lines[at..end].join("\n");
        let system = parse_xyz(&chunk, None).map_err(|e| e.shifted(at))?;
        let pairs = parse_comment(lines[at + 1]).unwrap_or_default();
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        frames.push(Snapshot {
            system,
            step: get("Step").and_then(|v| v.parse().ok()).unwrap_or(0),
            time: get("Time").and_then(|v| v.parse().ok()).unwrap_or(0.0),
        });
        at = end;
    }
    if frames.is_empty() {
        return Err(Error::invalid("no frames in the XYZ file"));
    }
    Ok(frames)
}

/// Appends one frame to an open writer.
pub fn write_xyz_frame<W: Write>(
    out: &mut W,
    system: &System,
    info: &[(&str, String)],
) -> std::io::Result<()> {
    out.write_all(format_xyz_frame(system, info, &[]).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_pairs() {
        let p = parse_comment(r#"Lattice="1 0 0 0 2 0 0 0 3" Properties=species:S:1:pos:R:3 pbc="T F T" Time=1.5 flag"#).unwrap();
        assert_eq!(p[0], ("Lattice".into(), "1 0 0 0 2 0 0 0 3".into()));
        assert_eq!(p[2], ("pbc".into(), "T F T".into()));
        assert_eq!(p[3], ("Time".into(), "1.5".into()));
        assert_eq!(p[4], ("flag".into(), "T".into()));
    }

    #[test]
    fn round_trip() {
        let text = "2\nLattice=\"10 0 0 0 11 0 0 0 12\" Origin=\"-1 0 0\" Properties=species:S:1:pos:R:3 pbc=\"T T F\"\nCu 0.5 1 2\nAr 1.5 1 2\n";
        let s = parse_xyz(text, None).unwrap();
        assert_eq!(s.simbox.lo, [-1.0, 0.0, 0.0]);
        assert_eq!(s.simbox.hi, [9.0, 11.0, 12.0]);
        assert_eq!(s.simbox.periodic, [true, true, false]);
        assert_eq!(s.species.names, vec!["Cu", "Ar"]);
        let back = parse_xyz(&format_xyz_frame(&s, &[], &[]), None).unwrap();
        assert_eq!(back, s);
    }
}
