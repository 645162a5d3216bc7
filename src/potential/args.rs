//! The words of LAMMPS's pair commands as every style reads them: `pair_style`, `pair_coeff`
//! and `pair_modify` lines split into words ([`LammpsPair`]), atom-type ranges numbered as in
//! the data file (type `t` is species `t - 1`, [`type_range`]) and numeric arguments
//! ([`number`]). The styles import this module; the style registry ([`super::lammps`]) imports
//! the styles.

use crate::error::{Error, Result};

/// A potential in LAMMPS syntax.
#[derive(Clone, Debug, PartialEq)]
pub struct LammpsPair<'a> {
    /// Style name, e.g. `lj/cut`.
    pub style: &'a str,
    /// Arguments of `pair_style` after the name.
    pub style_args: Vec<&'a str>,
    /// Every `pair_coeff` line, split into words.
    pub coeffs: Vec<Vec<&'a str>>,
    /// Every `pair_modify` line, split into words.
    pub modify: Vec<Vec<&'a str>>,
}

impl<'a> LammpsPair<'a> {
    /// Splits the lines into words (a leading `pair_style` / `pair_coeff` keyword is allowed).
    pub fn parse(style: &'a str, coeffs: &'a [String], modify: &'a [String]) -> Result<Self> {
        let strip = |line: &'a str, key: &str| -> Vec<&'a str> {
            let mut w: Vec<&str> = line.split_whitespace().collect();
            if w.first() == Some(&key) {
                w.remove(0);
            }
            w
        };
        let words = strip(style, "pair_style");
        let Some((&name, args)) = words.split_first() else {
            return Err(Error::invalid("pair_style is empty"));
        };
        Ok(LammpsPair {
            style: name,
            style_args: args.to_vec(),
            coeffs: coeffs.iter().map(|c| strip(c, "pair_coeff")).collect(),
            modify: modify.iter().map(|m| strip(m, "pair_modify")).collect(),
        })
    }
}

/// Parses a LAMMPS type range (`3`, `*`, `2*`, `*4`, `2*4`) for `ntypes` types into 1-based
/// inclusive bounds.
pub fn type_range(text: &str, ntypes: usize) -> Result<(usize, usize)> {
    let num = |s: &str, default: usize| -> Result<usize> {
        if s.is_empty() {
            Ok(default)
        } else {
            s.parse::<usize>()
                .map_err(|_| Error::invalid(format!("bad atom type range \"{text}\"")))
        }
    };
    let (lo, hi) = match text.split_once('*') {
        Some((a, b)) => (num(a, 1)?, num(b, ntypes)?),
        None => {
            let t = num(text, 0)?;
            (t, t)
        }
    };
    if lo < 1 || hi > ntypes || lo > hi {
        return Err(Error::invalid(format!(
            "atom type range \"{text}\" is outside 1..{ntypes}"
        )));
    }
    Ok((lo, hi))
}

/// Parses a floating-point argument of a LAMMPS command, naming it in the error.
pub fn number(text: &str, what: &str) -> Result<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Error::invalid(format!("{what}: \"{text}\" is not a number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ranges() {
        assert_eq!(type_range("*", 3).unwrap(), (1, 3));
        assert_eq!(type_range("2*", 3).unwrap(), (2, 3));
        assert_eq!(type_range("*2", 3).unwrap(), (1, 2));
        assert_eq!(type_range("2", 3).unwrap(), (2, 2));
        assert!(type_range("4", 3).is_err());
        assert!(type_range("0", 3).is_err());
        assert!(type_range("a", 3).is_err());
    }
}
