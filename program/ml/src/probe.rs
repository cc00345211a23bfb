//! Operator boundaries, reported to whoever watches an inference.
//!
//! Every operator calls [`Probe::begin`] before it runs and [`Probe::end`] with its output after.
//! The engine's results never depend on the probe. In the VM the `inference` guest writes the
//! boundaries to the hint channel, which the state does not include: the profiler attributes
//! instructions to operators from them, and the output commitments are the graph-level claims a
//! multi-phase dispute would bisect over. On the host the same probe gives the same commitments.

/// An operator's output, as the bytes a commitment is taken over.
#[derive(Debug, Clone, Copy)]
pub enum Output<'a> {
    /// An int8 tensor.
    I8(&'a [i8]),
    /// An f32 tensor (little-endian bit patterns; NaNs are canonical, see `docs/ml.md`).
    F32(&'a [f32]),
}

impl Output<'_> {
    /// Calls `sink` with the output's little-endian bytes, in pieces.
    pub fn for_each_chunk(&self, mut sink: impl FnMut(&[u8])) {
        match self {
            Output::I8(values) => {
                for chunk in values.chunks(64) {
                    let mut bytes = [0u8; 64];
                    for (b, &v) in bytes.iter_mut().zip(chunk) {
                        *b = v as u8;
                    }
                    sink(&bytes[..chunk.len()]);
                }
            }
            Output::F32(values) => {
                for chunk in values.chunks(16) {
                    let mut bytes = [0u8; 64];
                    for (b, v) in bytes.chunks_exact_mut(4).zip(chunk) {
                        b.copy_from_slice(&v.to_bits().to_le_bytes());
                    }
                    sink(&bytes[..4 * chunk.len()]);
                }
            }
        }
    }
}

/// Watches operator boundaries. Both methods default to doing nothing.
pub trait Probe {
    /// Operator `op` is about to run.
    fn begin(&mut self, op: &'static str) {
        let _ = op;
    }

    /// Operator `op` finished with `output`.
    fn end(&mut self, op: &'static str, output: Output<'_>) {
        let _ = (op, output);
    }
}

/// A probe that watches nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProbe;

impl Probe for NoProbe {}
