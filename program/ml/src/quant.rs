//! Fixed-point requantization: an i32 accumulator back to int8 (`docs/ml.md`).
//!
//! The real scale `s_in · s_w / s_out` is carried as `M · 2^-n` with `2^30 ≤ M < 2^31`; the
//! product is rounded half up with one 64-bit multiply and shift, which every platform and
//! numpy compute alike.

use crate::{Error, Result};

/// The requantization of one layer's accumulators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requantize {
    multiplier: i64,
    shift: u32,
    zero_point: i32,
    min: i32,
}

impl Requantize {
    /// From the file's fields: `multiplier` M, `shift` s (total right shift 31 + s), the output
    /// zero point and whether a relu clamps at it.
    pub fn new(multiplier: i32, shift: i32, zero_point: i32, relu: bool) -> Result<Self> {
        if !(1 << 30..=i32::MAX).contains(&multiplier) {
            return Err(Error::InvalidModel("requantization multiplier outside [2^30, 2^31)"));
        }
        let total = 31i64 + i64::from(shift);
        if !(1..=62).contains(&total) {
            return Err(Error::InvalidModel("requantization shift outside [-30, 31]"));
        }
        let zero_point = check_zero_point(zero_point)?;
        let min = if relu { zero_point } else { -128 };
        Ok(Self { multiplier: i64::from(multiplier), shift: total as u32, zero_point, min })
    }

    /// `clamp(((acc · M + 2^(n−1)) >> n) + zp, min, 127)`.
    #[inline(always)]
    pub fn apply(&self, acc: i32) -> i8 {
        let scaled = (i64::from(acc) * self.multiplier + (1i64 << (self.shift - 1))) >> self.shift;
        let q = scaled.saturating_add(i64::from(self.zero_point));
        q.clamp(i64::from(self.min), 127) as i8
    }

    /// The output zero point.
    pub fn zero_point(&self) -> i32 {
        self.zero_point
    }
}

/// `zp` if it is a valid int8 zero point.
pub fn check_zero_point(zp: i32) -> Result<i32> {
    if (-128..=127).contains(&zp) {
        Ok(zp)
    } else {
        Err(Error::InvalidModel("zero point outside [-128, 127]"))
    }
}
