"""The demo texts: exported with PyTorch's attention (demo/data/*.json), shown by the stories.

Prose of the training text's kind (State of the Union addresses, Austen, Melville) whose words
the demo tokenizers keep whole (analyze.py reports it): a story's tokens then read as the text.
"""

GPT_TEXTS = [
    # Lincoln's State of the Union address of 1862.
    "Fellow-citizens, we cannot escape history. We of this Congress and this administration will be remembered in spite of ourselves.",
    # Pride and Prejudice's first sentence.
    "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    # Moby Dick's second sentence.
    "Some years ago, never mind how long precisely, having little or no money in my purse, I thought I would sail about a little and see the watery part of the world.",
    # A sentence said twice: a head that attends from a token of the second copy to the token that
    # followed it in the first (an induction head) shows here.
    "The sea was calm, and the ship sailed on through the night. The sea was calm, and the ship sailed on through the night.",
]

# The index of the repeated sentence, for analyze.py and the stories.
GPT_REPEATED = 3

BERT_TEXTS = [
    # A short sentence pair in Austen's manner (the stories' first example: few tokens, two segments).
    ("Elizabeth walked to the window.", "Her sister was still in the garden."),
    # The Lincoln sentences above, as a pair.
    ("Fellow-citizens, we cannot escape history.", "We of this Congress and this administration will be remembered in spite of ourselves."),
    # The Constitution, article I, section 8.
    ("The Congress shall have power to lay and collect taxes.", None),
]
