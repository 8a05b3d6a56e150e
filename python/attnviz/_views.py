"""bertviz's calls (head_view, model_view, neuron_view) and attnviz's own (show, save_html)."""
import operator

from ._html import bundle_script, page, view_fragment
from ._tensor import Tensor, per_head, to_tensor
from ._validate import AttentionDataError, validate as validate_spec

VIEWS = ("head", "model", "neuron", "explorer")
PRECISIONS = ("float32", "float16")
THEMES = ("light", "dark", "auto")
#: Largest data payload (base64) a call sends: 64 MiB, past which notebooks grow sluggish.
MAX_SIZE = 64 * 1024 * 1024
_TENSOR_FIELDS = ("attention", "queries", "keys", "values")
#: ``show(view='explorer')``'s keywords: <attn-explorer>'s attributes (src/components/explorer/explorer.ts).
EXPLORER_ATTRIBUTES = ("layer", "head", "token", "filter", "words", "hide", "aggregate", "thumbnail", "summary",
                       "sort", "highlight_above", "highlight_below")


class View:
    """One rendered view: ``.data`` is its HTML (bundle included), as bertviz's returned HTML."""

    def __init__(self, spec):
        self.spec = spec
        self.fragment = view_fragment(spec)

    @property
    def data(self):
        return bundle_script() + "\n" + self.fragment

    def _repr_html_(self):
        return self.data

    def save(self, path, title="attnviz"):
        """Writes a standalone HTML file that opens offline in any browser."""
        save_html(path, self, title=title)
        return path

    def __repr__(self):
        return "<attnviz %s view>" % self.spec["view"]


def _mb(n):
    return "%.1f MiB" % (n / 1024 / 1024)


def _payload_bytes(value):
    if isinstance(value, Tensor):
        return (value.size * 4 + 2) // 3 * 4
    if isinstance(value, dict):
        return sum(_payload_bytes(v) for v in value.values())
    return 0


