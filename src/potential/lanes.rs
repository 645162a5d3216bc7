//! Four f64 lanes for the pair loops of the potentials (EAM's passes, MEAM's screening search):
//! AVX2 + FMA where the CPU has them ([`Avx2Fma`], x86-64, chosen at run time), and plain Rust
//! that performs the very same IEEE operations ([`Portable`]: fused multiply-adds through
//! `f64::mul_add`, the same lane order, the same comparisons and conversions). Both give bitwise
//! identical results, so a result does not depend on the CPU that computed it (`eam::passes`
//! tests this).
//!
//! Every operation is an `unsafe fn`: the AVX2 ones may only run on a CPU with AVX2 and FMA
//! ([`KernelPath::detect`]), and the loads and stores read and write through raw pointers.

/// Which implementation of the lanes the pair loops run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelPath {
    /// AVX2 and FMA instructions (x86-64 CPUs since about 2013).
    Avx2Fma,
    /// Plain Rust, any CPU (slower; same results).
    Portable,
}

impl KernelPath {
    /// The fastest path this CPU can run.
    pub fn detect() -> Self {
        if KernelPath::Avx2Fma.is_available() {
            KernelPath::Avx2Fma
        } else {
            KernelPath::Portable
        }
    }

    /// The path itself when this CPU can run it, else an error naming `what` runs on it.
    pub fn require(self, what: &str) -> crate::error::Result<Self> {
        if self.is_available() {
            Ok(self)
        } else {
            Err(crate::error::Error::invalid(format!(
                "{what} kernel {self:?} is not available on this CPU"
            )))
        }
    }

    /// Whether this CPU can run the path.
    pub fn is_available(self) -> bool {
        match self {
            KernelPath::Portable => true,
            #[cfg(target_arch = "x86_64")]
            KernelPath::Avx2Fma => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
            }
            #[cfg(not(target_arch = "x86_64"))]
            KernelPath::Avx2Fma => false,
        }
    }
}

/// Four f64 values processed together, and the few operations the pair passes need. Every
/// implementation must round exactly as IEEE 754 double arithmetic does (`mul_add` fused).
pub(crate) trait Lanes: Copy {
    /// Four f64 values.
    type V: Copy;

    /// Every lane `x`.
    unsafe fn splat(x: f64) -> Self::V;
    /// Lanes from an array (lane l = `a[l]`).
    unsafe fn from_array(a: [f64; 4]) -> Self::V;
    /// The lanes as an array.
    unsafe fn to_array(v: Self::V) -> [f64; 4];
    /// Four values from `p` (no alignment needed).
    unsafe fn load(p: *const f64) -> Self::V;
    /// Four values to `p` (no alignment needed).
    unsafe fn store(p: *mut f64, v: Self::V);
    /// a + b.
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V;
    /// a - b.
    unsafe fn sub(a: Self::V, b: Self::V) -> Self::V;
    /// a * b.
    unsafe fn mul(a: Self::V, b: Self::V) -> Self::V;
    /// a / b.
    unsafe fn div(a: Self::V, b: Self::V) -> Self::V;
    /// a * b + c with one rounding.
    unsafe fn mul_add(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// Square root.
    unsafe fn sqrt(a: Self::V) -> Self::V;
    /// `if a < b { a } else { b }` per lane.
    unsafe fn min(a: Self::V, b: Self::V) -> Self::V;
    /// Lanes `l >= n` set to +0.0.
    unsafe fn first_lanes(v: Self::V, n: usize) -> Self::V;
    /// Bit l set where `a[l] < b[l]` (false for NaN).
    unsafe fn less_than(a: Self::V, b: Self::V) -> u32;
    /// Bit l set where `a[l] <= b[l]` (false for NaN).
    unsafe fn less_equal(a: Self::V, b: Self::V) -> u32;
    /// Truncation toward zero to i32 (as x86 `cvttpd2dq`: i32::MIN for NaN and out of range),
    /// then clamped to `lo..=hi`, returned as integers and as f64.
    unsafe fn truncate_clamp(v: Self::V, lo: i32, hi: i32) -> ([i32; 4], Self::V);
    /// Rows to columns: lane l of output k is lane k of row l.
    unsafe fn transpose(rows: [Self::V; 4]) -> [Self::V; 4];
    /// Writes the lanes whose bit is set in `mask`, in lane order, to `dst[0..]`; may also write
    /// unspecified values up to `dst[3]` (callers must mask whatever they compute from them).
    unsafe fn compress_store(v: Self::V, mask: u32, dst: *mut f64);
    /// As [`Lanes::compress_store`] for four u32 values.
    unsafe fn compress_store_u32(v: [u32; 4], mask: u32, dst: *mut u32);
}

/// The lanes as plain Rust.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Portable;

impl Lanes for Portable {
    type V = [f64; 4];

