//! One inference as a sequence of units, and the state between them: what a multi-phase
//! dispute bisects over (`docs/ml.md`, "Multi-phase disputes").
//!
//! A unit is one AXML layer, or one transformer operator at one position ([`Op`]: a position
//! of stories260K is 38 units). The state after a unit holds everything the rest of the run
//! needs — the activations, the key/value cache, the position and the tokens so far — and is
//! committed to by the keccak-256 of its [`header`](UnitState::header), which names the
//! keccak-256 of each of its buffers. Phase 1 of a dispute computes the commitment after every
//! unit natively; phase 2 re-executes the one disputed unit in the VM (the `inference-unit`
//! guest), reading the agreed state by those hashes through the preimage oracle. Both sides
//! run this module, so the commitments are the same bits; a unit hashes only the buffers it
//! changes, so the VM pays for what one operator writes, not for the whole state.
//!
//! A request the engine refuses (a bad size, token or model) gives a *failed* state holding
//! the reason; a run that is over, or failed, is left unchanged by every further unit — the
//! padding of a split game's units, as a halted VM pads its trace.

use alloc::string::ToString;
use alloc::vec::Vec;

use crate::llama::{Op, Session};
use crate::model::Request;
use crate::{float, Error, Model, NoProbe};

/// The keccak-256 function the caller provides (the guest's and the host's own).
pub type Keccak = fn(&[u8]) -> [u8; 32];

/// The header's magic.
const MAGIC: &[u8; 4] = b"AXUS";
/// The header's version.
const VERSION: u8 = 1;
/// Bytes of the header before the buffer hashes.
const HEADER_BYTES: usize = 56;

/// The kinds of state, as the header's kind byte.
const KIND_FAILED: u8 = 0;
const KIND_SEQUENTIAL: u8 = 1;
const KIND_LLAMA: u8 = 2;

/// Why an encoded state could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The header is not a state of this format, model or request.
    #[error("not a unit state of this run: {0}")]
    Header(&'static str),
    /// A buffer does not have the size the state implies.
    #[error("buffer {index} has {len} bytes, the state implies {expected}")]
    Buffer {
        /// Which buffer.
        index: usize,
        /// Its length.
        len: usize,
        /// The length implied.
        expected: usize,
    },
}

/// What a state holds.
#[derive(Debug)]
enum Body<'m> {
    /// The request was refused; the buffer is the reason.
    Failed(Vec<u8>),
    /// An AXML model: the activations after the layers so far (the input before the first).
    Sequential { model: &'m crate::axml::Sequential, activations: Vec<i8> },
    /// A llama2.c model.
    Llama {
        /// The session: activations and key/value cache (boxed: it is most of the state).
        session: alloc::boxed::Box<Session<'m>>,
        /// The prompt (never empty: BOS when the request's is).
        prompt: Vec<u32>,
        /// The tokens to generate.
        count: usize,
        /// The token the current position feeds.
        token: u32,
        /// The tokens generated so far.
        generated: Vec<u32>,
    },
}

/// The state of one inference after some units.
#[derive(Debug)]
pub struct UnitState<'m> {
    unit: u64,
    request: [u8; 32],
    body: Body<'m>,
    /// The keccak-256 of each buffer, where known (`None` once it changed).
    hashes: Vec<Option<[u8; 32]>>,
}

impl<'m> UnitState<'m> {
    /// The state before the first unit of the run that `request` (whose keccak-256 is
    /// `request_hash`) asks of `model`: the request's refusal as a failed state, or the model
    /// input ready to run. `model` is the parsed model the request names, or why there is
    /// none (a model that does not parse).
    pub fn begin(
        request_hash: [u8; 32],
        request: Result<Request<'_>, Error>,
        model: Result<&'m Model, Error>,
    ) -> Self {
        let body = match request.and_then(|r| Ok((r, model?))).and_then(|(r, model)| {
            model.check_request(r.input, r.output_size)?;
            Ok(Self::start(r, model))
        }) {
            Ok(body) => body,
            Err(reason) => Body::Failed(reason.to_string().into_bytes()),
        };
        let buffers = body_buffers(&body);
        Self { unit: 0, request: request_hash, body, hashes: alloc::vec![None; buffers] }
    }

