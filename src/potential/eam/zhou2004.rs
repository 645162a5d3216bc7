//! The analytic EAM of Zhou, Johnson & Wadley for 17 metals and their alloys, and its
//! tabulation as a setfl file (`sintermd potential zhou2004 Pt Fe -o FILE`).
//!
//! X. W. Zhou, R. A. Johnson and H. N. G. Wadley, "Misfit-energy-increasing dislocations in
//! vapor-deposited CoFe/NiFe multilayers", Phys. Rev. B 69, 144113 (2004), with the parameters as
//! revised in the NIST Interatomic Potentials Repository entry for that paper (separate density
//! decay beta1/lambda1, F3 above rho_e, Pt's lower density bound); Cr from Z. Lin, R. A. Johnson
//! and L. V. Zhigilei, Phys. Rev. B 77, 214108 (2008).
//!
//! With x = r / r_e:
//! - density: f(r) = f_e exp(-beta1 (x - 1)) / (1 + (x - lambda1)^20);
//! - pair, like elements: phi(r) = A exp(-alpha (x - 1)) / (1 + (x - kappa)^20)
//!   - B exp(-beta (x - 1)) / (1 + (x - lambda)^20);
//! - pair, elements a and b: phi_ab = (f_b / f_a phi_aa + f_a / f_b phi_bb) / 2;
//! - embedding, with rho_n = rho_low rho_e and rho_o = rho_high rho_e:
//!   rho < rho_n: sum_i Fn_i (rho/rho_n - 1)^i;
//!   rho_n <= rho < rho_o: sum_i F_i (rho/rho_e - 1)^i (F_3 below or above rho_e);
//!   rho >= rho_o: F_e (1 - eta ln(rho/rho_s)) (rho/rho_s)^eta.
//!
//! Glossary (paper symbol: field): r_e: `r_e`, f_e: `f_e`, rho_e: `rho_e`, rho_s: `rho_s`,
//! alpha, beta, A: `a`, B: `b`, kappa, lambda, Fn_i: `f_low`, F_0..F_2: `f_mid`, F_3: `f3_below`
//! / `f3_above`, eta, F_e: `f_high`, beta1, lambda1, rho_n / rho_e: `rho_low`,
//! rho_o / rho_e: `rho_high`.

use super::setfl::{SetflElement, SetflFile, SetflLayout};
use crate::error::{Error, Result};

/// Crystal structure of an element's ground state (for the informative setfl header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lattice {
    /// Face-centred cubic: a = sqrt(2) r_e.
    Fcc,
    /// Body-centred cubic: a = 2 r_e / sqrt(3).
    Bcc,
    /// Hexagonal close packed: a = r_e.
    Hcp,
}

/// Parameters of one element (energies [eV], distances [A], densities in the model's units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZhouElement {
    /// Chemical symbol.
    pub symbol: &'static str,
    /// Atomic number.
    pub atomic_number: u32,
    /// Mass [g/mol].
    pub mass: f64,
    /// Ground-state lattice.
    pub lattice: Lattice,
    /// Equilibrium nearest-neighbour distance r_e [A].
    pub r_e: f64,
    /// Density scale f_e.
    pub f_e: f64,
    /// Equilibrium host density rho_e.
    pub rho_e: f64,
    /// Density scale of the high-density embedding branch rho_s.
    pub rho_s: f64,
    /// Decay of the repulsive pair term alpha.
    pub alpha: f64,
    /// Decay of the attractive pair term beta.
    pub beta: f64,
    /// Repulsive pair amplitude A [eV].
    pub a: f64,
    /// Attractive pair amplitude B [eV].
    pub b: f64,
    /// Cutoff position of the repulsive pair term kappa (in units of r_e).
    pub kappa: f64,
    /// Cutoff position of the attractive pair term lambda (in units of r_e).
    pub lambda: f64,
    /// Low-density embedding coefficients Fn_0..Fn_3 [eV].
    pub f_low: [f64; 4],
    /// Mid-density embedding coefficients F_0..F_2 [eV].
    pub f_mid: [f64; 3],
    /// F_3 below rho_e [eV].
    pub f3_below: f64,
    /// F_3 from rho_e up [eV].
    pub f3_above: f64,
    /// Exponent of the high-density embedding branch eta.
    pub eta: f64,
    /// Amplitude of the high-density embedding branch F_e [eV].
    pub f_high: f64,
    /// Decay of the density beta1.
    pub beta1: f64,
    /// Cutoff position of the density lambda1 (in units of r_e).
    pub lambda1: f64,
    /// Lower bound of the mid-density branch, as a fraction of rho_e.
    pub rho_low: f64,
    /// Upper bound of the mid-density branch, as a fraction of rho_e.
    pub rho_high: f64,
}

