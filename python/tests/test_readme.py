"""The README's Python blocks, run as written.

Blocks that load a Hugging Face model run against a stand-in ``transformers`` module: a two-layer
BERT-shaped model in PyTorch (``model.encoder.layer[i].attention.self.query/key/value``, attention
= softmax(q·k/√d) returned as ``.attentions``, per layer ``[1, heads, tokens, tokens]``), so the
blocks' own code (imports, forward hooks, reshapes, the attnviz calls) runs here offline. Every
view they show is validated with the element's checks (``validate=True``).
"""
import inspect
import json
import os
import re
import sys
import tempfile
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

import attnviz  # noqa: E402
from attnviz import _views  # noqa: E402

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

README = os.path.join(HERE, "..", "..", "README.md")
MARKER = re.compile(r"<!-- snippet: skip \(Python; python/tests/test_readme\.py runs it[^)]*\) -->\n```python\n(.*?)\n```",
                    re.S)


def readme_blocks():
    with open(README, encoding="utf-8") as f:
        return MARKER.findall(f.read())


def stand_in_transformers():
    """``AutoModel`` and ``AutoTokenizer`` with the surface the README uses."""
    nn = torch.nn

    class SelfAttention(nn.Module):
        def __init__(self, hidden, heads):
            super().__init__()
            self.heads = heads
            self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))

        def forward(self, x):
            split = lambda t: t.unflatten(-1, (self.heads, -1)).transpose(1, 2)  # noqa: E731
            q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
            probs = torch.softmax(q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5, dim=-1)
            return (probs @ v).transpose(1, 2).flatten(2), probs

    class Layer(nn.Module):
        def __init__(self, hidden, heads):
            super().__init__()
            self.attention = nn.Module()
            self.attention.self = SelfAttention(hidden, heads)

    class Model(nn.Module):
        def __init__(self, layers=7, hidden=16, heads=4):
            super().__init__()
            self.config = types.SimpleNamespace(num_attention_heads=heads, hidden_size=hidden)
            self.embeddings = nn.Embedding(100, hidden)
            self.encoder = nn.Module()
            self.encoder.layer = nn.ModuleList(Layer(hidden, heads) for _ in range(layers))

        def forward(self, input_ids):
            x, attentions = self.embeddings(input_ids), []
            for layer in self.encoder.layer:
                x, probs = layer.attention.self(x)
                attentions.append(probs)
            return types.SimpleNamespace(attentions=tuple(attentions))

    class Tokenizer:
        def encode(self, text, return_tensors=None):
            words = ["[CLS]"] + text.lower().split() + ["[SEP]"]
            self.vocab = {i: w for i, w in enumerate(words)}
            return torch.tensor([list(range(len(words)))])

        def convert_ids_to_tokens(self, ids):
            return [self.vocab[int(i)] for i in ids]

    module = types.ModuleType("transformers")
    torch.manual_seed(0)
    module.AutoModel = types.SimpleNamespace(from_pretrained=lambda name, **kwargs: Model().eval())
    module.AutoTokenizer = types.SimpleNamespace(from_pretrained=lambda name, **kwargs: Tokenizer())
    return module


class Readme(unittest.TestCase):
    def setUp(self):
        self.shown = []
        display = types.ModuleType("IPython.display")
        display.HTML = lambda html: html
        display.display = self.shown.append
        ipython = types.ModuleType("IPython")
        ipython.display = display
        self.saved = {k: sys.modules.get(k) for k in ("IPython", "IPython.display", "transformers")}
        sys.modules.update({"IPython": ipython, "IPython.display": display})
        render = _views._render

        def validating(*args, **kwargs):
            bound = inspect.signature(render).bind(*args, **kwargs)
            bound.arguments["validate"] = True
            return render(*bound.args, **bound.kwargs)

        self.render = render
        _views._render = validating
        self.cwd = os.getcwd()
        self.tmp = tempfile.TemporaryDirectory()
        os.chdir(self.tmp.name)

    def tearDown(self):
        _views._render = self.render
        os.chdir(self.cwd)
        self.tmp.cleanup()
        for k, v in self.saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v

    def views(self):
        return [json.loads(re.search(r'class="attnviz-spec">(.*?)</script>', html, re.S).group(1))
                for html in self.shown]

    def test_three_python_blocks(self):
        self.assertEqual(len(readme_blocks()), 3)

    @unittest.skipUnless(torch is not None, "PyTorch is not installed")
    def test_bertviz_import_change(self):
        sys.modules["transformers"] = stand_in_transformers()
        exec(readme_blocks()[0], {})
        views = self.views()
        self.assertEqual([v["view"] for v in views], ["head", "model"])
        self.assertEqual(views[0]["data"]["tokens"], ["[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]"])
        self.assertEqual(views[1]["data"]["layers"], [4, 5, 6])

    @unittest.skipUnless(torch is not None, "PyTorch is not installed")
    def test_neuron_view_with_hooks(self):
        sys.modules["transformers"] = stand_in_transformers()
        exec(readme_blocks()[1], {})
        (view,) = self.views()
        self.assertEqual(view["view"], "neuron")
        self.assertEqual(view["attributes"], {"layer": "4", "head": "3"})
        for name in ("queries", "keys", "values"):
            self.assertEqual(view["data"][name]["dims"], [7, 4, 8, 4])

    def test_show_and_save_html(self):
        exec(readme_blocks()[2], {})
        (view,) = self.views()
        self.assertEqual(view["attributes"], {"thumbnail": "heatmap", "summary": "previous"})
        with open("attention.html", encoding="utf-8") as f:
            self.assertIn('"view":"head"', f.read())


if __name__ == "__main__":
    unittest.main()
