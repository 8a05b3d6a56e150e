"""tiny-fused: a BERT-like interface whose attention is one com.microsoft Attention node.

Not a trained or even a full model: embeddings (word + token type + position), then ONNX Runtime's
fused Attention (input projection, softmax and ·V in one operator, no Softmax in the graph), whose
output is `last_hidden_state`. The adapter unfuses it (src/transformers/unfuse.ts); the reference
holds PyTorch's attention, q, k and v of the same weights (`expected_output` is the unfused twin).
It shares tiny-bert's tokenizer and config.
"""

import math

import torch
from onnx import TensorProto, checker, helper, numpy_helper
from onnx import load_from_string as onnx_load

from bert import CONFIG, INPUTS, OUTPUT, config_json, encode_examples, feeds, tokenizer_files
from common import BIAS_STD, EMBEDDING_STD, LINEAR_STD, Fixture, check_example, json_bytes, reference_bytes, reference_json, tapped_tensors
from text import SAMPLE
from wordpiece import WordPiece

OPSET = 14
CONTRIB = "com.microsoft"


def weights(c, vocab_size):
    """Drawn like common.init_weights draws them, in this order."""
    hidden = c["hidden"]
    return {
        "word_embeddings": EMBEDDING_STD * torch.randn(vocab_size, hidden),
        "token_type_embeddings": EMBEDDING_STD * torch.randn(c["type_vocab"], hidden),
        "position_embeddings": EMBEDDING_STD * torch.randn(c["max_positions"], hidden),
        "qkv_weight": LINEAR_STD * torch.randn(hidden, 3 * hidden),
        "qkv_bias": BIAS_STD * torch.randn(3 * hidden),
    }


def graph_bytes(c, w):
    dims = ["batch_size", "sequence_length"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dims) for n in INPUTS]
    output = helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, dims + [c["hidden"]])
    initializers = [numpy_helper.from_array(t.numpy(), name) for name, t in w.items()]
    nodes = [
        helper.make_node("Constant", [], ["zero"], value_ints=[0]),
        helper.make_node("Constant", [], ["one"], value_ints=[1]),
        helper.make_node("Constant", [], ["two"], value_ints=[2]),
        helper.make_node("Gather", ["word_embeddings", "input_ids"], ["words"]),
        helper.make_node("Gather", ["token_type_embeddings", "token_type_ids"], ["types"]),
        helper.make_node("Shape", ["input_ids"], ["input_shape"]),
        helper.make_node("Slice", ["input_shape", "one", "two"], ["sequence_length"]),
        helper.make_node("Slice", ["position_embeddings", "zero", "sequence_length"], ["positions"]),
        helper.make_node("Add", ["words", "types"], ["words_types"]),
        helper.make_node("Add", ["words_types", "positions"], ["embeddings"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_index"], to=TensorProto.INT32),
        helper.make_node(
            "Attention",
            ["embeddings", "qkv_weight", "qkv_bias", "mask_index"],
            [OUTPUT],
            domain=CONTRIB,
            num_heads=c["heads"],
        ),
    ]
    graph = helper.make_graph(nodes, "tiny-fused", inputs, [output], initializers)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET), helper.make_opsetid(CONTRIB, 1)],
        producer_name="attnviz scripts/models/generate.py",
    )
    model.ir_version = 7
    checker.check_model(model, full_check=True)
    return model.SerializeToString()


def expected_output(c, w, example, taps):
    """What the Attention node computes: softmax(q·kᵀ/√d + mask)·v per head, heads concatenated;
    its probabilities, q, k and v appended to `taps` (float64 inside, rounded to float32)."""
    w = {k: t.double() for k, t in w.items()}
    ids = torch.tensor(example["ids"])
    x = w["word_embeddings"][ids] + w["token_type_embeddings"][torch.tensor(example["tokenTypeIds"])]
    x = x + w["position_embeddings"][: len(ids)]
    q, k, v = (x @ w["qkv_weight"] + w["qkv_bias"]).split(c["hidden"], dim=-1)
    d = c["hidden"] // c["heads"]

    def heads(t):
        return t.view(len(ids), c["heads"], d).transpose(0, 1)

    probs = torch.softmax(heads(q) @ heads(k).transpose(-1, -2) / math.sqrt(d), dim=-1)
    taps.append({"attention": probs[None], "queries": heads(q)[None], "keys": heads(k)[None], "values": heads(v)[None]})
    return (probs @ heads(v)).transpose(0, 1).reshape(1, len(ids), c["hidden"]).float()


