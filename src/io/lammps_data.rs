//! LAMMPS data files, `atom_style atomic`: header counts and box, `Masses`, `Atoms` (with optional
//! image flags) and `Velocities` sections. Species names come from comments in `Masses`
//! (`1 195.08 # Pt`), as LAMMPS's `write_data` and ASE write them.

use std::path::Path;

use super::read_text;
use crate::error::{Error, Result};
use crate::system::{SimBox, SpeciesTable, System, Vec3, element_mass};

/// Reads a data file. `periodic` gives the boundary (a LAMMPS data file does not store it);
/// `names`, when given, names the types in order (overriding `Masses` comments) and supplies
/// masses for a file without a `Masses` section.
pub fn read_lammps_data(
    path: &Path,
    periodic: [bool; 3],
    names: Option<&[String]>,
) -> Result<System> {
    let text = read_text(path)?;
    parse_lammps_data(&text, periodic, names).map_err(|e| e.at_path(path))
}

/// Most atom types a data file may declare (per-type tables are allocated from the count).
const MAX_ATOM_TYPES: usize = 10_000;

/// One row of the Atoms section: id, species index, position, image flags.
type AtomRow = (u64, u32, Vec3, [i32; 3]);

fn err(line: usize, msg: impl Into<String>) -> Error {
    Error::parse("", line, msg)
}

fn strip_comment(line: &str) -> (&str, Option<&str>) {
    match line.split_once('#') {
        Some((a, c)) => (a.trim(), Some(c.trim())),
        None => (line.trim(), None),
    }
}

fn parse_num<T: std::str::FromStr>(word: &str, line: usize, what: &str) -> Result<T> {
    word.parse::<T>()
        .map_err(|_| err(line, format!("{what}: \"{word}\" is not a valid number")))
}

/// Parses the text of a data file (see [`read_lammps_data`]): the header, then each section in
/// file order, then the species table, atoms and velocities are put together.
pub fn parse_lammps_data(
    text: &str,
    periodic: [bool; 3],
    names: Option<&[String]>,
) -> Result<System> {
    let lines: Vec<&str> = text.lines().collect();
    let (header, mut k) = read_header(&lines, periodic)?;
    let mut sections = Sections::new(header.ntypes);
    let mut seen_sections: Vec<String> = Vec::new();
    while let Some(section) = next_section(&lines, &mut k) {
        if seen_sections.contains(&section.name) {
            return Err(err(
                section.line,
                format!(
                    "a second {} section (each section may appear once)",
                    section.name
                ),
            ));
        }
        seen_sections.push(section.name.clone());
        sections.read(section, &header, periodic)?;
    }
    let Some(atoms) = sections.atoms else {
        return Err(Error::invalid("no Atoms section"));
    };
    let species = species_table(
        names,
        header.ntypes,
        &sections.comment_names,
        &sections.masses,
    )?;
    let mut system = System::new(header.simbox, species);
    for (id, t, x, img) in atoms {
        system.push(id, t, x, Vec3::zeros());
        system.images.pop();
        system.images.push(img);
    }
    system.validate()?;
    apply_velocities(&mut system, sections.velocities)?;
    Ok(system)
}

