"""Bad inputs for the error-parity check of run.mjs: for each, the message validate=True raises
(or None), and the view rendered without validation. Writes one page: argv[1]; the expected
messages go to stdout as JSON, in page order."""
import json
import sys

import attnviz
from attnviz import head_view, model_view, neuron_view, show
from attnviz._html import page
from tests.test_views import uniform as rows  # [layers][heads][q][k] of distinct rows summing to 1


def edit(att, index, row):
    l, h, q = index
    att[l][h][q] = row
    return att


TOKENS = ["[CLS]", "the", "cat", "[SEP]"]
VEC = rows(2, 3, 4, 5)
CASES = [
    (head_view, (rows(2, 3, 4, 4), TOKENS), {"layer": 7}),
    (head_view, (rows(2, 3, 4, 4), TOKENS), {"heads": [0, 9]}),
    (head_view, (rows(2, 3, 4, 4), TOKENS[:3]), {}),
    (model_view, (edit(rows(2, 3, 4, 4), (1, 2, 3), [0.2, 0.2, 0.2, 0.27]), TOKENS), {}),
    (head_view, (edit(rows(1, 1, 4, 4), (0, 0, 1), [0.25, 0.25, 0.25, 0.255]), TOKENS), {}),
    (head_view, (edit(rows(1, 1, 4, 4), (0, 0, 1), [0.25, 0.25, 0.25, 0.255]), TOKENS), {"precision": "float16"}),
    (head_view, (edit(rows(1, 2, 4, 4), (0, 1, 2), [0.6, -0.1, 0.25, 0.25]), TOKENS), {}),
    (head_view, (edit(rows(1, 2, 4, 4), (0, 0, 0), [float("nan"), 0.5, 0.25, 0.25]), TOKENS), {}),
    (model_view, (edit(rows(1, 2, 4, 4), (0, 0, 3), [0.5, float("inf"), 0.25, 0.25]), TOKENS), {}),
    (head_view, (rows(2, 3, 4, 4), TOKENS), {"sentence_b_start": 4}),
    (neuron_view, (rows(2, 3, 4, 4), TOKENS, rows(2, 2, 4, 5), VEC), {}),
    (neuron_view, (rows(2, 3, 4, 4), TOKENS, VEC, rows(2, 3, 4, 6)), {}),
    (neuron_view, (rows(2, 3, 4, 4), TOKENS, VEC, VEC), {"head": 9, "layer": 1}),
    (neuron_view, (rows(2, 3, 4, 4), TOKENS, VEC, VEC, VEC), {"layer": 1, "head": 2}),
    (head_view, (), {"encoder_attention": rows(2, 2, 3, 3), "cross_attention": rows(2, 2, 2, 3),
                     "encoder_tokens": ["a", "b", "c"], "decoder_tokens": ["x", "y", "z"]}),
    (model_view, (), {"encoder_attention": rows(2, 2, 3, 3), "decoder_attention": rows(2, 3, 2, 2),
                      "encoder_tokens": ["a", "b", "c"], "decoder_tokens": ["x", "y"]}),
    (show, ({"tokens": ["a", "b"], "attention": rows(2, 1, 2, 2), "layers": [4, 9]},), {"layer": 0}),
]

expected, fragments = [], []
for fn, args, kwargs in CASES:
    try:
        fn(*args, html_action="return", validate=True, **kwargs)
        expected.append(None)
    except attnviz.AttentionDataError as e:
        expected.append(str(e))
    fragments.append(fn(*args, html_action="return", **kwargs).fragment)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write(page(fragments, title="attnviz: error parity"))
json.dump(expected, sys.stdout, ensure_ascii=False)