def build(name):
    c = CONFIG
    tokenizer = WordPiece.from_sample(SAMPLE)
    vocab_size = len(tokenizer.tokens)
    w = weights(c, vocab_size)
    examples = encode_examples(tokenizer)
    checks = []
    for e in examples:
        taps = []
        checks.append(check_example(feeds(e), expected_output(c, w, e, taps)))
        e.update(tapped_tensors([{k: t.float() for k, t in tap.items()} for tap in taps]))
    files = {
        "config.json": json_bytes({**config_json(c, vocab_size), "num_hidden_layers": 1}),
        **tokenizer_files(tokenizer, c),
        "onnx/model.onnx": graph_bytes(c, w),
        "reference.json": reference_json(
            name,
            examples,
            causal=False,
            vectors_scaled=False,
            layers=1,
            heads=c["heads"],
            head_dim=c["hidden"] // c["heads"],
        ),
    }
    return Fixture(files, {"output": OUTPUT, "examples": checks})


# --- tiny-fused-refused: what the adapter cannot unfuse ------------------------------------------


def one_node(name, op, inputs, outputs, attrs, declared=None, nested=False, opset=17):
    """A graph of one fused node (inputs float32 [b, s, 16] unless `declared` says otherwise;
    `nested`: the node inside an If's branches), for the adapter to refuse."""
    declared = declared or {}

    def info(n, elem=TensorProto.FLOAT, dims=("batch_size", "sequence_length", 16)):
        return helper.make_tensor_value_info(n, elem, list(dims))

    ins = [info(n, *declared[n]) if n in declared else info(n) for n in dict.fromkeys(i for i in inputs if i)]
    outs = [info(o) for o in outputs if o]
    node = helper.make_node(op, inputs, outputs, domain=CONTRIB, **attrs)
    if nested:
        branch = lambda label: helper.make_graph([node] if label == "then" else [helper.make_node("Identity", [inputs[0]], [outputs[0]])], label, [], [info(outputs[0])])  # noqa: E731
        ins.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))
        nodes = [helper.make_node("If", ["use_cache_branch"], [outputs[0]], then_branch=branch("then"), else_branch=branch("else"))]
        outs = [info(outputs[0])]
    else:
        nodes = [node]
    graph = helper.make_graph(nodes, name, ins, outs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset), helper.make_opsetid(CONTRIB, 1)])
    model.ir_version = 8 if opset >= 13 else 6
    return model.SerializeToString()


