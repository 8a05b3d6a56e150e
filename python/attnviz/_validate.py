"""The element's own checks, run in Python for ``validate=True``.

Each check mirrors one in the TypeScript parser (src/core/parse/, src/core/validate.ts) or the
views' attribute resolution (src/components/shared/selection.ts), in the same order and with the
same message, so that the error a cell raises is the one its view would show.
"""
import math

from ._tensor import Tensor


class AttentionDataError(ValueError):
    """Bad data or attributes: ``invalid <field>: expected <what>, got <what>``."""

    def __init__(self, field, expected, received):
        super().__init__("invalid %s: expected %s, got %s" % (field, expected, received))
        self.field = field
        self.expected = expected
        self.received = received


ROW_SUM_TOLERANCE = 1e-3
ROW_SUM_TOLERANCE_HALF = 1e-2


def js_number(v):
    """A number as JavaScript's ``String(v)`` writes it."""
    if v != v:
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == int(v) and abs(v) < 1e21:
        return str(int(v))
    sign = "-" if v < 0 else ""
    mantissa, _, exp = ("%r" % abs(v)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # Position of the decimal point relative to the first significant digit.
    point = len(whole) + int(exp or 0) if whole != "0" else int(exp or 0) - (len(frac) - len(frac.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    n = point  # value = 0.digits × 10^n
    if -6 < n <= 21:
        if n <= 0:
            return sign + "0." + "0" * -n + digits
        if n >= len(digits):
            return sign + digits + "0" * (n - len(digits))
        return sign + digits[:n] + "." + digits[n:]
    e = n - 1
    body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return "%s%se%s%d" % (sign, body, "+" if e > 0 else "-", abs(e))


def describe(value):
    """``describe`` of src/core/errors.ts for the values Python can send."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(float(value))
    if isinstance(value, str):
        shown = value[:40] + "…" if len(value) > 40 else value
        return '"' + shown.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "an array of length %d" % len(value)
    return "an object"


def count(n, singular, plural=None):
    return "%d %s" % (n, singular if n == 1 else (plural or singular + "s"))


def range_text(numbers):
    if not numbers:
        return "(none)"
    contiguous = all(i == 0 or n == numbers[i - 1] + 1 for i, n in enumerate(numbers))
    if contiguous and len(numbers) > 2:
        return "%d–%d" % (numbers[0], numbers[-1])
    return "[" + ", ".join(str(n) for n in numbers) + "]"


def check_tokens(value, field):
    if not isinstance(value, (list, tuple)):
        raise AttentionDataError(field, "a list of token strings", describe(value))
    if not value:
        raise AttentionDataError(field, "at least 1 token", "0 tokens")
    for i, t in enumerate(value):
        if not isinstance(t, str):
            raise AttentionDataError("%s[%d]" % (field, i), "a string", describe(t))


def _as_float32_rows(t, half):
    """The values as the page reads them (float16 rounded when sent as float16), one row per key axis."""
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None:
        a = np.frombuffer(t.data, dtype="<f4")
        if half:
            with np.errstate(over="ignore"):
                a = a.astype("<f2").astype("<f4")
        return np, a.reshape(-1, t.shape[-1])
    values = t.values()
    if half:
        from ._tensor import to_float16
        import array
        import sys
        h = array.array("H")
        h.frombytes(to_float16(t))
        if sys.byteorder == "big":
            h.byteswap()
        import struct
        values = [struct.unpack("<e", struct.pack("<H", b))[0] for b in h]
    k = t.shape[-1]
    return None, [values[i:i + k] for i in range(0, len(values), k)]


def _index_path(flat, shape):
    parts = []
    for n in reversed(shape):
        parts.insert(0, flat % n)
        flat //= n
    return "".join("[%d]" % p for p in parts)


def _row_error(row, keys, shape, field, tolerance):
    """The element's message for one row (values in order), or None."""
    total = 0.0
    base = row * shape[-1]
    for k, v in enumerate(keys):
        v = float(v)
        if not (v >= 0) or v == math.inf:
            expected = "a weight ≥ 0" if math.isfinite(v) else "a finite number"
            return AttentionDataError(field + _index_path(base + k, shape), expected, describe(v))
        total += v
    if abs(total - 1) > tolerance:
        path = _index_path(base, shape)
        path = path[:path.rindex("[")]
        return AttentionDataError(
            field + path,
            "a row of weights summing to 1 (±%s); pass allowUnnormalized for scores or rollout"
            % js_number(tolerance),
            "a sum of %s" % js_number(float("%.6g" % total)))
    return None


def check_weights(t, field, half):
    """Finite, non-negative weights whose rows sum to 1, first offending row first."""
    tolerance = ROW_SUM_TOLERANCE_HALF if half else ROW_SUM_TOLERANCE
    np, rows = _as_float32_rows(t, half)
    if np is None:
        for r, keys in enumerate(rows):
            err = _row_error(r, keys, t.shape, field, tolerance)
            if err:
                raise err
        return
    # NumPy finds the candidate rows; each is then checked exactly as the page sums it (in order).
    bad = ~(rows >= 0) | np.isinf(rows)
    sums = rows.astype("f8").sum(axis=1)
    suspect = bad.any(axis=1) | (np.abs(sums - 1) > tolerance * 0.999)
    for r in np.flatnonzero(suspect):
        err = _row_error(int(r), rows[r].tolist(), t.shape, field, tolerance)
        if err:
            raise err


def check_finite(t, field, half):
    np, rows = _as_float32_rows(t, half)
    flat = rows.reshape(-1) if np is not None else [v for row in rows for v in row]
    if np is not None:
        bad = np.flatnonzero(~np.isfinite(flat))
        if bad.size:
            i = int(bad[0])
            raise AttentionDataError(field + _index_path(i, t.shape), "a finite number", describe(float(flat[i])))
        return
    for i, v in enumerate(flat):
        if not math.isfinite(v):
            raise AttentionDataError(field + _index_path(i, t.shape), "a finite number", describe(v))


def check_set(s, prefix, half, query_field, key_field, query_tokens, key_tokens):
    """One attention set, in the order of buildComponent (component.ts)."""
    field = prefix + "attention"
    att = s["attention"]
    L, H, Q, K = att.shape
    check_tokens(query_tokens, query_field)
    if key_tokens is not query_tokens:
        check_tokens(key_tokens, key_field)
    if len(query_tokens) != Q:
        raise AttentionDataError(query_field, "%s (the attention has %s)" % (count(Q, "token"), count(Q, "query", "queries")),
                                 count(len(query_tokens), "token"))
    if len(key_tokens) != K:
        raise AttentionDataError(key_field, "%s (the attention has %s)" % (count(K, "token"), count(K, "key")),
                                 count(len(key_tokens), "token"))
    check_weights(att, field, half)
    sb = s.get("sentenceBStart")
    if sb is not None:
        if isinstance(sb, bool) or not isinstance(sb, int) or sb < 1 or sb > Q - 1:
            raise AttentionDataError(prefix + "sentenceBStart",
                                     "an integer from 1 to %d (both sentences need a token)" % (Q - 1), describe(sb))
    shapes = {}
    for name, side in (("queries", Q), ("keys", K), ("values", K)):
        v = s.get(name)
        if v is None:
            continue
        vf = prefix + name
        expected = (L, H, side)
        labels = ("layers", "heads", "queries" if name == "queries" else "keys")
        for i in range(3):
            if v.shape[i] != expected[i]:
                raise AttentionDataError(vf, "[%d, %d, %d, dim] to match the attention (%s = %d)"
                                         % (L, H, side, labels[i], expected[i]), "[%s]" % ", ".join(map(str, v.shape)))
        if v.shape[3] == 0:
            raise AttentionDataError(vf, "vectors of dimension ≥ 1", "dimension 0")
        check_finite(v, vf, half)
        shapes[name] = v.shape
    if "queries" in shapes and "keys" in shapes and shapes["queries"][3] != shapes["keys"][3]:
        raise AttentionDataError(prefix + "keys", "vectors of dimension %d like the queries" % shapes["queries"][3],
                                 "dimension %d" % shapes["keys"][3])


def check_data(data, half):
    """A payload in attnviz's input format, self-attention or encoder-decoder."""
    if "encoderTokens" in data:
        components = []
        for name in ("encoder", "decoder", "cross"):
            s = data.get(name)
            if s is None:
                continue
            enc, dec = data["encoderTokens"], data["decoderTokens"]
            if name == "encoder":
                check_set(s, "encoder.", half, "encoderTokens", "encoderTokens", enc, enc)
            elif name == "decoder":
                check_set(s, "decoder.", half, "decoderTokens", "decoderTokens", dec, dec)
            else:
                check_tokens(dec, "decoderTokens")
                check_tokens(enc, "encoderTokens")
                check_set(s, "cross.", half, "decoderTokens", "encoderTokens", dec, enc)
            components.append((name, s["attention"].shape))
        if not components:
            raise AttentionDataError("data", "at least one of encoder, decoder, cross", "none")
        first_name, first = components[0]
        for name, shape in components[1:]:
            if shape[:2] != first[:2]:
                raise AttentionDataError(name, "%s × %s like %s" % (count(first[0], "layer"), count(first[1], "head"), first_name),
                                         "%d × %d" % shape[:2])
        return
    check_set(data, "", half, "tokens", "tokens", data["tokens"], data["tokens"])


def _numbers(data):
    s = data if "attention" in data else next(data[n] for n in ("encoder", "decoder", "cross") if data.get(n))
    L, H = s["attention"].shape[:2]
    return s.get("layers") or list(range(L)), s.get("heads") or list(range(H))


def check_attributes(data, view, attributes):
    """The layer and head attributes against the data, as the views resolve them."""
    layers, heads = _numbers(data)
    layer = attributes.get("layer")
    if view in ("head", "neuron", "explorer") and layer is not None and layer not in layers:
        raise AttentionDataError("layer", "one of the layers %s" % range_text(layers), describe(layer))
    if view == "head" and attributes.get("heads") is not None:
        wanted = attributes["heads"]
        if not wanted:
            raise AttentionDataError("heads", "at least one head", "an empty list")
        for i, h in enumerate(wanted):
            if h not in heads:
                raise AttentionDataError("heads[%d]" % i, "one of the heads %s" % range_text(heads), describe(h))
    head = attributes.get("head")
    if view in ("neuron", "explorer") and head is not None and head not in heads:
        raise AttentionDataError("head", "one of the heads %s" % range_text(heads), describe(head))


def validate(data, view, attributes, precision):
    """Raises the first error the view would show for this data and these attributes."""
    check_data(data, precision == "float16")
    check_attributes(data, view, attributes)


__all__ = ["AttentionDataError", "validate", "Tensor"]