/// The 17 elements (Zhou, Johnson & Wadley 2004 as revised at NIST; Cr from Lin et al. 2008).
pub const ELEMENTS: [ZhouElement; 17] = [
    ZhouElement {
        symbol: "Cu",
        atomic_number: 29,
        mass: 63.546,
        lattice: Lattice::Fcc,
        r_e: 2.556162,
        f_e: 1.554485,
        rho_e: 21.175871,
        rho_s: 21.175395,
        alpha: 8.127620,
        beta: 4.334731,
        a: 0.396620,
        b: 0.548085,
        kappa: 0.308782,
        lambda: 0.756515,
        f_low: [-2.170269, -0.263788, 1.088878, -0.817603],
        f_mid: [-2.19, 0.00, 0.561830],
        f3_below: -2.100595,
        f3_above: -2.100595,
        eta: 0.310490,
        f_high: -2.186568,
        beta1: 4.334731,
        lambda1: 0.756515,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Ag",
        atomic_number: 47,
        mass: 107.8682,
        lattice: Lattice::Fcc,
        r_e: 2.891814,
        f_e: 1.106232,
        rho_e: 14.604100,
        rho_s: 14.604144,
        alpha: 9.132010,
        beta: 4.870405,
        a: 0.277758,
        b: 0.419611,
        kappa: 0.339710,
        lambda: 0.750758,
        f_low: [-1.729364, -0.255882, 0.912050, -0.561432],
        f_mid: [-1.75, 0.00, 0.744561],
        f3_below: -1.150650,
        f3_above: -1.150650,
        eta: 0.783924,
        f_high: -1.748423,
        beta1: 4.870405,
        lambda1: 0.750758,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Au",
        atomic_number: 79,
        mass: 196.96654,
        lattice: Lattice::Fcc,
        r_e: 2.885034,
        f_e: 1.529021,
        rho_e: 19.991632,
        rho_s: 19.991509,
        alpha: 9.516052,
        beta: 5.075228,
        a: 0.229762,
        b: 0.356666,
        kappa: 0.356570,
        lambda: 0.748798,
        f_low: [-2.937772, -0.500288, 1.601954, -0.835530],
        f_mid: [-2.98, 0.00, 1.706587],
        f3_below: -1.134778,
        f3_above: -1.134778,
        eta: 1.021095,
        f_high: -2.978815,
        beta1: 5.075228,
        lambda1: 0.748798,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Ni",
        atomic_number: 28,
        mass: 58.6934,
        lattice: Lattice::Fcc,
        r_e: 2.488746,
        f_e: 2.007018,
        rho_e: 27.562015,
        rho_s: 27.562031,
        alpha: 8.383453,
        beta: 4.471175,
        a: 0.429046,
        b: 0.633531,
        kappa: 0.443599,
        lambda: 0.820658,
        f_low: [-2.693513, -0.076445, 0.241442, -2.375626],
        f_mid: [-2.70, 0.00, 0.265390],
        f3_below: -0.152856,
        f3_above: -0.152856,
        eta: 0.445470,
        f_high: -2.7,
        beta1: 4.471175,
        lambda1: 0.820658,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Pd",
        atomic_number: 46,
        mass: 106.42,
        lattice: Lattice::Fcc,
        r_e: 2.750897,
        f_e: 1.595417,
        rho_e: 21.335246,
        rho_s: 21.940073,
        alpha: 8.697397,
        beta: 4.638612,
        a: 0.406763,
        b: 0.598880,
        kappa: 0.397263,
        lambda: 0.754799,
        f_low: [-2.321006, -0.473983, 1.615343, -0.231681],
        f_mid: [-2.36, 0.00, 1.481742],
        f3_below: -1.675615,
        f3_above: -1.675615,
        eta: 1.130000,
        f_high: -2.352753,
        beta1: 4.638612,
        lambda1: 0.754799,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Pt",
        atomic_number: 78,
        mass: 195.08,
        lattice: Lattice::Fcc,
        r_e: 2.771916,
        f_e: 2.336509,
        rho_e: 33.367564,
        rho_s: 35.205357,
        alpha: 7.105782,
        beta: 3.789750,
        a: 0.556398,
        b: 0.696037,
        kappa: 0.385255,
        lambda: 0.770510,
        f_low: [-1.455568, -2.149952, 0.528491, 1.222875],
        f_mid: [-4.17, 0.00, 3.010561],
        f3_below: -2.420128,
        f3_above: -2.420128,
        eta: 1.450000,
        f_high: -4.145597,
        beta1: 3.789750,
        lambda1: 0.770510,
        rho_low: 0.25,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Al",
        atomic_number: 13,
        mass: 26.981539,
        lattice: Lattice::Fcc,
        r_e: 2.863924,
        f_e: 1.403115,
        rho_e: 20.418205,
        rho_s: 23.195740,
        alpha: 6.613165,
        beta: 3.527021,
        a: 0.314873,
        b: 0.365551,
        kappa: 0.379846,
        lambda: 0.759692,
        f_low: [-2.807602, -0.301435, 1.258562, -1.247604],
        f_mid: [-2.83, 0.00, 0.622245],
        f3_below: -2.488244,
        f3_above: -2.488244,
        eta: 0.785902,
        f_high: -2.824528,
        beta1: 3.527021,
        lambda1: 0.759692,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Pb",
        atomic_number: 82,
        mass: 207.2,
        lattice: Lattice::Fcc,
        r_e: 3.499723,
        f_e: 0.647872,
        rho_e: 8.450154,
        rho_s: 8.450063,
        alpha: 9.121799,
        beta: 5.212457,
        a: 0.161219,
        b: 0.236884,
        kappa: 0.250805,
        lambda: 0.764955,
        f_low: [-1.422370, -0.210107, 0.682886, -0.529378],
        f_mid: [-1.44, 0.00, 0.702726],
        f3_below: -0.538766,
        f3_above: -0.538766,
        eta: 0.935380,
        f_high: -1.439436,
        beta1: 5.212457,
        lambda1: 0.764955,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Fe",
        atomic_number: 26,
        mass: 55.847,
        lattice: Lattice::Bcc,
        r_e: 2.481987,
        f_e: 1.885957,
        rho_e: 20.041463,
        rho_s: 20.041463,
        alpha: 9.818270,
        beta: 5.236411,
        a: 0.392811,
        b: 0.646243,
        kappa: 0.170306,
        lambda: 0.340613,
        f_low: [-2.534992, -0.059605, 0.193065, -2.282322],
        f_mid: [-2.54, 0.00, 0.200269],
        f3_below: -0.148770,
        f3_above: -0.148770,
        eta: 0.391750,
        f_high: -2.539945,
        beta1: 5.236411,
        lambda1: 0.340613,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Mo",
        atomic_number: 42,
        mass: 95.94,
        lattice: Lattice::Bcc,
        r_e: 2.728100,
        f_e: 2.723710,
        rho_e: 29.354065,
        rho_s: 29.354065,
        alpha: 8.393531,
        beta: 4.476550,
        a: 0.708787,
        b: 1.120373,
        kappa: 0.137640,
        lambda: 0.275280,
        f_low: [-3.692913, -0.178812, 0.380450, -3.133650],
        f_mid: [-3.71, 0.00, 0.875874],
        f3_below: 0.776222,
        f3_above: 0.776222,
        eta: 0.790879,
        f_high: -3.712093,
        beta1: 4.476550,
        lambda1: 0.275280,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Ta",
        atomic_number: 73,
        mass: 180.9479,
        lattice: Lattice::Bcc,
        r_e: 2.860082,
        f_e: 3.086341,
        rho_e: 33.787168,
        rho_s: 33.787168,
        alpha: 8.489528,
        beta: 4.527748,
        a: 0.611679,
        b: 1.032101,
        kappa: 0.176977,
        lambda: 0.353954,
        f_low: [-5.103845, -0.405524, 1.112997, -3.585325],
        f_mid: [-5.14, 0.00, 1.640098],
        f3_below: 0.221375,
        f3_above: 0.221375,
        eta: 0.848843,
        f_high: -5.141526,
        beta1: 4.527748,
        lambda1: 0.353954,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "W",
        atomic_number: 74,
        mass: 183.84,
        lattice: Lattice::Bcc,
        r_e: 2.740840,
        f_e: 3.487340,
        rho_e: 37.234847,
        rho_s: 37.234847,
        alpha: 8.900114,
        beta: 4.746728,
        a: 0.882435,
        b: 1.394592,
        kappa: 0.139209,
        lambda: 0.278417,
        f_low: [-4.946281, -0.148818, 0.365057, -4.432406],
        f_mid: [-4.96, 0.00, 0.661935],
        f3_below: 0.348147,
        f3_above: 0.348147,
        eta: 0.582714,
        f_high: -4.961306,
        beta1: 4.746728,
        lambda1: 0.278417,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Mg",
        atomic_number: 12,
        mass: 24.305,
        lattice: Lattice::Hcp,
        r_e: 3.196291,
        f_e: 0.544323,
        rho_e: 7.132600,
        rho_s: 7.132600,
        alpha: 10.228708,
        beta: 5.455311,
        a: 0.137518,
        b: 0.225930,
        kappa: 0.5,
        lambda: 1.0,
        f_low: [-0.896473, -0.044291, 0.162232, -0.689950],
        f_mid: [-0.90, 0.00, 0.122838],
        f3_below: -0.226010,
        f3_above: -0.226010,
        eta: 0.431425,
        f_high: -0.899702,
        beta1: 5.455311,
        lambda1: 1.0,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Co",
        atomic_number: 27,
        mass: 58.9332,
        lattice: Lattice::Hcp,
        r_e: 2.505979,
        f_e: 1.975299,
        rho_e: 27.206789,
        rho_s: 27.206789,
        alpha: 8.679625,
        beta: 4.629134,
        a: 0.421378,
        b: 0.640107,
        kappa: 0.5,
        lambda: 1.0,
        f_low: [-2.541799, -0.219415, 0.733381, -1.589003],
        f_mid: [-2.56, 0.00, 0.705845],
        f3_below: -0.687140,
        f3_above: -0.687140,
        eta: 0.694608,
        f_high: -2.559307,
        beta1: 4.629134,
        lambda1: 1.0,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Ti",
        atomic_number: 22,
        mass: 47.88,
        lattice: Lattice::Hcp,
        r_e: 2.933872,
        f_e: 1.863200,
        rho_e: 25.565138,
        rho_s: 25.565138,
        alpha: 8.775431,
        beta: 4.680230,
        a: 0.373601,
        b: 0.570968,
        kappa: 0.5,
        lambda: 1.0,
        f_low: [-3.203773, -0.198262, 0.683779, -2.321732],
        f_mid: [-3.22, 0.00, 0.608587],
        f3_below: -0.750710,
        f3_above: -0.750710,
        eta: 0.558572,
        f_high: -3.219176,
        beta1: 4.680230,
        lambda1: 1.0,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Zr",
        atomic_number: 40,
        mass: 91.224,
        lattice: Lattice::Hcp,
        r_e: 3.199978,
        f_e: 2.230909,
        rho_e: 30.879991,
        rho_s: 30.879991,
        alpha: 8.559190,
        beta: 4.564902,
        a: 0.424667,
        b: 0.640054,
        kappa: 0.5,
        lambda: 1.0,
        f_low: [-4.485793, -0.293129, 0.990148, -3.202516],
        f_mid: [-4.51, 0.00, 0.928602],
        f3_below: -0.981870,
        f3_above: -0.981870,
        eta: 0.597133,
        f_high: -4.509025,
        beta1: 4.564902,
        lambda1: 1.0,
        rho_low: 0.85,
        rho_high: 1.15,
    },
    ZhouElement {
        symbol: "Cr",
        atomic_number: 24,
        mass: 51.9961,
        lattice: Lattice::Bcc,
        r_e: 2.493879,
        f_e: 1.793835,
        rho_e: 17.641302,
        rho_s: 19.60545,
        alpha: 8.604593,
        beta: 7.170494,
        a: 1.551848,
        b: 1.827556,
        kappa: 0.18533,
        lambda: 0.277995,
        f_low: [-2.022754, 0.039608, -0.183611, -2.245972],
        f_mid: [-2.02, 0.00, -0.056517],
        f3_below: 0.439144,
        f3_above: 0.439144,
        eta: 0.456,
        f_high: -2.020038,
        beta1: 7.170494,
        lambda1: 0.277995,
        rho_low: 0.85,
        rho_high: 1.15,
    },
];

