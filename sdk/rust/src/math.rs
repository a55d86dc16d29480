//! Math functions for hot loops: the same results natively and in the
//! sandbox, and cheap in the sandbox.
//!
//! `f64::sin` and friends call the platform's C library: glibc natively,
//! wasi-libc (musl) in a `wasm32-wasip2` build. In the sandbox that costs
//! twice. The C library's functions are separate functions in the component
//! (`sin` calls `__sin` and `__rem_pio2`), so every call is a call, and every
//! function entered checks the host's per-call deadline. And the two
//! libraries round differently in the last bit now and then, so a native unit
//! test does not predict the sandbox's output exactly.
//!
//! These functions are one implementation (the `libm` crate, a port of musl's
//! libm), written in Rust, so that with the plugin profile's LTO the compiler
//! inlines the common path into the loop that calls it: in the sandbox, one
//! deadline check per row instead of one per function entered. Same code
//! natively and in the sandbox gives bit-identical results in both.
//!
//! ```
//! use wasmprep_sdk::math;
//! let a = math::sin(0.5).powi(2) + math::cos(0.5).powi(2);
//! assert!((a - 1.0).abs() < 1e-15);
//! ```
//!
//! `sqrt`, `abs`, `floor`, `ceil`, `trunc`, `round`, `mul_add` and `min`/`max`
//! are single instructions in WebAssembly and exact everywhere: use the
//! methods of `f64` and `f32` for those.

macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident => $libm:ident, $libmf:ident, $namef:ident;)*) => {$(
        $(#[$doc])*
        #[inline]
        pub fn $name(x: f64) -> f64 {
            libm::$libm(x)
        }

        $(#[$doc])*
        /// (f32)
        #[inline]
        pub fn $namef(x: f32) -> f32 {
            libm::$libmf(x)
        }
    )*};
}

unary! {
    /// The sine of `x` radians.
    sin => sin, sinf, sin_f32;
    /// The cosine of `x` radians.
    cos => cos, cosf, cos_f32;
    /// The tangent of `x` radians.
    tan => tan, tanf, tan_f32;
    /// The arcsine of `x`, in radians.
    asin => asin, asinf, asin_f32;
    /// The arccosine of `x`, in radians.
    acos => acos, acosf, acos_f32;
    /// The arctangent of `x`, in radians.
    atan => atan, atanf, atan_f32;
    /// The hyperbolic sine of `x`.
    sinh => sinh, sinhf, sinh_f32;
    /// The hyperbolic cosine of `x`.
    cosh => cosh, coshf, cosh_f32;
    /// The hyperbolic tangent of `x`.
    tanh => tanh, tanhf, tanh_f32;
    /// e to the power `x`.
    exp => exp, expf, exp_f32;
    /// 2 to the power `x`.
    exp2 => exp2, exp2f, exp2_f32;
    /// e to the power `x`, minus 1, accurate near 0.
    exp_m1 => expm1, expm1f, exp_m1_f32;
    /// The natural logarithm of `x`.
    ln => log, logf, ln_f32;
    /// The natural logarithm of `1 + x`, accurate near 0.
    ln_1p => log1p, log1pf, ln_1p_f32;
    /// The base-2 logarithm of `x`.
    log2 => log2, log2f, log2_f32;
    /// The base-10 logarithm of `x`.
    log10 => log10, log10f, log10_f32;
    /// The cube root of `x`.
    cbrt => cbrt, cbrtf, cbrt_f32;
}

/// The arctangent of `y / x`, in radians, in the quadrant of `(x, y)`.
#[inline]
pub fn atan2(y: f64, x: f64) -> f64 {
    libm::atan2(y, x)
}

/// `x` to the power `y`.
#[inline]
pub fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `sqrt(x² + y²)` without overflow or underflow on the way.
#[inline]
pub fn hypot(x: f64, y: f64) -> f64 {
    libm::hypot(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The functions agree with the platform's to within an ulp or two, so a
    /// wrong mapping (sin bound to cos, a float32 variant to the wrong name)
    /// fails here.
    #[test]
    fn each_function_is_the_one_its_name_says() {
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1e-300);
        for x in [0.1f64, 0.5, 0.9, 2.5, 10.0] {
            let unit = x / 10.0;
            assert!(close(sin(x), x.sin()) && close(cos(x), x.cos()) && close(tan(x), x.tan()));
            assert!(close(asin(unit), unit.asin()) && close(acos(unit), unit.acos()));
            assert!(close(atan(x), x.atan()) && close(atan2(x, 2.0), x.atan2(2.0)));
            assert!(
                close(sinh(x), x.sinh()) && close(cosh(x), x.cosh()) && close(tanh(x), x.tanh())
            );
            assert!(
                close(exp(x), x.exp()) && close(exp2(x), x.exp2()) && close(exp_m1(x), x.exp_m1())
            );
            assert!(close(ln(x), x.ln()) && close(ln_1p(x), x.ln_1p()));
            assert!(close(log2(x), x.log2()) && close(log10(x), x.log10()));
            assert!(close(cbrt(x), x.cbrt()) && close(pow(x, 1.5), x.powf(1.5)));
            assert!(close(hypot(x, 3.0), x.hypot(3.0)));
            let (f, e) = (x as f32, 4.0 * f32::EPSILON);
            let near = |a: f32, b: f32| (a - b).abs() <= e * b.abs().max(1e-30);
            assert!(near(sin_f32(f), f.sin()) && near(cos_f32(f), f.cos()));
            assert!(near(tan_f32(f), f.tan()) && near(atan_f32(f), f.atan()));
            assert!(near(asin_f32(f / 10.0), (f / 10.0).asin()));
            assert!(near(acos_f32(f / 10.0), (f / 10.0).acos()));
            assert!(near(sinh_f32(f), f.sinh()) && near(cosh_f32(f), f.cosh()));
            assert!(near(tanh_f32(f), f.tanh()) && near(exp_f32(f), f.exp()));
            assert!(near(exp2_f32(f), f.exp2()) && near(exp_m1_f32(f), f.exp_m1()));
            assert!(near(ln_f32(f), f.ln()) && near(ln_1p_f32(f), f.ln_1p()));
            assert!(near(log2_f32(f), f.log2()) && near(log10_f32(f), f.log10()));
            assert!(near(cbrt_f32(f), f.cbrt()));
        }
    }
}