/// True for a section keyword line (`Masses`, `Atoms`, ...): it starts with a capital letter.
fn is_section(body: &str) -> bool {
    body.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

/// What the header declares: atom and type counts and the box.
struct Header {
    natoms: usize,
    ntypes: usize,
    simbox: SimBox,
}

/// Header values as they are read, before the required ones are checked.
#[derive(Default)]
struct HeaderFields {
    natoms: Option<usize>,
    ntypes: Option<usize>,
    lo: [Option<f64>; 3],
    hi: [Option<f64>; 3],
}

/// Reads the header, from line 2 until the first section keyword, and checks that it gives the
/// counts and the box. Returns the header and the index of the first line after it.
fn read_header(lines: &[&str], periodic: [bool; 3]) -> Result<(Header, usize)> {
    let mut fields = HeaderFields::default();
    let mut k = 1;
    while k < lines.len() {
        let (body, _) = strip_comment(lines[k]);
        if body.is_empty() {
            k += 1;
            continue;
        }
        if is_section(body) {
            break;
        }
        read_header_line(&mut fields, body, k + 1)?;
        k += 1;
    }
    Ok((finish_header(fields, periodic)?, k))
}

/// Reads one non-empty header line `body` (at 1-based line `ln`) into `fields`.
fn read_header_line(fields: &mut HeaderFields, body: &str, ln: usize) -> Result<()> {
    let w: Vec<&str> = body.split_whitespace().collect();
    let (lo, hi) = (&mut fields.lo, &mut fields.hi);
    match w.as_slice() {
        [n, "atoms"] => fields.natoms = Some(parse_num(n, ln, "atom count")?),
        [n, "atom", "types"] => fields.ntypes = Some(parse_num(n, ln, "atom type count")?),
        [a, b, "xlo", "xhi"] => {
            (lo[0], hi[0]) = (
                Some(parse_num(a, ln, "xlo")?),
                Some(parse_num(b, ln, "xhi")?),
            )
        }
        [a, b, "ylo", "yhi"] => {
            (lo[1], hi[1]) = (
                Some(parse_num(a, ln, "ylo")?),
                Some(parse_num(b, ln, "yhi")?),
            )
        }
        [a, b, "zlo", "zhi"] => {
            (lo[2], hi[2]) = (
                Some(parse_num(a, ln, "zlo")?),
                Some(parse_num(b, ln, "zhi")?),
            )
        }
        [xy, xz, yz, "xy", "xz", "yz"] => {
            let tilt: [f64; 3] = [
                parse_num(xy, ln, "xy")?,
                parse_num(xz, ln, "xz")?,
                parse_num(yz, ln, "yz")?,
            ];
            if tilt.iter().any(|&t| t != 0.0) {
                return Err(err(
                    ln,
                    "triclinic boxes are not supported (orthorhombic only)",
                ));
            }
        }
        [n, kind, ..] if ["bonds", "angles", "dihedrals", "impropers"].contains(kind) => {
            if parse_num::<usize>(n, ln, kind)? != 0 {
                return Err(err(
                    ln,
                    format!("{kind} are not supported (atom_style atomic)"),
                ));
            }
        }
        [_, _, "types"] | [_, "extra", ..] => {}
        _ => return Err(err(ln, format!("unrecognised header line \"{body}\""))),
    }
    Ok(())
}

/// Checks that the header gave the atom count, a type count in 1..=[`MAX_ATOM_TYPES`] and the
/// box bounds on every axis, and builds the box.
fn finish_header(fields: HeaderFields, periodic: [bool; 3]) -> Result<Header> {
    let natoms = fields
        .natoms
        .ok_or_else(|| Error::invalid("the header does not give the number of atoms"))?;
    let ntypes = fields
        .ntypes
        .ok_or_else(|| Error::invalid("the header does not give the number of atom types"))?;
    if ntypes == 0 || ntypes > MAX_ATOM_TYPES {
        return Err(Error::invalid(format!(
            "the header gives {ntypes} atom types; sintermd reads 1 to {MAX_ATOM_TYPES}"
        )));
    }
    let mut box_lo = [0.0; 3];
    let mut box_hi = [0.0; 3];
    for a in 0..3 {
        let axis = ["x", "y", "z"][a];
        let (Some(l), Some(h)) = (fields.lo[a], fields.hi[a]) else {
            return Err(Error::invalid(format!(
                "the header does not give {axis}lo {axis}hi"
            )));
        };
        (box_lo[a], box_hi[a]) = (l, h);
    }
    let simbox = SimBox::new(box_lo, box_hi, periodic)?;
    Ok(Header {
        natoms,
        ntypes,
        simbox,
    })
}

/// One section of the body: its keyword, the comment on the keyword line (the atom style for
/// `Atoms`), its 1-based line, and its non-empty rows as (line, text, comment).
struct Section<'a> {
    name: String,
    hint: Option<&'a str>,
    line: usize,
    rows: Vec<(usize, &'a str, Option<&'a str>)>,
}

/// Reads the next section starting at line index `*k` (skipping blank lines): its keyword line
/// and its rows, up to the next section keyword; `*k` moves past it. `None` at the end of the
/// text.
fn next_section<'a>(lines: &[&'a str], k: &mut usize) -> Option<Section<'a>> {
    while *k < lines.len() {
        let (body, hint) = strip_comment(lines[*k]);
        if body.is_empty() {
            *k += 1;
            continue;
        }
        let name = body.to_string();
        let line = *k + 1;
        *k += 1;
        // Section rows follow after one blank line, until the next section keyword.
        let mut rows = Vec::new();
        while *k < lines.len() {
            let (b, c) = strip_comment(lines[*k]);
            if !b.is_empty() && is_section(b) {
                break;
            }
            if !b.is_empty() {
                rows.push((*k + 1, b, c));
            }
            *k += 1;
        }
        return Some(Section {
            name,
            hint,
            line,
            rows,
        });
    }
    None
}