/// Number of distance and density grid points of the conventional tabulation.
pub const TABLE_POINTS: usize = 2000;

/// Distances below this [A] are tabulated with the value at this distance.
pub const SHORTEST_TABULATED_DISTANCE: f64 = 0.5;

/// The parameters of `symbol`, if it is one of the 17 elements.
pub fn element(symbol: &str) -> Option<&'static ZhouElement> {
    ELEMENTS.iter().find(|e| e.symbol == symbol)
}

/// `exp(-decay (x - 1)) / (1 + (x - cut)^20)`: the radial shape shared by every term.
fn radial(decay: f64, cut: f64, x: f64) -> f64 {
    (-decay * (x - 1.0)).exp() / (1.0 + (x - cut).powi(20))
}

/// Electron density f(r) contributed by an atom of `e` at distance `r` [A].
pub fn density(e: &ZhouElement, r: f64) -> f64 {
    e.f_e * radial(e.beta1, e.lambda1, r / e.r_e)
}

/// Pair energy phi(r) [eV] of two atoms of `e` at distance `r` [A].
pub fn pair_like(e: &ZhouElement, r: f64) -> f64 {
    let x = r / e.r_e;
    e.a * radial(e.alpha, e.kappa, x) - e.b * radial(e.beta, e.lambda, x)
}

