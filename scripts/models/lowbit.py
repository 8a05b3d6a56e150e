"""tiny-llama's 4- and 8-bit weights files, as transformers.js 3/4 selects them by `dtype`, and the
references PyTorch computes on the weights each file holds (dequantized):

| file | dtype | weight MatMuls | reference |
| --- | --- | --- | --- |
| `onnx/model_q4.onnx` | `q4` | `MatMulNBits` (4-bit blocks of 16, blockquant.py) | `reference_q4.json` |
| `onnx/model_q4f16.onnx` | `q4f16` | the fp16 file's, as `MatMulNBits` with float16 scales | `reference_q4f16.json` |
| `onnx/model_bnb4.onnx` | `bnb4` | `MatMulBnb4` (NF4, blocks of 64) | `reference_bnb4.json` |
| `onnx/model_int8.onnx` | `int8` | `MatMulInteger`, int8 weights (quantize.py) | `reference_int8.json` |
| `onnx/model_uint8.onnx` | `uint8` | `MatMulInteger`, uint8 weights with a zero point | `reference_uint8.json` |

The q4 and bnb4 files keep the activations in float32, so their attention is PyTorch's on the
dequantized weights to float32 rounding; q4f16's activations are float16 (its reference has the
weights it holds, in float32), and the 8-bit ones also quantize each activation (DynamicQuantizeLinear),
which PyTorch's reference does not, so they are within that rounding's error of it.
"""

import copy

import numpy as np
import torch
from torch import nn

from blockquant import dequantize_bnb4, dequantize_q4, quantize_bnb4, quantize_q4
from common import reference_json
from fp16 import convert_fp16
from gpt2 import decoder_examples
from quantize import dequantize_weight, quantize_dynamic

DEQUANTIZE = {
    "q4": (dequantize_q4, False),
    "q4f16": (lambda w: dequantize_q4(w, half=True), False),
    "bnb4": (dequantize_bnb4, False),
    "int8": (lambda w: dequantize_weight(w, "int8"), True),
    "uint8": (lambda w: dequantize_weight(w, "uint8"), True),
}


def dequantized(model, dtype):
    """A copy of `model` with the weights the `dtype` file computes with: every Linear's weight
    [out, in] = the MatMul's B transposed, and (8-bit files) the embedding table."""
    fn, embeddings = DEQUANTIZE[dtype]
    copy_ = copy.deepcopy(model)
    with torch.no_grad():
        for module in copy_.modules():
            if isinstance(module, nn.Linear) or (embeddings and isinstance(module, nn.Embedding)):
                module.weight.copy_(torch.from_numpy(fn(module.weight.numpy().astype(np.float32))))
    return copy_


def lowbit_files(name, model, tokenizer, c, fp32, kv_heads, head_dim, keep_float32):
    """The weights files and references above, for the fp32 graph `fp32` of `model`."""
    fp16 = convert_fp16(fp32, keep_float32=keep_float32)
    files = {
        "onnx/model_q4.onnx": quantize_q4(fp32),
        "onnx/model_q4f16.onnx": quantize_q4(fp16),
        "onnx/model_bnb4.onnx": quantize_bnb4(fp32),
        "onnx/model_int8.onnx": quantize_dynamic(fp32, "int8"),
        "onnx/model_uint8.onnx": quantize_dynamic(fp32, "uint8"),
    }
    for dtype in DEQUANTIZE:
        examples, _ = decoder_examples(dequantized(model, dtype), tokenizer, c["layers"], (1, c["kv_heads"], 0, head_dim), exact=True)
        files[f"reference_{dtype}.json"] = reference_json(
            f"{name} ({dtype})",
            examples,
            causal=True,
            vectors_scaled=False,
            layers=c["layers"],
            heads=c["heads"],
            head_dim=head_dim,
            kv_heads=kv_heads,
        )
    return files
