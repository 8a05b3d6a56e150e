"""Tensors as the views receive them: a shape and little-endian float32 bytes.

Inputs are duck-typed so that nothing heavy is imported at module load: PyTorch tensors (anything
with ``detach``), NumPy arrays (anything with ``astype`` and ``tobytes``), nested lists and
tuples, and Hugging Face's ``output_attentions`` (a tuple of per-layer ``[1, heads, q, k]``
tensors), which is stacked into ``[layers, heads, q, k]``.
"""
import array
import base64
import struct
import sys


class Tensor:
    """A dense float32 tensor: ``shape`` and C-ordered little-endian ``data`` bytes."""

    __slots__ = ("shape", "data")

    def __init__(self, shape, data):
        self.shape = tuple(shape)
        self.data = bytes(data)

    @property
    def size(self):
        n = 1
        for d in self.shape:
            n *= d
        return n

    def values(self):
        """Every value as a Python float (float32 rounded), in order."""
        a = array.array("f")
        a.frombytes(self.data)
        if sys.byteorder == "big":
            a.byteswap()
        return a

    def take(self, axis, indices):
        """The slices ``indices`` of ``axis`` (axis 0 or 1), as a new tensor."""
        outer = 1
        for d in self.shape[:axis]:
            outer *= d
        inner = 4
        for d in self.shape[axis + 1:]:
            inner *= d
        n = self.shape[axis]
        parts = []
        for o in range(outer):
            base = o * n * inner
            for i in indices:
                parts.append(self.data[base + i * inner:base + (i + 1) * inner])
        shape = list(self.shape)
        shape[axis] = len(indices)
        return Tensor(shape, b"".join(parts))

    def encode(self, precision="float32"):
        """The payload the page decodes: ``{dims, b64, type}``, as float32 or float16 bits."""
        if precision == "float32":
            raw = self.data
        elif precision == "float16":
            raw = to_float16(self)
        else:
            raise ValueError(
                "invalid precision: expected 'float32' or 'float16', got %r" % (precision,))
        return {"dims": list(self.shape), "type": precision,
                "b64": base64.b64encode(raw).decode("ascii")}


def to_float16(t):
    """IEEE half-precision bytes, rounded to nearest even (NumPy when present, else struct)."""
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None:
        with np.errstate(over="ignore"):  # beyond ±65504 is ±inf, as struct would give
            return np.frombuffer(t.data, dtype="<f4").astype("<f2").tobytes()
    values = t.values()
    out = bytearray()
    for v in values:
        try:
            out += struct.pack("<e", v)
        except OverflowError:
            out += struct.pack("<e", float("inf") if v > 0 else float("-inf"))
    return bytes(out)


def shape_text(shape):
    return "[" + ", ".join(str(d) for d in shape) + "]"


def _is_tensor_like(x):
    return hasattr(x, "shape") and (hasattr(x, "tobytes") or hasattr(x, "detach") or hasattr(x, "numpy"))


def _from_array_like(x, field):
    """A torch tensor or NumPy array (or anything with a NumPy-like surface) as a Tensor."""
    if hasattr(x, "detach"):  # torch: leave autograd, the GPU and bfloat16/float16 behind
        x = x.detach()
        if hasattr(x, "cpu"):
            x = x.cpu()
        if hasattr(x, "float"):
            x = x.float()
        try:
            x = x.numpy()
        except (RuntimeError, ImportError, TypeError):
            x = x.tolist()
            return from_nested(x, field)
    elif hasattr(x, "numpy") and not hasattr(x, "astype"):  # TensorFlow's eager tensors
        x = x.numpy()
    if hasattr(x, "astype") and hasattr(x, "tobytes"):
        if getattr(getattr(x, "dtype", None), "kind", "f") not in "fiub":
            raise ValueError("invalid %s: expected a float tensor, got dtype %s" % (field, x.dtype))
        shape = tuple(int(d) for d in x.shape)
        # astype copies in C order, so tobytes is the row-major layout the page reads.
        return Tensor(shape, x.astype("<f4", order="C").tobytes(order="C"))
    if hasattr(x, "tolist"):
        return from_nested(x.tolist(), field)
    raise ValueError("invalid %s: expected a tensor, array or nested list, got %s"
                     % (field, type(x).__name__))


