"""Dynamic int8 quantization of an ONNX model, as transformers.js's q8 files have it.

`quantize_dynamic(model_bytes)` returns the bytes of `onnx/model_quantized.onnx` (dtype 'q8') for
the fp32 graph `model_bytes`. It follows what ONNX Runtime's dynamic quantization writes for the
Hub's q8 files (IntegerOps mode, int8 weights, uint8 activations, per tensor, full range), written
here from those facts rather than with onnxruntime, which Debian's Python does not have:

- a MatMul whose B input is a 2-D float initializer (a weight) becomes

      DynamicQuantizeLinear(A) → A_q (uint8), A_scale, A_zero_point
      MatMulInteger(A_q, B_q, A_zero_point, B_zero_point) → int32
      Cast(int32 → float) · Mul(A_scale, B_scale) → the MatMul's own output

  with B quantized once, per tensor and symmetrically: B_scale = max|B| / 127, B_zero_point 0,
  B_q = round(B / B_scale) in [−127, 127] (int8). An activation feeding several weight MatMuls
  (Q, K and V from one LayerNorm) is quantized once.
- a Gather from a float initializer (an embedding table) becomes Gather on that table's int8
  values (same scheme), then DequantizeLinear back to float under the Gather's own output name.

MatMuls of two activations (Q·Kᵀ, P·V) stay float, so the attention tap still finds them; every
other node is unchanged. Float initializers no longer read are dropped. Subgraphs (a merged
decoder's If branches) are rewritten the same way, with the main graph's weights. The result is deterministic and passes `onnx.checker` (full
check); the model needs opset 11 or later (DynamicQuantizeLinear).
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Symmetric int8: ±127, so that 0 is exact and the range is the same on both sides.
INT8_MAX = 127
MIN_OPSET = 11


def quantize_dynamic(model_bytes, weight_type="int8"):
    """The q8 version of an fp32 ONNX model: bytes in, bytes out (see the module docstring).

    `weight_type` "uint8" quantizes the weights as ONNX Runtime's QUInt8 does (transformers.js's
    `model_uint8.onnx`): asymmetric, per tensor, over the range [min(0, min W), max(0, max W)]
    in 0..255, scale (max − min) / 255, zero point round(−min / scale)."""
    if weight_type not in ("int8", "uint8"):
        raise ValueError(f"quantize_dynamic: weight_type {weight_type!r}; expected 'int8' or 'uint8'")
    model = onnx.load_from_string(model_bytes)
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    if opset < MIN_OPSET:
        raise ValueError(f"quantize_dynamic: opset {opset}; DynamicQuantizeLinear needs {MIN_OPSET} or later")
    _Quantizer(model.graph, weight_type).run()
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def quantize_weight(weight):
    """(int8 values, float32 scale): per-tensor symmetric quantization, round half to even."""
    weight = weight.astype(np.float32)
    absmax = np.float32(np.abs(weight).max()) if weight.size else np.float32(0)
    # An all-zero weight would give scale 0; any scale represents it, 1 keeps Mul and Dequantize finite.
    scale = absmax / np.float32(INT8_MAX) if absmax > 0 else np.float32(1)
    values = np.clip(np.round(weight / scale), -INT8_MAX, INT8_MAX).astype(np.int8)
    return values, np.float32(scale)


def quantize_weight_uint8(weight):
    """(uint8 values, float32 scale, uint8 zero point): per-tensor asymmetric quantization."""
    weight = weight.astype(np.float32)
    low = np.float32(min(0.0, float(weight.min())))
    high = np.float32(max(0.0, float(weight.max())))
    scale = (high - low) / np.float32(255) if high > low else np.float32(1)
    zero = np.uint8(np.clip(np.round(-low / scale), 0, 255))
    values = np.clip(np.round(weight / scale) + np.float32(zero), 0, 255).astype(np.uint8)
    return values, np.float32(scale), zero


def dequantize_weight(weight, weight_type="int8"):
    """The float32 weight a q8 file computes with (for PyTorch references)."""
    if weight_type == "uint8":
        values, scale, zero = quantize_weight_uint8(weight)
        return ((values.astype(np.float32) - np.float32(zero)) * scale).astype(np.float32)
    values, scale = quantize_weight(weight)
    return (values.astype(np.float32) * scale).astype(np.float32)


class _Quantizer:
    """Rewrites the main graph and, recursively, its subgraphs (a merged decoder's If branches),
    whose nodes read the main graph's weights by name. Only the main graph's initializers count as
    weights; the quantized ones are added to it."""

    def __init__(self, graph, weight_type):
        self.graph = graph
        self.weight_type = weight_type
        self.floats = {t.name: t for t in graph.initializer if t.data_type == TensorProto.FLOAT}
        # weight name → (quantized, scale, zero point) initializer names
        self.weights = {}
        self.new_initializers = []

    def run(self):
        self.rewrite(self.graph)
        self.drop_unread_floats()
        self.graph.initializer.extend(self.new_initializers)

    def rewrite(self, graph):
        # activation name → (quantized, scale, zero point) tensor names, in this graph's scope
        activations = {}
        nodes = []
        for node in graph.node:
            for a in node.attribute:
                for g in [a.g] if a.type == onnx.AttributeProto.GRAPH else a.graphs:
                    self.rewrite(g)
            if self.is_weight_matmul(node):
                nodes += self.matmul(node, activations)
            elif node.op_type == "Gather" and node.domain in ("", "ai.onnx") and node.input[0] in self.floats:
                nodes += self.gather(node)
            else:
                nodes.append(node)
        graph.ClearField("node")
        graph.node.extend(nodes)

    def is_weight_matmul(self, node):
        if node.op_type != "MatMul" or node.domain not in ("", "ai.onnx"):
            return False
        a, b = node.input
        weight = self.floats.get(b)
        return weight is not None and len(weight.dims) == 2 and a not in self.floats

    def weight(self, name):
        if name not in self.weights:
            weight = numpy_helper.to_array(self.floats[name])
            if self.weight_type == "uint8":
                values, scale, zero = quantize_weight_uint8(weight)
                zero_point = np.array(zero, dtype=np.uint8)
            else:
                values, scale = quantize_weight(weight)
                zero_point = np.array(0, dtype=np.int8)
            names = (f"{name}_quantized", f"{name}_scale", f"{name}_zero_point")
            self.new_initializers += [
                numpy_helper.from_array(values, names[0]),
                numpy_helper.from_array(np.array(scale, dtype=np.float32), names[1]),
                numpy_helper.from_array(zero_point, names[2]),
            ]
            self.weights[name] = names
        return self.weights[name]

    def activation(self, name, activations):
        """The DynamicQuantizeLinear node for `name` the first time it is needed, else nothing."""
        if name in activations:
            return [], activations[name]
        names = (f"{name}_quantized", f"{name}_scale", f"{name}_zero_point")
        activations[name] = names
        node = helper.make_node("DynamicQuantizeLinear", [name], list(names), f"{name}_QuantizeLinear")
        return [node], names

    def matmul(self, node, activations):
        a, b = node.input
        out = node.output[0]
        base = node.name or out
        nodes, (a_q, a_scale, a_zp) = self.activation(a, activations)
        b_q, b_scale, b_zp = self.weight(b)
        product = f"{out}_int32"
        scales = f"{base}_scales"
        nodes += [
            helper.make_node("MatMulInteger", [a_q, b_q, a_zp, b_zp], [product], f"{base}_quant"),
            helper.make_node("Mul", [a_scale, b_scale], [scales], f"{base}_scales_mul"),
            helper.make_node("Cast", [product], [f"{product}_float"], f"{base}_cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{product}_float", scales], [out], f"{base}_output_scale_mul"),
        ]
        return nodes

    def gather(self, node):
        data, indices = node.input
        out = node.output[0]
        base = node.name or out
        q, scale, zp = self.weight(data)
        gathered = helper.make_node("Gather", [q, indices], [f"{out}_quantized"], f"{base}_quant")
        gathered.attribute.extend(node.attribute)
        dequantize = helper.make_node(
            "DequantizeLinear", [f"{out}_quantized", scale, zp], [out], f"{base}_dequantize"
        )
        return [gathered, dequantize]

    def drop_unread_floats(self):
        read = _names_read(self.graph)
        kept = [t for t in self.graph.initializer if t.name in read or t.data_type != TensorProto.FLOAT]
        self.graph.ClearField("initializer")
        self.graph.initializer.extend(kept)
        # Graph inputs that only declared a dropped weight (IR < 4 exports) go with it.
        dropped = set(self.floats) - read
        inputs = [i for i in self.graph.input if i.name not in dropped]
        self.graph.ClearField("input")
        self.graph.input.extend(inputs)


def _names_read(graph):
    """Every tensor name the graph's nodes (subgraphs included) and outputs read."""
    read = {o.name for o in graph.output}
    for node in graph.node:
        read.update(node.input)
        for a in node.attribute:
            for g in [a.g, *a.graphs]:
                read |= _names_read(g)
    return read
