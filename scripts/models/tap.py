"""For verification only: the fixture's ONNX graph with each attention's tensors as extra outputs.

A plain Python stand-in for the adapter's tap, just good enough for these fixtures: each Softmax
whose output feeds a MatMul (P·V), traced back through element-wise ops to the MatMul of Q and
Kᵀ. verify.mjs runs the result and compares those tensors with reference.json, which shows that
the references hold what a tapped graph holds.
"""

import onnx
from onnx import helper

PATH_OPS = {"Add", "Sub", "Mul", "Div", "Where"}


def find_taps(graph):
    producer = {out: node for node in graph.node for out in node.output}

    def scores_matmul(name):
        node = producer.get(name)
        if node is None:
            return None
        if node.op_type == "MatMul":
            return node
        if node.op_type not in PATH_OPS:
            return None
        for i in node.input:
            found = scores_matmul(i)
            if found is not None:
                return found
        return None

    taps = []
    for node in graph.node:
        if node.op_type != "Softmax":
            continue
        # Through Casts (a softmax computed in float32 and cast back, as Llama's).
        probs = node.output[0]
        while True:
            casts = [n for n in graph.node if n.op_type == "Cast" and n.input[0] == probs]
            if not casts:
                break
            probs = casts[0].output[0]
        pv = [n for n in graph.node if n.op_type == "MatMul" and n.input[0] == probs]
        qk = scores_matmul(node.input[0])
        if pv and qk is not None:
            taps.append(
                {
                    "attention": node.output[0],
                    "queries": qk.input[0],
                    "keysT": qk.input[1],
                    "values": pv[0].input[1],
                }
            )
    return taps


def inline_no_past(graph):
    """A merged decoder's `If(use_cache_branch)` replaced by its else branch (no past), whose values
    can then be graph outputs. The fixtures' branches define no name the outer graph has, so
    nothing is renamed (the adapter's tap renames where needed)."""
    for i, node in enumerate(graph.node):
        if node.op_type == "If" and list(node.input) == ["use_cache_branch"]:
            branch = next(a.g for a in node.attribute if a.name == "else_branch")
            outer = {v.name for v in graph.input} | {t.name for t in graph.initializer}
            assert not outer & {o for n in branch.node for o in n.output}, "a name would clash"
            assert [o.name for o in branch.output] == list(node.output)
            nodes = list(graph.node)
            nodes[i : i + 1] = branch.node
            del graph.node[:]
            graph.node.extend(nodes)
            graph.initializer.extend(branch.initializer)
            return


def tap_attention(onnx_bytes):
    """(tapped model bytes, taps in layer order), or (None, []) when the graph has no softmax attention."""
    model = onnx.load_from_string(onnx_bytes)
    inline_no_past(model.graph)
    taps = find_taps(model.graph)
    if not taps:
        return None, []
    existing = {o.name for o in model.graph.output}
    for name in dict.fromkeys(n for tap in taps for n in tap.values()):
        if name not in existing:
            model.graph.output.append(helper.make_empty_tensor_value_info(name))
    return model.SerializeToString(), taps
