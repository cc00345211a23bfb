//! AXML v1: int8 sequential models (dense, conv2d, maxpool2d), specified in `docs/ml.md`.

use alloc::vec;
use alloc::vec::Vec;

use crate::int8::{self, ConvShape, Dense};
use crate::quant::{check_zero_point, Requantize};
use crate::{Error, Output, Probe, Result};

/// The file magic.
pub const MAGIC: &[u8; 4] = b"AXML";
/// The format version this reader implements.
pub const VERSION: u16 = 1;
/// The only architecture of version 1: a chain of int8 layers.
pub const ARCH_INT8_SEQUENTIAL: u16 = 1;
const HEADER_BYTES: usize = 32;
const ENTRY_BYTES: usize = 32;

/// A little-endian cursor over one fixed-size record.
struct Record<'a>(&'a [u8]);

impl Record<'_> {
    fn u8(&self, at: usize) -> u8 {
        self.0[at]
    }
    fn u16(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.0[at], self.0[at + 1]])
    }
    fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes([self.0[at], self.0[at + 1], self.0[at + 2], self.0[at + 3]])
    }
    fn i32(&self, at: usize) -> i32 {
        self.u32(at) as i32
    }
}

/// A tensor's bytes as the table describes them.
#[derive(Debug, Clone, Copy)]
struct Tensor<'a> {
    dtype: u8,
    dims: [usize; 4],
    data: &'a [u8],
}