/// What the sections give, per atom type (masses, names from `Masses` comments) and per atom
/// (the `Atoms` rows, once that section is read; `Velocities` rows with their lines).
struct Sections {
    masses: Vec<Option<f64>>,
    comment_names: Vec<Option<String>>,
    atoms: Option<Vec<AtomRow>>,
    velocities: Vec<(u64, Vec3, usize)>,
}

impl Sections {
    /// Nothing read yet, for `ntypes` atom types.
    fn new(ntypes: usize) -> Self {
        Sections {
            masses: vec![None; ntypes],
            comment_names: vec![None; ntypes],
            atoms: None,
            velocities: Vec::new(),
        }
    }

    /// Reads one section with the reader for its keyword; an unknown keyword is an error.
    fn read(&mut self, section: Section, header: &Header, periodic: [bool; 3]) -> Result<()> {
        match section.name.as_str() {
            "Masses" => self.read_masses(&section, header.ntypes),
            "Atoms" => {
                self.atoms = Some(read_atoms(&section, header, periodic)?);
                Ok(())
            }
            "Velocities" => {
                self.velocities = read_velocities(&section, header.natoms)?;
                Ok(())
            }
            other => Err(err(
                section.line,
                format!(
                    "section \"{other}\" is not supported (Masses, Atoms, Velocities); give potentials in the input, not the data file"
                ),
            )),
        }
    }

    /// Reads `Masses`: one `type mass [# name]` line per atom type.
    fn read_masses(&mut self, section: &Section, ntypes: usize) -> Result<()> {
        let rows = &section.rows;
        if rows.len() != ntypes {
            return Err(err(
                section.line,
                format!(
                    "the header says {ntypes} atom types but the Masses section has {} \
                     lines",
                    rows.len()
                ),
            ));
        }
        for &(ln, b, c) in rows {
            let w: Vec<&str> = b.split_whitespace().collect();
            if w.len() != 2 {
                return Err(err(ln, "a Masses line needs: type mass"));
            }
            let t: usize = parse_num(w[0], ln, "atom type")?;
            if t < 1 || t > ntypes {
                return Err(err(ln, format!("atom type {t} is outside 1..{ntypes}")));
            }
            let m: f64 = parse_num(w[1], ln, "mass")?;
            if !(m > 0.0) || !m.is_finite() {
                return Err(err(ln, format!("mass {m} must be positive and finite")));
            }
            if self.masses[t - 1].is_some() {
                return Err(err(ln, format!("a second mass for atom type {t}")));
            }
            self.masses[t - 1] = Some(m);
            self.comment_names[t - 1] = c
                .and_then(|c| c.split_whitespace().next())
                .map(str::to_string);
        }
        Ok(())
    }
}

/// Reads `Atoms` (style atomic, the style named in the keyword line's comment if any): one
/// `id type x y z [ix iy iz]` line per atom, ids unique.
fn read_atoms(section: &Section, header: &Header, periodic: [bool; 3]) -> Result<Vec<AtomRow>> {
    if let Some(style) = section.hint.and_then(|h| h.split_whitespace().next())
        && style != "atomic"
    {
        return Err(err(
            section.line,
            format!("atom style {style} is not supported (atomic only)"),
        ));
    }
    let natoms = header.natoms;
    if section.rows.len() != natoms {
        return Err(err(
            section.line,
            format!(
                "the header says {natoms} atoms but the Atoms section has {}",
                section.rows.len()
            ),
        ));
    }
    let mut atoms = Vec::new();
    let mut atom_lines: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for &(ln, b, _) in &section.rows {
        let row = read_atom_row(b, ln, header, periodic)?;
        let id = row.0;
        if let Some(first) = atom_lines.insert(id, ln) {
            return Err(err(
                ln,
                format!("atom id {id} appears twice (first at line {first})"),
            ));
        }
        atoms.push(row);
    }
    Ok(atoms)
}

