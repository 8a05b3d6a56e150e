"""Float16 conversion of an ONNX model, as transformers.js's fp16 files have it.

`convert_fp16(model_bytes)` returns the bytes of `onnx/model_fp16.onnx` (dtype 'fp16') for the fp32
graph `model_bytes`: the whole graph in float16, much as onnxconverter-common's
`convert_float_to_float16` writes it without `keep_io_types` (written here from that behaviour):

- float initializers, Constant (and ConstantOfShape) values and `Cast(to=float)` targets become
  float16, in subgraphs too;
- float graph inputs and outputs become float16: `past_key_values.*` are fed and `logits`,
  `present.*` and the tapped attention come back as float16;
- values beyond float16's range are clamped to ±65504 (the masks use float32's min, −3.4e38, which
  would otherwise become −inf), and non-zero values below its smallest subnormal (2^-24) become
  ±2^-24 rather than 0, so that an epsilon such as BERT's 1e-12 stays non-zero;
- nodes whose operator is in `keep_float32` stay float32 with Casts around them (float16 → float32
  on each float input, float32 → float16 on each float output), as onnxconverter-common's op block
  list does; types come from ONNX shape inference on the fp32 graph.

By default `keep_float32` is empty. onnxruntime-web 1.30's wasm backend has no float16 kernel for
the arithmetic operators (Add, Mul, MatMul, Softmax, ReduceMean, Erf, Tanh, Where, …), but puts
such nodes in float32 between Casts itself when it loads the graph, and joins neighbouring ones,
so the all-float16 graph runs and rounds less than Casts written around every node here would
(README.md, "q8 and fp16 weights").

The result is deterministic and passes `onnx.checker` (full check). `value_info` is dropped (its
types would be stale; runtimes infer them again).
"""

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference

FLOAT16_MAX = 65504.0
# The smallest positive float16 (a subnormal).
FLOAT16_TINY = 2.0**-24
KEEP_FLOAT32 = frozenset()


def convert_fp16(model_bytes, keep_float32=KEEP_FLOAT32):
    """The fp16 version of an fp32 ONNX model: bytes in, bytes out (see the module docstring).

    `keep_float32`: operator types to leave in float32, with Casts around them.
    """
    model = onnx.load_from_string(model_bytes)
    types = _elem_types(shape_inference.infer_shapes(model).graph)
    _Converter(types, set(keep_float32)).graph(model.graph)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def to_float16(array):
    """float16 values of a float32 array, clamped to float16's range (see the module docstring)."""
    a = np.clip(np.asarray(array, dtype=np.float32), -FLOAT16_MAX, FLOAT16_MAX)
    a = np.where((a != 0) & (np.abs(a) < FLOAT16_TINY), np.sign(a) * np.float32(FLOAT16_TINY), a)
    return a.astype(np.float16)


def _elem_types(graph, types=None):
    """Tensor name → element type, for every typed value of a graph and its subgraphs."""
    types = {} if types is None else types
    for v in [*graph.input, *graph.output, *graph.value_info]:
        if v.type.HasField("tensor_type"):
            types[v.name] = v.type.tensor_type.elem_type
    for t in graph.initializer:
        types[t.name] = t.data_type
    for node in graph.node:
        for a in node.attribute:
            if node.op_type == "Constant" and a.name == "value":
                types[node.output[0]] = a.t.data_type
            if a.type == onnx.AttributeProto.GRAPH:
                _elem_types(a.g, types)
            for g in a.graphs:
                _elem_types(g, types)
    return types


def _tensor_to_float16(tensor):
    if tensor.data_type != TensorProto.FLOAT:
        return tensor
    converted = numpy_helper.from_array(to_float16(numpy_helper.to_array(tensor)), tensor.name)
    converted.doc_string = tensor.doc_string
    return converted


class _Converter:
    def __init__(self, types, keep_float32):
        self.types = types
        self.keep_float32 = keep_float32

    def graph(self, graph):
        converted = [_tensor_to_float16(t) for t in graph.initializer]
        graph.ClearField("initializer")
        graph.initializer.extend(converted)
        for v in [*graph.input, *graph.output]:
            if v.type.HasField("tensor_type") and v.type.tensor_type.elem_type == TensorProto.FLOAT:
                v.type.tensor_type.elem_type = TensorProto.FLOAT16
        graph.ClearField("value_info")
        nodes = []
        casts = {}  # float16 tensor → its float32 Cast, shared by the kept nodes that read it
        for node in graph.node:
            if node.op_type in self.keep_float32:
                nodes += self.keep(node, casts)
            else:
                self.node(node)
                nodes.append(node)
        graph.ClearField("node")
        graph.node.extend(nodes)

    def node(self, node):
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR:
                a.t.CopyFrom(_tensor_to_float16(a.t))
            elif a.type == onnx.AttributeProto.GRAPH:
                self.graph(a.g)
            elif a.type == onnx.AttributeProto.GRAPHS:
                for g in a.graphs:
                    self.graph(g)
            elif a.name in ("to", "dtype") and a.type == onnx.AttributeProto.INT and a.i == TensorProto.FLOAT:
                a.i = TensorProto.FLOAT16
        for a in list(node.attribute) if node.op_type == "Constant" else []:
            if a.name in ("value_float", "value_floats"):
                values = np.array(a.f if a.name == "value_float" else list(a.floats), dtype=np.float32)
                node.attribute.remove(a)
                value = numpy_helper.from_array(to_float16(values))
                node.attribute.append(helper.make_attribute("value", value))

    def keep(self, node, casts):
        """`node` in float32, between Casts from and to float16."""
        before, after = [], []
        for i, name in enumerate(node.input):
            if self.types.get(name) != TensorProto.FLOAT:
                continue
            if name not in casts:
                casts[name] = f"{name}_to_float32"
                before.append(_cast(name, casts[name], TensorProto.FLOAT))
            node.input[i] = casts[name]
        for i, name in enumerate(node.output):
            if self.types.get(name) != TensorProto.FLOAT:
                continue
            node.output[i] = f"{name}_float32"
            after.append(_cast(node.output[i], name, TensorProto.FLOAT16))
        return [*before, node, *after]


def _cast(source, target, to):
    return helper.make_node("Cast", [source], [target], f"{target}_cast", to=to)