/// Pair energy phi_ab(r) [eV] of atoms of `a` and `b` at distance `r` [A]:
/// (f_b/f_a phi_aa + f_a/f_b phi_bb) / 2 (Johnson's alloy rule, as in the paper).
pub fn pair(a: &ZhouElement, b: &ZhouElement, r: f64) -> f64 {
    if a.symbol == b.symbol {
        return pair_like(a, r);
    }
    let (fa, fb) = (density(a, r), density(b, r));
    0.5 * (fb / fa * pair_like(a, r) + fa / fb * pair_like(b, r))
}

/// Embedding energy F(rho) [eV] of an atom of `e` in host density `rho`.
pub fn embedding(e: &ZhouElement, rho: f64) -> f64 {
    let rho_n = e.rho_low * e.rho_e;
    let rho_o = e.rho_high * e.rho_e;
    if rho < rho_n {
        let t = rho / rho_n - 1.0;
        e.f_low[0] + t * (e.f_low[1] + t * (e.f_low[2] + t * e.f_low[3]))
    } else if rho < rho_o {
        let t = rho / e.rho_e - 1.0;
        let f3 = if rho < e.rho_e {
            e.f3_below
        } else {
            e.f3_above
        };
        e.f_mid[0] + t * (e.f_mid[1] + t * (e.f_mid[2] + t * f3))
    } else {
        let s = rho / e.rho_s;
        e.f_high * (1.0 - e.eta * s.ln()) * s.powf(e.eta)
    }
}