    fn start(request: Request<'_>, model: &'m Model) -> Body<'m> {
        match model {
            Model::Sequential(model) => Body::Sequential {
                model,
                activations: request.input.iter().map(|&b| b as i8).collect(),
            },
            Model::Llama(model) => {
                let mut prompt: Vec<u32> = request
                    .input
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                if prompt.is_empty() {
                    prompt.push(crate::llama::BOS);
                }
                Body::Llama {
                    session: alloc::boxed::Box::new(model.session()),
                    token: prompt[0],
                    prompt,
                    count: request.output_size / 4,
                    generated: Vec::new(),
                }
            }
        }
    }

    /// The units of the whole run (0 for a failed one).
    pub fn total(&self) -> u64 {
        match &self.body {
            Body::Failed(_) => 0,
            Body::Sequential { model, .. } => model.layer_count() as u64,
            Body::Llama { session, prompt, count, .. } => {
                let forwards = if *count == 0 { 0 } else { prompt.len() - 1 + count };
                (forwards * Op::count(session.model().config().n_layers)) as u64
            }
        }
    }

    /// Whether every unit has run (or the run failed): further units change nothing.
    pub fn is_done(&self) -> bool {
        self.unit >= self.total()
    }

    /// Whether unit number `unit` applies to this state: it is the next one, or the run is
    /// over (a later unit is padding).
    pub fn expects(&self, unit: u64) -> bool {
        self.unit == unit || (self.is_done() && unit > self.unit)
    }

    /// The run's result once done: `Ok(output)` (the bytes `Model::infer` returns) or
    /// `Err(reason)` for a refused request; `None` while units remain.
    pub fn result(&self) -> Option<Result<Vec<u8>, &[u8]>> {
        if !self.is_done() {
            return None;
        }
        Some(match &self.body {
            Body::Failed(reason) => Err(reason),
            Body::Sequential { activations, .. } => {
                Ok(activations.iter().map(|&v| v as u8).collect())
            }
            Body::Llama { generated, .. } => {
                Ok(generated.iter().flat_map(|t| t.to_le_bytes()).collect())
            }
        })
    }

    /// Applies the next unit (nothing once the run is done).
    pub fn apply(&mut self) {
        if self.is_done() {
            return;
        }
        let unit = self.unit;
        let mut dirty: [Option<usize>; 3] = [None; 3];
        let mut failed = None;
        match &mut self.body {
            Body::Failed(_) => {}
            Body::Sequential { model, activations } => {
                match model.run_layer(unit as usize, activations, &mut NoProbe) {
                    Ok(out) => *activations = out,
                    Err(e) => failed = Some(e),
                }
                dirty[0] = Some(0);
            }
            Body::Llama { session, prompt, token, generated, .. } => {
                let layers = session.model().config().n_layers;
                let ops = Op::count(layers) as u64;
                let pos = (unit / ops) as usize;
                // `begin` checked the context and the prompt's tokens; generated ones come
                // from the vocabulary.
                let op = Op::at((unit % ops) as usize, layers).unwrap_or(Op::Classifier);
                session.run(op, *token, pos, &mut NoProbe);
                let (keys, values) = (LLAMA_FIXED, LLAMA_FIXED + layers);
                dirty = match op {
                    Op::Embedding | Op::AttentionOutput(_) => [Some(X), None, None],
                    Op::AttentionNorm(_) | Op::Attention(_) | Op::FfnNorm(_) | Op::FinalNorm => {
                        [Some(XB), None, None]
                    }
                    Op::SwiGlu(_) => [Some(X), Some(XB), None],
                    Op::Qkv(l) => [Some(Q), Some(keys + l), Some(values + l)],
                    Op::Rope(l) => [Some(Q), Some(keys + l), None],
                    Op::Classifier => {
                        let next = match prompt.get(pos + 1) {
                            Some(&next) => Some(next),
                            None => {
                                let next = float::argmax(session.logits()).map(|t| t as u32);
                                if let Some(next) = next {
                                    generated.push(next);
                                }
                                next
                            }
                        };
                        match next {
                            Some(next) => *token = next,
                            None => failed = Some(Error::InvalidModel("logits are all NaN")),
                        }
                        [Some(GENERATED), None, None]
                    }
                };
            }
        }
        if let Some(reason) = failed {
            self.body = Body::Failed(reason.to_string().into_bytes());
            self.hashes = alloc::vec![None; 1];
        } else {
            for index in dirty.into_iter().flatten() {
                self.hashes[index] = None;
            }
        }
        self.unit += 1;
    }

    /// The state's buffers, in header order.
    pub fn buffers(&mut self) -> Vec<Vec<u8>> {
        (0..self.hashes.len()).map(|index| self.buffer(index)).collect()
    }

    /// Buffer `index` (see [`UnitState::header`]): serialized alone, so that a unit pays for
    /// the buffers it changed, not for the whole state.
    fn buffer(&mut self, index: usize) -> Vec<u8> {
        let unit = self.unit;
        match &mut self.body {
            Body::Failed(reason) => reason.clone(),
            Body::Sequential { activations, .. } => activations.iter().map(|&v| v as u8).collect(),
            Body::Llama { session, generated, .. } => {
                let layers = session.model().config().n_layers;
                match index {
                    GENERATED => generated.iter().flat_map(|t| t.to_le_bytes()).collect(),
                    X | XB | Q => f32_bytes(&session.activations_mut()[index - X][..]),
                    _ => {
                        let (kind, l) =
                            ((index - LLAMA_FIXED) / layers, (index - LLAMA_FIXED) % layers);
                        let rows = session.cache_rows(l, cache_rows(unit, layers, l));
                        f32_bytes(&rows[kind][..])
                    }
                }
            }
        }
    }

    /// The header: `"AXUS" ‖ version ‖ kind ‖ u16 0 ‖ u64 unit ‖ request hash ‖ u32 token ‖
    /// u32 buffer count ‖ the keccak-256 of each buffer` (little-endian). Hashes the buffers
    /// that changed since they were last hashed.
    pub fn header(&mut self, keccak: Keccak) -> Vec<u8> {
        for index in 0..self.hashes.len() {
            if self.hashes[index].is_none() {
                let buffer = self.buffer(index);
                self.hashes[index] = Some(keccak(&buffer));
            }
        }
        let (kind, token) = match &self.body {
            Body::Failed(_) => (KIND_FAILED, 0),
            Body::Sequential { .. } => (KIND_SEQUENTIAL, 0),
            Body::Llama { token, .. } => (KIND_LLAMA, *token),
        };
        let mut out = Vec::with_capacity(HEADER_BYTES + 32 * self.hashes.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[VERSION, kind, 0, 0]);
        out.extend_from_slice(&self.unit.to_le_bytes());
        out.extend_from_slice(&self.request);
        out.extend_from_slice(&token.to_le_bytes());
        out.extend_from_slice(&(self.hashes.len() as u32).to_le_bytes());
        for hash in &self.hashes {
            out.extend_from_slice(&hash.unwrap_or_default());
        }
        out
    }

    /// The commitment to the state: the keccak-256 of its [`header`](Self::header).
    pub fn commitment(&mut self, keccak: Keccak) -> [u8; 32] {
        let header = self.header(keccak);
        keccak(&header)
    }

    /// Reads back the state whose header is `header`, for the run of `model` on `request`
    /// (whose keccak-256 is `request_hash`), fetching each buffer by its keccak-256 with
    /// `fetch` (the oracle's keccak keys bind each to its hash, so nothing is re-hashed).
    pub fn decode(
        header: &[u8],
        request_hash: [u8; 32],
        request: Result<Request<'_>, Error>,
        model: Result<&'m Model, Error>,
        mut fetch: impl FnMut(&[u8; 32]) -> Vec<u8>,
    ) -> Result<Self, DecodeError> {
        if header.len() < HEADER_BYTES || &header[..4] != MAGIC || header[4] != VERSION {
            return Err(DecodeError::Header("magic or version"));
        }
        let word = |at: usize| {
            u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
        };
        let mut unit = [0u8; 8];
        unit.copy_from_slice(&header[8..16]);
        let unit = u64::from_le_bytes(unit);
        if header[16..48] != request_hash {
            return Err(DecodeError::Header("another request"));
        }
        let (token, count) = (word(48), word(52) as usize);
        if header.len() != HEADER_BYTES + 32 * count {
            return Err(DecodeError::Header("buffer count"));
        }
        let hashes: Vec<[u8; 32]> = header[HEADER_BYTES..]
            .chunks_exact(32)
            .map(|h| {
                let mut hash = [0u8; 32];
                hash.copy_from_slice(h);
                hash
            })
            .collect();
        if header[5] == KIND_FAILED {
            // Refused at the start, or failed on the way (the logits turned NaN): the reason
            // is the one buffer, and no unit changes it.
            let [hash] = hashes[..] else {
                return Err(DecodeError::Header("a failed state has one buffer"));
            };
            return Ok(Self {
                unit,
                request: request_hash,
                body: Body::Failed(fetch(&hash)),
                hashes: alloc::vec![Some(hash)],
            });
        }
        let mut state = Self::begin(request_hash, request, model);
        let kind = match state.body {
            Body::Failed(_) => KIND_FAILED,
            Body::Sequential { .. } => KIND_SEQUENTIAL,
            Body::Llama { .. } => KIND_LLAMA,
        };
        if header[5] != kind || count != state.hashes.len() {
            return Err(DecodeError::Header("kind or buffer count of another model"));
        }
        if unit > state.total() {
            return Err(DecodeError::Header("unit past the end of the run"));
        }
        let mut buffers = hashes.iter().map(&mut fetch);
        let mut next = |index: usize, expected: usize| -> Result<Vec<u8>, DecodeError> {
            let buffer = buffers.next().unwrap_or_default();
            if buffer.len() != expected && expected != usize::MAX {
                return Err(DecodeError::Buffer { index, len: buffer.len(), expected });
            }
            Ok(buffer)
        };
        match &mut state.body {
            // `begin` refused the request where the header says it ran: another request's.
            Body::Failed(_) => return Err(DecodeError::Header("a refused request's state")),
            Body::Sequential { model, activations } => {
                let expected = if unit == 0 {
                    activations.len()
                } else {
                    model.layer_output_len(unit as usize - 1)
                };
                *activations = next(0, expected)?.into_iter().map(|b| b as i8).collect();
            }
            Body::Llama { session, token: current, generated, prompt, .. } => {
                let layers = session.model().config().n_layers;
                let ops = Op::count(layers) as u64;
                let produced = ((unit / ops) as usize + 1).saturating_sub(prompt.len());
                let g = next(GENERATED, 4 * produced)?;
                *generated = g
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                *current = token;
                for (i, buffer) in session.activations_mut().into_iter().enumerate() {
                    let bytes = next(X + i, 4 * buffer.len())?;
                    read_f32(&bytes, buffer);
                }
                let kv_dim = session.model().config().kv_dim();
                let mut keys = Vec::with_capacity(layers);
                for l in 0..layers {
                    keys.push(next(LLAMA_FIXED + l, 4 * kv_dim * cache_rows(unit, layers, l))?);
                }
                for (l, key_bytes) in keys.iter().enumerate() {
                    let value_bytes =
                        next(LLAMA_FIXED + layers + l, 4 * kv_dim * cache_rows(unit, layers, l))?;
                    let [k, v] = session.cache_rows(l, cache_rows(unit, layers, l));
                    read_f32(key_bytes, k);
                    read_f32(&value_bytes, v);
                }
            }
        }
        state.unit = unit;
        state.hashes = hashes.into_iter().map(Some).collect();
        Ok(state)
    }
}