impl Tensor<'_> {
    fn i8s(&self, what: &'static str) -> Result<Vec<i8>> {
        if self.dtype != 1 {
            return Err(Error::InvalidModel(what));
        }
        Ok(self.data.iter().map(|&b| b as i8).collect())
    }
    fn i32s(&self, what: &'static str) -> Result<Vec<i32>> {
        if self.dtype != 2 {
            return Err(Error::InvalidModel(what));
        }
        Ok(self
            .data
            .chunks_exact(4)
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

/// One layer, ready to run.
#[derive(Debug, Clone)]
enum Layer {
    Dense { dense: Dense, rq: Requantize },
    Conv { shape: ConvShape, weights: Vec<i8>, bias: Vec<i32>, rq: Requantize },
    MaxPool { window: usize },
}

impl Layer {
    fn name(&self) -> &'static str {
        match self {
            Layer::Dense { .. } => "dense",
            Layer::Conv { .. } => "conv2d",
            Layer::MaxPool { .. } => "maxpool2d",
        }
    }
}

/// A loaded AXML model.
#[derive(Debug, Clone)]
pub struct Sequential {
    input_shape: [usize; 3],
    layers: Vec<Layer>,
    /// Each layer's input shape and zero point.
    layer_inputs: Vec<([usize; 3], i32)>,
    output_len: usize,
}

fn truncated(what: &'static str, needed: u64, bytes: &[u8]) -> Error {
    Error::Truncated { what, needed, available: bytes.len() }
}

impl Sequential {
    /// Parses and validates a model: every shape is checked, layer to layer.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() < HEADER_BYTES {
            return Err(truncated("AXML header", HEADER_BYTES as u64, bytes));
        }
        let header = Record(&bytes[..HEADER_BYTES]);
        if &bytes[..4] != MAGIC {
            return Err(Error::UnknownFormat("not an AXML file"));
        }
        if header.u16(4) != VERSION {
            return Err(Error::UnknownFormat("AXML version is not 1"));
        }
        if header.u16(6) != ARCH_INT8_SEQUENTIAL {
            return Err(Error::UnknownFormat("AXML architecture is not int8 sequential (1)"));
        }
        let (tensor_count, layer_count) = (header.u32(8) as u64, header.u32(12) as u64);
        let tables = HEADER_BYTES as u64 + ENTRY_BYTES as u64 * (tensor_count + layer_count);
        if (bytes.len() as u64) < tables {
            return Err(truncated("AXML tensor and layer tables", tables, bytes));
        }
        if layer_count == 0 {
            return Err(Error::InvalidModel("an AXML model needs at least one layer"));
        }
        let input_shape = [header.u16(16), header.u16(18), header.u16(20)].map(usize::from);
        if input_shape.contains(&0) {
            return Err(Error::InvalidModel("input dimensions must be at least 1"));
        }
        let input_zero_point = check_zero_point(header.i32(24))?;

        let entry = |i: u64| {
            let at = (HEADER_BYTES as u64 + ENTRY_BYTES as u64 * i) as usize;
            Record(&bytes[at..at + ENTRY_BYTES])
        };
        let tensor = |index: u16| -> Result<Tensor<'_>> {
            if u64::from(index) >= tensor_count {
                return Err(Error::InvalidModel("layer names a tensor past the table"));
            }
            let t = entry(u64::from(index));
            let (dtype, rank) = (t.u8(0), usize::from(t.u8(1)));
            let size = match dtype {
                1 => 1u64,
                2 => 4,
                _ => return Err(Error::InvalidModel("tensor dtype must be 1 (i8) or 2 (i32)")),
            };
            if !(1..=4).contains(&rank) {
                return Err(Error::InvalidModel("tensor rank must be 1..=4"));
            }
            let mut dims = [1usize; 4];
            let mut elements = 1u64;
            for (d, dim) in dims.iter_mut().enumerate().take(rank) {
                *dim = usize::from(t.u16(4 + 2 * d));
                elements *= *dim as u64;
            }
            let (offset, len) = (u64::from(t.u32(12)), u64::from(t.u32(16)));
            if len != elements * size || elements == 0 {
                return Err(Error::InvalidModel(
                    "tensor length is not its element count times its size",
                ));
            }
            if offset % 4 != 0 || offset < tables {
                return Err(Error::InvalidModel(
                    "tensor data must be 4-aligned and after the tables",
                ));
            }
            if offset + len > bytes.len() as u64 {
                return Err(truncated("AXML tensor data", offset + len, bytes));
            }
            Ok(Tensor { dtype, dims, data: &bytes[offset as usize..(offset + len) as usize] })
        };

        let mut shape = input_shape;
        let mut zero_point = input_zero_point;
        let mut layers = Vec::new();
        let mut layer_inputs = Vec::new();
        for i in 0..layer_count {
            layer_inputs.push((shape, zero_point));
            let l = entry(tensor_count + i);
            let relu = match l.u8(1) {
                0 => false,
                1 => true,
                _ => return Err(Error::InvalidModel("relu flag must be 0 or 1")),
            };
            let out_zp = l.i32(8);
            let layer = match l.u8(0) {
                1 => {
                    let w = tensor(l.u16(4))?;
                    let b = tensor(l.u16(6))?;
                    let [n, k] = [w.dims[0], w.dims[1..].iter().product()];
                    if k != shape.iter().product::<usize>() || b.dims.iter().product::<usize>() != n
                    {
                        return Err(Error::InvalidModel(
                            "dense weights must be [N, K] for an input of K and a bias of N",
                        ));
                    }
                    let dense = Dense::new(
                        w.i8s("dense weights must be i8")?,
                        b.i32s("dense bias must be i32")?,
                    )
                    .ok_or(Error::InvalidModel("dense weights and bias do not fit"))?;
                    shape = [1, 1, n];
                    Layer::Dense { dense, rq: Requantize::new(l.i32(12), l.i32(16), out_zp, relu)? }
                }
                2 => {
                    let w = tensor(l.u16(4))?;
                    let b = tensor(l.u16(6))?;
                    let [cout, kh, kw, cin] = w.dims;
                    if cin != shape[2] || b.dims.iter().product::<usize>() != cout {
                        return Err(Error::InvalidModel("conv2d weights must be [Cout, KH, KW, Cin] with the input's Cin and a bias of Cout"));
                    }
                    let conv = ConvShape {
                        input: shape,
                        kernel: [cout, kh, kw],
                        stride: usize::from(l.u8(2)),
                        padding: usize::from(l.u8(3)),
                    };
                    if conv.stride == 0 {
                        return Err(Error::InvalidModel("conv2d stride must be at least 1"));
                    }
                    shape = conv.output().ok_or(Error::InvalidModel(
                        "conv2d kernel is larger than the padded input",
                    ))?;
                    Layer::Conv {
                        shape: conv,
                        weights: w.i8s("conv2d weights must be i8")?,
                        bias: b.i32s("conv2d bias must be i32")?,
                        rq: Requantize::new(l.i32(12), l.i32(16), out_zp, relu)?,
                    }
                }
                3 => {
                    let window = usize::from(l.u8(2));
                    if window == 0 || window > shape[0] || window > shape[1] {
                        return Err(Error::InvalidModel(
                            "maxpool2d window must be in 1..=min(H, W)",
                        ));
                    }
                    if out_zp != zero_point || relu {
                        return Err(Error::InvalidModel(
                            "maxpool2d keeps its input's zero point and has no relu",
                        ));
                    }
                    shape = [shape[0] / window, shape[1] / window, shape[2]];
                    Layer::MaxPool { window }
                }
                _ => {
                    return Err(Error::InvalidModel(
                        "layer op must be 1 (dense), 2 (conv2d) or 3 (maxpool2d)",
                    ))
                }
            };
            zero_point = check_zero_point(out_zp)?;
            layers.push(layer);
        }
        Ok(Self { input_shape, layers, layer_inputs, output_len: shape.iter().product() })
    }

    /// The input shape `[H, W, C]`.
    pub fn input_shape(&self) -> [usize; 3] {
        self.input_shape
    }

    /// The multiply-accumulates of one inference, per layer: `(operator name, MACs)` in layer
    /// order (pooling has none). The denominator of the VM's instructions-per-MAC figure.
    pub fn macs(&self) -> Vec<(&'static str, u64)> {
        let macs = |layer: &Layer| match layer {
            Layer::Dense { dense, .. } => (dense.inputs() * dense.outputs()) as u64,
            Layer::Conv { shape, .. } => {
                let [ho, wo, cout] = shape.output().unwrap_or([0; 3]);
                let [_, kh, kw] = shape.kernel;
                (ho * wo * cout * kh * kw * shape.input[2]) as u64
            }
            Layer::MaxPool { .. } => 0,
        };
        self.layers.iter().map(|layer| (layer.name(), macs(layer))).collect()
    }

    /// The number of int8 values the model outputs.
    pub fn output_len(&self) -> usize {
        self.output_len
    }

    /// The number of layers.
    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// The number of int8 values layer `index` outputs.
    pub fn layer_output_len(&self, index: usize) -> usize {
        self.layer_inputs
            .get(index + 1)
            .map_or(self.output_len, |(shape, _)| shape.iter().product())
    }

    /// Runs the model on an int8 HWC input; returns the last layer's int8 output.
    pub fn run(&self, input: &[i8], probe: &mut impl Probe) -> Result<Vec<i8>> {
        if input.len() != self.input_shape.iter().product::<usize>() {
            return Err(Error::InvalidInput("input length is not H × W × C of the model"));
        }
        let mut x = input.to_vec();
        for index in 0..self.layers.len() {
            x = self.run_layer(index, &x, probe)?;
        }
        Ok(x)
    }

    /// Runs layer `index` on `x`, the output of the layers before it (the model input for
    /// layer 0): what [`Sequential::run`] does layer by layer, and a multi-phase dispute one
    /// layer at a time.
    pub fn run_layer(&self, index: usize, x: &[i8], probe: &mut impl Probe) -> Result<Vec<i8>> {
        let (Some(layer), Some(&(shape, zp))) =
            (self.layers.get(index), self.layer_inputs.get(index))
        else {
            return Err(Error::InvalidInput("no such layer"));
        };
        if x.len() != shape.iter().product::<usize>() {
            return Err(Error::InvalidInput("a layer's input is not its shape"));
        }
        probe.begin(layer.name());
        let out = match layer {
            Layer::Dense { dense, rq } => {
                let mut out = vec![0; dense.outputs()];
                dense.run(x, zp, rq, &mut out);
                out
            }
            Layer::Conv { shape: conv, weights, bias, rq } => {
                let [ho, wo, c] = conv.output().unwrap_or([0; 3]);
                let mut out = vec![0; ho * wo * c];
                // `zp` passed `check_zero_point`: it is an int8 value.
                int8::conv2d(conv, x, zp as i8, weights, bias, rq, &mut out);
                out
            }
            Layer::MaxPool { window } => {
                let next = [shape[0] / window, shape[1] / window, shape[2]];
                let mut out = vec![0; next.iter().product()];
                int8::maxpool2d(shape, *window, x, &mut out);
                out
            }
        };
        probe.end(layer.name(), Output::I8(&out));
        Ok(out)
    }
}
