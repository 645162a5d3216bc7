//! `pair_style eam`, `eam/alloy` and `eam/fs` with their `pair_coeff` lines, as LAMMPS reads
//! them:
//! - `pair_style eam` + `pair_coeff I I FILE` per atom type (type ranges such as `*` allowed;
//!   only I == J entries count): one funcfl file per type, files mixed as LAMMPS mixes them;
//! - `pair_style eam/alloy` (or `eam/fs`) + `pair_coeff * * FILE E1 E2 ...`: one element name of
//!   the file per atom type, in type order.
//!
//! LAMMPS also sets the atom masses from the file; sintermd keeps the masses of the structure.

use std::path::Path;

use super::Eam;
use super::funcfl::FuncflFile;
use super::setfl::{SetflFile, SetflLayout};
use super::tables::EamTables;
use crate::error::{Error, Result};
use crate::potential::args::{LammpsPair, type_range};
use crate::system::SpeciesTable;

/// Builds an EAM potential from LAMMPS `pair_style` / `pair_coeff` words; relative file names
/// are resolved against `base_dir`.
pub fn from_lammps(pair: &LammpsPair<'_>, species: &SpeciesTable, base_dir: &Path) -> Result<Eam> {
    let style = pair.style;
    if !pair.style_args.is_empty() {
        return Err(Error::invalid(format!(
            "pair_style {style} takes no arguments (got \"{}\")",
            pair.style_args.join(" ")
        )));
    }
    if let Some(m) = pair.modify.first() {
        return Err(Error::invalid(format!(
            "pair_modify \"{}\" is not supported for {style}",
            m.join(" ")
        )));
    }
    let tables = match style {
        "eam" => funcfl_tables(pair, species, base_dir)?,
        "eam/alloy" => setfl_tables(pair, species, base_dir, SetflLayout::Alloy)?,
        "eam/fs" => setfl_tables(pair, species, base_dir, SetflLayout::FinnisSinclair)?,
        other => {
            return Err(Error::invalid(format!("{other} is not an EAM pair style")));
        }
    };
    Eam::new(style, tables)
}

fn funcfl_tables(
    pair: &LammpsPair<'_>,
    species: &SpeciesTable,
    base_dir: &Path,
) -> Result<EamTables> {
    let n = species.len();
    let mut names: Vec<&str> = Vec::new();
    let mut files: Vec<FuncflFile> = Vec::new();
    let mut assignment: Vec<Option<usize>> = vec![None; n];
    for c in &pair.coeffs {
        let [i, j, file] = c.as_slice() else {
            return Err(Error::invalid(format!(
                "pair_coeff \"{}\": pair_style eam needs I J FILE (one funcfl file per atom type)",
                c.join(" ")
            )));
        };
        let (ilo, ihi) = type_range(i, n)?;
        let (jlo, jhi) = type_range(j, n)?;
        let types = ilo.max(jlo)..=ihi.min(jhi);
        if types.is_empty() {
            return Err(Error::invalid(format!(
                "pair_coeff \"{}\": pair_style eam sets only I I pairs; mixed pairs follow from the files",
                c.join(" ")
            )));
        }
        // LAMMPS reads each distinct file name once, and counts it even if no type keeps it.
        let k = match names.iter().position(|f| f == file) {
            Some(k) => k,
            None => {
                files.push(FuncflFile::read(&base_dir.join(file))?);
                names.push(file);
                files.len() - 1
            }
        };
        // Invariant: type_range keeps types within 1..=n.
        for t in types {
            assignment[t - 1] = Some(k);
        }
    }
    let assignment = assignment
        .iter()
        .enumerate()
        .map(|(t, a)| {
            a.ok_or_else(|| {
                Error::invalid(format!(
                    "pair_style eam: no pair_coeff {0} {0} FILE for atom type {0} ({1})",
                    t + 1,
                    species.names[t]
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    EamTables::from_funcfl(&files, &assignment)
}

fn setfl_tables(
    pair: &LammpsPair<'_>,
    species: &SpeciesTable,
    base_dir: &Path,
    layout: SetflLayout,
) -> Result<EamTables> {
    let n = species.len();
    let style = pair.style;
    let usage = || {
        format!(
            "pair_style {style} needs one line pair_coeff * * FILE followed by {n} element names (one per atom type)"
        )
    };
    let [c] = pair.coeffs.as_slice() else {
        return Err(Error::invalid(usage()));
    };
    if c.len() < 3 || c[0] != "*" || c[1] != "*" {
        return Err(Error::invalid(format!(
            "pair_coeff \"{}\": {}",
            c.join(" "),
            usage()
        )));
    }
    let elements = &c[3..];
    if elements.len() != n {
        return Err(Error::invalid(format!(
            "pair_coeff \"{}\": {} element names for {n} atom types",
            c.join(" "),
            elements.len()
        )));
    }
    let path = base_dir.join(c[2]);
    let file = SetflFile::read(&path, layout)?;
    let map = elements
        .iter()
        .map(|e| {
            file.element_index(e).ok_or_else(|| {
                let known: Vec<&str> = file.elements.iter().map(|x| x.name.as_str()).collect();
                Error::file(
                    &path,
                    format!("no element {e} in this file (it has {})", known.join(" ")),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    EamTables::from_setfl(&file, &map).map_err(|e| e.in_file(&path))
}
