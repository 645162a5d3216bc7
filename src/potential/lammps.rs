//! The style registry: every pair style a LAMMPS `pair_style` line may name, with the
//! constructor that reads its `pair_coeff` and `pair_modify` lines and the neighbour list it
//! reads. [`build`] looks a style up; the "available" list of its error message is generated
//! from [`STYLES`]. Adding a pair style is one module and one entry here.

use std::path::Path;

use super::args::LammpsPair;
use super::{Potential, eam, lj, meam, morse};
use crate::error::{Error, Result};
use crate::neighbor::ListKind;
use crate::system::SpeciesTable;

/// Builds a style's potential from LAMMPS words for the species of a system; relative file
/// names are resolved against the directory given.
pub type Constructor = fn(&LammpsPair<'_>, &SpeciesTable, &Path) -> Result<Box<dyn Potential>>;

/// One registered pair style.
pub struct Style {
    /// The names `pair_style` accepts for it (the first is its own; others are aliases).
    pub names: &'static [&'static str],
    /// Builds the potential.
    pub build: Constructor,
    /// The neighbour list it reads ([`Potential::neighbor_list_kind`] of what `build` gives).
    pub list: ListKind,
}

/// Every pair style sintermd provides, in the order the error message lists them.
pub static STYLES: &[Style] = &[
    Style {
        names: &["lj/cut"],
        build: |pair, species, _| Ok(Box::new(lj::LennardJones::from_lammps(pair, species)?)),
        list: ListKind::Full,
    },
    Style {
        names: &["morse"],
        build: |pair, species, _| Ok(Box::new(morse::Morse::from_lammps(pair, species)?)),
        list: ListKind::Half,
    },
    Style {
        names: &["eam", "eam/alloy", "eam/fs"],
        build: |pair, species, base_dir| {
            Ok(Box::new(eam::lammps::from_lammps(pair, species, base_dir)?))
        },
        list: ListKind::Half,
    },
    Style {
        names: &["meam", "meam/c"],
        build: |pair, species, base_dir| {
            Ok(Box::new(meam::Meam::from_lammps(pair, species, base_dir)?))
        },
        list: ListKind::Full,
    },
];

/// The registered style named `name` (its own name or an alias).
pub fn style(name: &str) -> Option<&'static Style> {
    STYLES.iter().find(|s| s.names.contains(&name))
}

/// Every name `pair_style` accepts, comma-separated, in registry order.
pub fn available() -> String {
    STYLES
        .iter()
        .flat_map(|s| s.names.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds the potential named by a LAMMPS `pair_style`; `base_dir` resolves relative file names.
pub fn build(
    style: &str,
    coeffs: &[String],
    modify: &[String],
    species: &SpeciesTable,
    base_dir: &Path,
) -> Result<Box<dyn Potential>> {
    let pair = LammpsPair::parse(style, coeffs, modify)?;
    match self::style(pair.style) {
        Some(s) => (s.build)(&pair, species, base_dir),
        None => Err(Error::invalid(format!(
            "pair_style {} is not available in sintermd (available: {})",
            pair.style,
            available()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_listed() {
        let all = available();
        for s in STYLES {
            for name in s.names {
                assert!(
                    std::ptr::eq(style(name).unwrap(), s),
                    "{name} registered twice"
                );
                assert!(all.contains(name));
            }
        }
        let species = SpeciesTable::new(vec!["A".into()], vec![1.0]).unwrap();
        let Err(err) = build("tersoff", &[], &[], &species, Path::new(".")) else {
            panic!("tersoff is not a sintermd style");
        };
        assert!(
            err.to_string().contains(&format!("(available: {all})")),
            "{err}"
        );
    }

    #[test]
    fn every_style_reads_the_list_it_registers() {
        let one = SpeciesTable::new(vec!["A".into()], vec![1.0]).unwrap();
        let cu = SpeciesTable::new(vec!["Cu".into()], vec![63.546]).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let cases = [
            ("lj/cut 3.0", "1 1 0.1 1.0", &one),
            ("morse 3.0", "1 1 0.1 2.0 1.1", &one),
            ("eam/alloy", "* * potentials/Cu_Zhou04.eam.alloy Cu", &cu),
            (
                "meam",
                "* * potentials/Cu_Baskes1992.library.meam Cu potentials/Cu_Baskes1992.meam Cu",
                &cu,
            ),
        ];
        for (style_line, coeff, species) in cases {
            let p = build(style_line, &[coeff.to_string()], &[], species, root).unwrap();
            let entry = style(style_line.split_whitespace().next().unwrap()).unwrap();
            assert_eq!(p.neighbor_list_kind(), entry.list, "{style_line}");
        }
    }
}
