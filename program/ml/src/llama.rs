//! Llama 2 decoder-only transformers from llama2.c checkpoints, run as llama2.c's `run.c` does.
//!
//! The checkpoint is the legacy version-0 file (`docs/ml.md`): seven `i32` hyperparameters, then
//! the f32 weights. The forward pass keeps run.c's evaluation order, so a plain f32 reference
//! gets the same greedy tokens; the operators report to a [`Probe`].

use alloc::vec;
use alloc::vec::Vec;

use crate::float::{self, canonicalize};
use crate::{Error, Output, Probe, Result};

/// The magic of llama2.c's later exports ("ak42"), which this reader refuses.
const EXPORT_MAGIC: u32 = 0x616b_3432;
/// Bytes in the version-0 header.
const HEADER_BYTES: usize = 28;
/// RMSNorm's epsilon in llama2.c.
const RMS_EPS: f32 = 1e-5;

/// The hyperparameters of a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Embedding width.
    pub dim: usize,
    /// Width of the feed-forward hidden layer.
    pub hidden_dim: usize,
    /// Transformer blocks.
    pub n_layers: usize,
    /// Query heads.
    pub n_heads: usize,
    /// Key/value heads (grouped-query attention: `n_heads` is a multiple of it).
    pub n_kv_heads: usize,
    /// Vocabulary size.
    pub vocab_size: usize,
    /// Longest sequence (positions) the model supports.
    pub seq_len: usize,
    /// Whether the classifier is the token embedding.
    pub shared_classifier: bool,
}

impl Config {
    /// Reads and checks the version-0 header.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < HEADER_BYTES {
            return Err(Error::Truncated {
                what: "llama2.c header",
                needed: HEADER_BYTES as u64,
                available: bytes.len(),
            });
        }
        let field =
            |i: usize| i32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap_or([0; 4]));
        if field(0) as u32 == EXPORT_MAGIC {
            return Err(Error::UnknownFormat(
                "llama2.c version-1+ exports (\"ak42\") are not supported; use the legacy export",
            ));
        }
        let positive = |v: i32, what: &'static str| {
            usize::try_from(v)
                .ok()
                .filter(|&v| (1..=1 << 20).contains(&v))
                .ok_or(Error::InvalidModel(what))
        };
        let vocab = field(5);
        let config = Self {
            dim: positive(field(0), "dim must be in 1..=2^20")?,
            hidden_dim: positive(field(1), "hidden_dim must be in 1..=2^20")?,
            n_layers: positive(field(2), "n_layers must be in 1..=2^20")?,
            n_heads: positive(field(3), "n_heads must be in 1..=2^20")?,
            n_kv_heads: positive(field(4), "n_kv_heads must be in 1..=2^20")?,
            vocab_size: positive(
                vocab.checked_abs().unwrap_or(0),
                "vocab_size must be in 1..=2^20",
            )?,
            seq_len: positive(field(6), "seq_len must be in 1..=2^20")?,
            shared_classifier: vocab > 0,
        };
        if !config.dim.is_multiple_of(config.n_heads) || !config.head_size().is_multiple_of(2) {
            return Err(Error::InvalidModel("dim must be n_heads times an even head size"));
        }
        if !config.n_heads.is_multiple_of(config.n_kv_heads) {
            return Err(Error::InvalidModel("n_heads must be a multiple of n_kv_heads"));
        }
        Ok(config)
    }

    /// Width of one attention head.
    pub fn head_size(&self) -> usize {
        self.dim / self.n_heads
    }

    /// Width of the keys and values.
    pub fn kv_dim(&self) -> usize {
        self.head_size() * self.n_kv_heads
    }

    /// The number of f32 weights the file holds after the header.
    fn weight_count(&self) -> u64 {
        let (d, h, l, kv) =
            (self.dim as u64, self.hidden_dim as u64, self.n_layers as u64, self.kv_dim() as u64);
        let (v, s, hs) = (self.vocab_size as u64, self.seq_len as u64, self.head_size() as u64);
        let per_layer = 2 * d + d * d * 2 + 2 * kv * d + 3 * h * d;
        let classifier = if self.shared_classifier { 0 } else { v * d };
        v * d + l * per_layer + d + s * hs + classifier
    }
}

