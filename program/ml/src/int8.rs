//! Integer kernels: int8 activations and weights, i32 accumulators (`docs/ml.md`).
//!
//! Weights have zero point 0; the input zero point is folded into per-output weight sums, so
//! the inner loop is a plain int8 dot product (the VM's cost per multiply-accumulate is what
//! `make bench` reports).

use crate::quant::Requantize;

/// A dense layer's weights `[N, K]`, bias `[N]` and the sums of each weight row.
#[derive(Debug, Clone)]
pub struct Dense {
    weights: alloc::vec::Vec<i8>,
    bias: alloc::vec::Vec<i32>,
    row_sums: alloc::vec::Vec<i32>,
    inputs: usize,
}

impl Dense {
    /// A dense layer with `bias.len()` outputs; `weights.len()` must be a multiple of it.
    pub fn new(weights: alloc::vec::Vec<i8>, bias: alloc::vec::Vec<i32>) -> Option<Self> {
        let outputs = bias.len();
        if outputs == 0 || !weights.len().is_multiple_of(outputs) || weights.is_empty() {
            return None;
        }
        let inputs = weights.len() / outputs;
        let row_sums = weights
            .chunks_exact(inputs)
            .map(|row| row.iter().map(|&w| i32::from(w)).fold(0, i32::wrapping_add))
            .collect();
        Some(Self { weights, bias, row_sums, inputs })
    }

    /// K, the number of inputs.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// N, the number of outputs.
    pub fn outputs(&self) -> usize {
        self.bias.len()
    }

    /// `out[n] = rq(b[n] + Σ_k (x[k] − zp_in) · w[n, k])`. `x` has K elements, `out` N.
    pub fn run(&self, x: &[i8], zp_in: i32, rq: &Requantize, out: &mut [i8]) {
        debug_assert_eq!(x.len(), self.inputs);
        let rows = self.weights.chunks_exact(self.inputs);
        for (((o, row), &b), &sum) in out.iter_mut().zip(rows).zip(&self.bias).zip(&self.row_sums) {
            let acc = b.wrapping_add(dot(x, row)).wrapping_sub(zp_in.wrapping_mul(sum));
            *o = rq.apply(acc);
        }
    }
}

/// `Σ x[k] · w[k]` in wrapping i32 arithmetic.
#[inline(always)]
pub fn dot(x: &[i8], w: &[i8]) -> i32 {
    let mut acc = 0i32;
    let (x4, x_rest) = x.split_at(x.len() & !3);
    let (w4, w_rest) = w.split_at(x4.len());
    for (a, b) in x4.chunks_exact(4).zip(w4.chunks_exact(4)) {
        acc = acc
            .wrapping_add(i32::from(a[0]) * i32::from(b[0]))
            .wrapping_add(i32::from(a[1]) * i32::from(b[1]))
            .wrapping_add(i32::from(a[2]) * i32::from(b[2]))
            .wrapping_add(i32::from(a[3]) * i32::from(b[3]));
    }
    for (&a, &b) in x_rest.iter().zip(w_rest) {
        acc = acc.wrapping_add(i32::from(a) * i32::from(b));
    }
    acc
}

/// The geometry of a conv2d over an HWC input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvShape {
    /// Input height, width and channels.
    pub input: [usize; 3],
    /// Output channels, kernel height and width.
    pub kernel: [usize; 3],
    /// Stride (≥ 1).
    pub stride: usize,
    /// Zero padding on every side.
    pub padding: usize,
}

impl ConvShape {
    /// The output height, width and channels, if the kernel fits the padded input.
    pub fn output(&self) -> Option<[usize; 3]> {
        let [h, w, _] = self.input;
        let [cout, kh, kw] = self.kernel;
        let side =
            |n: usize, k: usize| (n + 2 * self.padding).checked_sub(k).map(|d| d / self.stride + 1);
        Some([side(h, kh)?, side(w, kw)?, cout])
    }
}

/// conv2d with weights `[Cout, KH, KW, Cin]`, bias `[Cout]`; taps outside the input add 0.
/// `out` is `[Ho, Wo, Cout]` (see [`ConvShape::output`]); `zp_in` is the input's zero point.
///
/// The input is first padded with its zero point, so a padded tap adds `(zp − zp)·w = 0` and
/// each output pixel's receptive field (its patch) is one [`dot`] per output channel; `Σ (x − zp)·w = Σ x·w − zp·Σ w` holds exactly
/// in wrapping i32 arithmetic, so this equals the direct sum over the valid taps bit for bit.
pub fn conv2d(
    shape: &ConvShape,
    x: &[i8],
    zp_in: i8,
    weights: &[i8],
    bias: &[i32],
    rq: &Requantize,
    out: &mut [i8],
) {
    let [h, w, cin] = shape.input;
    let [cout, kh, kw] = shape.kernel;
    let Some([ho, wo, _]) = shape.output() else { return };
    let pad = shape.padding;
    let padded_w = w + 2 * pad;
    let mut padded = alloc::vec![zp_in; (h + 2 * pad) * padded_w * cin];
    for (y, row) in x.chunks_exact(w * cin).take(h).enumerate() {
        let at = ((y + pad) * padded_w + pad) * cin;
        padded[at..at + row.len()].copy_from_slice(row);
    }
    let row_len = kw * cin;
    let patch_len = kh * row_len;
    let zp = i32::from(zp_in);
    let bases: alloc::vec::Vec<i32> = weights
        .chunks_exact(patch_len)
        .zip(bias)
        .map(|(kernel, &b)| {
            let sum = kernel.iter().map(|&v| i32::from(v)).fold(0, i32::wrapping_add);
            b.wrapping_sub(zp.wrapping_mul(sum))
        })
        .collect();
    // One output pixel's receptive field, shared by all output channels.
    let mut patch = alloc::vec![0i8; patch_len];
    for oy in 0..ho {
        for ox in 0..wo {
            let origin = (oy * shape.stride * padded_w + ox * shape.stride) * cin;
            for (i, row) in patch.chunks_exact_mut(row_len).enumerate() {
                let at = origin + i * padded_w * cin;
                row.copy_from_slice(&padded[at..at + row_len]);
            }
            let pixel = &mut out[(oy * wo + ox) * cout..][..cout];
            for ((o, kernel), &base) in
                pixel.iter_mut().zip(weights.chunks_exact(patch_len)).zip(&bases)
            {
                *o = rq.apply(base.wrapping_add(dot(&patch, kernel)));
            }
        }
    }
}

/// Max pooling with a `k × k` window and stride `k` over an HWC input `[h, w, c]`; `out` is
/// `[h / k, w / k, c]`.
pub fn maxpool2d(input: [usize; 3], k: usize, x: &[i8], out: &mut [i8]) {
    let [h, w, c] = input;
    let (ho, wo) = (h / k, w / k);
    for oy in 0..ho {
        for ox in 0..wo {
            for ch in 0..c {
                let mut best = i8::MIN;
                for i in 0..k {
                    for j in 0..k {
                        best = best.max(x[((oy * k + i) * w + ox * k + j) * c + ch]);
                    }
                }
                out[(oy * wo + ox) * c + ch] = best;
            }
        }
    }
}

/// The index of the first largest value (`None` for an empty slice).
pub fn argmax(x: &[i8]) -> Option<usize> {
    let mut best: Option<(usize, i8)> = None;
    for (i, &v) in x.iter().enumerate() {
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}
