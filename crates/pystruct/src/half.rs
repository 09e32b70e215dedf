//! Float conversions as CPython's `PyFloat_Pack2/4` and `PyFloat_Unpack2/4`
//! do them on x86-64, spelled out in bits so that nothing depends on the
//! host FPU or on how Rust casts NaNs.

/// `PyFloat_Pack2`: round half to even; `None` on overflow (a finite value
/// that rounds to 2^16 or beyond). NaN packs as the quiet NaN with the sign
/// kept and the payload dropped.
pub fn pack_half(x: f64) -> Option<u16> {
    let sign = u16::from(x.is_sign_negative()) << 15;
    if x == 0.0 {
        return Some(sign);
    }
    if x.is_infinite() {
        return Some(sign | 0x7c00);
    }
    if x.is_nan() {
        return Some(sign | 0x7e00);
    }
    let (mut f, mut e) = frexp(x.abs());
    // 1 <= f < 2
    f *= 2.0;
    e -= 1;
    if e >= 16 {
        return None;
    }
    if e < -25 {
        // |x| < 2**-25: underflow to zero.
        f = 0.0;
        e = 0;
    } else if e < -14 {
        // Subnormal: the exponent goes into the significand.
        f = ldexp(f, 14 + e);
        e = 0;
    } else {
        e += 15;
        f -= 1.0;
    }
    f *= 1024.0;
    let mut bits = f as u16;
    let rest = f - f64::from(bits);
    if rest > 0.5 || (rest == 0.5 && bits % 2 == 1) {
        bits += 1;
        if bits == 1024 {
            bits = 0;
            e += 1;
            if e == 31 {
                return None;
            }
        }
    }
    Some(sign | ((e as u16) << 10) | bits)
}

/// `PyFloat_Unpack2`: exact; a NaN comes back as the canonical quiet NaN
/// with its sign (CPython 3.11 drops the payload).
pub fn unpack_half(b: u16) -> f64 {
    let negative = b & 0x8000 != 0;
    let e = i32::from((b >> 10) & 0x1f);
    let f = b & 0x03ff;
    let x = if e == 0x1f {
        if f == 0 {
            f64::INFINITY
        } else {
            f64::from_bits(0x7ff8_0000_0000_0000)
        }
    } else if e == 0 {
        ldexp(f64::from(f) / 1024.0, -14)
    } else {
        ldexp(1.0 + f64::from(f) / 1024.0, e - 15)
    };
    if negative {
        -x
    } else {
        x
    }
}

/// `(float)x` as x86-64 rounds it (to nearest even); `None` when a finite
/// value overflows to infinity and `checked` (standard sizes raise,
/// native `f` saturates). NaN: sign kept, quiet bit set, top payload bits.
pub fn pack_single(x: f64, checked: bool) -> Option<u32> {
    if x.is_nan() {
        let b = x.to_bits();
        let sign = ((b >> 63) as u32) << 31;
        let payload = ((b >> 29) & 0x007f_ffff) as u32;
        return Some(sign | 0x7fc0_0000 | payload);
    }
    let y = x as f32;
    if checked && y.is_infinite() && !x.is_infinite() {
        return None;
    }
    Some(y.to_bits())
}

/// `(double)f` on x86-64: exact; a signalling NaN is quieted.
pub fn unpack_single(b: u32) -> f64 {
    let y = f32::from_bits(b);
    if y.is_nan() {
        let sign = u64::from(b >> 31) << 63;
        let payload = u64::from(b & 0x007f_ffff) << 29;
        return f64::from_bits(sign | 0x7ff8_0000_0000_0000 | payload);
    }
    f64::from(y)
}

/// C's `frexp` for finite, positive, non-zero `x`: `x = f * 2^e`, `0.5 <= f < 1`.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (f, e) = frexp(x * 2f64.powi(54));
        return (f, e - 54);
    }
    let f = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (f, exp - 1022)
}

/// `x * 2^e`, exact for the small exponents used here.
fn ldexp(x: f64, e: i32) -> f64 {
    x * 2f64.powi(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_matches_cpython_edges() {
        // Values checked against python3 -c 'struct.pack(">e", x).hex()'.
        assert_eq!(pack_half(65519.99), Some(0x7bff));
        assert_eq!(pack_half(65520.0), None);
        assert_eq!(pack_half(2f64.powi(-25)), Some(0x0000));
        assert_eq!(pack_half(2.980232536792755e-08), Some(0x0001));
        assert_eq!(pack_half(8.940696716308594e-08), Some(0x0002));
        assert_eq!(pack_half(-0.0), Some(0x8000));
        assert_eq!(pack_half(f64::NEG_INFINITY), Some(0xfc00));
        assert_eq!(pack_half(1e-8), Some(0));
        assert_eq!(unpack_half(0x7e01).to_bits(), 0x7ff8_0000_0000_0000);
        assert_eq!(unpack_half(0xfe01).to_bits(), 0xfff8_0000_0000_0000);
        for b in 0..=0xffffu16 {
            let x = unpack_half(b);
            if !x.is_nan() {
                assert_eq!(pack_half(x), Some(b), "bits {b:04x}");
            }
        }
    }

    #[test]
    fn single_nan_and_overflow() {
        assert_eq!(
            pack_single(f64::from_bits(0x7ff4_0000_2000_0001), true),
            Some(0x7fe0_0001)
        );
        assert_eq!(unpack_single(0x7f80_0001).to_bits(), 0x7ff8_0000_2000_0000);
        assert_eq!(pack_single(3.4028235677973366e38, true), None);
        assert_eq!(pack_single(1e300, false), Some(0x7f80_0000));
    }
}