def _check_size(data, precision, max_size, layers):
    size = _payload_bytes(data)
    if precision == "float16":
        size //= 2
    if size <= max_size:
        return
    hints = []
    if precision == "float32":
        hints.append("precision='float16' halves it (%s)" % _mb(size // 2))
    if layers and len(layers) > 1:
        keep = max(1, int(len(layers) * max_size / size))
        if keep < len(layers):
            hints.append("include_layers=%r shows %d of the %d layers (%s)"
                         % (list(layers[:keep]), keep, len(layers), _mb(size * keep // len(layers))))
    hints.append("or raise max_size")
    raise ValueError("attnviz: the data is %s as %s (base64), over max_size=%s; %s"
                     % (_mb(size), precision, _mb(max_size), "; ".join(hints)))


def _encode(value, precision):
    if isinstance(value, Tensor):
        return value.encode(precision)
    if isinstance(value, dict):
        return {k: _encode(v, precision) for k, v in value.items()}
    return value


def _attr_value(value):
    if isinstance(value, bool):
        return "" if value else None
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _render(view, data, attributes, theme=None, precision="float32", max_size=MAX_SIZE,
            validate=False, html_action="view", layers=None):
    """Checks, encodes and shows or returns one view."""
    if view not in VIEWS:
        raise ValueError("invalid view: expected one of %s, got %r" % (", ".join(map(repr, VIEWS)), view))
    if precision not in PRECISIONS:
        raise ValueError("invalid precision: expected 'float32' or 'float16', got %r" % (precision,))
    if theme is not None and theme not in THEMES:
        raise ValueError("invalid theme: expected 'light', 'dark', 'auto' or None (follow the notebook), got %r"
                         % (theme,))
    if html_action not in ("view", "return"):
        raise ValueError("invalid html_action: expected 'view' or 'return', got %r" % (html_action,))
    if validate:
        validate_spec(data, view, attributes, precision)
    _check_size(data, precision, max_size, layers)
    attrs = {}
    for name, value in attributes.items():
        value = _attr_value(value) if value is not None else None
        if value is not None:
            attrs[name.replace("_", "-")] = value
    if theme is not None:
        attrs["theme"] = theme
    result = View({"view": view, "attributes": attrs, "data": _encode(data, precision)})
    if html_action == "return":
        return result
    try:
        from IPython.display import HTML, display
    except ImportError:
        raise RuntimeError("html_action='view' displays in a notebook and needs IPython; "
                           "use html_action='return' or save_html(path, ...) elsewhere") from None
    display(HTML(result.data))
    return None


def _integer(value):
    """A Python int for any integer (NumPy's and PyTorch's too); other values as they are."""
    if isinstance(value, bool):
        return value
    try:
        return operator.index(value)
    except TypeError:
        return value


def _indices(value, n, name, what):
    """``include_layers`` / ``include_heads``: distinct indices below ``n``, or all of them."""
    if value is None:
        return list(range(n))
    indices = [_integer(v) for v in value]
    for i, v in enumerate(indices):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < n:
            raise ValueError("invalid %s[%d]: expected a %s index from 0 to %d, got %r" % (name, i, what, n - 1, v))
    if not indices or len(set(indices)) != len(indices):
        raise ValueError("invalid %s: expected distinct %s indices, got %r" % (name, what, value))
    return indices


def _tokens(tokens, field):
    if tokens is None:
        raise ValueError("%s is required" % field)
    if hasattr(tokens, "tolist"):
        tokens = tokens.tolist()
    return [str(t) if not isinstance(t, str) else t for t in tokens]


def _subset(t, layers, heads=None):
    if layers != list(range(t.shape[0])):
        t = t.take(0, layers)
    if heads is not None and heads != list(range(t.shape[1])):
        t = t.take(1, heads)
    return t


def _attention_data(attention, tokens, sentence_b_start, encoder_attention, decoder_attention,
                    cross_attention, encoder_tokens, decoder_tokens, include_layers, include_heads=None):
    """attnviz's input format from bertviz's arguments, with the chosen layers and heads."""
    if attention is not None:
        if encoder_attention is not None or decoder_attention is not None or cross_attention is not None:
            raise ValueError("pass either attention (with tokens) or encoder_attention / decoder_attention / "
                             "cross_attention, not both")
        att = per_head(attention, "attention")
        layers = _indices(include_layers, att.shape[0], "include_layers", "layer")
        heads = _indices(include_heads, att.shape[1], "include_heads", "head") if include_heads is not None else None
        data = {"tokens": _tokens(tokens, "tokens"), "attention": _subset(att, layers, heads), "layers": layers}
        if heads is not None:
            data["heads"] = heads
        if sentence_b_start is not None:
            data["sentenceBStart"] = _integer(sentence_b_start)
        return data, layers
    sets = {"encoder": encoder_attention, "decoder": decoder_attention, "cross": cross_attention}
    given = {k: per_head(v, k + "_attention") for k, v in sets.items() if v is not None}
    if not given:
        raise ValueError("pass attention (with tokens), or encoder_attention, decoder_attention and/or "
                         "cross_attention (with encoder_tokens and decoder_tokens)")
    if sentence_b_start is not None:
        raise ValueError("sentence_b_start applies to attention, not to encoder-decoder attention")
    first = next(iter(given.values()))
    layers = _indices(include_layers, first.shape[0], "include_layers", "layer")
    heads = _indices(include_heads, first.shape[1], "include_heads", "head") if include_heads is not None else None
    data = {}
    if "encoder" in given or "cross" in given:
        data["encoderTokens"] = _tokens(encoder_tokens, "encoder_tokens")
    else:
        data["encoderTokens"] = _tokens(encoder_tokens, "encoder_tokens") if encoder_tokens is not None else []
    if "decoder" in given or "cross" in given:
        data["decoderTokens"] = _tokens(decoder_tokens, "decoder_tokens")
    else:
        data["decoderTokens"] = _tokens(decoder_tokens, "decoder_tokens") if decoder_tokens is not None else []
    for name, t in given.items():
        if t.shape[0] != first.shape[0]:
            raise ValueError("invalid %s_attention: expected %d layers like the others, got %d"
                             % (name, first.shape[0], t.shape[0]))
        s = {"attention": _subset(t, layers, heads), "layers": layers}
        if heads is not None:
            s["heads"] = heads
        data[name] = s
    return data, layers


def _theme(display_mode, theme):
    if theme is not None:
        return theme
    if display_mode is None:
        return None
    if display_mode not in ("dark", "light"):
        raise ValueError("invalid display_mode: expected 'dark' or 'light', got %r" % (display_mode,))
    return display_mode


def head_view(attention=None, tokens=None, sentence_b_start=None, prettify_tokens=True, layer=None, heads=None,
              encoder_attention=None, decoder_attention=None, cross_attention=None, encoder_tokens=None,
              decoder_tokens=None, include_layers=None, html_action="view", *, theme=None, precision="float32",
              max_size=MAX_SIZE, validate=False):
    """bertviz's head view: one layer's attention as lines between tokens, one colour per head.

    ``attention`` is a tuple of per-layer ``[1, heads, queries, keys]`` tensors, as Hugging Face
    models return with ``output_attentions=True`` (or one ``[layers, heads, q, k]`` tensor, a NumPy
    array or nested lists). ``layer`` and ``heads`` choose what is shown first, by the model's
    layer and head numbers; ``include_layers`` limits the layers sent. ``prettify_tokens`` is
    accepted for compatibility: attnviz always shows tokens without their ``Ġ``/``▁`` markers.
    Beyond bertviz: ``theme`` ('light', 'dark', 'auto'; default: the notebook's), ``precision``
    ('float16' halves the output), ``max_size`` (bytes of data, default 64 MiB) and ``validate``
    (raise the element's error in Python instead of showing it in the cell).
    """
    data, layers = _attention_data(attention, tokens, sentence_b_start, encoder_attention, decoder_attention,
                                   cross_attention, encoder_tokens, decoder_tokens, include_layers)
    if layer is not None and include_layers is not None and layer not in layers:
        raise ValueError("layer %r is not in include_layers: %r" % (layer, layers))
    attributes = {"layer": _integer(layer), "heads": [_integer(h) for h in heads] if heads is not None else None}
    return _render("head", data, attributes, theme, precision, max_size, validate, html_action, layers)


def model_view(attention=None, tokens=None, sentence_b_start=None, prettify_tokens=True, display_mode=None,
               encoder_attention=None, decoder_attention=None, cross_attention=None, encoder_tokens=None,
               decoder_tokens=None, include_layers=None, include_heads=None, html_action="view", *, theme=None,
               precision="float32", max_size=MAX_SIZE, validate=False):
    """bertviz's model view: every layer × head as a grid of thumbnails; click one for detail.

    Arguments as :func:`head_view`, plus ``include_heads`` (heads sent and shown) and
    ``display_mode`` ('dark' or 'light'; bertviz's default is 'dark', attnviz's None follows the
    notebook).
    """
    data, layers = _attention_data(attention, tokens, sentence_b_start, encoder_attention, decoder_attention,
                                   cross_attention, encoder_tokens, decoder_tokens, include_layers, include_heads)
    return _render("model", data, {}, _theme(display_mode, theme), precision, max_size, validate, html_action,
                   layers)


def neuron_view(attention, tokens, queries, keys, values=None, sentence_b_start=None, layer=None, head=None,
                display_mode=None, html_action="view", *, include_layers=None, theme=None, precision="float32",
                max_size=MAX_SIZE, validate=False):
    """bertviz's neuron view: how one head's query and key vectors make its attention.

    bertviz patches its own model classes for this; here the caller passes the per-head vectors
    (``queries``, ``keys``, optional ``values``), each a tuple of per-layer ``[1, heads, tokens,
    dim]`` tensors or one ``[layers, heads, tokens, dim]`` tensor, e.g. collected with forward
    hooks (see the README). ``layer`` and ``head`` choose the head shown first.
    """
    att = per_head(attention, "attention")
    layers = _indices(include_layers, att.shape[0], "include_layers", "layer")
    data = {"tokens": _tokens(tokens, "tokens"), "attention": _subset(att, layers), "layers": layers}
    for name, v in (("queries", queries), ("keys", keys), ("values", values)):
        if v is None:
            if name != "values":
                raise ValueError("%s is required: per-head vectors [layers, heads, tokens, dim]" % name)
            continue
        t = per_head(v, name, vectors=True)
        if t.shape[0] != att.shape[0]:
            raise ValueError("invalid %s: expected %d layers like the attention, got %d" % (name, att.shape[0],
                                                                                             t.shape[0]))
        data[name] = _subset(t, layers)
    if sentence_b_start is not None:
        data["sentenceBStart"] = _integer(sentence_b_start)
    if layer is not None and include_layers is not None and layer not in layers:
        raise ValueError("layer %r is not in include_layers: %r" % (layer, layers))
    attributes = {"layer": _integer(layer), "head": _integer(head)}
    return _render("neuron", data, attributes, _theme(display_mode, theme), precision, max_size, validate,
                   html_action, layers)


def _tensors_in(value, path=""):
    """attnviz's own data with every tensor field read into a Tensor."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in _TENSOR_FIELDS and v is not None:
                out[k] = per_head(v, path + k, vectors=k != "attention")
            elif k in ("encoder", "decoder", "cross") and isinstance(v, dict):
                out[k] = _tensors_in(v, path + k + ".")
            elif k in ("tokens", "queryTokens", "keyTokens", "encoderTokens", "decoderTokens"):
                out[k] = _tokens(v, path + k)
            elif hasattr(v, "tolist"):
                out[k] = v.tolist()
            else:
                out[k] = v
        return out
    raise ValueError("invalid data: expected attnviz's data (a dict such as {tokens, attention}) or a tensor with "
                     "tokens=..., got %s" % type(value).__name__)


def _check_explorer_attributes(attributes):
    """The explorer takes its own attributes only: a model view's ``include_layers`` would be lost on it."""
    for name, value in attributes.items():
        if value is None or name in EXPLORER_ATTRIBUTES:
            continue
        hint = ("; to show fewer layers or heads, pass data with only those (its 'layers' and 'heads' keep the "
                "model's numbers)" if name in ("include_layers", "include_heads") else "")
        raise ValueError("invalid %s: view='explorer' takes %s, got %s=%r%s"
                         % (name, ", ".join(EXPLORER_ATTRIBUTES), name, value, hint))


def show(data, view="head", *, tokens=None, theme=None, precision="float32", max_size=MAX_SIZE, validate=False,
         html_action="view", **attributes):
    """Shows attnviz's own data format in a view: ``{tokens, attention, layers?, heads?, causal?,
    sentenceBStart?, queries?, keys?, values?}`` or ``{encoderTokens, decoderTokens, encoder?,
    decoder?, cross?}``, tensors in any form the bertviz calls take. ``view`` is 'head', 'model',
    'neuron' or 'explorer'; other keywords are the element's attributes: ``include_layers=[4, 5]``
    becomes ``include-layers="4,5"``, ``summary='previous'``, ``thumbnail='heatmap'``, ...

    'explorer' is ``<attn-explorer>``: the model view's grid, whose cells choose the head shown in
    a head view and a neuron view beside it. It takes ``layer``, ``head`` and ``token`` (the state
    it opens on), ``filter``, ``words``, ``hide`` and ``aggregate`` (for all three views), and
    ``thumbnail``, ``summary``, ``sort``, ``highlight_above`` and ``highlight_below`` (for the
    grid); any other keyword raises ValueError.
    """
    if view == "explorer":
        _check_explorer_attributes(attributes)
    if not isinstance(data, dict):
        data = {"tokens": tokens, "attention": data}
    elif tokens is not None:
        data = dict(data, tokens=tokens)
    spec = _tensors_in(data)
    first = spec.get("attention") or next((spec[n]["attention"] for n in ("encoder", "decoder", "cross")
                                           if isinstance(spec.get(n), dict)), None)
    layers = spec.get("layers") or (list(range(first.shape[0])) if first is not None else None)
    checked = {k: attributes[k] for k in ("layer", "heads", "head") if k in attributes}
    if validate:
        validate_spec(spec, view, checked, precision)
    return _render(view, spec, attributes, theme, precision, max_size, False, html_action, layers)


def save_html(path, *views, title="attnviz", **show_arguments):
    """Writes one standalone HTML file (bundle included once) that opens offline in any browser.

    ``save_html(path, view1, view2, ...)`` saves views returned with ``html_action='return'``;
    ``save_html(path, data, view='model', ...)`` renders ``data`` as :func:`show` does.
    """
    if views and not all(isinstance(v, View) for v in views):
        if len(views) != 1:
            raise ValueError("save_html: pass views returned with html_action='return', or one data argument")
        views = (show(views[0], html_action="return", **show_arguments),)
    elif show_arguments:
        raise ValueError("save_html: keyword arguments (%s) apply only when passing data" % ", ".join(show_arguments))
    if not views:
        raise ValueError("save_html: nothing to save")
    html = page([v.fragment for v in views], title=title)
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    return path


__all__ = ["head_view", "model_view", "neuron_view", "show", "save_html", "View", "AttentionDataError", "MAX_SIZE"]
