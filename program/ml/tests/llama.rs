//! The engine's llama2.c transformer against a plain f32 reference forward pass (run.c
//! transliterated, with the host's own `exp`/`sqrt`/`cos`/`sin`): same greedy tokens.

mod common;

use axon_ml::llama::{Config, Llama, BOS};
use axon_ml::{Error, NoProbe};

/// run.c's `forward`, written the obvious way over the raw weight array.
struct Reference {
    c: Config,
    w: Vec<f32>,
    key_cache: Vec<f32>,
    value_cache: Vec<f32>,
}

impl Reference {
    fn new(bytes: &[u8]) -> Self {
        let c = Config::parse(bytes).unwrap();
        let w = bytes[28..]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
            .collect();
        let cache = c.n_layers * c.seq_len * c.kv_dim();
        Self { c, w, key_cache: vec![0.0; cache], value_cache: vec![0.0; cache] }
    }

    fn rmsnorm(x: &[f32], w: &[f32]) -> Vec<f32> {
        let mut ss = 0.0f32;
        for v in x {
            ss += v * v;
        }
        ss /= x.len() as f32;
        ss += 1e-5;
        ss = 1.0 / ss.sqrt();
        x.iter().zip(w).map(|(v, g)| g * (ss * v)).collect()
    }

    fn matmul(x: &[f32], w: &[f32], rows: usize) -> Vec<f32> {
        (0..rows)
            .map(|i| {
                let mut val = 0.0f32;
                for j in 0..x.len() {
                    val += w[i * x.len() + j] * x[j];
                }
                val
            })
            .collect()
    }

    fn forward(&mut self, token: usize, pos: usize) -> Vec<f32> {
        let c = self.c;
        let (d, h, l, kv, hs) = (c.dim, c.hidden_dim, c.n_layers, c.kv_dim(), c.head_size());
        let v = c.vocab_size;
        // Offsets of each weight array, in run.c's order.
        let emb = 0;
        let rms_att = emb + v * d;
        let wq = rms_att + l * d;
        let wk = wq + l * d * d;
        let wv = wk + l * kv * d;
        let wo = wv + l * kv * d;
        let rms_ffn = wo + l * d * d;
        let w1 = rms_ffn + l * d;
        let w2 = w1 + l * h * d;
        let w3 = w2 + l * d * h;
        let rms_final = w3 + l * h * d;
        let wcls = if c.shared_classifier { emb } else { rms_final + d + c.seq_len * hs };
        let w = &self.w;
        let mut x = w[emb + token * d..emb + (token + 1) * d].to_vec();
        for layer in 0..l {
            let xb = Self::rmsnorm(&x, &w[rms_att + layer * d..]);
            let mut q = Self::matmul(&xb, &w[wq + layer * d * d..], d);
            let mut k = Self::matmul(&xb, &w[wk + layer * kv * d..], kv);
            let val = Self::matmul(&xb, &w[wv + layer * kv * d..], kv);
            for i in (0..d).step_by(2) {
                let head_dim = i % hs;
                let freq = 1.0 / 10000f32.powf(head_dim as f32 / hs as f32);
                let angle = pos as f32 * freq;
                let (fcr, fci) = (angle.cos(), angle.sin());
                let rotate = |vec: &mut [f32]| {
                    let (v0, v1) = (vec[i], vec[i + 1]);
                    vec[i] = v0 * fcr - v1 * fci;
                    vec[i + 1] = v0 * fci + v1 * fcr;
                };
                rotate(&mut q);
                if i < kv {
                    rotate(&mut k);
                }
            }
            let off = (layer * c.seq_len + pos) * kv;
            self.key_cache[off..off + kv].copy_from_slice(&k);
            self.value_cache[off..off + kv].copy_from_slice(&val);
            let mut xb = vec![0.0f32; d];
            for head in 0..c.n_heads {
                let kvh = head / (c.n_heads / c.n_kv_heads);
                let mut att: Vec<f32> = (0..=pos)
                    .map(|t| {
                        let k = &self.key_cache[(layer * c.seq_len + t) * kv + kvh * hs..];
                        let mut score = 0.0f32;
                        for i in 0..hs {
                            score += q[head * hs + i] * k[i];
                        }
                        score / (hs as f32).sqrt()
                    })
                    .collect();
                let max = att.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0f32;
                for a in att.iter_mut() {
                    *a = (*a - max).exp();
                    sum += *a;
                }
                for a in att.iter_mut() {
                    *a /= sum;
                }
                for (t, a) in att.iter().enumerate() {
                    let vv = &self.value_cache[(layer * c.seq_len + t) * kv + kvh * hs..];
                    for i in 0..hs {
                        xb[head * hs + i] += a * vv[i];
                    }
                }
            }
            let xb2 = Self::matmul(&xb, &w[wo + layer * d * d..], d);
            for i in 0..d {
                x[i] += xb2[i];
            }
            let xb = Self::rmsnorm(&x, &w[rms_ffn + layer * d..]);
            let hb = Self::matmul(&xb, &w[w1 + layer * h * d..], h);
            let hb2 = Self::matmul(&xb, &w[w3 + layer * h * d..], h);
            let act: Vec<f32> =
                hb.iter().zip(&hb2).map(|(v, g)| v * (1.0 / (1.0 + (-v).exp())) * g).collect();
            let out = Self::matmul(&act, &w[w2 + layer * d * h..], d);
            for i in 0..d {
                x[i] += out[i];
            }
        }
        let x = Self::rmsnorm(&x, &w[rms_final..]);
        Self::matmul(&x, &w[wcls..], v)
    }

