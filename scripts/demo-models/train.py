#!/usr/bin/python3
"""Trains a demo model on the offline corpus and saves a checkpoint for export.py and analyze.py.

    /usr/bin/python3 scripts/demo-models/train.py gpt  [--steps N] [--cache DIR]
    /usr/bin/python3 scripts/demo-models/train.py bert [--steps N] [--cache DIR]

gpt: GPT-2 (classic attention, learned positions), causal LM, byte-level BPE learned from the
corpus. bert: BERT, masked LM (MASK_RATE of the tokens: 80% [MASK], 10% random, 10% kept) over
[CLS] A [SEP] B [SEP] pairs of consecutive text, uncased WordPiece learned from the corpus.
Both: 4 layers, 4 heads, d_model 128, context 128, the vocabulary of demo.CONFIGS; AdamW, warm-up
then cosine decay; one thread (run the two models side by side on two cores). Seeded; the same
steps give the same checkpoint. --resume continues from the checkpoint in --cache (a fresh
optimizer and schedule: give it a lower --lr); --warm-start does the same from a checkpoint of
another vocabulary (warmstart.py).
"""

import argparse
import json
import math
import os
import sys
import time
from collections import Counter

# One thread per job (two jobs side by side fill two cores): OpenBLAS would otherwise start a
# pool thread of its own beside torch's, and four busy threads on two cores train slower.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402
from torch import nn  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "models"))
sys.dont_write_bytecode = True

import corpus  # noqa: E402
from demo import BertMaskedLM, CONFIGS, build_tokenizer, encode_paragraphs, gpt_model, tokenizer_from_checkpoint  # noqa: E402
from warmstart import carry_over  # noqa: E402

SEED = {"gpt": 11, "bert": 12}
BATCH = 32
# First runs with a learning rate of 1e-3, a 200-step warm-up and random position embeddings
# learned no positional head (GPT: none in 600 steps; BERT: none in 2,900, every head's attention
# to i±1 at the uniform 0.01); these settings replaced them.
LR = 2e-3
WARMUP = 100
# Sinusoids of this amplitude have a standard deviation of 0.035, beside token embeddings' 0.02.
POSITION_AMPLITUDE = 0.05
# BERT's 15% gives a step of 32 short sequences a few hundred predictions (GPT's: 4,096), and two
# runs of 2,400 and 1,400 steps at 15% stayed on the unigram plateau (every head uniform but a
# [CLS] sink); masking more gives more signal per step (Wettig et al. 2022 found 40% trains BERT
# at least as well as 15%). Still 80% [MASK], 10% random, 10% kept, so unmasked text stays familiar.
MASK_RATE = 0.3
WEIGHT_DECAY = 0.01
CLIP = 1.0
EVAL_EVERY = 200
EVAL_BATCHES = 10


def sinusoids(positions, dim, amplitude):
    """The Transformer's sinusoidal position table: position i+1 is a fixed rotation of position i,
    so one linear map can find "the previous token" for every position."""
    pos = torch.arange(positions, dtype=torch.float32)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, dim, 2, dtype=torch.float32) / dim)
    table = torch.zeros(positions, dim)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return amplitude * table


def init_weights(model, layers):
    """GPT-2 / BERT initialisation: N(0, 0.02), output projections N(0, 0.02/√(2L)), norms 1 and 0;
    the learned position embeddings start from a sinusoidal table (they are still trained), which
    lets small, briefly trained models find positional heads (see LR)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:
                (p.fill_(1.0) if name.endswith("weight") else p.zero_())
            elif name.endswith("wpe.weight") or name.endswith("position_embeddings.weight"):
                p.copy_(sinusoids(p.shape[0], p.shape[1], POSITION_AMPLITUDE))
            else:
                std = 0.02 / math.sqrt(2 * layers) if ("c_proj" in name or "output" in name) else 0.02
                p.normal_(0.0, std)


def schedule(step, progress, warmup):
    """Learning-rate factor: linear warm-up over `warmup` steps, then cosine decay to 0.1 as
    `progress` (the larger of the step and time fractions done) goes to 1."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def repeated(rows, split):
    """The rows with their tokens from `split` on a repeat of those before it, cycled.

    A token in the repeat can be read off its first occurrence, which only a head that finds it
    by content (an induction or copy head) can do; on plain text such a head has nothing to find.
    """
    return torch.cat([rows[:, :split], rows[:, torch.arange(rows.shape[1] - split) % split]], dim=1)


