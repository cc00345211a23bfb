//! Every operator of the engine against a reference written the obvious way (plain loops,
//! i64/i128 integers, f64 where exactness is out of reach) on random small inputs.
//!
//! The model tests (`digits.rs`, `llama.rs`) check whole forward passes on a few fixtures; these
//! properties pin each kernel down on its own, over shapes, zero points, strides and paddings
//! the fixtures never reach, so a kernel optimisation that changes a single bit fails here with
//! a shrunk, minimal input. The f32 kernels promise a fixed left-to-right order (`docs/ml.md`):
//! where the reference uses the same order the comparison is bit-exact, elsewhere it is against
//! f64 within a tolerance derived from the operation count.

use axon_ml::float;
use axon_ml::int8::{self, ConvShape, Dense};
use axon_ml::quant::Requantize;
use proptest::collection::vec;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// int8 references
// ---------------------------------------------------------------------------------------------

/// The documented rule `clamp(round_half_up(acc · M / 2^(31 + shift)) + zp, min, 127)`, in
/// exact i128 rationals: `round_half_up(a / d) = floor((2a + d) / 2d)`.
fn requantize_reference(acc: i32, multiplier: i32, shift: i32, zp: i32, relu: bool) -> i8 {
    let den = 1i128 << (31 + shift);
    let num = i128::from(acc) * i128::from(multiplier);
    let rounded = (2 * num + den).div_euclid(2 * den);
    let min = if relu { zp } else { -128 };
    // Clamped into [-128, 127]: the cast is exact.
    (rounded + i128::from(zp)).clamp(i128::from(min), 127) as i8
}

/// `b + Σ (x − zp) · w` exactly, then reduced mod 2^32 as the engine's wrapping i32 does.
fn wrap_i32(acc: i64) -> i32 {
    acc as i32
}

/// The parameters `Requantize::new` accepts: multipliers often exactly 2^30 (so that ties
/// occur), every shift, zero point and relu flag.
fn requantize_params() -> impl Strategy<Value = (i32, i32, i32, bool)> {
    (
        prop_oneof![Just(1i32 << 30), (1i32 << 30)..=i32::MAX],
        -30i32..=31,
        -128i32..=127,
        any::<bool>(),
    )
}

/// A requantization whose scale maps the accumulators of the small layers below (|acc| up to a
/// few million) onto the whole int8 range rather than saturating it.
fn layer_requantize() -> impl Strategy<Value = Requantize> {
    ((1i32 << 30)..=i32::MAX, 5i32..=20, -128i32..=127, any::<bool>()).prop_map(
        |(multiplier, shift, zp, relu)| {
            Requantize::new(multiplier, shift, zp, relu).expect("parameters in range")
        },
    )
}

/// Biases mostly of the size the accumulators have, sometimes anywhere in i32 (to wrap).
fn bias() -> impl Strategy<Value = i32> {
    prop_oneof![3 => -100_000i32..=100_000, 1 => any::<i32>()]
}

/// Two int8 vectors of the same length, any length up to 64 (multiples of 4 or not).
fn int8_pair() -> impl Strategy<Value = (Vec<i8>, Vec<i8>)> {
    (0usize..=64).prop_flat_map(|n| (vec(any::<i8>(), n), vec(any::<i8>(), n)))
}

/// A dense layer `[n, k]`, its bias, an input and its zero point.
#[derive(Debug, Clone)]
struct DenseCase {
    weights: Vec<i8>,
    bias: Vec<i32>,
    x: Vec<i8>,
    zp_in: i32,
}

fn dense_case() -> impl Strategy<Value = DenseCase> {
    (1usize..=8, 1usize..=64).prop_flat_map(|(n, k)| {
        (vec(any::<i8>(), n * k), vec(bias(), n), vec(any::<i8>(), k), -128i32..=127)
            .prop_map(|(weights, bias, x, zp_in)| DenseCase { weights, bias, x, zp_in })
    })
}

/// A conv2d on an input of at most 8×8×3, with a kernel that fits the padded input.
#[derive(Debug, Clone)]
struct ConvCase {
    shape: ConvShape,
    x: Vec<i8>,
    zp_in: i8,
    weights: Vec<i8>,
    bias: Vec<i32>,
}

