"""A merged decoder, built the way Optimum's `merge_decoders` builds the Hub's
`decoder_model_merged.onnx`: one `If(use_cache_branch)` whose then branch is the export with a
past and whose else branch the export without one, weights shared at the top level.

What it does, as Optimum does:
- every weight that is not a scalar or a 1-D integer tensor moves to the top-level graph, once
  per distinct value (the same data in both exports is stored once), renamed
  `{name}_merged_{n}`; the branches refer to it from the outer scope;
- scalars and 1-D integer tensors stay in each branch, under their own names (so both branches
  hold values of the same name);
- outputs the with-past export lacks (a seq2seq decoder's `present.*.encoder.*`) become empty
  constants in that branch;
- the graph inputs are both exports' inputs, then `use_cache_branch` (bool `[1]`).

Unlike Optimum's, the result is deterministic (Optimum picks a duplicate's common name from a
set). torch 1.13 writes constants as `Constant` nodes; newer exporters write most as
initializers, so they are turned into initializers first and the branches hold some weights of
their own, as on the Hub.
"""

import onnx
from onnx import TensorProto, helper, numpy_helper

SUFFIX = "merged"


def constants_to_initializers(model):
    """Each `Constant` node with a tensor value becomes an initializer named by its output."""
    graph = model.graph
    kept = []
    for node in graph.node:
        if node.op_type == "Constant" and len(node.attribute) == 1 and node.attribute[0].name == "value":
            tensor = TensorProto()
            tensor.CopyFrom(node.attribute[0].t)
            tensor.name = node.output[0]
            graph.initializer.append(tensor)
        else:
            kept.append(node)
    del graph.node[:]
    graph.node.extend(kept)


def stays_in_branch(tensor):
    """Optimum keeps scalars and 1-D integer tensors in the branches (shape arithmetic)."""
    dims = tuple(tensor.dims)
    return len(dims) == 0 or (len(dims) == 1 and tensor.data_type in (TensorProto.INT32, TensorProto.INT64))


def shared_initializers(models):
    """The top-level weights, one per distinct (type, dims, data); renames the models' uses."""
    groups = {}  # (type, dims, bytes) → common name
    counts = {}
    renames = [{} for _ in models]
    shared = []
    for i, model in enumerate(models):
        for tensor in model.graph.initializer:
            if stays_in_branch(tensor):
                continue
            key = (tensor.data_type, tuple(tensor.dims), numpy_helper.to_array(tensor).tobytes())
            if key not in groups:
                counts[tensor.name] = counts.get(tensor.name, 0) + 1
                groups[key] = f"{tensor.name}_{SUFFIX}_{counts[tensor.name]}"
                copy = TensorProto()
                copy.CopyFrom(tensor)
                copy.name = groups[key]
                shared.append(copy)
            renames[i][tensor.name] = groups[key]
    for model, rename in zip(models, renames):
        for node in model.graph.node:
            for j, name in enumerate(node.input):
                node.input[j] = rename.get(name, name)
    return shared


def unify_outputs(no_past, with_past):
    """The with-past export's outputs made those of the one without: same names, types and shapes,
    in the same order; any it lacks is an empty constant."""
    have = {o.name for o in with_past.graph.output}
    outputs = []
    for output in no_past.graph.output:
        if output.name not in have:
            dims = [d.dim_value if d.HasField("dim_value") else 1 for d in output.type.tensor_type.shape.dim]
            dims[0] = 0  # an empty batch: the branch is never run for these values
            empty = helper.make_tensor("const_tensor", output.type.tensor_type.elem_type, dims, [])
            with_past.graph.node.append(
                helper.make_node("Constant", [], [output.name], name=f"Constant_{output.name}", value=empty)
            )
        outputs.append(output)
    del with_past.graph.output[:]
    with_past.graph.output.extend(outputs)


def branch(model, name):
    kept = [t for t in model.graph.initializer if stays_in_branch(t)]
    return helper.make_graph(model.graph.node, name, [], model.graph.output, initializer=kept)


def merge_decoders(no_past_bytes, with_past_bytes):
    """The merged decoder's bytes, checked by onnx.checker."""
    no_past = onnx.load_from_string(no_past_bytes)
    with_past = onnx.load_from_string(with_past_bytes)
    for model in (no_past, with_past):
        constants_to_initializers(model)
    unify_outputs(no_past, with_past)
    shared = shared_initializers([no_past, with_past])
    inputs, seen = [], set()
    for model in (no_past, with_past):
        for value in model.graph.input:
            if value.name not in seen:
                seen.add(value.name)
                inputs.append(value)
    use_cache_branch = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    if_node = helper.make_node(
        "If",
        ["use_cache_branch"],
        [o.name for o in no_past.graph.output],
        name="optimum::if",
        then_branch=branch(with_past, "with_past"),
        else_branch=branch(no_past, "no_past"),
    )
    graph = helper.make_graph(
        [if_node], "merged", [*inputs, use_cache_branch], no_past.graph.output, initializer=shared
    )
    merged = helper.make_model(
        graph,
        opset_imports=no_past.opset_import,
        ir_version=no_past.ir_version,
        producer_name=no_past.producer_name,
        producer_version=no_past.producer_version,
    )
    data = merged.SerializeToString()
    onnx.checker.check_model(onnx.load_from_string(data), full_check=True)
    return data