/// Lattice constant [A] of `e`'s ground-state lattice.
pub fn lattice_constant(e: &ZhouElement) -> f64 {
    match e.lattice {
        Lattice::Fcc => std::f64::consts::SQRT_2 * e.r_e,
        Lattice::Bcc => 2.0 * e.r_e / 3f64.sqrt(),
        Lattice::Hcp => e.r_e,
    }
}

/// The parameters of each element named, in order; an unknown or repeated name is an error.
fn named_elements(symbols: &[&str]) -> Result<Vec<&'static ZhouElement>> {
    if symbols.is_empty() {
        return Err(Error::invalid("zhou2004: name at least one element"));
    }
    let mut elements: Vec<&ZhouElement> = Vec::new();
    for s in symbols {
        let e = element(s).ok_or_else(|| {
            let known: Vec<&str> = ELEMENTS.iter().map(|e| e.symbol).collect();
            Error::invalid(format!(
                "zhou2004: no parameters for element {s} (available: {})",
                known.join(" ")
            ))
        })?;
        if elements.iter().any(|x| x.symbol == e.symbol) {
            return Err(Error::invalid(format!("zhou2004: element {s} named twice")));
        }
        elements.push(e);
    }
    Ok(elements)
}

/// The distance grid and the tables on it.
struct DistanceTables {
    /// Cutoff r_c [A].
    cutoff: f64,
    /// Grid spacing [A].
    dr: f64,
    /// Density of each element.
    density: Vec<Vec<f64>>,
    /// r phi [eV A] of each element pair, in setfl order (b <= a).
    pair: Vec<Vec<f64>>,
}