fn conv_case() -> impl Strategy<Value = ConvCase> {
    (1usize..=8, 1usize..=8, 1usize..=3, 1usize..=4, 1usize..=3, 0usize..=2)
        .prop_flat_map(|(h, w, cin, cout, stride, padding)| {
            let kh = 1..=(h + 2 * padding).min(4);
            let kw = 1..=(w + 2 * padding).min(4);
            (Just(([h, w, cin], cout, stride, padding)), kh, kw)
        })
        .prop_flat_map(|((input, cout, stride, padding), kh, kw)| {
            let [h, w, cin] = input;
            let shape = ConvShape { input, kernel: [cout, kh, kw], stride, padding };
            (
                vec(any::<i8>(), h * w * cin),
                any::<i8>(),
                vec(any::<i8>(), cout * kh * kw * cin),
                vec(bias(), cout),
            )
                .prop_map(move |(x, zp_in, weights, bias)| ConvCase {
                    shape,
                    x,
                    zp_in,
                    weights,
                    bias,
                })
        })
}

/// The number of window positions `o ≥ 0` with `o · stride + k ≤ padded`.
fn window_positions(padded: usize, k: usize, stride: usize) -> usize {
    (0..).take_while(|o| o * stride + k <= padded).count()
}

/// The accumulators of a conv2d, computed over an explicitly padded copy of the input whose
/// border holds `zp_in` (so that `x − zp_in` is 0 there, as "taps outside the input add 0"
/// says), without any bounds tests. Returns the output shape and the `[Ho, Wo, Cout]` values.
fn conv2d_reference(case: &ConvCase) -> ([usize; 3], Vec<i32>) {
    let [h, w, cin] = case.shape.input;
    let [cout, kh, kw] = case.shape.kernel;
    let (stride, pad) = (case.shape.stride, case.shape.padding);
    let (hp, wp) = (h + 2 * pad, w + 2 * pad);
    let zp = i64::from(case.zp_in);
    let mut padded = vec![zp; hp * wp * cin];
    for y in 0..h {
        for x in 0..w {
            for c in 0..cin {
                padded[((y + pad) * wp + x + pad) * cin + c] =
                    i64::from(case.x[(y * w + x) * cin + c]);
            }
        }
    }
    let (ho, wo) = (window_positions(hp, kh, stride), window_positions(wp, kw, stride));
    let mut acc = vec![0i32; ho * wo * cout];
    for oy in 0..ho {
        for ox in 0..wo {
            for o in 0..cout {
                let mut sum = i64::from(case.bias[o]);
                for i in 0..kh {
                    for j in 0..kw {
                        for c in 0..cin {
                            let v = padded[((oy * stride + i) * wp + ox * stride + j) * cin + c];
                            let k = case.weights[((o * kh + i) * kw + j) * cin + c];
                            sum += (v - zp) * i64::from(k);
                        }
                    }
                }
                acc[(oy * wo + ox) * cout + o] = wrap_i32(sum);
            }
        }
    }
    ([ho, wo, cout], acc)
}

/// A maxpool input `[h, w, c]` of at most 8×8×3 and a window size.
fn maxpool_case() -> impl Strategy<Value = ([usize; 3], usize, Vec<i8>)> {
    (1usize..=8, 1usize..=8, 1usize..=3, 1usize..=4)
        .prop_flat_map(|(h, w, c, k)| (Just([h, w, c]), Just(k), vec(any::<i8>(), h * w * c)))
}