/// One block's weights.
#[derive(Debug, Clone)]
struct Layer {
    rms_att: Vec<f32>,
    wq: Vec<f32>,
    wk: Vec<f32>,
    wv: Vec<f32>,
    wo: Vec<f32>,
    rms_ffn: Vec<f32>,
    w1: Vec<f32>,
    w2: Vec<f32>,
    w3: Vec<f32>,
}

/// A loaded checkpoint.
#[derive(Debug, Clone)]
pub struct Llama {
    config: Config,
    embedding: Vec<f32>,
    layers: Vec<Layer>,
    rms_final: Vec<f32>,
    classifier: Option<Vec<f32>>,
}

/// Reads consecutive f32 arrays out of the weight section.
struct Weights<'a> {
    bytes: &'a [u8],
}

impl Weights<'_> {
    fn take(&mut self, count: usize) -> Vec<f32> {
        let (head, rest) = self.bytes.split_at(4 * count);
        self.bytes = rest;
        head.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
    }

    /// `layers` arrays of `count` each, in file order (run.c stores each kind for all layers),
    /// those of the layers `needed` refuses left empty.
    fn take_per_layer(
        &mut self,
        layers: usize,
        count: usize,
        needed: impl Fn(usize) -> bool,
    ) -> Vec<Vec<f32>> {
        (0..layers).map(|l| self.take_if(needed(l), count)).collect()
    }

    /// `count` values if `needed`, else none (skipped).
    fn take_if(&mut self, needed: bool, count: usize) -> Vec<f32> {
        if needed {
            self.take(count)
        } else {
            self.skip(count);
            Vec::new()
        }
    }

    fn skip(&mut self, count: usize) {
        self.bytes = &self.bytes[4 * count..];
    }
}

/// Which weights to load: all, or only those one operator reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Every weight.
    All,
    /// The weights of one operator ([`Session::run`] of any other operator panics).
    Op(Op),
}

impl Part {
    fn needs_embedding(self, shared_classifier: bool) -> bool {
        match self {
            Part::All | Part::Op(Op::Embedding) => true,
            Part::Op(Op::Classifier) => shared_classifier,
            Part::Op(_) => false,
        }
    }

    fn needs(self, op: Op) -> bool {
        self == Part::All || self == Part::Op(op)
    }
}

impl Llama {
    /// Loads a version-0 llama2.c checkpoint (trailing bytes are ignored, as run.c does).
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        Self::parse_part(bytes, Part::All)
    }

    /// Loads only the weights `part` names (the hyperparameters and the file's length are
    /// checked all the same): what one unit of a multi-phase dispute runs in the VM, where
    /// copying every weight costs more than most operators.
    pub fn parse_part(bytes: &[u8], part: Part) -> Result<Self> {
        let config = Config::parse(bytes)?;
        let needed = HEADER_BYTES as u64 + 4 * config.weight_count();
        if (bytes.len() as u64) < needed {
            return Err(Error::Truncated {
                what: "llama2.c weights",
                needed,
                available: bytes.len(),
            });
        }
        let (d, h, l, kv) = (config.dim, config.hidden_dim, config.n_layers, config.kv_dim());
        let mut w = Weights { bytes: &bytes[HEADER_BYTES..] };
        let embedding =
            w.take_if(part.needs_embedding(config.shared_classifier), config.vocab_size * d);
        let rms_att = w.take_per_layer(l, d, |l| part.needs(Op::AttentionNorm(l)));
        let wq = w.take_per_layer(l, d * d, |l| part.needs(Op::Qkv(l)));
        let wk = w.take_per_layer(l, kv * d, |l| part.needs(Op::Qkv(l)));
        let wv = w.take_per_layer(l, kv * d, |l| part.needs(Op::Qkv(l)));
        let wo = w.take_per_layer(l, d * d, |l| part.needs(Op::AttentionOutput(l)));
        let rms_ffn = w.take_per_layer(l, d, |l| part.needs(Op::FfnNorm(l)));
        let w1 = w.take_per_layer(l, h * d, |l| part.needs(Op::SwiGlu(l)));
        let w2 = w.take_per_layer(l, d * h, |l| part.needs(Op::SwiGlu(l)));
        let w3 = w.take_per_layer(l, h * d, |l| part.needs(Op::SwiGlu(l)));
        let rms_final = w.take_if(part.needs(Op::FinalNorm), d);
        // run.c's precomputed RoPE tables, unused: the angles are computed per position.
        w.skip(config.seq_len * config.head_size());
        let classifier = (!config.shared_classifier)
            .then(|| w.take_if(part.needs(Op::Classifier), config.vocab_size * d));
        let mut columns = [rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3].map(Vec::into_iter);
        let layers = (0..l)
            .map(|_| {
                let mut next = |i: usize| columns[i].next().unwrap_or_default();
                Layer {
                    rms_att: next(0),
                    wq: next(1),
                    wk: next(2),
                    wv: next(3),
                    wo: next(4),
                    rms_ffn: next(5),
                    w1: next(6),
                    w2: next(7),
                    w3: next(8),
                }
            })
            .collect();
        Ok(Self { config, embedding, layers, rms_final, classifier })
    }

    /// The hyperparameters.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A fresh decoding session (empty key/value cache).
    pub fn session(&self) -> Session<'_> {
        Session::new(self)
    }

    /// Greedy decoding: feeds `prompt` (BOS when empty), then appends the argmax token until
    /// `count` tokens have been generated or the context is full. Returns the generated tokens.
    pub fn generate(
        &self,
        prompt: &[u32],
        count: usize,
        probe: &mut impl Probe,
    ) -> Result<Vec<u32>> {
        let prompt: &[u32] = if prompt.is_empty() { &[BOS] } else { prompt };
        if prompt.len() + count > self.config.seq_len + 1 {
            return Err(Error::InvalidInput(
                "prompt and generated tokens exceed the context length",
            ));
        }
        let mut session = self.session();
        let mut out = Vec::with_capacity(count);
        let mut token = prompt[0];
        let mut pos = 0;
        while out.len() < count {
            let logits = session.forward(token, pos, probe)?;
            pos += 1;
            token = match prompt.get(pos) {
                Some(&next) => next,
                None => {
                    let next = float::argmax(logits)
                        .ok_or(Error::InvalidModel("logits are all NaN"))?
                        as u32;
                    out.push(next);
                    next
                }
            };
        }
        Ok(out)
    }
}

