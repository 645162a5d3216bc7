//! Reading LAMMPS MEAM files: the library file (one entry of 19 words per element) and the
//! parameter file (`keyword = value` and `keyword(i,j[,k]) = value` lines), as documented for
//! LAMMPS `pair_style meam`.
//!
//! Library entry: `elt lat z ielement atwt alpha b0 b1 b2 b3 alat esub asub t0 t1 t2 t3 rozero
//! ibar`, possibly spread over several lines; quotes around words are ignored; `#` starts a
//! comment. Only the elements named in `pair_coeff` are read (the first entry of each).
//!
//! Parameter-file keywords: Ec, alpha, rho0, delta, lattce, attrac, repuls, nn2, Cmin, Cmax, rc,
//! delr, augt1, gsmooth_factor, re, ialloy, mixture_ref_t, erose_form, zbl, emb_lin_neg,
//! bkgd_dyn, theta. Element indices are 1-based positions in the `pair_coeff` element list.

use std::path::Path;

use super::lattice::Lattice;
use super::params::{ElementParams, MeamParams, RoseForm, TAveraging};
use crate::error::{Error, Result};
use crate::io::read_text;

/// Splits a line into words at whitespace and single quotes, dropping a `#` comment.
fn library_words(line: &str) -> impl Iterator<Item = &str> {
    let body = line.split('#').next().unwrap_or("");
    body.split(|c: char| c.is_whitespace() || c == '\'')
        .filter(|w| !w.is_empty())
}

/// Reads the entries of `wanted` elements from the text of a library file named `path`.
pub fn parse_library(text: &str, path: &Path, wanted: &[&str]) -> Result<Vec<ElementParams>> {
    const WORDS: usize = 19;
    let mut found: Vec<Option<ElementParams>> = vec![None; wanted.len()];
    let mut words: Vec<&str> = Vec::new();
    let mut first_line = 0;
    for (k, line) in text.lines().enumerate() {
        let before = words.len();
        words.extend(library_words(line));
        if words.is_empty() {
            continue;
        }
        if before == 0 {
            first_line = k + 1;
        }
        if words.len() < WORDS {
            continue;
        }
        if words.len() > WORDS {
            return Err(Error::parse(
                path,
                k + 1,
                format!(
                    "library entry starting on line {first_line} has {} words; a MEAM library \
                     entry has 19 (elt lat z ielement atwt alpha b0 b1 b2 b3 alat esub asub t0 \
                     t1 t2 t3 rozero ibar)",
                    words.len()
                ),
            ));
        }
        if let Some(index) = wanted.iter().position(|&w| w == words[0])
            && found[index].is_none()
        {
            let entry = parse_entry(&words).map_err(|m| Error::parse(path, first_line, m))?;
            found[index] = Some(entry);
        }
        words.clear();
    }
    if !words.is_empty() {
        return Err(Error::parse(
            path,
            first_line,
            format!(
                "library entry has only {} of its 19 words at the end of the file",
                words.len()
            ),
        ));
    }
    let missing: Vec<&str> = wanted
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(w, _)| *w)
        .collect();
    if !missing.is_empty() {
        return Err(Error::file(
            path,
            format!("no MEAM library entry for {}", missing.join(", ")),
        ));
    }
    // Invariant: `missing` is empty, so every entry was found.
    Ok(found.into_iter().map(Option::unwrap).collect())
}

