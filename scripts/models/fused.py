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

from bert import CONFIG, INPUTS, OUTPUT, config_json, encode_examples, feeds, tokenizer_files
from common import BIAS_STD, EMBEDDING_STD, LINEAR_STD, Fixture, check_example, json_bytes, reference_json, tapped_tensors
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
