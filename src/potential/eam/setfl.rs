//! The multi-element DYNAMO `setfl` format (LAMMPS `pair_style eam/alloy`) and its
//! Finnis–Sinclair variant (`pair_style eam/fs`), read and written.
//!
//! Layout (numbers after the element header lines may wrap across lines freely):
//! 1-3. comments;
//! 4. `Nelements Element1 Element2 ...`;
//! 5. `Nrho drho Nr dr cutoff`;
//! then for each element: a line `atomic-number mass lattice-constant lattice-type`, `Nrho`
//! values of its embedding energy F(rho) [eV] at rho = 0, drho, ..., and its density table(s) at
//! r = 0, dr, ...: one table rho_I(r) in setfl; in Finnis–Sinclair, `Nelements` tables
//! rho_{I,J}(r), J = 1..Nelements, where rho_{I,J} is the density an atom of element I
//! contributes at an atom of element J;
//! finally the pair tables r*phi_{IJ}(r) [eV A] for I = 1..N, J = 1..I.

use std::fmt::Write as _;
use std::path::Path;

use super::reader::{TableReader, field_f64, field_usize};
use crate::error::{Error, Result};
use crate::io::read_text;

/// Which of the two multi-element layouts a file uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetflLayout {
    /// `eam/alloy`: one density function per element.
    Alloy,
    /// `eam/fs`: one density function per (source element, receiving element).
    FinnisSinclair,
}

/// One element's header line.
#[derive(Clone, Debug, PartialEq)]
pub struct SetflElement {
    /// Element name as used in `pair_coeff`.
    pub name: String,
    /// Atomic number.
    pub atomic_number: u32,
    /// Mass [g/mol].
    pub mass: f64,
    /// Lattice constant [A] (informative).
    pub lattice_constant: f64,
    /// Lattice name, e.g. `fcc` (informative).
    pub lattice: String,
}

/// A multi-element EAM potential in tabulated form.
#[derive(Clone, Debug, PartialEq)]
pub struct SetflFile {
    /// The three comment lines.
    pub comments: [String; 3],
    /// Layout of the density tables.
    pub layout: SetflLayout,
    /// The elements, in file order.
    pub elements: Vec<SetflElement>,
    /// Density grid spacing.
    pub drho: f64,
    /// Distance grid spacing [A].
    pub dr: f64,
    /// Cutoff [A].
    pub cutoff: f64,
    /// Embedding energy F_I [eV] at rho = k drho, per element.
    pub embedding: Vec<Vec<f64>>,
    /// Density tables at r = k dr: per element I (alloy), or per pair at index `I * N + J`
    /// (Finnis–Sinclair: the density an I atom contributes at a J atom).
    pub density: Vec<Vec<f64>>,
    /// r * phi_IJ(r) [eV A] at r = k dr, for I >= J at index `I (I + 1) / 2 + J`.
    pub pair: Vec<Vec<f64>>,
}

/// Index of the pair table of elements `a` and `b` in lower-triangular order.
pub fn pair_index(a: usize, b: usize) -> usize {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    hi * (hi + 1) / 2 + lo
}

impl SetflFile {
    /// Reads a file in the given layout.
    pub fn read(path: &Path, layout: SetflLayout) -> Result<Self> {
        Self::parse(path, &read_text(path)?, layout)
    }