/// The model `bytes` as unit `unit` of a run reads it: a llama2.c checkpoint with only the
/// weights of the unit's operator ([`crate::llama::Llama::parse_part`]), anything else whole.
/// A run's units are the same whichever way the model was loaded, and cheaper in the VM.
pub fn model_for_unit(bytes: &[u8], unit: u64) -> Result<Model, Error> {
    if bytes.starts_with(crate::axml::MAGIC) {
        return Model::parse(bytes);
    }
    let layers = crate::llama::Config::parse(bytes)?.n_layers;
    let ops = Op::count(layers) as u64;
    let op = Op::at((unit % ops) as usize, layers).unwrap_or(Op::Classifier);
    crate::llama::Llama::parse_part(bytes, crate::llama::Part::Op(op)).map(Model::Llama)
}

/// A llama state's buffers: the generated tokens, then `x`, `xb` and `q`, then the key rows
/// of every layer, then the value rows.
const GENERATED: usize = 0;
const X: usize = 1;
const XB: usize = 2;
const Q: usize = 3;
const LLAMA_FIXED: usize = 4;

/// How many buffers a body has.
fn body_buffers(body: &Body<'_>) -> usize {
    match body {
        Body::Failed(_) | Body::Sequential { .. } => 1,
        Body::Llama { session, .. } => LLAMA_FIXED + 2 * session.model().config().n_layers,
    }
}

/// The key/value rows layer `layer` holds after `unit` units: one per position before the
/// current one, and the current one's once its `Qkv` ran (a position's other units leave the
/// rows alone, so only `Qkv` and `Rope` change a layer's buffers).
fn cache_rows(unit: u64, layers: usize, layer: usize) -> usize {
    let ops = Op::count(layers) as u64;
    let (pos, op) = ((unit / ops) as usize, (unit % ops) as usize);
    // `Qkv(layer)` is operator 2 + 7·layer of a position.
    pos + usize::from(op > 2 + 7 * layer)
}

fn f32_bytes(values: &[f32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_bits().to_le_bytes()).collect()
}

fn read_f32(bytes: &[u8], out: &mut [f32]) {
    for (v, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *v = f32::from_bits(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    }
}