fn parse_entry(w: &[&str]) -> std::result::Result<ElementParams, String> {
    let num = |k: usize, what: &str| -> std::result::Result<f64, String> {
        w[k].parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("{} of {}: \"{}\" is not a number", what, w[0], w[k]))
    };
    let int = |k: usize, what: &str| -> std::result::Result<i64, String> {
        w[k].parse::<i64>()
            .map_err(|_| format!("{} of {}: \"{}\" is not an integer", what, w[0], w[k]))
    };
    let lattice = Lattice::from_name(w[1])
        .filter(|l| l.is_elemental())
        .ok_or_else(|| {
            format!(
                "unknown lattice \"{}\" for element {} (a library entry takes one of fcc, bcc, \
                 hcp, dim, dia, dia3, lin, zig, tri, sc)",
                w[1], w[0]
            )
        })?;
    let z = num(2, "z")?;
    if z != lattice.first_neighbors() as f64 {
        return Err(format!(
            "z = {} of {} does not match its lattice {} (which has {} first neighbours)",
            w[2],
            w[0],
            w[1],
            lattice.first_neighbors()
        ));
    }
    let atomic_number = int(3, "ielement")?;
    if !(1..=118).contains(&atomic_number) {
        return Err(format!(
            "ielement of {} must be an atomic number, got {}",
            w[0], w[3]
        ));
    }
    let t0 = num(13, "t0")?;
    if (t0 - 1.0).abs() >= 1e-20 {
        return Err(format!("t0 of {} is {}; MEAM requires t0 = 1", w[0], w[13]));
    }
    let ibar = int(18, "ibar")?;
    Ok(ElementParams {
        name: w[0].to_string(),
        lattice,
        atomic_number: atomic_number as u32,
        mass: num(4, "atwt")?,
        alpha: num(5, "alpha")?,
        beta: [num(6, "b0")?, num(7, "b1")?, num(8, "b2")?, num(9, "b3")?],
        alat: num(10, "alat")?,
        cohesive_energy: num(11, "esub")?,
        embedding_scale: num(12, "asub")?,
        t: [t0, num(14, "t1")?, num(15, "t2")?, num(16, "t3")?],
        density_scale: num(17, "rozero")?,
        ibar: ibar as i32,
    })
}

/// Reads the library file at `path` for the elements `wanted`.
pub fn read_library(path: &Path, wanted: &[&str]) -> Result<Vec<ElementParams>> {
    parse_library(&read_text(path)?, path, wanted)
}

/// The keywords of a MEAM parameter file and how many element indices each takes.
const KEYWORDS: [(&str, usize); 22] = [
    ("Ec", 2),
    ("alpha", 2),
    ("rho0", 1),
    ("delta", 2),
    ("lattce", 2),
    ("attrac", 2),
    ("repuls", 2),
    ("nn2", 2),
    ("Cmin", 3),
    ("Cmax", 3),
    ("rc", 0),
    ("delr", 0),
    ("augt1", 0),
    ("gsmooth_factor", 0),
    ("re", 2),
    ("ialloy", 0),
    ("mixture_ref_t", 0),
    ("erose_form", 0),
    ("zbl", 2),
    ("emb_lin_neg", 0),
    ("bkgd_dyn", 0),
    ("theta", 2),
];

