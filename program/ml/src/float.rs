//! f32 kernels in a fixed evaluation order (`docs/ml.md`): left-to-right sums, no fused
//! multiply-add, transcendentals from `libm`. In the guest every `+ - * /` is a soft-float
//! call; on the host an FPU instruction; both are correctly rounded, hence equal.

/// The canonical quiet NaN every operator output uses.
pub const CANONICAL_NAN: f32 = f32::from_bits(0x7fc0_0000);

/// Replaces every NaN in `x` by [`CANONICAL_NAN`] (IEEE leaves NaN payloads open).
pub fn canonicalize(x: &mut [f32]) {
    for v in x {
        if v.is_nan() {
            *v = CANONICAL_NAN;
        }
    }
}

/// `Σ a[i] · b[i]`, summed left to right.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    for (&x, &y) in a.iter().zip(b) {
        sum += x * y;
    }
    sum
}

/// `out = W · x` with `W` row-major `[out.len(), x.len()]`.
pub fn matmul(out: &mut [f32], x: &[f32], w: &[f32]) {
    for (o, row) in out.iter_mut().zip(w.chunks_exact(x.len())) {
        *o = dot(x, row);
    }
}

/// The residual connection: `x[i] += d[i]`.
pub fn add_assign(x: &mut [f32], d: &[f32]) {
    for (v, &e) in x.iter_mut().zip(d) {
        *v += e;
    }
}

/// RMSNorm: `out[i] = weight[i] · (x[i] / sqrt(mean(x²) + eps))`, as llama2.c computes it.
pub fn rmsnorm(out: &mut [f32], x: &[f32], weight: &[f32], eps: f32) {
    let mut ss = dot(x, x);
    ss /= x.len() as f32;
    ss += eps;
    let inv = 1.0 / libm::sqrtf(ss);
    for ((o, &v), &g) in out.iter_mut().zip(x).zip(weight) {
        *o = g * (inv * v);
    }
}

/// LayerNorm: `out[i] = weight[i] · (x[i] − mean) / sqrt(var + eps) + bias[i]`.
pub fn layernorm(out: &mut [f32], x: &[f32], weight: &[f32], bias: &[f32], eps: f32) {
    let n = x.len() as f32;
    let mut mean = 0.0f32;
    for &v in x {
        mean += v;
    }
    mean /= n;
    let mut var = 0.0f32;
    for &v in x {
        let d = v - mean;
        var += d * d;
    }
    var /= n;
    let inv = 1.0 / libm::sqrtf(var + eps);
    for (((o, &v), &g), &b) in out.iter_mut().zip(x).zip(weight).zip(bias) {
        *o = g * ((v - mean) * inv) + b;
    }
}

/// Softmax in place, shifted by the maximum for range.
pub fn softmax(x: &mut [f32]) {
    let mut max = f32::NEG_INFINITY;
    for &v in x.iter() {
        if v > max {
            max = v;
        }
    }
    let mut sum = 0.0f32;
    for v in x.iter_mut() {
        *v = libm::expf(*v - max);
        sum += *v;
    }
    for v in x.iter_mut() {
        *v /= sum;
    }
}

/// SiLU: `x · σ(x)`.
#[inline]
pub fn silu(x: f32) -> f32 {
    x * (1.0 / (1.0 + libm::expf(-x)))
}

/// GELU, the tanh approximation: `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
#[inline]
pub fn gelu(x: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    0.5 * x * (1.0 + libm::tanhf(SQRT_2_OVER_PI * (x + 0.044_715 * x * x * x)))
}

/// ReLU.
#[inline]
pub fn relu(x: f32) -> f32 {
    if x > 0.0 {
        x
    } else {
        0.0
    }
}

/// The rotary-embedding angles of position `pos` for a head of `head_size` (θ = 10000):
/// `(cos, sin)` of `pos · θ^(−2i / head_size)` for each pair `i`.
pub fn rope_angles(pos: usize, head_size: usize, cos: &mut [f32], sin: &mut [f32]) {
    for (i, (c, s)) in cos.iter_mut().zip(sin.iter_mut()).enumerate() {
        let freq = 1.0 / libm::powf(10000.0, (2 * i) as f32 / head_size as f32);
        let angle = pos as f32 * freq;
        *c = libm::cosf(angle);
        *s = libm::sinf(angle);
    }
}

/// Rotates each `head_size` slice of `x` pairwise by the angles of [`rope_angles`].
pub fn rope(x: &mut [f32], head_size: usize, cos: &[f32], sin: &[f32]) {
    for head in x.chunks_exact_mut(head_size) {
        for (pair, (&c, &s)) in head.chunks_exact_mut(2).zip(cos.iter().zip(sin)) {
            let (a, b) = (pair[0], pair[1]);
            pair[0] = a * c - b * s;
            pair[1] = a * s + b * c;
        }
    }
}

/// The index of the first largest value; NaNs never win (`None` if all are NaN or `x` is empty).
pub fn argmax(x: &[f32]) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &v) in x.iter().enumerate() {
        if !v.is_nan() && best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}