/// Max pooling by scattering every covered input value into its output cell.
fn maxpool2d_reference(input: [usize; 3], k: usize, x: &[i8]) -> Vec<i8> {
    let [h, w, c] = input;
    let (ho, wo) = (h / k, w / k);
    let mut out = vec![i8::MIN; ho * wo * c];
    for y in 0..ho * k {
        for xx in 0..wo * k {
            for ch in 0..c {
                let cell = &mut out[((y / k) * wo + xx / k) * c + ch];
                *cell = (*cell).max(x[(y * w + xx) * c + ch]);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// f32 references and strategies
// ---------------------------------------------------------------------------------------------

/// `n` f32 values in `[-bound, bound]`.
fn f32s(n: usize, bound: f32) -> impl Strategy<Value = Vec<f32>> {
    vec(-bound..=bound, n)
}

/// Two f32 vectors of the same length up to 64.
fn f32_pair() -> impl Strategy<Value = (Vec<f32>, Vec<f32>)> {
    (0usize..=64).prop_flat_map(|n| (f32s(n, 100.0), f32s(n, 100.0)))
}

/// `Σ a[i] · b[i]` in f32, strictly left to right from `+0.0`.
fn dot_left_to_right(a: &[f32], b: &[f32]) -> f32 {
    let mut sum = 0.0f32;
    for i in 0..a.len() {
        sum += a[i] * b[i];
    }
    sum
}

/// `|got − want| ≤ tol`, with a message naming the index.
fn close(got: f32, want: f64, tol: f64, what: &str, i: usize) -> Result<(), TestCaseError> {
    let err = (f64::from(got) - want).abs();
    prop_assert!(err <= tol, "{what}[{i}]: got {got}, want {want} (error {err:e} > {tol:e})");
    Ok(())
}

/// Every f32 but NaN (whose treatment the kernels leave to [`float::canonicalize`]).
fn non_nan_f32() -> impl Strategy<Value = f32> {
    use proptest::num::f32 as f;
    f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO | f::INFINITE
}

proptest! {
    // -----------------------------------------------------------------------------------------
    // int8
    // -----------------------------------------------------------------------------------------

    #[test]
    fn int8_dot_is_the_plain_sum_of_products((x, w) in int8_pair()) {
        let mut want = 0i32;
        for i in 0..x.len() {
            want += i32::from(x[i]) * i32::from(w[i]);
        }
        prop_assert_eq!(int8::dot(&x, &w), want);
    }

    #[test]
    fn requantize_is_the_documented_round_half_up_rule(
        (multiplier, shift, zp, relu, acc) in requantize_params().prop_flat_map(
            |(multiplier, shift, zp, relu)| {
                // Accumulators near the scale where outputs leave the clamp, and anywhere.
                let bits = (31 + shift - 22).clamp(1, 31) as u32;
                let bound = ((1i64 << bits) - 1) as i32;
                let acc = prop_oneof![-bound..=bound, any::<i32>()];
                (Just(multiplier), Just(shift), Just(zp), Just(relu), acc)
            },
        ),
    ) {
        let rq = Requantize::new(multiplier, shift, zp, relu).expect("parameters in range");
        prop_assert_eq!(rq.zero_point(), zp);
        prop_assert_eq!(rq.apply(acc), requantize_reference(acc, multiplier, shift, zp, relu));
    }

    #[test]
    fn requantize_new_accepts_exactly_the_documented_ranges(
        // Anywhere, and just around each bound of each range.
        multiplier in prop_oneof![any::<i32>(), (1i32 << 30) - 1..=1 << 30, Just(i32::MAX)],
        shift in prop_oneof![any::<i32>(), -31i32..=-29, 30i32..=32],
        zp in prop_oneof![any::<i32>(), -129i32..=-127, 126i32..=128],
        relu in any::<bool>(),
    ) {
        let valid = (1 << 30..=i32::MAX).contains(&multiplier)
            && (-30..=31).contains(&shift)
            && (-128..=127).contains(&zp);
        prop_assert_eq!(Requantize::new(multiplier, shift, zp, relu).is_ok(), valid);
    }

    #[test]
    fn dense_is_bias_plus_zero_point_corrected_dot_then_requantize(
        case in dense_case(),
        rq in layer_requantize(),
    ) {
        let (n, k) = (case.bias.len(), case.x.len());
        let dense = Dense::new(case.weights.clone(), case.bias.clone()).expect("valid layer");
        prop_assert_eq!((dense.inputs(), dense.outputs()), (k, n));
        let mut out = vec![0i8; n];
        dense.run(&case.x, case.zp_in, &rq, &mut out);
        let mut want = vec![0i8; n];
        for (row, o) in want.iter_mut().enumerate() {
            let mut acc = i64::from(case.bias[row]);
            for col in 0..k {
                let v = i64::from(case.x[col]) - i64::from(case.zp_in);
                acc += v * i64::from(case.weights[row * k + col]);
            }
            *o = rq.apply(wrap_i32(acc));
        }
        prop_assert_eq!(out, want);
    }

    #[test]
    fn conv2d_matches_a_naive_convolution_over_the_padded_input(
        case in conv_case(),
        rq in layer_requantize(),
    ) {
        let (shape, acc) = conv2d_reference(&case);
        prop_assert_eq!(case.shape.output(), Some(shape));
        // Start from the complement of the answer so every cell must be written.
        let mut out: Vec<i8> = acc.iter().map(|&a| !rq.apply(a)).collect();
        int8::conv2d(&case.shape, &case.x, case.zp_in, &case.weights, &case.bias, &rq, &mut out);
        let want: Vec<i8> = acc.iter().map(|&a| rq.apply(a)).collect();
        prop_assert_eq!(out, want);
    }

    #[test]
    fn conv_output_shape_counts_the_window_positions(
        input in (1usize..=8, 1usize..=8, 1usize..=3),
        kernel in (1usize..=4, 1usize..=12, 1usize..=12),
        stride in 1usize..=4,
        padding in 0usize..=3,
    ) {
        let shape = ConvShape {
            input: [input.0, input.1, input.2],
            kernel: [kernel.0, kernel.1, kernel.2],
            stride,
            padding,
        };
        let (hp, wp) = (input.0 + 2 * padding, input.1 + 2 * padding);
        let want = (kernel.1 <= hp && kernel.2 <= wp).then(|| {
            [window_positions(hp, kernel.1, stride), window_positions(wp, kernel.2, stride), kernel.0]
        });
        prop_assert_eq!(shape.output(), want);
    }

    #[test]
    fn maxpool2d_takes_the_max_of_each_window((input, k, x) in maxpool_case()) {
        let want = maxpool2d_reference(input, k, &x);
        // Start from the complement of the answer so every cell must be written.
        let mut out: Vec<i8> = want.iter().map(|&v| !v).collect();
        int8::maxpool2d(input, k, &x, &mut out);
        prop_assert_eq!(out, want);
    }

    #[test]
    fn int8_argmax_is_the_first_index_of_the_maximum(
        // A narrow range, so that ties are common.
        x in prop_oneof![vec(-3i8..=3, 0..=64), vec(any::<i8>(), 0..=64)],
    ) {
        let want = x.iter().max().and_then(|m| x.iter().position(|v| v == m));
        prop_assert_eq!(int8::argmax(&x), want);
    }

    // -----------------------------------------------------------------------------------------
    // f32
    // -----------------------------------------------------------------------------------------

    #[test]
    fn float_dot_sums_left_to_right_bit_exactly((a, b) in f32_pair()) {
        let got = float::dot(&a, &b);
        let want = dot_left_to_right(&a, &b);
        prop_assert_eq!(got.to_bits(), want.to_bits(), "got {}, want {}", got, want);
    }

    #[test]
    fn float_matmul_is_a_left_to_right_dot_per_row(
        (x, w, rows) in (1usize..=8, 1usize..=16).prop_flat_map(|(rows, cols)| {
            (f32s(cols, 100.0), f32s(rows * cols, 100.0), Just(rows))
        }),
    ) {
        let cols = x.len();
        let mut out = vec![f32::NAN; rows];
        float::matmul(&mut out, &x, &w);
        for (r, &got) in out.iter().enumerate() {
            let want = dot_left_to_right(&x, &w[r * cols..(r + 1) * cols]);
            prop_assert_eq!(got.to_bits(), want.to_bits(), "row {}: got {}, want {}", r, got, want);
        }
    }

    #[test]
    fn rmsnorm_matches_an_f64_reference(
        (x, weight) in (1usize..=64).prop_flat_map(|n| (f32s(n, 10.0), f32s(n, 2.0))),
        eps in 1e-6f32..=1e-4,
    ) {
        let mut out = vec![f32::NAN; x.len()];
        float::rmsnorm(&mut out, &x, &weight, eps);
        let ss = x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64;
        let inv = 1.0 / (ss + f64::from(eps)).sqrt();
        for i in 0..x.len() {
            let want = f64::from(weight[i]) * f64::from(x[i]) * inv;
            // ≤ 63 roundings in the sum of squares (≈ 3.8e-6 relative), a handful after.
            close(out[i], want, 1e-5 * want.abs() + 1e-30, "rmsnorm", i)?;
        }
    }

    #[test]
    fn softmax_sums_to_one_and_matches_an_f64_reference(x in (1usize..=64).prop_flat_map(|n| f32s(n, 20.0))) {
        let mut p = x.clone();
        float::softmax(&mut p);
        let max = x.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(f64::from(v)));
        let exps: Vec<f64> = x.iter().map(|&v| (f64::from(v) - max).exp()).collect();
        let total: f64 = exps.iter().sum();
        for (i, &e) in exps.iter().enumerate() {
            prop_assert!((0.0..=1.0).contains(&p[i]), "p[{}] = {}", i, p[i]);
            let want = e / total;
            // Rounding of `v − max` (|·| ≤ 40) costs ≈ 2.4e-6 relative, the sum ≈ 3.8e-6.
            close(p[i], want, 2e-5 * want, "softmax", i)?;
        }
        let sum: f64 = p.iter().map(|&v| f64::from(v)).sum();
        prop_assert!((sum - 1.0).abs() <= 1e-5, "sum {}", sum);
    }

    #[test]
    fn silu_matches_an_f64_reference(x in -60.0f32..=60.0) {
        let v = f64::from(x);
        let want = v / (1.0 + (-v).exp());
        close(float::silu(x), want, 1e-6 * want.abs(), "silu", 0)?;
    }

    #[test]
    fn relu_keeps_positives_and_zeroes_the_rest(x in non_nan_f32()) {
        let got = float::relu(x);
        let want = if x > 0.0 { x } else { 0.0 };
        prop_assert_eq!(got.to_bits(), want.to_bits(), "relu({:e}) = {:e}", x, got);
    }

    #[test]
    fn rope_rotates_each_pair_by_the_position_angle(
        (x, head_size) in (1usize..=8, 1usize..=4).prop_flat_map(|(half, heads)| {
            (f32s(2 * half * heads, 10.0), Just(2 * half))
        }),
        pos in 0usize..=128,
    ) {
        let half = head_size / 2;
        let (mut cos, mut sin) = (vec![f32::NAN; half], vec![f32::NAN; half]);
        float::rope_angles(pos, head_size, &mut cos, &mut sin);
        let mut got = x.clone();
        float::rope(&mut got, head_size, &cos, &sin);
        for head in 0..x.len() / head_size {
            for i in 0..half {
                let angle = pos as f64 * 10000f64.powf(-((2 * i) as f64) / head_size as f64);
                let at = head * head_size + 2 * i;
                let (a, b) = (f64::from(x[at]), f64::from(x[at + 1]));
                let (c, s) = (angle.cos(), angle.sin());
                // The f32 angle is off by ≈ 12 ulp of itself (≤ pos · 7e-7 rad).
                let tol = (a.abs() + b.abs()) * (pos as f64 * 4e-6 + 4e-6);
                close(got[at], a * c - b * s, tol, "rope", at)?;
                close(got[at + 1], a * s + b * c, tol, "rope", at + 1)?;
            }
        }
    }

    #[test]
    fn float_argmax_is_the_first_index_of_the_maximum_ignoring_nans(
        x in vec(
            prop_oneof![
                4 => (-3i8..=3).prop_map(f32::from),
                1 => Just(-0.0f32),
                1 => Just(f32::NAN),
                1 => Just(f32::NEG_INFINITY),
                1 => Just(f32::INFINITY),
                1 => -1e30f32..=1e30,
            ],
            0..=64,
        ),
    ) {
        let max = x.iter().copied().filter(|v| !v.is_nan()).reduce(f32::max);
        let want = max.and_then(|m| x.iter().position(|&v| v == m));
        prop_assert_eq!(float::argmax(&x), want);
    }
}

#[test]
fn requantize_rounds_exact_halves_up() {
    // M = 2^30, total shift 31: the scale is exactly 1/2.
    let rq = Requantize::new(1 << 30, 0, 0, false).unwrap();
    let cases = [(3, 2), (1, 1), (-1, 0), (-3, -1), (-5, -2), (4, 2), (-4, -2)];
    for (acc, want) in cases {
        assert_eq!(rq.apply(acc), want, "{acc} / 2");
    }
    // Saturation at both ends, and the relu clamp at the zero point.
    assert_eq!(rq.apply(i32::MAX), 127);
    assert_eq!(rq.apply(i32::MIN), -128);
    let relu = Requantize::new(1 << 30, 0, -10, true).unwrap();
    assert_eq!(relu.apply(-1000), -10);
    assert_eq!(relu.apply(2), -9);
}