/// The distance tables of `elements` on [`TABLE_POINTS`] points from 0 to
/// r_c = sqrt(10)/2 a_max (a_max = sqrt(2) r_e of the largest element), distances below
/// [`SHORTEST_TABULATED_DISTANCE`] evaluated there.
fn distance_tables(elements: &[&ZhouElement]) -> DistanceTables {
    let n = TABLE_POINTS;
    let a_max = elements
        .iter()
        .map(|e| std::f64::consts::SQRT_2 * e.r_e)
        .fold(0.0, f64::max);
    let cutoff = 10f64.sqrt() / 2.0 * a_max;
    let dr = cutoff / (n - 1) as f64;
    let r_at = |k: usize| (k as f64 * dr).max(SHORTEST_TABULATED_DISTANCE);
    let density = elements
        .iter()
        .map(|e| (0..n).map(|k| density(e, r_at(k))).collect())
        .collect();
    let mut pair_tables = Vec::new();
    for (ia, a) in elements.iter().enumerate() {
        for b in &elements[..=ia] {
            pair_tables.push((0..n).map(|k| r_at(k) * pair(a, b, r_at(k))).collect());
        }
    }
    DistanceTables {
        cutoff,
        dr,
        density,
        pair: pair_tables,
    }
}

/// The embedding energy [eV] of each element on [`TABLE_POINTS`] densities spaced `drho`,
/// with F(0) = 0.
fn embedding_tables(elements: &[&ZhouElement], drho: f64) -> Vec<Vec<f64>> {
    elements
        .iter()
        .map(|e| {
            (0..TABLE_POINTS)
                .map(|k| {
                    if k == 0 {
                        0.0
                    } else {
                        embedding(e, k as f64 * drho)
                    }
                })
                .collect()
        })
        .collect()
}

