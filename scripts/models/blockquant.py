"""4-bit block quantization of an ONNX model's weight MatMuls, as transformers.js's q4 and bnb4 files
have it (written from ONNX Runtime's contrib-operator specification, not with its quantizers):

- `quantize_q4(model_bytes)` → `onnx/model_q4.onnx`: each MatMul whose B is a 2-D float initializer
  `[K, N]` becomes `com.microsoft` `MatMulNBits(A, B_q, scales)` (bits 4, `block_size` 16,
  accuracy_level 0: A stays float). The weight is taken transposed, `[N, K]`, and quantized in
  blocks of 16 along K, symmetrically with no zero point input (so the default 8 applies): the
  value of largest magnitude m in a block gives scale m / −8, q = clip(round(v / scale) + 8, 0, 15),
  and v ≈ (q − 8) · scale. Two values per byte, the first in the low 4 bits; B_q is
  `[N, K / 16, 8]` uint8, scales `[N · K / 16]`.
- `quantize_bnb4(model_bytes)` → `onnx/model_bnb4.onnx`: the same MatMuls become `MatMulBnb4(A, B_q,
  absmax)` (NF4, `quant_type` 1, `block_size` 64): the transposed weight `[N, K]` flattened, in
  blocks of 64; each block's absmax, and each value the index of the NF4 level nearest v / absmax;
  two values per byte, the first in the high 4 bits; v ≈ NF4[q] · absmax.

Embeddings (Gather) and the MatMuls of two activations (Q·Kᵀ, P·V) stay float, as in the Hub's
files. `dequantize_q4` / `dequantize_bnb4` give the weights these files compute with, `[N, K]`, so
that PyTorch can run the same model on them. Block sizes are the tiny models' (K is 16 or 32); the
Hub's files use 32 (q4) and 64 (bnb4) on wider layers.
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CONTRIB = "com.microsoft"
Q4_BLOCK = 16
BNB4_BLOCK = 64
# The NF4 levels (QLoRA's normal-float 4-bit data type), as MatMulBnb4 quant_type 1 reads them.
NF4 = np.array(
    [
        -1.0,
        -0.6961928009986877,
        -0.5250730514526367,
        -0.39491748809814453,
        -0.28444138169288635,
        -0.18477343022823334,
        -0.09105003625154495,
        0.0,
        0.07958029955625534,
        0.16093020141124725,
        0.24611230194568634,
        0.33791524171829224,
        0.44070982933044434,
        0.5626170039176941,
        0.7229568362236023,
        1.0,
    ],
    dtype=np.float32,
)


def q4_blocks(weight_nk):
    """(q [N, K/16, 16] in 0..15, scales [N, K/16]) for a float32 weight [N, K]."""
    n, k = weight_nk.shape
    assert k % Q4_BLOCK == 0, f"K {k} is not a multiple of the block size {Q4_BLOCK}"
    blocks = weight_nk.astype(np.float32).reshape(n, k // Q4_BLOCK, Q4_BLOCK)
    largest = np.take_along_axis(blocks, np.abs(blocks).argmax(axis=-1)[..., None], axis=-1)[..., 0]
    scales = (largest / np.float32(-8)).astype(np.float32)
    safe = np.where(scales == 0, np.float32(1), scales)
    q = np.clip(np.round(blocks / safe[..., None]) + 8, 0, 15).astype(np.uint8)
    return q, scales


def dequantize_q4(weight_nk, half=False):
    """`half`: as the q4f16 file holds it, quantized from the float16 weight, with float16 scales."""
    if half:
        weight_nk = weight_nk.astype(np.float16).astype(np.float32)
    q, scales = q4_blocks(weight_nk)
    if half:
        scales = scales.astype(np.float16).astype(np.float32)
    return ((q.astype(np.float32) - 8) * scales[..., None]).reshape(weight_nk.shape)


def bnb4_blocks(weight_nk):
    """(q [N·K] in 0..15, absmax [N·K / 64]) for a float32 weight [N, K], flattened."""
    flat = weight_nk.astype(np.float32).reshape(-1)
    assert flat.size % BNB4_BLOCK == 0, f"N·K {flat.size} is not a multiple of {BNB4_BLOCK}"
    blocks = flat.reshape(-1, BNB4_BLOCK)
    absmax = np.abs(blocks).max(axis=-1).astype(np.float32)
    safe = np.where(absmax == 0, np.float32(1), absmax)
    normed = blocks / safe[:, None]
    q = np.abs(normed[..., None] - NF4).argmin(axis=-1).astype(np.uint8)
    return q.reshape(-1), absmax


def dequantize_bnb4(weight_nk):
    q, absmax = bnb4_blocks(weight_nk)
    return (NF4[q].reshape(-1, BNB4_BLOCK) * absmax[:, None]).reshape(weight_nk.shape)


def _q4_node(node, weight_kn, names):
    k, n = weight_kn.shape
    q, scales = q4_blocks(weight_kn.T.astype(np.float32))
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)  # first value in the low bits
    b_name, s_name = f"{names}_Q4", f"{names}_scales"
    scales = scales.reshape(-1).astype(weight_kn.dtype)  # float16 in a q4f16 file
    inits = [numpy_helper.from_array(packed, b_name), numpy_helper.from_array(scales, s_name)]
    new = helper.make_node(
        "MatMulNBits",
        [node.input[0], b_name, s_name],
        list(node.output),
        node.name or f"{names}_MatMulNBits",
        domain=CONTRIB,
        K=k,
        N=n,
        bits=4,
        block_size=Q4_BLOCK,
        accuracy_level=0,
    )
    return new, inits


def _bnb4_node(node, weight_kn, names):
    k, n = weight_kn.shape
    q, absmax = bnb4_blocks(weight_kn.T)
    packed = ((q[0::2] << 4) | q[1::2]).astype(np.uint8)  # first value in the high bits
    b_name, a_name = f"{names}_Bnb4", f"{names}_absmax"
    inits = [numpy_helper.from_array(packed, b_name), numpy_helper.from_array(absmax, a_name)]
    new = helper.make_node(
        "MatMulBnb4",
        [node.input[0], b_name, a_name],
        list(node.output),
        node.name or f"{names}_MatMulBnb4",
        domain=CONTRIB,
        K=k,
        N=n,
        block_size=BNB4_BLOCK,
        quant_type=1,
    )
    return new, inits


def _quantize(model_bytes, make):
    model = onnx.load_from_string(model_bytes)
    graph = model.graph
    # float16 weights too: a q4f16 file is the fp16 file with its weight MatMuls quantized.
    float_types = (TensorProto.FLOAT, TensorProto.FLOAT16)
    floats = {t.name: t for t in graph.initializer if t.data_type in float_types}
    nodes, added, used = [], [], set()
    for node in graph.node:
        weight = floats.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if weight is None or len(weight.dims) != 2 or node.input[0] in floats:
            nodes.append(node)
            continue
        new, inits = make(node, numpy_helper.to_array(weight), weight.name)
        nodes.append(new)
        if weight.name not in used:
            added += inits
            used.add(weight.name)
    graph.ClearField("node")
    graph.node.extend(nodes)
    read = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
    kept = [t for t in graph.initializer if t.name in read]
    graph.ClearField("initializer")
    graph.initializer.extend(kept + added)
    if not any(o.domain == CONTRIB for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(CONTRIB, 1))
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def quantize_q4(model_bytes):
    """The q4 (MatMulNBits) version of an fp32 or fp16 ONNX model: bytes in, bytes out (of an fp16
    one, the q4f16 file: scales in float16)."""
    return _quantize(model_bytes, _q4_node)


def quantize_bnb4(model_bytes):
    """The bnb4 (MatMulBnb4, NF4) version of an fp32 ONNX model: bytes in, bytes out."""
    return _quantize(model_bytes, _bnb4_node)