/// Reads one `Atoms` row `b` (line `ln`): the type must be declared and, along a non-periodic
/// axis, the position inside the box (Å).
fn read_atom_row(b: &str, ln: usize, header: &Header, periodic: [bool; 3]) -> Result<AtomRow> {
    let (ntypes, simbox) = (header.ntypes, &header.simbox);
    let w: Vec<&str> = b.split_whitespace().collect();
    if w.len() != 5 && w.len() != 8 {
        return Err(err(ln, "an Atoms line needs: id type x y z [ix iy iz]"));
    }
    let id: u64 = parse_num(w[0], ln, "atom id")?;
    let t: usize = parse_num(w[1], ln, "atom type")?;
    if t < 1 || t > ntypes {
        return Err(err(ln, format!("atom type {t} is outside 1..{ntypes}")));
    }
    let x = Vec3::new(
        parse_num(w[2], ln, "x")?,
        parse_num(w[3], ln, "y")?,
        parse_num(w[4], ln, "z")?,
    );
    if !x.iter().all(|c| c.is_finite()) {
        return Err(err(ln, "position is not finite"));
    }
    for a in 0..3 {
        let inside = (simbox.lo[a]..=simbox.hi[a]).contains(&x[a]);
        if !periodic[a] && !inside {
            let axis = ["x", "y", "z"][a];
            return Err(err(
                ln,
                format!(
                    "atom {id}: {axis} = {} is outside the non-periodic box \
                     [{}, {}] (enlarge the box, or make the boundary periodic)",
                    x[a], simbox.lo[a], simbox.hi[a]
                ),
            ));
        }
    }
    let img = if w.len() == 8 {
        [
            parse_num(w[5], ln, "ix")?,
            parse_num(w[6], ln, "iy")?,
            parse_num(w[7], ln, "iz")?,
        ]
    } else {
        [0; 3]
    };
    Ok((id, (t - 1) as u32, x, img))
}

/// Reads `Velocities`: one `id vx vy vz` line (Å/ps) per atom, as (id, velocity, line).
fn read_velocities(section: &Section, natoms: usize) -> Result<Vec<(u64, Vec3, usize)>> {
    if section.rows.len() != natoms {
        return Err(err(
            section.line,
            format!(
                "the header says {natoms} atoms but the Velocities section has {} \
                 lines",
                section.rows.len()
            ),
        ));
    }
    let mut velocities = Vec::new();
    for &(ln, b, _) in &section.rows {
        let w: Vec<&str> = b.split_whitespace().collect();
        if w.len() != 4 {
            return Err(err(ln, "a Velocities line needs: id vx vy vz"));
        }
        let id: u64 = parse_num(w[0], ln, "atom id")?;
        let v = Vec3::new(
            parse_num(w[1], ln, "vx")?,
            parse_num(w[2], ln, "vy")?,
            parse_num(w[3], ln, "vz")?,
        );
        if !v.iter().all(|c| c.is_finite()) {
            return Err(err(ln, format!("atom {id}: velocity is not finite")));
        }
        velocities.push((id, v, ln));
    }
    Ok(velocities)
}

/// The species table: names from `names` (one per type) or else the `Masses` comments (else the
/// type number); masses (u) from `Masses`, else the element's standard mass.
fn species_table(
    names: Option<&[String]>,
    ntypes: usize,
    comment_names: &[Option<String>],
    masses: &[Option<f64>],
) -> Result<SpeciesTable> {
    let names: Vec<String> = match names {
        Some(n) => {
            if n.len() != ntypes {
                return Err(Error::invalid(format!(
                    "{} species names given for {ntypes} atom types",
                    n.len()
                )));
            }
            n.to_vec()
        }
        None => (0..ntypes)
            .map(|t| {
                comment_names[t]
                    .clone()
                    .unwrap_or_else(|| (t + 1).to_string())
            })
            .collect(),
    };
    let masses = (0..ntypes)
        .map(|t| {
            masses[t]
                .or_else(|| element_mass(&names[t]))
                .ok_or_else(|| {
                    Error::invalid(format!(
                        "no mass for atom type {} ({}): add a Masses section",
                        t + 1,
                        names[t]
                    ))
                })
        })
        .collect::<Result<Vec<f64>>>()?;
    SpeciesTable::new(names, masses)
}

/// Sets the velocities read from the `Velocities` section (id, velocity, line): each id once,
/// each id an atom of `system`.
fn apply_velocities(system: &mut System, velocities: Vec<(u64, Vec3, usize)>) -> Result<()> {
    if velocities.is_empty() {
        return Ok(());
    }
    let mut given = std::collections::HashMap::new();
    for &(id, _, ln) in &velocities {
        if let Some(first) = given.insert(id, ln) {
            return Err(err(
                ln,
                format!("a second velocity for atom {id} (first at line {first})"),
            ));
        }
    }
    let index: std::collections::HashMap<u64, usize> = system
        .ids
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, i))
        .collect();
    for (id, v, ln) in velocities {
        let i = *index
            .get(&id)
            .ok_or_else(|| err(ln, format!("velocity for unknown atom id {id}")))?;
        system.velocities[i] = v;
    }
    Ok(())
}