/// The beginning-of-sequence token of llama2.c's tokenizer.
pub const BOS: u32 = 1;

/// The activations and key/value cache of one decoding sequence.
#[derive(Debug)]
pub struct Session<'a> {
    model: &'a Llama,
    x: Vec<f32>,
    xb: Vec<f32>,
    xb2: Vec<f32>,
    hb: Vec<f32>,
    hb2: Vec<f32>,
    q: Vec<f32>,
    att: Vec<f32>,
    logits: Vec<f32>,
    cos: Vec<f32>,
    sin: Vec<f32>,
    key_cache: Vec<f32>,
    value_cache: Vec<f32>,
}

impl<'a> Session<'a> {
    fn new(model: &'a Llama) -> Self {
        let c = &model.config;
        let cache = c.n_layers * c.seq_len * c.kv_dim();
        Self {
            model,
            x: vec![0.0; c.dim],
            xb: vec![0.0; c.dim],
            xb2: vec![0.0; c.dim],
            hb: vec![0.0; c.hidden_dim],
            hb2: vec![0.0; c.hidden_dim],
            q: vec![0.0; c.dim],
            att: vec![0.0; c.seq_len],
            logits: vec![0.0; c.vocab_size],
            cos: vec![0.0; c.head_size() / 2],
            sin: vec![0.0; c.head_size() / 2],
            key_cache: vec![0.0; cache],
            value_cache: vec![0.0; cache],
        }
    }

    /// Runs `token` at position `pos` and returns the logits of the next token. Positions must
    /// be fed in order from 0.
    pub fn forward(&mut self, token: u32, pos: usize, probe: &mut impl Probe) -> Result<&[f32]> {
        self.check(token, pos)?;
        let layers = self.model.config.n_layers;
        for index in 0..Op::count(layers) {
            if let Some(op) = Op::at(index, layers) {
                self.run(op, token, pos, probe);
            }
        }
        Ok(&self.logits)
    }

    /// Checks that `token` and `pos` can be fed.
    pub fn check(&self, token: u32, pos: usize) -> Result<()> {
        let c = &self.model.config;
        if token as usize >= c.vocab_size {
            return Err(Error::InvalidInput("token id outside the vocabulary"));
        }
        if pos >= c.seq_len {
            return Err(Error::InvalidInput("position outside the context"));
        }
        Ok(())
    }