    /// Parses the text of a file that came from `path`.
    pub fn parse(path: &Path, text: &str, layout: SetflLayout) -> Result<Self> {
        let mut r = TableReader::new(path, text);
        let comments = [
            r.line("first comment line")?.to_string(),
            r.line("second comment line")?.to_string(),
            r.line("third comment line")?.to_string(),
        ];
        let w = r.words("line \"Nelements Element1 Element2 ...\"")?;
        let n = field_usize(&r, &w, 0, "number of elements")?;
        if n == 0 || w.len() != n + 1 {
            return Err(r.error(format!(
                "line 4 must give the number of elements and that many names (got \"{}\")",
                w.join(" ")
            )));
        }
        let names: Vec<String> = w[1..].iter().map(|s| s.to_string()).collect();
        let w = r.words("line \"Nrho drho Nr dr cutoff\"")?;
        let nrho = field_usize(&r, &w, 0, "Nrho")?;
        let drho = field_f64(&r, &w, 1, "drho")?;
        let nr = field_usize(&r, &w, 2, "Nr")?;
        let dr = field_f64(&r, &w, 3, "dr")?;
        let cutoff = field_f64(&r, &w, 4, "cutoff")?;
        if nrho < 5 || nr < 5 || !(drho > 0.0) || !(dr > 0.0) || !(cutoff > 0.0) {
            return Err(r.error(format!(
                "need Nrho >= 5, Nr >= 5 and positive drho, dr, cutoff (got {nrho} {drho} {nr} {dr} {cutoff})"
            )));
        }
        let mut elements = Vec::with_capacity(n);
        let mut embedding = Vec::with_capacity(n);
        let mut density = Vec::new();
        for name in names {
            let w = r.words(&format!("header line of element {name}"))?;
            let atomic_number = field_usize(&r, &w, 0, "atomic number")? as u32;
            let mass = field_f64(&r, &w, 1, "mass")?;
            if !(mass > 0.0) {
                return Err(r.error(format!("element {name}: mass {mass} must be positive")));
            }
            let lattice_constant = field_f64(&r, &w, 2, "lattice constant").unwrap_or(0.0);
            let lattice = w.get(3).copied().unwrap_or("").to_string();
            embedding.push(r.numbers(nrho, &format!("embedding table of {name}"))?);
            match layout {
                SetflLayout::Alloy => {
                    density.push(r.numbers(nr, &format!("density table of {name}"))?);
                }
                SetflLayout::FinnisSinclair => {
                    for k in 0..n {
                        density.push(r.numbers(nr, &format!("density table {k} of {name}"))?);
                    }
                }
            }
            elements.push(SetflElement {
                name,
                atomic_number,
                mass,
                lattice_constant,
                lattice,
            });
        }
        let mut pair = Vec::with_capacity(n * (n + 1) / 2);
        for a in 0..n {
            for b in 0..=a {
                let what = format!(
                    "pair table r*phi of {}-{}",
                    elements[a].name, elements[b].name
                );
                pair.push(r.numbers(nr, &what)?);
            }
        }
        Ok(SetflFile {
            comments,
            layout,
            elements,
            drho,
            dr,
            cutoff,
            embedding,
            density,
            pair,
        })
    }

    /// Number of density grid points.
    pub fn nrho(&self) -> usize {
        // Invariant: the reader refuses a file with no element.
        self.embedding[0].len()
    }

    /// Number of distance grid points.
    pub fn nr(&self) -> usize {
        // Invariant: the reader refuses a file with no element (one pair table at least).
        self.pair[0].len()
    }

    /// Index of element `name`.
    pub fn element_index(&self, name: &str) -> Option<usize> {
        self.elements.iter().position(|e| e.name == name)
    }

    /// The file's text. Numbers are written in the shortest form that reads back exactly, five
    /// to a line.
    pub fn format(&self) -> String {
        let mut s = String::new();
        for c in &self.comments {
            let _ = writeln!(s, "{}", c.replace('\n', " "));
        }
        let names: Vec<&str> = self.elements.iter().map(|e| e.name.as_str()).collect();
        let _ = writeln!(s, "{} {}", self.elements.len(), names.join(" "));
        let _ = writeln!(
            s,
            "{} {:e} {} {:e} {:e}",
            self.nrho(),
            self.drho,
            self.nr(),
            self.dr,
            self.cutoff
        );
        let per_element = self.density.len() / self.elements.len();
        for (k, e) in self.elements.iter().enumerate() {
            let _ = writeln!(
                s,
                "{} {} {} {}",
                e.atomic_number, e.mass, e.lattice_constant, e.lattice
            );
            write_values(&mut s, &self.embedding[k]);
            for d in &self.density[k * per_element..(k + 1) * per_element] {
                write_values(&mut s, d);
            }
        }
        for p in &self.pair {
            write_values(&mut s, p);
        }
        s
    }