/// Formats `system` as a LAMMPS data file (atom_style atomic) with Masses (species names as
/// comments), Atoms with image flags, and Velocities. Numbers are written in shortest round-trip
/// form, so reading the file back gives the same values bit for bit.
pub fn format_lammps_data(system: &System, title: &str) -> String {
    let mut bytes = Vec::new();
    // Writing to memory cannot fail, and every piece written is UTF-8.
    let _ = write_lammps_data_to(&mut bytes, system, title);
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes `system` to `s` in the format of [`format_lammps_data`], line by line.
pub fn write_lammps_data_to(
    s: &mut impl std::io::Write,
    system: &System,
    title: &str,
) -> std::io::Result<()> {
    let b = &system.simbox;
    writeln!(s, "{title}")?;
    writeln!(s)?;
    writeln!(s, "{} atoms", system.len())?;
    writeln!(s, "{} atom types", system.species.len())?;
    writeln!(s)?;
    for (k, axis) in ["x", "y", "z"].iter().enumerate() {
        // Along a free axis atoms may have left the box; the file's box encloses them, so that
        // the file is valid for LAMMPS (and for sintermd, which refuses atoms outside a
        // non-periodic box).
        let (mut lo, mut hi) = (b.lo[k], b.hi[k]);
        if !b.periodic[k] {
            for x in &system.positions {
                if x[k].is_finite() {
                    lo = lo.min(x[k]);
                    hi = hi.max(x[k]);
                }
            }
        }
        writeln!(s, "{lo:?} {hi:?} {axis}lo {axis}hi")?;
    }
    writeln!(s, "\nMasses\n")?;
    for (t, (name, m)) in system
        .species
        .names
        .iter()
        .zip(&system.species.masses)
        .enumerate()
    {
        writeln!(s, "{} {:?} # {}", t + 1, m, name)?;
    }
    writeln!(s, "\nAtoms # atomic\n")?;
    for i in 0..system.len() {
        let x = system.positions[i];
        let img = system.images[i];
        writeln!(
            s,
            "{} {} {:?} {:?} {:?} {} {} {}",
            system.ids[i],
            system.types[i] + 1,
            x.x,
            x.y,
            x.z,
            img[0],
            img[1],
            img[2]
        )?;
    }
    writeln!(s, "\nVelocities\n")?;
    for i in 0..system.len() {
        let v = system.velocities[i];
        writeln!(s, "{} {:?} {:?} {:?}", system.ids[i], v.x, v.y, v.z)?;
    }
    Ok(())
}

/// Writes `system` to `path` as a LAMMPS data file.
/// Streamed through a buffer (atomically, see [`crate::io::write_atomic_with`]): no copy of the
/// file in memory.
pub fn write_lammps_data(path: &Path, system: &System, title: &str) -> Result<()> {
    crate::io::write_atomic_with(path, |tmp| {
        let file = std::fs::File::create(tmp).map_err(|e| Error::io(path, e))?;
        let mut out = std::io::BufWriter::new(file);
        write_lammps_data_to(&mut out, system, title)
            .and_then(|()| std::io::Write::flush(&mut out))
            .map_err(|e| Error::io(path, e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "LAMMPS data\n\n2 atoms\n2 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nMasses\n\n1 195.08 # Pt\n2 55.845 # Fe\n\nAtoms # atomic\n\n1 1 1.0 2.0 3.0\n2 2 4.0 5.0 6.0 0 1 0\n\nVelocities\n\n2 0.1 0.2 0.3\n1 0 0 0\n";

    #[test]
    fn reads_and_round_trips() {
        let s = parse_lammps_data(SAMPLE, [true; 3], None).unwrap();
        assert_eq!(s.species.names, vec!["Pt", "Fe"]);
        assert_eq!(s.len(), 2);
        assert_eq!(s.images[1], [0, 1, 0]);
        assert_eq!(s.velocities[1], Vec3::new(0.1, 0.2, 0.3));
        let text = format_lammps_data(&s, "t");
        let back = parse_lammps_data(&text, [true; 3], None).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = SAMPLE.replace("2 2 4.0 5.0 6.0 0 1 0", "2 3 4.0 5.0 6.0");
        let e = parse_lammps_data(&bad, [true; 3], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(":18:") && e.contains("outside 1..2"), "{e}");
        let bad = SAMPLE.replace("4.0 5.0", "4.0 x5.0");
        let e = parse_lammps_data(&bad, [true; 3], None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"x5.0\""), "{e}");
    }
}
