"""Carries a trained demo model over to a new vocabulary, so that a larger tokenizer costs a
fine-tune rather than a new training run.

Everything but the vocabulary's rows is copied (blocks, position and token type embeddings,
norms). Each token of the new vocabulary starts as the mean of the old embeddings (and, for
BERT, of the old output biases) of the pieces the old tokenizer cuts it into: a token both
vocabularies share keeps its row, and a new whole word starts where the model's reading of its
pieces points.
"""

import torch

from wordpiece import PREFIX, UNK


def old_pieces(kind, old, token):
    """The old tokenizer's ids for one token string of the new vocabulary."""
    if token in old.ids:
        return [old.ids[token]]
    if kind == "gpt":
        return [old.ids[t] for t in old.split_word(token)]  # BPE on the token's byte characters
    continuation = token.startswith(PREFIX)
    body = token[len(PREFIX) :] if continuation else token
    pieces = old.split_word(body)
    if pieces == [UNK]:
        return [old.ids[UNK]]
    if continuation:  # every piece of a continuation carries the prefix
        pieces = [p if p.startswith(PREFIX) else PREFIX + p for p in pieces]
        if any(p not in old.ids for p in pieces):
            return [old.ids[UNK]]
    return [old.ids[p] for p in pieces]


def carry_over(kind, model, old_state, old, new):
    """Loads `old_state` (trained with tokenizer `old`) into `model` (built for tokenizer `new`).
    Returns how many tokens the two vocabularies share."""
    rows = {"gpt": ["wte.weight"], "bert": ["bert.word_embeddings.weight", "decoder_bias"]}[kind]
    state = {k: v.float() for k, v in old_state.items() if k not in rows}
    model.load_state_dict(state, strict=False)
    pieces = [old_pieces(kind, old, t) for t in new.tokens]
    own = model.state_dict()
    with torch.no_grad():
        for name in rows:
            table = old_state[name].float()
            own[name].copy_(torch.stack([table[p].mean(dim=0) for p in pieces]))
    missing = [k for k in own if k not in state and k not in rows]
    assert not missing, f"not carried over: {missing}"
    return sum(t in old.ids for t in new.tokens)