def repeat_some(rows, split, rate, generator):
    """`repeated` for a share `rate` of the rows (drawing nothing from the generator at rate 0)."""
    if rate:
        chosen = torch.rand(len(rows), generator=generator) < rate
        rows[chosen] = repeated(rows[chosen], split)
    return rows


class GptBatches:
    """`rows` windows of context+1 tokens from the paragraphs joined by <|endoftext|>."""

    def __init__(self, stream, context, generator, repeat_rate=0.0, rows=BATCH):
        self.stream, self.context, self.generator, self.repeat_rate = stream, context, generator, repeat_rate
        self.rows = rows

    def __call__(self):
        g, size = self.generator, self.context + 1
        starts = torch.randint(0, len(self.stream) - size, (self.rows,), generator=g)
        windows = torch.stack([self.stream[s : s + size] for s in starts.tolist()])
        if self.repeat_rate:
            split = int(torch.randint(size // 4, 3 * size // 4 + 1, (1,), generator=g))
            windows = repeat_some(windows, split, self.repeat_rate, g)
        return windows[:, :-1], windows[:, 1:]


class BertBatches:
    """[CLS] A [SEP] B [SEP] with A and B consecutive runs of the stream, a length per batch."""

    def __init__(self, stream, lengths, tokenizer, generator, mask_rate, repeat_rate=0.0):
        self.stream, self.lengths, self.generator, self.mask_rate = stream, lengths, generator, mask_rate
        self.repeat_rate = repeat_rate
        self.ids = tokenizer.ids
        self.vocab = len(tokenizer.tokens)
        self.first_word = len([t for t in tokenizer.tokens if t.startswith("[")])

    def __call__(self):
        g = self.generator
        n = int(torch.randint(self.lengths[0], self.lengths[1] + 1, (1,), generator=g))
        split = int(torch.randint(n // 4, 3 * n // 4 + 1, (1,), generator=g))
        starts = torch.randint(0, len(self.stream) - n, (BATCH,), generator=g)
        body = torch.stack([self.stream[s : s + n] for s in starts.tolist()])
        body = repeat_some(body, split, self.repeat_rate, g)  # B repeats A in some rows
        cls = torch.full((BATCH, 1), self.ids["[CLS]"])
        sep = torch.full((BATCH, 1), self.ids["[SEP]"])
        ids = torch.cat([cls, body[:, :split], sep, body[:, split:], sep], dim=1)
        types = torch.cat([torch.zeros(BATCH, split + 2), torch.ones(BATCH, n - split + 1)], dim=1).long()
        special = (ids == self.ids["[CLS]"]) | (ids == self.ids["[SEP]"])
        chosen = (torch.rand(ids.shape, generator=g) < self.mask_rate) & ~special
        labels = torch.where(chosen, ids, torch.full_like(ids, -100))
        roll = torch.rand(ids.shape, generator=g)
        inputs = ids.clone()
        inputs[chosen & (roll < 0.8)] = self.ids["[MASK]"]
        swap = chosen & (roll >= 0.8) & (roll < 0.9)
        inputs[swap] = torch.randint(self.first_word, self.vocab, (int(swap.sum()),), generator=g)
        return inputs, types, labels


def path_of(args):
    return os.path.join(args.cache, f"{args.kind}.pt")


def gpt_loss(model, batch):
    inputs, targets = batch
    b, s = inputs.shape
    logits = model(inputs, torch.ones(b, s, dtype=torch.long), torch.arange(s).expand(b, s), model.empty_past(b))[0]
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def bert_loss(model, batch):
    inputs, types, labels = batch
    hidden = model.bert(inputs, torch.ones_like(inputs), types)
    chosen = labels != -100  # the vocabulary projection only where there is something to predict
    return nn.functional.cross_entropy(model.head(hidden[chosen]), labels[chosen])


def unigram_baseline(train, held, vocab):
    """Cross-entropy (nats/token) of held-out tokens under the training set's add-one unigram."""
    counts = torch.bincount(train, minlength=vocab).double() + 1
    logp = (counts / counts.sum()).log()
    return float(-logp[held].mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["gpt", "bert"])
    parser.add_argument("--steps", type=int, default=6000, help="most steps")
    parser.add_argument(
        "--minutes",
        type=float,
        help="time budget: the schedule follows whichever of steps and time runs out first, and "
        "training stops there (on a shared machine, steps per minute vary, so runs of the same "
        "budget differ in their step count; the report records it)",
    )
    parser.add_argument("--cache", default="/tmp/attnviz-corpus")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--resume", action="store_true", help="continue from the checkpoint in --cache")
    parser.add_argument(
        "--warm-start",
        metavar="CHECKPOINT",
        help="start from this checkpoint although its vocabulary differs (e.g. demo/checkpoints/gpt.pt "
        "before a larger tokenizer): see warmstart.py",
    )
    parser.add_argument("--lr", type=float, default=LR, help="peak learning rate (a resumed run may want less)")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="warm-up steps")
    parser.add_argument("--weight-decay", type=float, default=WEIGHT_DECAY, help="AdamW's, on matrices")
    parser.add_argument("--mask-rate", type=float, default=MASK_RATE, help="BERT: share of tokens to predict")
    parser.add_argument(
        "--lengths",
        type=int,
        nargs=2,
        metavar=("MIN", "MAX"),
        help="BERT: text tokens per training sequence (default 16 to context − 3; held-out batches always use that)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=BATCH,
        help="GPT: windows per step (held-out batches keep %(default)s); half as many make a step half as "
        "costly, for a run that needs many steps (the copy task) on a busy machine",
    )
    parser.add_argument(
        "--window",
        type=int,
        help="GPT: tokens per training window (default: the context; held-out windows always use it)",
    )
    parser.add_argument(
        "--repeat-rate",
        type=float,
        default=0.0,
        help="share of training rows that repeat themselves (GPT: the window's start from a random "
        "point on; BERT: segment A as segment B); held-out rows never do",
    )
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED[args.kind])
    c = CONFIGS[args.kind]
    log = open(os.path.join(args.cache, f"{args.kind}.log"), "w")

    def say(text):
        print(text, file=log, flush=True)
        print(text, flush=True)

    t0 = time.time()
    sources = corpus.load(args.cache)
    train_paragraphs = [p for train, _ in sources.values() for p in train]
    held_paragraphs = [p for _, held in sources.values() for p in held]
    prepared = os.path.join(args.cache, f"{args.kind}.{c['vocab']}.tokens.pt")
    if os.path.exists(prepared):  # the tokenizer and token streams depend only on the corpus
        saved = torch.load(prepared)
        tokenizer, train, held = tokenizer_from_checkpoint(args.kind, saved), saved["train"], saved["held"]
    else:
        tokenizer = build_tokenizer(args.kind, train_paragraphs, c["vocab"])
        train = encode_paragraphs(args.kind, tokenizer, train_paragraphs)
        held = encode_paragraphs(args.kind, tokenizer, held_paragraphs)
        merges = getattr(tokenizer, "merges", None)
        torch.save({"tokens": tokenizer.tokens, "merges": merges, "train": train, "held": held}, prepared)
    assert len(tokenizer.tokens) == c["vocab"], f"{len(tokenizer.tokens)} tokens learned for a vocabulary of {c['vocab']}"
    say(f"tokenizer: {len(tokenizer.tokens)} tokens, {time.time() - t0:.0f} s")
    say(f"corpus: {len(train)} training tokens, {len(held)} held out, {time.time() - t0:.0f} s")

    g = torch.Generator().manual_seed(SEED[args.kind])
    held_g = torch.Generator().manual_seed(1000 + SEED[args.kind])
    full = [16, c["context"] - 3]  # BERT: text tokens per sequence, [CLS] and two [SEP]s besides
    if args.kind == "gpt":
        model = gpt_model(c)
        batches = GptBatches(train, args.window or c["context"], g, args.repeat_rate, args.batch)
        loss_of = gpt_loss
        held_batches = [GptBatches(held, c["context"], held_g)() for _ in range(EVAL_BATCHES)]
    else:
        model = BertMaskedLM(c, len(tokenizer.tokens))
        batches = BertBatches(train, args.lengths or full, tokenizer, g, args.mask_rate, args.repeat_rate)
        loss_of = bert_loss
        held_batches = [BertBatches(held, full, tokenizer, held_g, args.mask_rate)() for _ in range(EVAL_BATCHES)]
    earlier = None
    if args.resume:
        # Continue from this kind's checkpoint (weights only: a fresh optimizer, warm-up and decay).
        checkpoint = torch.load(path_of(args))
        model.load_state_dict(checkpoint["state"])
        earlier = checkpoint["result"]
    elif args.warm_start:
        checkpoint = torch.load(args.warm_start)
        shared = carry_over(args.kind, model, checkpoint["state"], tokenizer_from_checkpoint(args.kind, checkpoint), tokenizer)
        earlier = {**checkpoint["result"], "vocabulary": len(checkpoint["tokens"])}
        say(f"warm start from {args.warm_start}: {shared} of {len(tokenizer.tokens)} tokens in its vocabulary of {len(checkpoint['tokens'])}")
    else:
        init_weights(model, c["layers"])
    say(f"model: {sum(p.numel() for p in model.parameters())} parameters")

    decay = [p for p in model.parameters() if p.dim() > 1]
    other = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay}, {"params": other, "weight_decay": 0.0}],
        lr=args.lr,
        betas=(0.9, 0.98),
    )

    def evaluate():
        model.eval()
        with torch.no_grad():
            value = sum(float(loss_of(model, b)) for b in held_batches) / len(held_batches)
        model.train()
        return value

    history = []
    unigram = unigram_baseline(train, held, len(tokenizer.tokens))
    path = path_of(args)

    def save(done):
        """The checkpoint so far (each evaluation overwrites it, so a cut-short run leaves one)."""
        result = {
            "kind": args.kind,
            "steps": done,
            "plannedSteps": args.steps,
            "minutes": args.minutes,
            "batch": args.batch if args.kind == "gpt" else BATCH,
            **({"window": args.window} if args.window else {}),
            "vocabulary": len(tokenizer.tokens),
            "learningRate": args.lr,
            "warmup": args.warmup,
            "weightDecay": args.weight_decay,
            **({"repeatRate": args.repeat_rate} if args.repeat_rate else {}),
            **({"maskRate": args.mask_rate, "lengths": args.lengths or full} if args.kind == "bert" else {}),
            "seconds": round(time.time() - start),
            "trainTokens": len(train),
            "heldOutTokens": len(held),
            "heldOutLoss": history[-1]["heldOutLoss"],
            "unigramLoss": unigram,
            "history": history,
            **({"continues": earlier} if earlier else {}),
        }
        merges = getattr(tokenizer, "merges", None)
        torch.save({"state": model.state_dict(), "tokens": tokenizer.tokens, "merges": merges, "result": result}, path)
        return result

    model.train()
    start, running = time.time(), []
    budget = args.minutes * 60 if args.minutes else float("inf")
    for step in range(args.steps):
        progress = max(step / args.steps, (time.time() - start) / budget)
        if progress >= 1:
            break
        for group in optimizer.param_groups:
            group["lr"] = args.lr * schedule(step, progress, args.warmup)
        loss = loss_of(model, batches())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        running.append(float(loss))
        if (step + 1) % 50 == 0:
            rate = (time.time() - start) / (step + 1)
            # Whichever of the step and time budgets runs out first ends the run.
            eta = min(rate * (args.steps - step - 1), budget - (time.time() - start)) / 60
            say(f"step {step + 1}: loss {sum(running) / len(running):.3f}, {rate:.2f} s/step, eta {eta:.0f} min")
            running = []
        if (step + 1) % EVAL_EVERY == 0:
            value = evaluate()
            history.append({"step": step + 1, "heldOutLoss": value})
            say(f"step {step + 1}: held-out loss {value:.3f}")
            save(step + 1)
        done = step + 1
    if not history or history[-1]["step"] != done:
        history.append({"step": done, "heldOutLoss": evaluate()})
    say(json.dumps(save(done)))


if __name__ == "__main__":
    main()