    #[inline(always)]
    unsafe fn splat(x: f64) -> [f64; 4] {
        [x; 4]
    }
    #[inline(always)]
    unsafe fn from_array(a: [f64; 4]) -> [f64; 4] {
        a
    }
    #[inline(always)]
    unsafe fn to_array(v: [f64; 4]) -> [f64; 4] {
        v
    }
    #[inline(always)]
    unsafe fn load(p: *const f64) -> [f64; 4] {
        unsafe { std::ptr::read_unaligned(p as *const [f64; 4]) }
    }
    #[inline(always)]
    unsafe fn store(p: *mut f64, v: [f64; 4]) {
        unsafe { std::ptr::write_unaligned(p as *mut [f64; 4], v) }
    }
    #[inline(always)]
    unsafe fn add(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| a[l] + b[l])
    }
    #[inline(always)]
    unsafe fn sub(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| a[l] - b[l])
    }
    #[inline(always)]
    unsafe fn mul(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| a[l] * b[l])
    }
    #[inline(always)]
    unsafe fn div(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| a[l] / b[l])
    }
    #[inline(always)]
    unsafe fn mul_add(a: [f64; 4], b: [f64; 4], c: [f64; 4]) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| a[l].mul_add(b[l], c[l]))
    }
    #[inline(always)]
    unsafe fn sqrt(a: [f64; 4]) -> [f64; 4] {
        a.map(f64::sqrt)
    }
    #[inline(always)]
    unsafe fn min(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| if a[l] < b[l] { a[l] } else { b[l] })
    }
    #[inline(always)]
    unsafe fn first_lanes(v: [f64; 4], n: usize) -> [f64; 4] {
        [0, 1, 2, 3].map(|l| if l < n { v[l] } else { 0.0 })
    }
    #[inline(always)]
    unsafe fn less_than(a: [f64; 4], b: [f64; 4]) -> u32 {
        (0..4).map(|l| u32::from(a[l] < b[l]) << l).sum()
    }
    #[inline(always)]
    unsafe fn less_equal(a: [f64; 4], b: [f64; 4]) -> u32 {
        (0..4).map(|l| u32::from(a[l] <= b[l]) << l).sum()
    }
    #[inline(always)]
    unsafe fn truncate_clamp(v: [f64; 4], lo: i32, hi: i32) -> ([i32; 4], [f64; 4]) {
        let m = v.map(|x| {
            let t = if x > -2147483649.0 && x < 2147483648.0 {
                x as i32
            } else {
                i32::MIN
            };
            t.max(lo).min(hi)
        });
        (m, m.map(f64::from))
    }
    #[inline(always)]
    unsafe fn transpose(rows: [[f64; 4]; 4]) -> [[f64; 4]; 4] {
        [0, 1, 2, 3].map(|k| [0, 1, 2, 3].map(|l| rows[l][k]))
    }
    #[inline(always)]
    unsafe fn compress_store(v: [f64; 4], mask: u32, dst: *mut f64) {
        let mut n = 0;
        for (l, x) in v.into_iter().enumerate() {
            if mask & (1 << l) != 0 {
                unsafe { *dst.add(n) = x };
                n += 1;
            }
        }
    }
    #[inline(always)]
    unsafe fn compress_store_u32(v: [u32; 4], mask: u32, dst: *mut u32) {
        let mut n = 0;
        for (l, x) in v.into_iter().enumerate() {
            if mask & (1 << l) != 0 {
                unsafe { *dst.add(n) = x };
                n += 1;
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use avx2::Avx2Fma;

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::Lanes;

    /// The lanes as AVX2 + FMA registers. Only for CPUs where [`super::KernelPath::Avx2Fma`] is
    /// available.
    #[derive(Clone, Copy, Debug)]
    pub struct Avx2Fma;

    /// For each 4-bit mask, the 32-bit source lanes that move the selected f64 lanes to the
    /// front (`vpermps` indices, two per f64); the remaining output lanes repeat lane 0 whole,
    /// so that they hold ordinary numbers.
    static COMPRESS_F64: [[i32; 8]; 16] = compress_table::<8>(2);
    /// The same for u32 lanes.
    static COMPRESS_U32: [[i32; 4]; 16] = compress_table::<4>(1);

    const fn compress_table<const W: usize>(per_lane: usize) -> [[i32; W]; 16] {
        let mut table = [[0i32; W]; 16];
        let mut mask = 0;
        while mask < 16 {
            let mut k = 0;
            let mut lane = 0;
            while lane < 4 {
                if mask & (1 << lane) != 0 {
                    let mut w = 0;
                    while w < per_lane {
                        table[mask][per_lane * k + w] = (per_lane * lane + w) as i32;
                        w += 1;
                    }
                    k += 1;
                }
                lane += 1;
            }
            while k < 4 {
                let mut w = 0;
                while w < per_lane {
                    table[mask][per_lane * k + w] = w as i32;
                    w += 1;
                }
                k += 1;
            }
            mask += 1;
        }
        table
    }

    impl Lanes for Avx2Fma {
        type V = __m256d;

        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn splat(x: f64) -> __m256d {
            _mm256_set1_pd(x)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn from_array(a: [f64; 4]) -> __m256d {
            _mm256_set_pd(a[3], a[2], a[1], a[0])
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn to_array(v: __m256d) -> [f64; 4] {
            let mut a = [0.0; 4];
            unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) };
            a
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn load(p: *const f64) -> __m256d {
            unsafe { _mm256_loadu_pd(p) }
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn store(p: *mut f64, v: __m256d) {
            unsafe { _mm256_storeu_pd(p, v) }
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn add(a: __m256d, b: __m256d) -> __m256d {
            _mm256_add_pd(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn sub(a: __m256d, b: __m256d) -> __m256d {
            _mm256_sub_pd(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn mul(a: __m256d, b: __m256d) -> __m256d {
            _mm256_mul_pd(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn div(a: __m256d, b: __m256d) -> __m256d {
            _mm256_div_pd(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn mul_add(a: __m256d, b: __m256d, c: __m256d) -> __m256d {
            _mm256_fmadd_pd(a, b, c)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn sqrt(a: __m256d) -> __m256d {
            _mm256_sqrt_pd(a)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn min(a: __m256d, b: __m256d) -> __m256d {
            // vminpd returns the second operand unless a < b.
            _mm256_min_pd(a, b)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn first_lanes(v: __m256d, n: usize) -> __m256d {
            let lane = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
            let keep = _mm256_cmp_pd::<_CMP_LT_OQ>(lane, _mm256_set1_pd(n as f64));
            _mm256_and_pd(v, keep)
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn less_than(a: __m256d, b: __m256d) -> u32 {
            _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(a, b)) as u32
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn less_equal(a: __m256d, b: __m256d) -> u32 {
            _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LE_OQ>(a, b)) as u32
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn truncate_clamp(v: __m256d, lo: i32, hi: i32) -> ([i32; 4], __m256d) {
            let t = _mm256_cvttpd_epi32(v);
            let t = _mm_min_epi32(_mm_max_epi32(t, _mm_set1_epi32(lo)), _mm_set1_epi32(hi));
            let mut m = [0i32; 4];
            unsafe { _mm_storeu_si128(m.as_mut_ptr() as *mut __m128i, t) };
            (m, _mm256_cvtepi32_pd(t))
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn transpose(rows: [__m256d; 4]) -> [__m256d; 4] {
            let t0 = _mm256_unpacklo_pd(rows[0], rows[1]);
            let t1 = _mm256_unpackhi_pd(rows[0], rows[1]);
            let t2 = _mm256_unpacklo_pd(rows[2], rows[3]);
            let t3 = _mm256_unpackhi_pd(rows[2], rows[3]);
            [
                _mm256_permute2f128_pd::<0x20>(t0, t2),
                _mm256_permute2f128_pd::<0x20>(t1, t3),
                _mm256_permute2f128_pd::<0x31>(t0, t2),
                _mm256_permute2f128_pd::<0x31>(t1, t3),
            ]
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn compress_store(v: __m256d, mask: u32, dst: *mut f64) {
            let table = &COMPRESS_F64[(mask & 15) as usize];
            let index = unsafe { _mm256_loadu_si256(table.as_ptr() as *const __m256i) };
            let packed = _mm256_permutevar8x32_ps(_mm256_castpd_ps(v), index);
            unsafe { _mm256_storeu_pd(dst, _mm256_castps_pd(packed)) }
        }
        #[inline]
        #[target_feature(enable = "avx2,fma")]
        unsafe fn compress_store_u32(v: [u32; 4], mask: u32, dst: *mut u32) {
            let table = &COMPRESS_U32[(mask & 15) as usize];
            unsafe {
                let index = _mm_loadu_si128(table.as_ptr() as *const __m128i);
                let values = _mm_loadu_si128(v.as_ptr() as *const __m128i);
                let packed = _mm_permutevar_ps(_mm_castsi128_ps(values), index);
                _mm_storeu_si128(dst as *mut __m128i, _mm_castps_si128(packed));
            }
        }
    }
}