INT32 = TensorProto.INT32
GQA_INPUTS = ["q", "k", "v", "past_key", "past_value", "seqlens_k", "total_length"]
GQA_DECLARED = {"seqlens_k": (INT32, ["batch_size"]), "total_length": (INT32, [])}
# file → (operator, inputs, outputs, attributes, declared input types); tests expect each message.
REFUSALS = {
    "attention-do-rotary": ("Attention", ["x", "w"], ["y"], {"num_heads": 2, "do_rotary": 1}, {"w": (TensorProto.FLOAT, [16, 48])}),
    "attention-shared-buffer": ("Attention", ["x", "w"], ["y"], {"num_heads": 2, "past_present_share_buffer": 1}, {"w": (TensorProto.FLOAT, [16, 48])}),
    "attention-mask-lengths": ("Attention", ["x", "w", "", "lengths"], ["y"], {"num_heads": 2}, {"w": (TensorProto.FLOAT, [16, 48]), "lengths": (INT32, ["batch_size"])}),
    "mha-packed-qkv": ("MultiHeadAttention", ["x"], ["y"], {"num_heads": 2}, {}),
    "mha-cache-indirection": ("MultiHeadAttention", ["x", "k", "v", "", "", "", "", "", "", "beams"], ["y"], {"num_heads": 2}, {"beams": (INT32, ["batch_size", 1, 64])}),
    "gqa-smooth-softmax": ("GroupQueryAttention", GQA_INPUTS, ["y"], {"num_heads": 2, "kv_num_heads": 1, "smooth_softmax": 1}, GQA_DECLARED),
    "gqa-quantized-cache": ("GroupQueryAttention", GQA_INPUTS, ["y"], {"num_heads": 2, "kv_num_heads": 1, "k_quant_type": "PER_TENSOR"}, GQA_DECLARED),
    "gqa-head-sink": ("GroupQueryAttention", GQA_INPUTS + ["", "", "", "", "sink"], ["y"], {"num_heads": 2, "kv_num_heads": 1}, {**GQA_DECLARED, "sink": (TensorProto.FLOAT, [2])}),
    "gqa-window-not-causal": ("GroupQueryAttention", GQA_INPUTS, ["y"], {"num_heads": 2, "kv_num_heads": 1, "causal": 0, "local_window_size": 4}, GQA_DECLARED),
    "gqa-double": ("GroupQueryAttention", GQA_INPUTS, ["y"], {"num_heads": 2, "kv_num_heads": 1}, {**GQA_DECLARED, **{n: (TensorProto.DOUBLE, ["batch_size", "sequence_length", 16]) for n in ("q", "k", "v")}}),
    "packed-attention": ("PackedAttention", ["x", "w"], ["y"], {"num_heads": 2}, {"w": (TensorProto.FLOAT, [16, 48])}),
}


def build_refused(name):
    """tiny-fused's folder with an Attention that has do_rotary 1 (onnx/model.onnx), and one-node
    graphs of each refusal (refusals/*.onnx)."""
    c = CONFIG
    tokenizer = WordPiece.from_sample(SAMPLE)
    vocab_size = len(tokenizer.tokens)
    w = weights(c, vocab_size)
    model = onnx_load(graph_bytes(c, w))
    attention = next(n for n in model.graph.node if n.op_type == "Attention")
    attention.attribute.append(helper.make_attribute("do_rotary", 1))
    files = {
        "config.json": json_bytes({**config_json(c, vocab_size), "num_hidden_layers": 1}),
        **tokenizer_files(tokenizer, c),
        "onnx/model.onnx": model.SerializeToString(),
        "reference.json": reference_bytes({"model": name, "unsupported": f"{CONTRIB}.Attention", "attribute": "do_rotary", "examples": encode_examples(tokenizer)}),
    }
    for file, (op, inputs, outputs, attrs, declared) in REFUSALS.items():
        files[f"refusals/{file}.onnx"] = one_node(file, op, inputs, outputs, attrs, declared)
    gqa = REFUSALS["gqa-smooth-softmax"]
    attention = REFUSALS["attention-do-rotary"]
    files["refusals/attention-opset-10.onnx"] = one_node("attention-opset-10", "Attention", attention[1], ["y"], {"num_heads": 2}, attention[4], opset=10)
    untyped = onnx_load(one_node("gqa-untyped", "GroupQueryAttention", gqa[1], ["y"], {"num_heads": 2, "kv_num_heads": 1}, gqa[4]))
    for v in [*untyped.graph.input, *untyped.graph.output]:
        if v.type.tensor_type.elem_type == TensorProto.FLOAT:
            v.ClearField("type")  # no type anywhere: the node's element type cannot be told
    files["refusals/gqa-untyped.onnx"] = untyped.SerializeToString()
    files["refusals/gqa-in-subgraph.onnx"] = one_node("gqa-in-subgraph", "GroupQueryAttention", gqa[1], ["y"], {"num_heads": 2, "kv_num_heads": 1}, gqa[4], nested=True)
    return Fixture(files, {"output": OUTPUT, "examples": []})
