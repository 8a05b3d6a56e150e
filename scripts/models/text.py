"""The fixed English sample the tokenizers are built from, and the texts the references use.

Everything here is plain ASCII except the GPT-2 reference text, which has one accented letter so
that a byte-level token stands for part of a character. Changing any of it changes the
vocabularies, and so every fixture.
"""

SAMPLE = """\
The cat sat on the mat. The dog sat on the rug by the door.
A cat and a dog were playing in the garden, and the dogs played outside all day.
Children like to play games; the cats watched them and then slept in the sun.
The quick brown fox jumps over the lazy dog, and the dog does not jump after it.
We read books about attention: every word looks at the words before it and answers.
A model has layers and heads, and each head looks at the other words in its own way.
It is a small model, but it can show how words attend to each other.
When the sun was warm, the children played and the dogs slept under the tree.
"""

# (text, text pair or None) for each tiny-bert reference example.
BERT_EXAMPLES = [
    ("The cat sat on the mat.", "Dogs were playing."),
    ("The quick brown fox jumps over the lazy dog.", None),
]

# The text for each GPT-2-style reference example.
GPT2_EXAMPLES = [
    "The cat sat in the café, and the dogs played.",
]

# (source text, target text) for each tiny-bart reference example: lengths differ, so that cross
# attention is not square.
BART_EXAMPLES = [
    ("The cat sat on the mat.", "A dog slept in the sun and played."),
]