    /// Runs one operator of the forward pass of `token` at `pos` (both checked by
    /// [`Session::check`]), reading and writing the session's buffers: [`Session::forward`]
    /// runs them all in [`Op::at`] order, a multi-phase dispute one at a time.
    pub fn run(&mut self, op: Op, token: u32, pos: usize, probe: &mut impl Probe) {
        let model = self.model;
        let c = model.config;
        let (dim, hs, kv_dim) = (c.dim, c.head_size(), c.kv_dim());
        let kv_mul = c.n_heads / c.n_kv_heads;
        match op {
            Op::Embedding => {
                probe.begin("embedding");
                let token = token as usize;
                self.x.copy_from_slice(&model.embedding[token * dim..(token + 1) * dim]);
                finish(probe, "embedding", &mut self.x);
            }
            Op::AttentionNorm(l) => {
                probe.begin("rmsnorm");
                float::rmsnorm(&mut self.xb, &self.x, &model.layers[l].rms_att, RMS_EPS);
                finish(probe, "rmsnorm", &mut self.xb);
            }
            Op::Qkv(l) => {
                let layer = &model.layers[l];
                let offset = (l * c.seq_len + pos) * kv_dim;
                let key = &mut self.key_cache[offset..offset + kv_dim];
                let value = &mut self.value_cache[offset..offset + kv_dim];
                probe.begin("qkv");
                float::matmul(&mut self.q, &self.xb, &layer.wq);
                float::matmul(key, &self.xb, &layer.wk);
                float::matmul(value, &self.xb, &layer.wv);
                canonicalize(&mut self.q);
                canonicalize(key);
                canonicalize(value);
                probe.end("qkv", Output::F32(&self.q));
            }
            Op::Rope(l) => {
                let offset = (l * c.seq_len + pos) * kv_dim;
                let key = &mut self.key_cache[offset..offset + kv_dim];
                probe.begin("rope");
                float::rope_angles(pos, hs, &mut self.cos, &mut self.sin);
                float::rope(&mut self.q, hs, &self.cos, &self.sin);
                float::rope(key, hs, &self.cos, &self.sin);
                canonicalize(key);
                finish(probe, "rope", &mut self.q);
            }
            Op::Attention(l) => {
                probe.begin("attention");
                let layer_keys = &self.key_cache[l * c.seq_len * kv_dim..];
                let layer_values = &self.value_cache[l * c.seq_len * kv_dim..];
                let scale = libm::sqrtf(hs as f32);
                for h in 0..c.n_heads {
                    let q = &self.q[h * hs..(h + 1) * hs];
                    let kv_head = (h / kv_mul) * hs;
                    let att = &mut self.att[..=pos];
                    for (t, a) in att.iter_mut().enumerate() {
                        let k = &layer_keys[t * kv_dim + kv_head..][..hs];
                        *a = float::dot(q, k) / scale;
                    }
                    float::softmax(att);
                    let out = &mut self.xb[h * hs..(h + 1) * hs];
                    out.fill(0.0);
                    for (t, &a) in att.iter().enumerate() {
                        let v = &layer_values[t * kv_dim + kv_head..][..hs];
                        for (o, &vi) in out.iter_mut().zip(v) {
                            *o += a * vi;
                        }
                    }
                }
                finish(probe, "attention", &mut self.xb);
            }
            Op::AttentionOutput(l) => {
                probe.begin("matmul");
                float::matmul(&mut self.xb2, &self.xb, &model.layers[l].wo);
                float::add_assign(&mut self.x, &self.xb2);
                finish(probe, "matmul", &mut self.x);
            }
            Op::FfnNorm(l) => {
                probe.begin("rmsnorm");
                float::rmsnorm(&mut self.xb, &self.x, &model.layers[l].rms_ffn, RMS_EPS);
                finish(probe, "rmsnorm", &mut self.xb);
            }
            Op::SwiGlu(l) => {
                let layer = &model.layers[l];
                probe.begin("swiglu");
                float::matmul(&mut self.hb, &self.xb, &layer.w1);
                float::matmul(&mut self.hb2, &self.xb, &layer.w3);
                for (h, &g) in self.hb.iter_mut().zip(&self.hb2) {
                    *h = float::silu(*h) * g;
                }
                float::matmul(&mut self.xb, &self.hb, &layer.w2);
                float::add_assign(&mut self.x, &self.xb);
                // `xb` outlives the operator in a unit's state: its NaNs must be canonical too.
                canonicalize(&mut self.xb);
                finish(probe, "swiglu", &mut self.x);
            }
            Op::FinalNorm => {
                probe.begin("rmsnorm");
                float::rmsnorm(&mut self.xb, &self.x, &model.rms_final, RMS_EPS);
                finish(probe, "rmsnorm", &mut self.xb);
            }
            Op::Classifier => {
                probe.begin("classifier");
                let classifier = model.classifier.as_deref().unwrap_or(&model.embedding);
                float::matmul(&mut self.logits, &self.xb, classifier);
                finish(probe, "classifier", &mut self.logits);
            }
        }
    }