    fn greedy(&mut self, count: usize) -> Vec<u32> {
        let mut token = BOS as usize;
        (0..count)
            .map(|pos| {
                let logits = self.forward(token, pos);
                let mut best = 0;
                for (i, &v) in logits.iter().enumerate() {
                    if v > logits[best] {
                        best = i;
                    }
                }
                token = best;
                best as u32
            })
            .collect()
    }
}

fn same_tokens_as_reference(bytes: &[u8], count: usize) -> Vec<u32> {
    let model = Llama::parse(bytes).unwrap();
    let tokens = model.generate(&[], count, &mut NoProbe).unwrap();
    assert_eq!(tokens, Reference::new(bytes).greedy(count));
    tokens
}

#[test]
fn stories260k_greedy_tokens_match_the_reference() {
    let Some(bytes) = common::shared_model("stories260K.bin") else { return };
    let tokens = same_tokens_as_reference(&bytes, 128);
    // A trained model writes text: mostly byte or merged tokens, not one repeated id.
    let distinct: std::collections::BTreeSet<_> = tokens.iter().collect();
    assert!(distinct.len() > 10, "{tokens:?}");
}

#[test]
fn tiny_fixture_greedy_tokens_match_the_reference() {
    let bytes = common::fixture("tiny-llama.bin");
    let config = Config::parse(&bytes).unwrap();
    same_tokens_as_reference(&bytes, config.seq_len);
}

#[test]
fn a_prompt_is_fed_before_decoding() {
    let bytes = common::fixture("tiny-llama.bin");
    let model = Llama::parse(&bytes).unwrap();
    let free = model.generate(&[], 8, &mut NoProbe).unwrap();
    // Prompting with BOS and the first generated token continues the same sequence.
    let prompted = model.generate(&[BOS, free[0]], 7, &mut NoProbe).unwrap();
    assert_eq!(prompted, free[1..]);
}

#[test]
fn bad_checkpoints_are_errors() {
    let bytes = common::fixture("tiny-llama.bin");
    for len in [0, 27, 28, 1000, bytes.len() - 4] {
        assert!(matches!(Llama::parse(&bytes[..len]), Err(Error::Truncated { .. })), "{len}");
    }
    let mut export = bytes.clone();
    export[..4].copy_from_slice(&0x616b_3432u32.to_le_bytes());
    assert!(matches!(Llama::parse(&export), Err(Error::UnknownFormat(_))));
    let mut heads = bytes.clone();
    heads[12..16].copy_from_slice(&3i32.to_le_bytes());
    assert!(matches!(Llama::parse(&heads), Err(Error::InvalidModel(_))));
    let model = Llama::parse(&bytes).unwrap();
    let seq = model.config().seq_len;
    assert!(matches!(model.generate(&[], seq + 1, &mut NoProbe), Err(Error::InvalidInput(_))));
    assert!(matches!(model.generate(&[9999], 1, &mut NoProbe), Err(Error::InvalidInput(_))));
}
