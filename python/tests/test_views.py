"""The Python side of attnviz: bertviz's arguments, inputs, payloads, limits and the page guard.

Run from python/: ``python3 -m unittest``. The bundle must have been copied in
(``npm run build:python``); the browser side is test/notebook/run.mjs.
"""
import array
import base64
import inspect
import json
import os
import re
import struct
import sys
import tempfile
import types
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import attnviz  # noqa: E402
from attnviz import AttentionDataError, head_view, model_view, neuron_view, save_html, show  # noqa: E402
from attnviz._html import BUNDLE, bundle_script  # noqa: E402

try:
    import numpy as np
except ImportError:  # pragma: no cover
    np = None
try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

TOKENS = ["[CLS]", "the", "cat", "[SEP]"]


def uniform(layers=2, heads=3, q=4, k=4):
    """Nested lists [layers][heads][q][k] of rows summing to 1, each weight distinct per layer/head."""
    out = []
    for l in range(layers):
        out.append([])
        for h in range(heads):
            rows = []
            for i in range(q):
                row = [1.0 + l * 100 + h * 10 + i + j / 8 for j in range(k)]
                s = sum(row)
                rows.append([v / s for v in row])
            out[-1].append(rows)
    return out


def spec_of(view):
    """The JSON spec a returned view sends to the page."""
    m = re.search(r'<script type="application/json" class="attnviz-spec">(.*?)</script>', view.fragment, re.S)
    return json.loads(m.group(1))


