/**
 * Small hand-made attention tensors whose every weight is exact in float32, so that tests can
 * assert the pixels and numbers they produce.
 */

export const TOKENS = ['[CLS]', 'the', 'cat', '[SEP]'];

/** Two layers × three heads over four tokens. Layer 0: first-token sink, previous token, uniform. */
export const SELF_ATTENTION = [
  [
    [
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
    ],
    [
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ],
    [
      [0.25, 0.25, 0.25, 0.25],
      [0.25, 0.25, 0.25, 0.25],
      [0.25, 0.25, 0.25, 0.25],
      [0.25, 0.25, 0.25, 0.25],
    ],
  ],
  [
    [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ],
    [
      [0.5, 0.5, 0, 0],
      [0.5, 0.5, 0, 0],
      [0.5, 0.5, 0, 0],
      [0.5, 0.5, 0, 0],
    ],
    [
      [0, 0, 0, 1],
      [0, 0, 0, 1],
      [0, 0, 0, 1],
      [0, 0, 0, 1],
    ],
  ],
];

export const SELF = { tokens: TOKENS, attention: SELF_ATTENTION };

/** One layer, one head, causal (inferred from the zeros above the diagonal). */
export const CAUSAL = {
  tokens: ['The', 'Ġcat', 'Ġsat'],
  attention: [
    [
      [
        [1, 0, 0],
        [0.5, 0.5, 0],
        [0.25, 0.25, 0.5],
      ],
    ],
  ],
};

const PAIR_TOKENS = ['[CLS]', 'a', 'b', '[SEP]', 'c', 'd', '[SEP]'];
const uniformRow = (n: number) => Array.from({ length: n }, () => 1 / n);

/** Sentence pair: A = [CLS] a b [SEP], B = c d [SEP]. One layer, two heads. */
export const PAIR = {
  tokens: PAIR_TOKENS,
  sentenceBStart: 4,
  attention: [
    [
      PAIR_TOKENS.map(() => uniformRow(7)),
      PAIR_TOKENS.map((_, q) => PAIR_TOKENS.map((_, k) => (k === q ? 1 : 0))),
    ],
  ],
};

const ENCODER = ['▁Hello', '▁world', '</s>'];
const DECODER = ['<pad>', '▁Hallo', '▁Welt', '</s>'];

/** Encoder-decoder: encoder 3 tokens, decoder 4 tokens, one layer, two heads. */
export const ENC_DEC = {
  encoderTokens: ENCODER,
  decoderTokens: DECODER,
  encoder: {
    attention: [
      [ENCODER.map(() => [0.5, 0.25, 0.25]), ENCODER.map((_, q) => ENCODER.map((_, k) => (k === q ? 1 : 0)))],
    ],
  },
  decoder: {
    attention: [
      [
        DECODER.map(() => DECODER.map((_, k) => (k === 0 ? 1 : 0))),
        DECODER.map((_, q) => DECODER.map((_, k) => (k === q ? 1 : 0))),
      ],
    ],
  },
  cross: {
    attention: [
      [
        DECODER.map(() => [0.5, 0.5, 0]),
        DECODER.map((_, q) => [0, 0, 1].map((v, k) => (q === 0 ? (k === 0 ? 1 : 0) : v))),
      ],
    ],
  },
};

/** Two heads over three tokens whose weights are exactly softmax(q·k / √2) of their vectors. */
function softmaxVectors() {
  const q = [
    [1, 0],
    [0, 1],
    [1, 1],
  ];
  const k = [
    [2, 0],
    [0, 1],
    [1, -1],
  ];
  const rows = (scale: number) =>
    q.map((qi) => {
      const e = k.map((kj) => Math.exp((scale * (qi[0]! * kj[0]! + qi[1]! * kj[1]!)) / Math.SQRT2));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / sum);
    });
  const k2 = k.map((v) => v.map((x) => 2 * x));
  return {
    tokens: ['[CLS]', 'a', 'b'],
    attention: [[rows(1), rows(2)]],
    queries: [[q, q]],
    keys: [[k, k2]],
  };
}

/** Two heads over `[CLS] a b`, each exactly softmax(q·k / √2) of its query and key vectors. */
export const WITH_VECTORS = softmaxVectors();