def from_nested(x, field):
    """Nested lists or tuples of numbers, rectangular, as a Tensor."""
    shape = []
    probe = x
    while isinstance(probe, (list, tuple)):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    flat = array.array("f")

    def walk(node, depth, path):
        if depth == len(shape):
            if isinstance(node, (list, tuple)):
                raise ValueError("invalid %s%s: expected a number, got a list of length %d"
                                 % (field, path, len(node)))
            if isinstance(node, bool) or not isinstance(node, (int, float)):
                try:
                    node = float(node)
                except (TypeError, ValueError):
                    raise ValueError("invalid %s%s: expected a number, got %r" % (field, path, node))
            flat.append(node)
            return
        if not isinstance(node, (list, tuple)) or len(node) != shape[depth]:
            got = "a list of length %d" % len(node) if isinstance(node, (list, tuple)) else repr(node)
            raise ValueError("invalid %s%s: expected a list of length %d (a rectangular array), got %s"
                             % (field, path, shape[depth], got))
        for i, child in enumerate(node):
            walk(child, depth + 1, "%s[%d]" % (path, i))

    walk(x, 0, "")
    if sys.byteorder == "big":
        flat.byteswap()
    return Tensor(shape, flat.tobytes())


def to_tensor(x, field):
    """Any supported input as a Tensor of its own shape."""
    if isinstance(x, Tensor):
        return x
    if _is_tensor_like(x):
        return _from_array_like(x, field)
    if isinstance(x, (list, tuple)):
        if x and all(_is_tensor_like(e) for e in x):
            return stack([_from_array_like(e, "%s[%d]" % (field, i)) for i, e in enumerate(x)], field)
        return from_nested(x, field)
    raise ValueError("invalid %s: expected a tensor, array or nested list, got %s"
                     % (field, type(x).__name__))


def stack(parts, field):
    """Per-layer tensors of one shape stacked on a new first axis."""
    first = parts[0].shape
    for i, p in enumerate(parts):
        if p.shape != first:
            raise ValueError("invalid %s[%d]: expected shape %s like %s[0], got %s"
                             % (field, i, shape_text(first), field, shape_text(p.shape)))
    return Tensor((len(parts),) + first, b"".join(p.data for p in parts))


def per_head(x, field, vectors=False):
    """``[layers, heads, a, b]`` from a 4-D tensor, a 5-D stack of ``[1, heads, a, b]`` or a
    per-layer list of ``[1, heads, a, b]`` / ``[heads, a, b]`` as models return them. The
    messages are the element's own (src/core/parse/tensors.ts)."""
    t = to_tensor(x, field)
    if len(t.shape) == 5:
        if t.shape[1] != 1:
            axes = "" if vectors else " [batch, heads, queries, keys]"
            raise ValueError("invalid %s[0]: expected batch size 1 in each per-layer tensor%s, got batch size %d"
                             % (field, axes, t.shape[1]))
        t = Tensor(t.shape[:1] + t.shape[2:], t.data)
    n = len(t.shape)
    if n != 4:
        if vectors:
            raise ValueError("invalid %s: expected 4 dimensions [layers, heads, tokens, dim], got %d %s"
                             % (field, n, shape_text(t.shape)))
        raise ValueError(
            "invalid %s: expected 4 dimensions [layers, heads, queries, keys] (or a per-layer list of "
            "[1, heads, queries, keys]), got %d dimension%s %s"
            % (field, n, "" if n == 1 else "s", shape_text(t.shape)))
    if not vectors:
        for d, name in zip(t.shape, ("layers", "heads", "queries", "keys")):
            if d == 0:
                raise ValueError("invalid %s: expected at least 1 of %s, got shape %s"
                                 % (field, name, shape_text(t.shape)))
    return t