    /// Checks that every table has the length the header says.
    pub fn check(&self) -> Result<()> {
        let n = self.elements.len();
        let per_element = match self.layout {
            SetflLayout::Alloy => 1,
            SetflLayout::FinnisSinclair => n,
        };
        let ok = n > 0
            && self.embedding.len() == n
            && self.density.len() == n * per_element
            && self.pair.len() == n * (n + 1) / 2
            && self.embedding.iter().all(|t| t.len() == self.nrho())
            && self.density.iter().all(|t| t.len() == self.nr())
            && self.pair.iter().all(|t| t.len() == self.nr());
        if ok {
            Ok(())
        } else {
            Err(Error::invalid("setfl tables have inconsistent sizes"))
        }
    }
}

fn write_values(s: &mut String, values: &[f64]) {
    for chunk in values.chunks(5) {
        let line: Vec<String> = chunk.iter().map(|v| format!("{v:e}")).collect();
        let _ = writeln!(s, "{}", line.join(" "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(layout: SetflLayout) -> SetflFile {
        let table = |k: usize, len: usize| -> Vec<f64> {
            (0..len).map(|m| (k * 100 + m) as f64 * 0.1).collect()
        };
        let n_density = match layout {
            SetflLayout::Alloy => 2,
            SetflLayout::FinnisSinclair => 4,
        };
        SetflFile {
            comments: ["a".into(), "b".into(), "c".into()],
            layout,
            elements: vec![
                SetflElement {
                    name: "Pt".into(),
                    atomic_number: 78,
                    mass: 195.08,
                    lattice_constant: 3.92,
                    lattice: "fcc".into(),
                },
                SetflElement {
                    name: "Fe".into(),
                    atomic_number: 26,
                    mass: 55.847,
                    lattice_constant: 2.87,
                    lattice: "bcc".into(),
                },
            ],
            drho: 0.5,
            dr: 0.01,
            cutoff: 0.07,
            embedding: (0..2).map(|k| table(k, 6)).collect(),
            density: (0..n_density).map(|k| table(k + 2, 8)).collect(),
            pair: (0..3).map(|k| table(k + 7, 8)).collect(),
        }
    }

    #[test]
    fn writes_and_reads_back_exactly() {
        for layout in [SetflLayout::Alloy, SetflLayout::FinnisSinclair] {
            let f = tiny(layout);
            f.check().unwrap();
            let text = f.format();
            let back = SetflFile::parse(Path::new("t"), &text, layout).unwrap();
            assert_eq!(back, f);
        }
        assert_eq!(pair_index(1, 0), 1);
        assert_eq!(pair_index(0, 1), 1);
        assert_eq!(pair_index(2, 2), 5);
    }

    #[test]
    fn bad_files_name_the_problem() {
        let text = tiny(SetflLayout::Alloy).format();
        let p = Path::new("PtFe.eam.alloy");
        let bad = text.replacen("2 Pt Fe", "3 Pt Fe", 1);
        let e = SetflFile::parse(p, &bad, SetflLayout::Alloy).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("PtFe.eam.alloy:4: line 4 must give"),
            "{e}"
        );
        // Read as Finnis–Sinclair, an alloy file runs into the next element's header.
        let e = SetflFile::parse(p, &text, SetflLayout::FinnisSinclair).unwrap_err();
        assert!(
            e.to_string()
                .contains("density table 1 of Pt: \"bcc\" is not a number"),
            "{e}"
        );
    }
}
