"""The demo texts: exported with PyTorch's attention (demo/data/*.json), shown by the stories."""

GPT_TEXTS = [
    # The paper's running example (Vig 2019, fig. 1 uses it with GPT-2).
    "The quick, brown fox jumps over the lazy dog.",
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    "Call me Ishmael. Some years ago, never mind how long precisely, I thought I would sail about a little and see the watery part of the world.",
    # A repeated sentence: heads that copy what followed the earlier occurrence (induction) show here.
    "The ship sailed from the harbour at dawn. The ship sailed from the harbour at dawn.",
]

BERT_TEXTS = [
    # The paper's sentence pair (Vig 2019, fig. 2).
    ("the cat sat on the mat", "the cat lay on the rug"),
    ("Mr. Darcy danced only once with Elizabeth.", "She thought him the proudest man in the world."),
    ("The Congress shall have power to lay and collect taxes.", None),
]