/// Tabulates the potential of `symbols` as a setfl file, with the conventional grids (as the
/// authors' generator, LAMMPS `tools/eam_database`): 2000 distances from 0 to
/// r_c = sqrt(10)/2 a_max, with a_max = sqrt(2) r_e of the largest element, distances below
/// 0.5 A evaluated at 0.5 A (r*phi too); 2000 densities from 0 to the largest of the largest
/// tabulated like-element density, twice the largest rho_e and 100; F(0) = 0. `command` is
/// written as the first comment line.
pub fn tabulate(symbols: &[&str], command: &str) -> Result<SetflFile> {
    let elements = named_elements(symbols)?;
    let n = TABLE_POINTS;
    let distances = distance_tables(&elements);
    let (cutoff, dr) = (distances.cutoff, distances.dr);
    let (density_tables, pair_tables) = (distances.density, distances.pair);
    let largest_density = density_tables
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let largest_rho_e = elements.iter().map(|e| e.rho_e).fold(0.0, f64::max);
    let rho_max = largest_density.max(2.0 * largest_rho_e).max(100.0);
    let drho = rho_max / (n - 1) as f64;
    let embedding_tables = embedding_tables(&elements, drho);

    let names: Vec<&str> = elements.iter().map(|e| e.symbol).collect();
    Ok(SetflFile {
        comments: [
            command.to_string(),
            "Zhou, Johnson & Wadley, Phys. Rev. B 69, 144113 (2004), parameters as revised at NIST \
             (Cr: Lin, Johnson & Zhigilei, Phys. Rev. B 77, 214108 (2008))"
                .to_string(),
            format!(
                "EAM {} tabulated by sintermd {}: {n} points to r_c = {cutoff} A and to rho = {rho_max}",
                names.join("-"),
                env!("CARGO_PKG_VERSION")
            ),
        ],
        layout: SetflLayout::Alloy,
        elements: elements
            .iter()
            .map(|e| SetflElement {
                name: e.symbol.to_string(),
                atomic_number: e.atomic_number,
                mass: e.mass,
                lattice_constant: lattice_constant(e),
                lattice: format!("{:?}", e.lattice).to_lowercase(),
            })
            .collect(),
        drho,
        dr,
        cutoff,
        embedding: embedding_tables,
        density: density_tables,
        pair: pair_tables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_is_continuous_and_vanishes_at_zero_density() {
        for e in &ELEMENTS {
            assert!(
                embedding(e, 0.0).abs() < 1e-5,
                "{}: F(0) = {}",
                e.symbol,
                embedding(e, 0.0)
            );
            for bound in [e.rho_low * e.rho_e, e.rho_e, e.rho_high * e.rho_e] {
                let (below, above) = (embedding(e, bound * (1.0 - 1e-12)), embedding(e, bound));
                assert!(
                    (below - above).abs() < 2e-3,
                    "{} at {bound}: {below} vs {above}",
                    e.symbol
                );
            }
        }
    }

    #[test]
    fn pair_and_density_match_the_formulas_at_r_e() {
        let cu = element("Cu").unwrap();
        let x1 = 1.0 / (1.0 + (1.0 - cu.lambda1).powi(20));
        assert!((density(cu, cu.r_e) - cu.f_e * x1).abs() < 1e-15);
        let p =
            cu.a / (1.0 + (1.0 - cu.kappa).powi(20)) - cu.b / (1.0 + (1.0 - cu.lambda).powi(20));
        assert!((pair_like(cu, cu.r_e) - p).abs() < 1e-15);
        let fe = element("Fe").unwrap();
        let r = 2.6;
        let mixed = 0.5
            * (density(fe, r) / density(cu, r) * pair_like(cu, r)
                + density(cu, r) / density(fe, r) * pair_like(fe, r));
        assert_eq!(pair(cu, fe, r), mixed);
        assert_eq!(pair(fe, cu, r), pair(cu, fe, r));
    }

    #[test]
    fn tabulation_follows_the_conventions() {
        let f = tabulate(&["Pt", "Fe"], "test").unwrap();
        f.check().unwrap();
        let pt = element("Pt").unwrap();
        let rc = 10f64.sqrt() / 2.0 * std::f64::consts::SQRT_2 * pt.r_e;
        assert!((f.cutoff - rc).abs() < 1e-12);
        assert!(((f.nr() - 1) as f64 * f.dr - rc).abs() < 1e-12);
        assert_eq!(f.nr(), 2000);
        assert_eq!(f.embedding[0][0], 0.0);
        assert_eq!(f.density[0][0], density(pt, 0.5));
        assert_eq!(f.pair[0][0], 0.5 * pair_like(pt, 0.5));
        assert_eq!(f.pair.len(), 3);
        // Fe's density at 0.5 A (about 123) is the largest tabulated density.
        let fe = element("Fe").unwrap();
        assert!(density(fe, 0.5) > 100.0);
        assert!(((f.nrho() - 1) as f64 * f.drho - density(fe, 0.5)).abs() < 1e-9);
        let cu = tabulate(&["Cu"], "t").unwrap();
        assert!(((cu.nrho() - 1) as f64 * cu.drho - 100.0).abs() < 1e-9);
        let e = tabulate(&["Pt", "Xx"], "t").unwrap_err().to_string();
        assert!(e.contains("no parameters for element Xx"), "{e}");
    }
}