    /// The model the session runs.
    pub fn model(&self) -> &'a Llama {
        self.model
    }

    /// The logits of the last [`Op::Classifier`].
    pub fn logits(&self) -> &[f32] {
        &self.logits
    }

    /// The buffers an operator boundary carries to the next operators: the residual stream
    /// `x`, the normalized or attended activations `xb` and the query `q` (everything else is
    /// scratch within one operator, but the key/value cache).
    pub fn activations_mut(&mut self) -> [&mut Vec<f32>; 3] {
        [&mut self.x, &mut self.xb, &mut self.q]
    }

    /// The key and value rows of `layer` for positions `0..rows`, in the cache's layout.
    pub fn cache_rows(&mut self, layer: usize, rows: usize) -> [&mut [f32]; 2] {
        let c = &self.model.config;
        let start = layer * c.seq_len * c.kv_dim();
        let end = start + rows * c.kv_dim();
        [&mut self.key_cache[start..end], &mut self.value_cache[start..end]]
    }
}

/// One operator of a forward pass. A position runs [`Op::count`] of them, in [`Op::at`]
/// order: the embedding, seven per layer (the attention's norm, query/key/value projections,
/// rotary embedding, attention, output projection with the residual, the feed-forward norm,
/// SwiGLU with the residual), the final norm and the classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The token's embedding into `x`.
    Embedding,
    /// RMSNorm of `x` into `xb`, before layer `l`'s attention.
    AttentionNorm(usize),
    /// Layer `l`'s query into `q`, key and value into the cache row of the position.
    Qkv(usize),
    /// Rotary embedding of the query and the position's key.
    Rope(usize),
    /// Grouped-query attention over the cache's positions so far, into `xb`.
    Attention(usize),
    /// The output projection of `xb`, added to `x`.
    AttentionOutput(usize),
    /// RMSNorm of `x` into `xb`, before layer `l`'s feed-forward.
    FfnNorm(usize),
    /// SwiGLU feed-forward of `xb`, added to `x`.
    SwiGlu(usize),
    /// The final RMSNorm of `x` into `xb`.
    FinalNorm,
    /// The classifier: the next token's logits.
    Classifier,
}

impl Op {
    /// Operators per layer.
    const PER_LAYER: usize = 7;

    /// Operators in one forward pass of a model with `layers` blocks.
    pub const fn count(layers: usize) -> usize {
        3 + Self::PER_LAYER * layers
    }

    /// The `index`-th operator of a forward pass (`None` past [`Op::count`]).
    pub const fn at(index: usize, layers: usize) -> Option<Self> {
        if index == 0 {
            return Some(Self::Embedding);
        }
        let in_layers = index - 1;
        if in_layers < Self::PER_LAYER * layers {
            let l = in_layers / Self::PER_LAYER;
            return Some(match in_layers % Self::PER_LAYER {
                0 => Self::AttentionNorm(l),
                1 => Self::Qkv(l),
                2 => Self::Rope(l),
                3 => Self::Attention(l),
                4 => Self::AttentionOutput(l),
                5 => Self::FfnNorm(l),
                _ => Self::SwiGlu(l),
            });
        }
        match in_layers - Self::PER_LAYER * layers {
            0 => Some(Self::FinalNorm),
            1 => Some(Self::Classifier),
            _ => None,
        }
    }
}

/// Canonicalizes an operator's output and reports it.
fn finish(probe: &mut impl Probe, op: &'static str, output: &mut [f32]) {
    canonicalize(output);
    probe.end(op, Output::F32(output));
}