def values(payload):
    """A payload tensor's values, decoded as the page does."""
    raw = base64.b64decode(payload["b64"])
    if payload["type"] == "float16":
        return list(struct.unpack("<%de" % (len(raw) // 2), raw))
    a = array.array("f")
    a.frombytes(raw)
    if sys.byteorder == "big":
        a.byteswap()
    return list(a)


def ret(fn, *args, **kwargs):
    return fn(*args, html_action="return", **kwargs)


class Signatures(unittest.TestCase):
    """bertviz's argument names, in bertviz's order, so that changing the import is enough."""

    def names(self, fn):
        return [p.name for p in inspect.signature(fn).parameters.values() if p.kind != p.KEYWORD_ONLY]

    def test_head_view(self):
        self.assertEqual(self.names(head_view), [
            "attention", "tokens", "sentence_b_start", "prettify_tokens", "layer", "heads", "encoder_attention",
            "decoder_attention", "cross_attention", "encoder_tokens", "decoder_tokens", "include_layers",
            "html_action"])

    def test_model_view(self):
        self.assertEqual(self.names(model_view), [
            "attention", "tokens", "sentence_b_start", "prettify_tokens", "display_mode", "encoder_attention",
            "decoder_attention", "cross_attention", "encoder_tokens", "decoder_tokens", "include_layers",
            "include_heads", "html_action"])

    def test_neuron_view(self):
        self.assertEqual(self.names(neuron_view), [
            "attention", "tokens", "queries", "keys", "values", "sentence_b_start", "layer", "head",
            "display_mode", "html_action"])


class Imports(unittest.TestCase):
    def test_no_numpy_torch_or_ipython_at_import(self):
        import subprocess
        code = "import sys, attnviz; print(sorted(m for m in ('numpy', 'torch', 'IPython') if m in sys.modules))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             cwd=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        self.assertEqual(out.stdout.strip(), "[]")


class BertvizArguments(unittest.TestCase):
    def test_attention_and_tokens(self):
        s = spec_of(ret(head_view, uniform(), TOKENS))
        self.assertEqual(s["view"], "head")
        self.assertEqual(s["data"]["tokens"], TOKENS)
        self.assertEqual(s["data"]["attention"]["dims"], [2, 3, 4, 4])
        self.assertEqual(s["data"]["layers"], [0, 1])
        self.assertEqual(s["attributes"], {})

    def test_positional_order_as_bertviz(self):
        s = spec_of(head_view(uniform(), TOKENS, 2, True, 1, [0, 2], None, None, None, None, None, None, "return"))
        self.assertEqual(s["data"]["sentenceBStart"], 2)
        self.assertEqual(s["attributes"], {"layer": "1", "heads": "0,2"})

    def test_sentence_b_start(self):
        s = spec_of(ret(model_view, uniform(), TOKENS, sentence_b_start=3))
        self.assertEqual(s["data"]["sentenceBStart"], 3)

    def test_prettify_tokens_is_accepted_and_tokens_travel_raw(self):
        # The views strip Ġ / ▁ themselves and keep word boundaries; bertviz replaced them by spaces.
        for prettify in (True, False):
            s = spec_of(ret(head_view, uniform(1, 1, 2, 2), ["The", "Ġcat"], prettify_tokens=prettify))
            self.assertEqual(s["data"]["tokens"], ["The", "Ġcat"])

    def test_layer_and_heads(self):
        s = spec_of(ret(head_view, uniform(), TOKENS, layer=1, heads=(2,)))
        self.assertEqual(s["attributes"], {"layer": "1", "heads": "2"})

    def test_include_layers_slices_and_keeps_model_numbers(self):
        att = uniform(3, 2)
        s = spec_of(ret(head_view, att, TOKENS, include_layers=[2, 0], layer=2))
        self.assertEqual(s["data"]["layers"], [2, 0])
        self.assertEqual(s["data"]["attention"]["dims"], [2, 2, 4, 4])
        got = values(s["data"]["attention"])
        self.assertAlmostEqual(got[0], att[2][0][0][0], places=6)
        self.assertAlmostEqual(got[2 * 16], att[0][0][0][0], places=6)

    def test_layer_outside_include_layers(self):
        with self.assertRaisesRegex(ValueError, r"layer 1 is not in include_layers: \[0\]"):
            ret(head_view, uniform(), TOKENS, include_layers=[0], layer=1)

    def test_include_layers_out_of_range(self):
        with self.assertRaisesRegex(ValueError, r"invalid include_layers\[0\]: expected a layer index from 0 to 1, got 5"):
            ret(model_view, uniform(), TOKENS, include_layers=[5])

    def test_include_heads_slices_and_keeps_model_numbers(self):
        att = uniform(2, 3)
        s = spec_of(ret(model_view, att, TOKENS, include_layers=[1], include_heads=[2]))
        self.assertEqual(s["data"]["heads"], [2])
        self.assertEqual(s["data"]["layers"], [1])
        self.assertEqual(s["data"]["attention"]["dims"], [1, 1, 4, 4])
        self.assertAlmostEqual(values(s["data"]["attention"])[5], att[1][2][1][1], places=6)

    def test_display_mode(self):
        self.assertEqual(spec_of(ret(model_view, uniform(), TOKENS, display_mode="light"))["attributes"],
                         {"theme": "light"})
        self.assertEqual(spec_of(ret(model_view, uniform(), TOKENS, display_mode="dark"))["attributes"],
                         {"theme": "dark"})
        # Unset, the page follows the notebook's theme.
        self.assertEqual(spec_of(ret(model_view, uniform(), TOKENS))["attributes"], {})
        with self.assertRaisesRegex(ValueError, "invalid display_mode: expected 'dark' or 'light', got 'blue'"):
            ret(model_view, uniform(), TOKENS, display_mode="blue")

    def test_theme_overrides_display_mode(self):
        s = spec_of(ret(neuron_view, uniform(1, 1), TOKENS, uniform(1, 1, 4, 2), uniform(1, 1, 4, 2),
                        display_mode="dark", theme="auto"))
        self.assertEqual(s["attributes"]["theme"], "auto")

    def test_encoder_decoder(self):
        enc, dec = ["▁a", "▁b", "</s>"], ["<pad>", "▁x"]
        s = spec_of(ret(head_view, encoder_attention=uniform(2, 2, 3, 3), decoder_attention=uniform(2, 2, 2, 2),
                        cross_attention=uniform(2, 2, 2, 3), encoder_tokens=enc, decoder_tokens=dec,
                        include_layers=[1]))
        d = s["data"]
        self.assertEqual((d["encoderTokens"], d["decoderTokens"]), (enc, dec))
        self.assertEqual([d[n]["attention"]["dims"] for n in ("encoder", "decoder", "cross")],
                         [[1, 2, 3, 3], [1, 2, 2, 2], [1, 2, 2, 3]])
        self.assertEqual(d["cross"]["layers"], [1])

    def test_encoder_only_needs_no_decoder_tokens(self):
        s = spec_of(ret(model_view, encoder_attention=uniform(1, 1, 3, 3), encoder_tokens=["a", "b", "c"]))
        self.assertEqual(set(s["data"]), {"encoderTokens", "decoderTokens", "encoder"})

    def test_attention_and_encoder_attention_exclusive(self):
        with self.assertRaisesRegex(ValueError, "not both"):
            ret(head_view, uniform(), TOKENS, encoder_attention=uniform())

    def test_nothing_to_show(self):
        with self.assertRaisesRegex(ValueError, "pass attention"):
            ret(head_view)

    def test_missing_tokens(self):
        with self.assertRaisesRegex(ValueError, "tokens is required"):
            ret(head_view, uniform())
        with self.assertRaisesRegex(ValueError, "decoder_tokens is required"):
            ret(head_view, cross_attention=uniform(), encoder_tokens=TOKENS)

    def test_neuron_view_vectors(self):
        q = uniform(2, 3, 4, 5)
        s = spec_of(ret(neuron_view, uniform(), TOKENS, q, q, q, sentence_b_start=2, layer=1, head=2))
        d = s["data"]
        self.assertEqual([d[n]["dims"] for n in ("queries", "keys", "values")], [[2, 3, 4, 5]] * 3)
        self.assertEqual(d["sentenceBStart"], 2)
        self.assertEqual(s["attributes"], {"layer": "1", "head": "2"})
        self.assertNotIn("values", spec_of(ret(neuron_view, uniform(), TOKENS, q, q))["data"])

    def test_neuron_view_needs_queries_and_keys(self):
        with self.assertRaisesRegex(ValueError, r"keys is required: per-head vectors \[layers, heads, tokens, dim\]"):
            ret(neuron_view, uniform(), TOKENS, uniform(2, 3, 4, 5), None)

    def test_html_action_return(self):
        view = ret(head_view, uniform(), TOKENS)
        self.assertIsInstance(view, attnviz.View)
        self.assertEqual(view._repr_html_(), view.data)
        self.assertTrue(view.data.startswith(bundle_script()))
        self.assertTrue(view.data.endswith(view.fragment))
        self.assertEqual(spec_of(view)["view"], "head")

    def test_html_action_view_displays_through_ipython(self):
        shown = []
        display = types.ModuleType("IPython.display")
        display.HTML = lambda html: ("HTML", html)
        display.display = shown.append
        ipython = types.ModuleType("IPython")
        ipython.display = display
        saved = {k: sys.modules.get(k) for k in ("IPython", "IPython.display")}
        sys.modules.update({"IPython": ipython, "IPython.display": display})
        try:
            self.assertIsNone(head_view(uniform(), TOKENS))
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
        self.assertEqual(len(shown), 1)
        self.assertEqual(shown[0][0], "HTML")
        self.assertIn("attnviz-spec", shown[0][1])

    def test_html_action_invalid(self):
        with self.assertRaisesRegex(ValueError, "invalid html_action: expected 'view' or 'return', got 'show'"):
            head_view(uniform(), TOKENS, html_action="show")


class Inputs(unittest.TestCase):
    def test_nested_lists_exact_float32(self):
        s = spec_of(ret(head_view, [[[[0.1, 0.9], [1, 0]]]], ["a", "b"]))
        self.assertEqual(values(s["data"]["attention"]), [struct.unpack("<f", struct.pack("<f", v))[0]
                                                          for v in (0.1, 0.9, 1.0, 0.0)])

    def test_ragged_lists(self):
        with self.assertRaisesRegex(ValueError, r"invalid attention\[0\]\[0\]\[1\]: expected a list of length 2"):
            ret(head_view, [[[[0.5, 0.5], [1]]]], ["a", "b"])

    def test_wrong_rank_names_the_shape(self):
        with self.assertRaisesRegex(ValueError, re.escape(
                "invalid attention: expected 4 dimensions [layers, heads, queries, keys] (or a per-layer list "
                "of [1, heads, queries, keys]), got 3 dimensions [1, 2, 2]")):
            ret(head_view, [[[0.5, 0.5], [0.5, 0.5]]], ["a", "b"])

    def test_tuple_of_per_layer_lists_of_batch_one(self):
        # A tuple of [1, heads, q, k] entries stacks to [layers, 1, heads, q, k], then drops the batch axis.
        layer = [[[[1.0, 0.0], [0.5, 0.5]]]]
        s = spec_of(ret(head_view, [layer, layer, layer], ["a", "b"]))
        self.assertEqual(s["data"]["attention"]["dims"], [3, 1, 2, 2])

    def test_batch_of_two_refused(self):
        with self.assertRaisesRegex(ValueError, re.escape(
                "invalid attention[0]: expected batch size 1 in each per-layer tensor [batch, heads, queries, keys], "
                "got batch size 2")):
            ret(head_view, [[[[[1.0]]], [[[1.0]]]]], ["a"])

    @unittest.skipUnless(np is not None, "NumPy is not installed")
    def test_numpy_array_and_per_layer_list(self):
        a = np.asarray(uniform(2, 3), dtype=np.float64)
        s1 = spec_of(ret(head_view, a, TOKENS))
        s2 = spec_of(ret(head_view, [a[l][None] for l in range(2)], TOKENS))
        self.assertEqual(s1["data"]["attention"], s2["data"]["attention"])
        self.assertEqual(values(s1["data"]["attention"]), list(a.astype(np.float32).ravel()))

    @unittest.skipUnless(np is not None, "NumPy is not installed")
    def test_numpy_non_contiguous(self):
        a = np.asarray(uniform(2, 3), dtype=np.float32).transpose(1, 0, 2, 3)
        s = spec_of(ret(head_view, a, TOKENS))
        self.assertEqual(values(s["data"]["attention"]), list(a.ravel()))

    @unittest.skipUnless(np is not None, "NumPy is not installed")
    def test_object_with_numpy_method(self):
        # As TensorFlow's eager tensors: shape and numpy(), no astype.
        class Eager:
            def __init__(self, a):
                self.a, self.shape = a, a.shape

            def numpy(self):
                return self.a

        a = np.asarray(uniform(2, 3), dtype=np.float32)
        s = spec_of(ret(head_view, Eager(a), TOKENS))
        self.assertEqual(values(s["data"]["attention"]), list(a.ravel()))

    @unittest.skipUnless(torch is not None, "PyTorch is not installed")
    def test_torch_output_attentions(self):
        # As a Hugging Face model returns it: per layer [1, heads, q, k], with autograd, in half precision.
        torch.manual_seed(0)
        att = tuple(torch.softmax(torch.randn(1, 3, 4, 4, requires_grad=True), -1).to(torch.bfloat16)
                    for _ in range(2))
        s = spec_of(ret(head_view, att, TOKENS))
        self.assertEqual(s["data"]["attention"]["dims"], [2, 3, 4, 4])
        expected = torch.stack([a[0] for a in att]).float().flatten().tolist()
        self.assertEqual(values(s["data"]["attention"]), expected)

    @unittest.skipUnless(torch is not None, "PyTorch is not installed")
    def test_torch_stacked_and_vectors(self):
        att = torch.softmax(torch.randn(2, 1, 3, 4, 4), -1)
        q = torch.randn(2, 1, 3, 4, 8)
        s = spec_of(ret(neuron_view, att, TOKENS, q, q))
        self.assertEqual(s["data"]["queries"]["dims"], [2, 3, 4, 8])
        self.assertEqual(s["data"]["attention"]["dims"], [2, 3, 4, 4])

    @unittest.skipUnless(np is not None, "NumPy is not installed")
    def test_numpy_integers_as_arguments(self):
        i = np.int64
        s = spec_of(ret(head_view, uniform(3, 3), TOKENS, sentence_b_start=i(2), layer=i(2), heads=[i(1)],
                        include_layers=np.array([0, 2]), validate=True))
        self.assertEqual(s["data"]["sentenceBStart"], 2)
        self.assertEqual(s["data"]["layers"], [0, 2])
        self.assertEqual(s["attributes"], {"layer": "2", "heads": "1"})

    @unittest.skipUnless(np is not None, "NumPy is not installed")
    def test_tokens_as_array(self):
        s = spec_of(ret(head_view, uniform(1, 1), np.array(TOKENS)))
        self.assertEqual(s["data"]["tokens"], TOKENS)


class Float16(unittest.TestCase):
    def test_payload_is_half_the_size_and_rounds_to_half(self):
        att = uniform(2, 3, 8, 8)
        f32 = spec_of(ret(head_view, att, ["t%d" % i for i in range(8)]))["data"]["attention"]
        f16 = spec_of(ret(head_view, att, ["t%d" % i for i in range(8)], precision="float16"))["data"]["attention"]
        self.assertEqual((f32["type"], f16["type"]), ("float32", "float16"))
        self.assertEqual(len(base64.b64decode(f16["b64"])) * 2, len(base64.b64decode(f32["b64"])))
        flat = [v for l in att for h in l for r in h for v in r]
        self.assertEqual(values(f16), [struct.unpack("<e", struct.pack("<e", v))[0] for v in flat])

    def test_pure_python_conversion_matches_numpy(self):
        from attnviz import _tensor
        t = _tensor.from_nested([0.1, 1 / 3, 65504.0, 1e6, -2.5e-8], "x")
        saved = sys.modules.get("numpy")
        sys.modules["numpy"] = None  # import numpy now fails
        try:
            pure = _tensor.to_float16(t)
        finally:
            if saved is None:
                del sys.modules["numpy"]
            else:
                sys.modules["numpy"] = saved
        self.assertEqual(struct.unpack("<5e", pure)[:3], struct.unpack("<3e", struct.pack("<3e", 0.1, 1 / 3, 65504.0)))
        self.assertEqual(struct.unpack("<5e", pure)[3], float("inf"))
        if np is not None:
            self.assertEqual(pure, _tensor.to_float16(t))

    def test_invalid_precision(self):
        with self.assertRaisesRegex(ValueError, "invalid precision: expected 'float32' or 'float16', got 'int8'"):
            ret(head_view, uniform(), TOKENS, precision="int8")


class SizeLimit(unittest.TestCase):
    def test_refused_with_numbers_and_hints(self):
        att = uniform(4, 2, 16, 16)  # 4 × 2 × 16 × 16 float32 = 8,192 bytes, 10,924 in base64
        with self.assertRaises(ValueError) as caught:
            ret(head_view, att, ["t"] * 16, max_size=6000)
        message = str(caught.exception)
        self.assertIn("the data is 0.0 MiB as float32 (base64), over max_size=0.0 MiB", message)
        self.assertIn("precision='float16' halves it", message)
        self.assertIn("include_layers=[0, 1] shows 2 of the 4 layers", message)

    def test_float16_fits_where_float32_does_not(self):
        att = uniform(4, 2, 16, 16)
        ret(head_view, att, ["t"] * 16, max_size=6000, precision="float16")
        ret(head_view, att, ["t"] * 16, max_size=6000, include_layers=[0, 1])

    def test_default_limit_is_64_mib(self):
        self.assertEqual(attnviz.MAX_SIZE, 64 * 1024 * 1024)

    def test_size_in_message_for_a_large_model(self):
        from attnviz._tensor import Tensor
        big = Tensor((12, 12, 512, 512), bytes(4))  # only the shape is read before refusing
        big.data = b""
        with self.assertRaisesRegex(ValueError, r"the data is 192\.0 MiB as float32 \(base64\), over max_size=64\.0 MiB"):
            ret(head_view, big, ["t"] * 512)


class Guard(unittest.TestCase):
    def test_bundle_runs_only_where_an_element_is_missing(self):
        script = bundle_script()
        self.assertIn('["attn-head-view", "attn-model-view", "attn-neuron-view", "attn-explorer"].every(function (n) '
                      '{ return customElements.get(n); })) return;', script)
        self.assertNotRegex(script, r"export\s*\{")
        self.assertIn("console.warn('attnviz %s could not define its elements', e);" % attnviz.__version__, script)

    def test_each_output_carries_the_bundle_once(self):
        view = ret(head_view, uniform(), TOKENS)
        self.assertEqual(view.data.count("/* attnviz %s: defines the elements" % attnviz.__version__), 1)

    def test_saved_file_carries_the_bundle_once_for_several_views(self):
        views = [ret(head_view, uniform(), TOKENS), ret(model_view, uniform(), TOKENS),
                 ret(neuron_view, uniform(), TOKENS, uniform(2, 3, 4, 2), uniform(2, 3, 4, 2))]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "views.html")
            save_html(path, *views)
            with open(path, encoding="utf-8") as f:
                html = f.read()
            self.assertEqual(html.count("defines the elements unless"), 1)
            self.assertEqual(html.count('class="attnviz-spec"'), 3)
            self.assertTrue(html.startswith("<!doctype html>"))
            self.assertEqual(views[0].save(path), path)

    def test_script_end_in_the_bundle_is_escaped(self):
        script = bundle_script('const a = "</script>";export{a as b};\n//# sourceMappingURL=x.map\n')
        self.assertIn('const a = "<\\/script>"', script)
        self.assertEqual(script.count("</script>"), 1)

    def test_module_only_syntax_is_made_classic(self):
        # The derivations' worker is found from import.meta.url, a syntax error in a classic
        # script: the inlined copy gets an opaque base, so the derivations run in the page.
        script = bundle_script("const u = new URL('./w.js', import.meta.url);export{u as v};\n")
        self.assertNotIn("import.meta", script)
        self.assertIn("new URL('./w.js', \"about:blank\")", script)
        self.assertIn("import.meta", open(BUNDLE, encoding="utf-8").read())
        with self.assertRaisesRegex(RuntimeError, "import.meta"):
            bundle_script("const m = import.meta;export{m as n};\n")

    def test_unexpected_bundle_refused(self):
        with self.assertRaisesRegex(RuntimeError, "one export statement"):
            bundle_script("customElements.define('x', X);")

    def test_tokens_cannot_close_the_script(self):
        view = ret(head_view, uniform(1, 1, 2, 2), ["</script><b>", "&amp;"])
        self.assertNotIn("</script><b>", view.fragment)
        self.assertEqual(spec_of(view)["data"]["tokens"], ["</script><b>", "&amp;"])

    def test_a_note_where_scripts_do_not_run(self):
        # An untrusted notebook or a static preview drops the scripts: the output says why it is empty.
        view = ret(head_view, uniform(), TOKENS)
        self.assertIn('<p class="attnviz-pending">attnviz: this view needs JavaScript.', view.fragment)

    def test_ids_differ_between_outputs(self):
        a, b = ret(head_view, uniform(), TOKENS), ret(head_view, uniform(), TOKENS)
        self.assertNotEqual(re.search(r'id="([^"]+)"', a.fragment).group(1), re.search(r'id="([^"]+)"', b.fragment).group(1))


class Validate(unittest.TestCase):
    """validate=True raises the message the element shows (src/core, src/components/shared)."""

    def raises(self, message, fn, *args, **kwargs):
        with self.assertRaises(AttentionDataError) as caught:
            fn(*args, html_action="return", validate=True, **kwargs)
        self.assertEqual(str(caught.exception), message)

    def test_valid_data_passes(self):
        ret(head_view, uniform(), TOKENS, validate=True, layer=1, heads=[0, 2])

    def test_layer(self):
        self.raises("invalid layer: expected one of the layers [0, 1], got 7", head_view, uniform(), TOKENS, layer=7)
        self.raises("invalid layer: expected one of the layers 0–2, got 3", head_view, uniform(3), TOKENS, layer=3)

    def test_layer_with_include_layers(self):
        # Layers keep the model's numbers: layer 5 is the second of include_layers=[2, 5].
        q = uniform(6, 1, 4, 2)
        ret(neuron_view, uniform(6, 1), TOKENS, q, q, layer=5, include_layers=[2, 5], validate=True)

    def test_heads(self):
        self.raises("invalid heads[1]: expected one of the heads 0–2, got 4", head_view, uniform(), TOKENS,
                    heads=[0, 4])
        self.raises("invalid heads: expected at least one head, got an empty list", head_view, uniform(), TOKENS,
                    heads=[])

    def test_head(self):
        self.raises("invalid head: expected one of the heads 0–2, got 3", neuron_view, uniform(), TOKENS,
                    uniform(2, 3, 4, 2), uniform(2, 3, 4, 2), head=3)

    def test_token_count(self):
        self.raises("invalid tokens: expected 4 tokens (the attention has 4 queries), got 3 tokens", head_view,
                    uniform(), TOKENS[:3])

    def test_row_sum(self):
        att = uniform(1, 1)
        att[0][0][2] = [0.2, 0.2, 0.2, 0.27]
        self.raises("invalid attention[0][0][2]: expected a row of weights summing to 1 (±0.001); pass "
                    "allowUnnormalized for scores or rollout, got a sum of 0.87", head_view, att, TOKENS)

    def test_row_sum_tolerance_is_wider_for_float16(self):
        att = uniform(1, 1)
        att[0][0][1] = [0.25, 0.25, 0.25, 0.255]
        self.raises("invalid attention[0][0][1]: expected a row of weights summing to 1 (±0.001); pass "
                    "allowUnnormalized for scores or rollout, got a sum of 1.005", head_view, att, TOKENS)
        ret(head_view, att, TOKENS, validate=True, precision="float16")

    def test_negative_and_nan(self):
        att = uniform(1, 2)
        att[0][1][3][2] = -0.1
        self.raises("invalid attention[0][1][3][2]: expected a weight ≥ 0, got -0.10000000149011612", head_view, att,
                    TOKENS)
        att[0][0][1][0] = float("nan")
        self.raises("invalid attention[0][0][1][0]: expected a finite number, got NaN", model_view, att, TOKENS)

    def test_sentence_b_start(self):
        self.raises("invalid sentenceBStart: expected an integer from 1 to 3 (both sentences need a token), got 4",
                    head_view, uniform(), TOKENS, sentence_b_start=4)

    def test_vectors(self):
        self.raises("invalid queries: expected [2, 3, 4, dim] to match the attention (heads = 3), got [2, 2, 4, 5]",
                    neuron_view, uniform(), TOKENS, uniform(2, 2, 4, 5), uniform(2, 3, 4, 5))
        self.raises("invalid keys: expected vectors of dimension 5 like the queries, got dimension 6",
                    neuron_view, uniform(), TOKENS, uniform(2, 3, 4, 5), uniform(2, 3, 4, 6))

    def test_encoder_decoder_tokens(self):
        self.raises("invalid decoderTokens: expected 2 tokens (the attention has 2 queries), got 3 tokens",
                    head_view, cross_attention=uniform(1, 1, 2, 3), encoder_tokens=["a", "b", "c"],
                    decoder_tokens=["x", "y", "z"])

    def test_show_validates_its_attributes(self):
        with self.assertRaisesRegex(AttentionDataError, r"^invalid layer: expected one of the layers \[4, 9\], got 0$"):
            show({"tokens": ["a", "b"], "attention": uniform(2, 1, 2, 2), "layers": [4, 9]}, layer=0, validate=True,
                 html_action="return")

    def test_without_validate_the_view_shows_it(self):
        s = spec_of(ret(head_view, uniform(), TOKENS, layer=7))
        self.assertEqual(s["attributes"]["layer"], "7")

    def test_js_number(self):
        from attnviz._validate import js_number
        cases = {0.87: "0.87", 1.0: "1", -0.10000000149011612: "-0.10000000149011612", 1e-7: "1e-7",
                 1.5e-6: "0.0000015", 1e21: "1e+21", 123456.5: "123456.5", 2.5e22: "2.5e+22", -0.0: "0"}
        for v, text in cases.items():
            self.assertEqual(js_number(v), text, v)


class Show(unittest.TestCase):
    def test_own_format_and_attributes(self):
        s = spec_of(show({"tokens": ["a", "b"], "attention": uniform(2, 2, 2, 2), "causal": False}, view="model",
                         include_layers=[1], summary="previous", no_detail=True, sort=None, html_action="return"))
        self.assertEqual(s["view"], "model")
        self.assertEqual(s["attributes"], {"include-layers": "1", "summary": "previous", "no-detail": ""})
        self.assertIs(s["data"]["causal"], False)

    def test_bare_tensor_with_tokens(self):
        s = spec_of(show(uniform(), tokens=TOKENS, html_action="return"))
        self.assertEqual(s["data"]["tokens"], TOKENS)

    def test_encoder_decoder_format(self):
        s = spec_of(show({"encoderTokens": ["a", "b"], "decoderTokens": ["x"],
                          "cross": {"attention": uniform(1, 1, 1, 2)}}, html_action="return"))
        self.assertEqual(s["data"]["cross"]["attention"]["dims"], [1, 1, 1, 2])

    def test_explorer(self):
        s = spec_of(show({"tokens": TOKENS, "attention": uniform(), "queries": uniform(2, 3, 4, 2),
                          "keys": uniform(2, 3, 4, 2)}, view="explorer", layer=1, head=2, token=3, words=True,
                         hide="first", aggregate="mean", summary="entropy", sort="descending", highlight_above=0.5,
                         thumbnail="heatmap", html_action="return"))
        self.assertEqual(s["view"], "explorer")
        self.assertEqual(s["attributes"], {"layer": "1", "head": "2", "token": "3", "words": "", "hide": "first",
                                           "aggregate": "mean", "summary": "entropy", "sort": "descending",
                                           "highlight-above": "0.5", "thumbnail": "heatmap"})
        self.assertEqual(s["data"]["queries"]["dims"], [2, 3, 4, 2])

    def test_explorer_refuses_what_it_does_not_take(self):
        data = {"tokens": TOKENS, "attention": uniform()}
        with self.assertRaisesRegex(ValueError, r"^invalid include_layers: view='explorer' takes layer, head, token, "
                                                r"filter, words, hide, aggregate, thumbnail, summary, sort, "
                                                r"highlight_above, highlight_below, got include_layers=\[1\]; to show "
                                                r"fewer layers or heads, pass data with only those"):
            show(data, view="explorer", include_layers=[1], html_action="return")
        with self.assertRaisesRegex(ValueError, r"^invalid heads: view='explorer' takes layer, .*, got heads=\[0\]$"):
            show(data, view="explorer", heads=[0], html_action="return")
        # None is "not given", as everywhere; other views pass their attributes on as before.
        self.assertEqual(spec_of(show(data, view="explorer", include_heads=None, html_action="return"))["attributes"], {})
        self.assertEqual(spec_of(show(data, view="model", include_heads=[1], html_action="return"))["attributes"],
                         {"include-heads": "1"})

    def test_explorer_validates_layer_and_head(self):
        data = {"tokens": TOKENS, "attention": uniform()}
        with self.assertRaisesRegex(AttentionDataError, r"^invalid layer: expected one of the layers \[0, 1\], got 2$"):
            show(data, view="explorer", layer=2, validate=True, html_action="return")
        with self.assertRaisesRegex(AttentionDataError, r"^invalid head: expected one of the heads 0–2, got 3$"):
            show(data, view="explorer", layer=1, head=3, validate=True, html_action="return")

    def test_unknown_view(self):
        with self.assertRaisesRegex(ValueError, "invalid view: expected one of 'head', 'model', 'neuron', 'explorer', got 'grid'"):
            show({"tokens": TOKENS, "attention": uniform()}, view="grid", html_action="return")

    def test_save_html_from_data(self):
        with tempfile.TemporaryDirectory() as d:
            path = save_html(os.path.join(d, "a.html"), {"tokens": TOKENS, "attention": uniform()}, view="neuron")
            with open(path, encoding="utf-8") as f:
                self.assertIn('"view":"neuron"', f.read())
            with self.assertRaisesRegex(ValueError, "nothing to save"):
                save_html(path)


if __name__ == "__main__":
    unittest.main()