/// Applies the settings in the text of a parameter file named `path` to `params`.
pub fn parse_parameters(text: &str, path: &Path, params: &mut MeamParams) -> Result<()> {
    for (k, line) in text.lines().enumerate() {
        let body = line.split('#').next().unwrap_or("");
        let words: Vec<&str> = body
            .split(|c: char| c.is_whitespace() || "=(),'".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        apply_setting(&words, params).map_err(|m| Error::parse(path, k + 1, m))?;
    }
    Ok(())
}

/// Reads the parameter file at `path` into `params`.
pub fn read_parameters(path: &Path, params: &mut MeamParams) -> Result<()> {
    parse_parameters(&read_text(path)?, path, params)
}

/// Applies one line `keyword(i[,j[,k]]) = value` of a parameter file (already split into the
/// keyword, the 1-based element indices and the value) to `p`.
fn apply_setting(words: &[&str], p: &mut MeamParams) -> std::result::Result<(), String> {
    let keyword = words[0];
    let Some(&(_, needed)) = KEYWORDS.iter().find(|(k, _)| *k == keyword) else {
        return Err(format!(
            "unknown MEAM parameter keyword \"{keyword}\" (known: {})",
            KEYWORDS.map(|(k, _)| k).join(", ")
        ));
    };
    if words.len() < 2 {
        return Err(format!("{keyword}: no value given"));
    }
    let value_word = words[words.len() - 1];
    let [a, b, c] = element_indices(keyword, &words[1..words.len() - 1], needed, p.len())?;
    if keyword == "lattce" {
        let lattice = Lattice::from_name(value_word).ok_or_else(|| {
            format!(
                "lattce: unknown lattice \"{value_word}\" (known: {})",
                Lattice::ALL.map(|(_, n)| n).join(", ")
            )
        })?;
        let ab = p.pair(a, b);
        p.lattice[ab] = lattice;
        return Ok(());
    }
    set_number(keyword, value_word, [a, b, c], p)
}

/// The first `needed` of `index_words` as 0-based element indices (unused slots 0), each
/// checked to be within the `n` elements.
fn element_indices(
    keyword: &str,
    index_words: &[&str],
    needed: usize,
    n: usize,
) -> std::result::Result<[usize; 3], String> {
    if index_words.len() < needed {
        return Err(format!(
            "{keyword} takes {needed} element indices, {} given",
            index_words.len()
        ));
    }
    let mut idx = [0usize; 3];
    for (slot, w) in idx.iter_mut().zip(index_words.iter().take(needed)) {
        let i: usize = w
            .parse()
            .map_err(|_| format!("{keyword}: element index \"{w}\" is not a number"))?;
        if i < 1 || i > n {
            return Err(format!(
                "{keyword}: element index {i} is outside 1..{n} (the pair_coeff elements)"
            ));
        }
        *slot = i - 1;
    }
    Ok(idx)
}

/// Sets the numeric parameter `keyword` (any keyword but `lattce`) of elements `[a, b, c]` to
/// `value_word`.
fn set_number(
    keyword: &str,
    value_word: &str,
    [a, b, c]: [usize; 3],
    p: &mut MeamParams,
) -> std::result::Result<(), String> {
    let value: f64 = value_word
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("{keyword}: \"{value_word}\" is not a number"))?;
    // LAMMPS reads integer switches by truncating the value.
    let flag = value as i64;
    let switch = |name: &str| -> std::result::Result<bool, String> {
        match flag {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(format!("{name} must be 0 or 1, got {value_word}")),
        }
    };
    let ab = p.pair(a, b);
    let (lo, hi) = (a.min(b), a.max(b));
    let sym = p.pair(lo, hi);
    match keyword {
        "Ec" => p.ec[ab] = value,
        "alpha" => p.alpha[ab] = value,
        "rho0" => p.elements[a].density_scale = value,
        "delta" => p.delta[ab] = value,
        "attrac" => p.attrac[ab] = value,
        "repuls" => p.repuls[ab] = value,
        "nn2" => p.nn2[sym] = switch("nn2")?,
        "Cmin" => {
            let abc = p.triplet(a, b, c);
            p.c_min[abc] = value;
        }
        "Cmax" => {
            let abc = p.triplet(a, b, c);
            p.c_max[abc] = value;
        }
        "rc" => p.cutoff = value,
        "delr" => p.cutoff_width = value,
        "augt1" => p.augment_t1 = switch("augt1")?,
        "gsmooth_factor" => p.gsmooth_factor = value,
        "re" => p.re[ab] = value,
        "ialloy" => {
            p.t_averaging = match flag {
                0 => TAveraging::DensityWeighted,
                1 => TAveraging::SquareWeighted,
                2 => TAveraging::OwnElement,
                _ => return Err(format!("ialloy must be 0, 1 or 2, got {value_word}")),
            }
        }
        "mixture_ref_t" => p.mixture_ref_t = switch("mixture_ref_t")?,
        "erose_form" => {
            p.rose_form = match flag {
                0 => RoseForm::ScaledCubic,
                1 => RoseForm::Mixed,
                2 => RoseForm::Cubic,
                _ => return Err(format!("erose_form must be 0, 1 or 2, got {value_word}")),
            }
        }
        "zbl" => p.zbl[sym] = switch("zbl")?,
        "emb_lin_neg" => p.embedding_linear_negative = switch("emb_lin_neg")?,
        "bkgd_dyn" => p.background_dynamo = switch("bkgd_dyn")?,
        "theta" => {
            let half = value / 2.0 * std::f64::consts::PI / 180.0;
            p.sin_half_angle[sym] = half.sin();
            p.cos_half_angle[sym] = half.cos();
        }
        _ => unreachable!("keyword list and match disagree"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = "# comment
'Pt'\t'fcc'\t12\t1\t195.080
6.4956 4.92 2.20 6.00 2.20 3.9173715678 5.77 0.90
1\t3.94 -2.20 3.84 1.00 3
'Fe' 'bcc' 8 1 55.847 5.1571615396 4.15 1.00 1.00 1.00 2.8636573352 4.29 0.56 1 2.60 1.80 -7.20 1.00 3
";

    fn lib(wanted: &[&str]) -> Result<Vec<ElementParams>> {
        parse_library(LIB, Path::new("lib.meam"), wanted)
    }

    #[test]
    fn library_entries_span_lines_and_keep_pair_coeff_order() {
        let e = lib(&["Fe", "Pt"]).unwrap();
        assert_eq!(e[0].name, "Fe");
        assert_eq!(e[0].lattice, Lattice::Bcc);
        assert_eq!(e[1].lattice, Lattice::Fcc);
        assert_eq!(e[1].t, [1.0, 3.94, -2.20, 3.84]);
        assert_eq!(e[1].beta, [4.92, 2.20, 6.00, 2.20]);
        assert_eq!(e[1].ibar, 3);
        assert_eq!(e[1].mass, 195.08);
    }

    #[test]
    fn library_errors_name_the_problem() {
        let err = lib(&["Pt", "Cu"]).unwrap_err().to_string();
        assert_eq!(err, "lib.meam: no MEAM library entry for Cu");
        let bad = "'X' 'fcc' 8 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 3\n";
        let err = parse_library(bad, Path::new("l"), &["X"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("l:1: z = 8 of X does not match its lattice fcc"),
            "{err}"
        );
        let bad = "'X' 'l12' 12 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 3\n";
        let err = parse_library(bad, Path::new("l"), &["X"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown lattice \"l12\" for element X"),
            "{err}"
        );
        let bad = "'X' 'fcc' 12 1 1 1 1 1 1 1 1 1 1 2 1 1 1 1 3\n";
        let err = parse_library(bad, Path::new("l"), &["X"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("t0 of X is 2; MEAM requires t0 = 1"), "{err}");
        let bad = "'X' 'fcc' 12 1 1 1 1 1\n";
        let err = parse_library(bad, Path::new("l"), &["X"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("only 8 of its 19 words"), "{err}");
    }

    fn params() -> MeamParams {
        MeamParams::with_defaults(lib(&["Pt", "Fe"]).unwrap())
    }

    #[test]
    fn parameter_lines() {
        let mut p = params();
        let text = "rc = 4.4\ndelr=0.1 # comment\nCmin(1,2,1) = 0.84\nlattce(1,2) = 'l12'\n\
                    nn2(2,1) = 1\nialloy = 2\nerose_form = 2\nzbl(1,1) = 0\ntheta(1,2) = 90\n\
                    rho0(2) = 1.5\nre(1,2) = 2.7181\n";
        parse_parameters(text, Path::new("p.meam"), &mut p).unwrap();
        assert_eq!(p.cutoff, 4.4);
        assert_eq!(p.c_min[p.triplet(0, 1, 0)], 0.84);
        assert_eq!(p.lattice[p.pair(0, 1)], Lattice::L12);
        assert!(p.nn2[p.pair(0, 1)]);
        assert_eq!(p.t_averaging, TAveraging::OwnElement);
        assert_eq!(p.rose_form, RoseForm::Cubic);
        assert!(!p.zbl[p.pair(0, 0)]);
        assert!((p.sin_half_angle[p.pair(0, 1)] - 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(p.elements[1].density_scale, 1.5);
        assert_eq!(p.re[p.pair(0, 1)], 2.7181);
    }

    #[test]
    fn parameter_errors_name_line_and_keyword() {
        let cases = [
            (
                "rcut = 4.0\n",
                "p.meam:1: unknown MEAM parameter keyword \"rcut\"",
            ),
            (
                "\nCmin(1,2) = 1\n",
                "p.meam:2: Cmin takes 3 element indices, 2 given",
            ),
            (
                "Ec(1,3) = 1\n",
                "p.meam:1: Ec: element index 3 is outside 1..2",
            ),
            (
                "lattce(1,2) = 'xyz'\n",
                "p.meam:1: lattce: unknown lattice \"xyz\"",
            ),
            ("rc = four\n", "p.meam:1: rc: \"four\" is not a number"),
            ("ialloy = 3\n", "p.meam:1: ialloy must be 0, 1 or 2, got 3"),
        ];
        for (text, want) in cases {
            let mut p = params();
            let err = parse_parameters(text, Path::new("p.meam"), &mut p)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{err:?} should start with {want:?}");
        }
    }
}
