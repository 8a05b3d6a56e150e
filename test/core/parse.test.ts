import { expect } from '@open-wc/testing';
import { isAttentionData, parseAttention } from '../../src/core/parse/index.js';
import type { AttentionComponent } from '../../src/core/types.js';
import { expectDataError } from './expect-error.js';

type Nested4 = number[][][][];

const TOKENS = ['a', 'b', 'c'];

/**
 * [2 layers][2 heads][3 queries][3 keys]. Every row sums to 1 and every value is exact in float16,
 * float32 and decimal. Only layer 0 head 0 is causal; the first future weight is [0][1][0][1].
 */
const ATTN: Nested4 = [
  [
    [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [0.25, 0.25, 0.5],
    ],
    [
      [0.5, 0.25, 0.25],
      [0, 1, 0],
      [0.125, 0.375, 0.5],
    ],
  ],
  [
    [
      [0.75, 0.25, 0],
      [0, 0, 1],
      [1, 0, 0],
    ],
    [
      [0.25, 0.5, 0.25],
      [0.5, 0, 0.5],
      [0, 0.5, 0.5],
    ],
  ],
];

/** ATTN in row-major order, written out. */
const FLAT = [
  1, 0, 0, 0.5, 0.5, 0, 0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0, 1, 0, 0.125, 0.375, 0.5, 0.75, 0.25, 0, 0, 0, 1,
  1, 0, 0, 0.25, 0.5, 0.25, 0.5, 0, 0.5, 0, 0.5, 0.5,
];

/** One causal head: [1][1][3][3]. */
const CAUSAL: Nested4 = [
  [
    [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [0.25, 0.25, 0.5],
    ],
  ],
];

/** Half-precision bits of the values used above. */
const HALF: Readonly<Record<number, number>> = {
  0: 0x0000,
  0.125: 0x3000,
  0.25: 0x3400,
  0.375: 0x3600,
  0.5: 0x3800,
  0.75: 0x3a00,
  1: 0x3c00,
};

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A copy of `tensor` with one value replaced. */
function withValue(
  tensor: Nested4,
  [l, h, q, k]: [number, number, number, number],
  value: unknown,
): unknown[] {
  const copy = clone(tensor) as unknown[][][][];
  copy[l]![h]![q]![k] = value;
  return copy;
}

/** `[L][H][T][D]` vectors with value `f(l, h, t, d)`. */
function vectors(
  [L, H, T, D]: [number, number, number, number],
  f: (l: number, h: number, t: number, d: number) => number,
): Nested4 {
  return Array.from({ length: L }, (_, l) =>
    Array.from({ length: H }, (_, h) =>
      Array.from({ length: T }, (_, t) => Array.from({ length: D }, (_, d) => f(l, h, t, d))),
    ),
  );
}

/** The component ATTN parses to, with some fields changed. */
function attnComponent(overrides: Partial<AttentionComponent> = {}): AttentionComponent {
  return {
    name: 'self',
    queryTokens: TOKENS,
    keyTokens: TOKENS,
    weights: Float32Array.from(FLAT),
    shape: [2, 2, 3, 3],
    layers: [0, 1],
    heads: [0, 1],
    causal: false,
    normalized: true,
    queryStart: 0,
    keyStart: 0,
    ...overrides,
  };
}

function only(data: { components: readonly AttentionComponent[] }): AttentionComponent {
  expect(data.components).to.have.length(1);
  return data.components[0]!;
}

describe('parseAttention: formats', () => {
  it('parseAttention({tokens, attention: nested arrays}) builds one self-attention component', () => {
    const data = parseAttention({ tokens: TOKENS, attention: ATTN });
    expect(data).to.deep.equal({ components: [attnComponent()], hints: {} });
    expect(only(data).weights).to.be.instanceOf(Float32Array);
  });

  it('parseAttention({tokens, attention: {dims, data: Float32Array}}) reads a transformers.js tensor', () => {
    const source = Float32Array.from(FLAT);
    const c = only(
      parseAttention({ tokens: TOKENS, attention: { dims: [2, 2, 3, 3], type: 'float32', data: source } }),
    );
    expect(c).to.deep.equal(attnComponent());
    source[0] = 0;
    expect(c.weights[0], 'the weights are a copy').to.equal(1);
  });

  it('parseAttention({tokens, attention: {shape, data: Float64Array | number[]}}) reads other tensor objects', () => {
    const f64 = only(
      parseAttention({ tokens: TOKENS, attention: { shape: [2, 2, 3, 3], data: Float64Array.from(FLAT) } }),
    );
    expect(f64).to.deep.equal(attnComponent());
    const plain = only(
      parseAttention({ tokens: TOKENS, attention: { shape: [2, 2, 3, 3], data: [...FLAT] } }),
    );
    expect(plain).to.deep.equal(attnComponent());
  });

  it('parseAttention({attention: {type: "float16", data: Uint16Array}}) decodes half precision', () => {
    const bits = Uint16Array.from(FLAT, (v) => HALF[v]!);
    const c = only(
      parseAttention({ tokens: TOKENS, attention: { dims: [2, 2, 3, 3], type: 'float16', data: bits } }),
    );
    expect(c).to.deep.equal(attnComponent());
  });

  it('parseAttention(float16 input) allows row sums off by up to 1e-2', () => {
    // 0.5 + 0.5078125 = 1.0078125: beyond float32's 1e-3, within float16's 1e-2.
    const bits = Uint16Array.of(0x3800, 0x3810, 0x3c00, 0);
    const c = only(
      parseAttention({ tokens: ['a', 'b'], attention: { dims: [1, 1, 2, 2], type: 'float16', data: bits } }),
    );
    expect(Array.from(c.weights)).to.deep.equal([0.5, 0.5078125, 1, 0]);
    const floats = Float32Array.of(0.5, 0.5078125, 1, 0);
    expectDataError(
      () => parseAttention({ tokens: ['a', 'b'], attention: { dims: [1, 1, 2, 2], data: floats } }),
      'attention[0][0][0]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 1.00781',
    );
  });

  it('parseAttention({attention: {data: Float16Array}}) reads native half precision with its tolerance', function () {
    const Float16 = (globalThis as { Float16Array?: new (values: number[]) => ArrayLike<number> })
      .Float16Array;
    if (!Float16) this.skip();
    const c = only(
      parseAttention({
        tokens: ['a', 'b'],
        attention: { dims: [1, 1, 2, 2], data: new Float16!([0.5, 0.5078125, 1, 0]) },
      }),
    );
    expect(Array.from(c.weights)).to.deep.equal([0.5, 0.5078125, 1, 0]);
  });

  it('parseAttention({attention: {data: Uint16Array}}) without type float16 reads integers, which fail the row sums', () => {
    expectDataError(
      () =>
        parseAttention({ tokens: ['a'], attention: { dims: [1, 1, 1, 1], data: Uint16Array.of(0x3c00) } }),
      'attention[0][0][0]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 15360',
    );
  });

  it('parseAttention({attention: [per-layer tensors [1, H, Q, K]]}) stacks the layers (HF output_attentions)', () => {
    const perLayer = ATTN.map((layer) => ({
      dims: [1, 2, 3, 3],
      type: 'float32',
      data: Float32Array.from(layer.flat(2)),
    }));
    expect(only(parseAttention({ tokens: TOKENS, attention: perLayer }))).to.deep.equal(attnComponent());
  });

  it('parseAttention({attention: [per-layer nested arrays [1][H][Q][K]]}) stacks the layers', () => {
    const perLayer = ATTN.map((layer) => [layer]);
    expect(only(parseAttention({ tokens: TOKENS, attention: perLayer }))).to.deep.equal(attnComponent());
  });

  it('parseAttention({attention: [per-layer tensors [H, Q, K]]}) stacks layers without a batch axis', () => {
    const perLayer = ATTN.map((layer) => ({ dims: [2, 3, 3], data: layer.flat(2) }));
    expect(only(parseAttention({ tokens: TOKENS, attention: perLayer }))).to.deep.equal(attnComponent());
  });

  it('parseAttention(bare tensor, {tokens}) reads self-attention', () => {
    expect(parseAttention(ATTN, { tokens: TOKENS })).to.deep.equal({
      components: [attnComponent()],
      hints: {},
    });
    const tensor = { dims: [2, 2, 3, 3], data: Float32Array.from(FLAT) };
    expect(only(parseAttention(tensor, { tokens: TOKENS }))).to.deep.equal(attnComponent());
  });

  it('parseAttention(bare tensor, {tokens, keyTokens}) reads cross attention', () => {
    const square = [
      [
        [
          [1, 0],
          [0.5, 0.5],
        ],
      ],
    ];
    const c = only(parseAttention(square, { tokens: ['x', 'y'], keyTokens: ['a', 'b'] }));
    expect(c).to.deep.equal({
      name: 'cross',
      queryTokens: ['x', 'y'],
      keyTokens: ['a', 'b'],
      weights: Float32Array.of(1, 0, 0.5, 0.5),
      shape: [1, 1, 2, 2],
      layers: [0],
      heads: [0],
      causal: false, // never inferred between different token lists
      normalized: true,
      queryStart: 0,
      keyStart: 0,
    });
  });

  it('parseAttention({queryTokens, keyTokens, attention}) reads cross attention with both token lists', () => {
    const attention = [
      [
        [
          [0.5, 0.25, 0.25],
          [0, 0.5, 0.5],
        ],
      ],
    ];
    const c = only(parseAttention({ queryTokens: ['x', 'y'], keyTokens: TOKENS, attention }));
    expect(c).to.deep.equal({
      name: 'cross',
      queryTokens: ['x', 'y'],
      keyTokens: TOKENS,
      weights: Float32Array.of(0.5, 0.25, 0.25, 0, 0.5, 0.5),
      shape: [1, 1, 2, 3],
      layers: [0],
      heads: [0],
      causal: false,
      normalized: true,
      queryStart: 0,
      keyStart: 0,
    });
  });

  it('parseAttention({queryTokens, keyTokens, attention: lower-triangular}) does not infer causal', () => {
    const c = only(parseAttention({ queryTokens: ['x', 'y', 'z'], keyTokens: TOKENS, attention: CAUSAL }));
    expect(c.name).to.equal('cross');
    expect(c.causal).to.equal(false);
  });

  it('parseAttention({tokens, attention, layers, heads}) keeps the model numbering', () => {
    const c = only(parseAttention({ tokens: TOKENS, attention: ATTN, layers: [3, 7], heads: [0, 5] }));
    expect(c).to.deep.equal(attnComponent({ layers: [3, 7], heads: [0, 5] }));
  });

  it('parseAttention(causal weights) infers causal', () => {
    const c = only(parseAttention({ tokens: TOKENS, attention: CAUSAL }));
    expect(c.causal).to.equal(true);
    expect(c.shape).to.deep.equal([1, 1, 3, 3]);
  });

  it('parseAttention(one token) does not infer causal', () => {
    expect(only(parseAttention({ tokens: ['a'], attention: [[[[1]]]] })).causal).to.equal(false);
  });

  it('parseAttention({causal: true | false}) overrides the inference', () => {
    expect(only(parseAttention({ tokens: TOKENS, attention: CAUSAL, causal: false })).causal).to.equal(false);
    expect(only(parseAttention({ tokens: TOKENS, attention: CAUSAL, causal: true })).causal).to.equal(true);
  });

  it('parseAttention({sentenceBStart}) records where sentence B starts', () => {
    const c = only(parseAttention({ tokens: TOKENS, attention: ATTN, sentenceBStart: 2 }));
    expect(c).to.deep.equal(attnComponent({ sentenceBStart: 2 }));
    expect(
      only(parseAttention({ tokens: TOKENS, attention: ATTN, sentenceBStart: 1 })).sentenceBStart,
    ).to.equal(1);
  });

  it('parseAttention({queries, keys, values, vectorsScaled}) keeps the per-head vectors', () => {
    const q = vectors([2, 2, 3, 2], (l, h, t, d) => 1000 * l + 100 * h + 10 * t + d);
    const k = vectors([2, 2, 3, 2], (l, h, t, d) => -(1000 * l + 100 * h + 10 * t + d));
    const v = vectors([2, 2, 3, 1], (l, h, t) => 0.5 * (l + h + t));
    const c = only(
      parseAttention({
        tokens: TOKENS,
        attention: ATTN,
        queries: q,
        keys: k,
        values: v,
        vectorsScaled: true,
      }),
    );
    expect(c).to.deep.equal(
      attnComponent({
        queries: { data: Float32Array.from(q.flat(3)), shape: [2, 2, 3, 2] },
        keys: { data: Float32Array.from(k.flat(3)), shape: [2, 2, 3, 2] },
        values: {
          data: Float32Array.of(0, 0.5, 1, 0.5, 1, 1.5, 0.5, 1, 1.5, 1, 1.5, 2),
          shape: [2, 2, 3, 1],
        },
        vectorsScaled: true,
      }),
    );
    // Flat index 13 is [1][0][0][1].
    expect(c.queries!.data[13]).to.equal(1001);
  });
});

describe('parseAttention: encoder-decoder', () => {
  const ENC_TOKENS = ['a', 'b', 'c'];
  const DEC_TOKENS = ['x', 'y'];
  const ENC: Nested4 = [
    [
      [
        [0.5, 0.5, 0],
        [0, 1, 0],
        [0.25, 0.25, 0.5],
      ],
      [
        [1, 0, 0],
        [0, 0, 1],
        [0.5, 0, 0.5],
      ],
    ],
  ];
  const DEC: Nested4 = [
    [
      [
        [1, 0],
        [0.5, 0.5],
      ],
      [
        [1, 0],
        [0.25, 0.75],
      ],
    ],
  ];
  const CROSS: Nested4 = [
    [
      [
        [0.5, 0.25, 0.25],
        [0, 0.5, 0.5],
      ],
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
    ],
  ];
  const common = { layers: [0], heads: [0, 1], normalized: true, queryStart: 0, keyStart: 0 };
  const encoder: AttentionComponent = {
    name: 'encoder',
    queryTokens: ENC_TOKENS,
    keyTokens: ENC_TOKENS,
    weights: Float32Array.from(ENC.flat(3)),
    shape: [1, 2, 3, 3],
    causal: false,
    ...common,
  };
  const decoder: AttentionComponent = {
    name: 'decoder',
    queryTokens: DEC_TOKENS,
    keyTokens: DEC_TOKENS,
    weights: Float32Array.of(1, 0, 0.5, 0.5, 1, 0, 0.25, 0.75),
    shape: [1, 2, 2, 2],
    causal: true,
    ...common,
  };
  const cross: AttentionComponent = {
    name: 'cross',
    queryTokens: DEC_TOKENS,
    keyTokens: ENC_TOKENS,
    weights: Float32Array.of(0.5, 0.25, 0.25, 0, 0.5, 0.5, 1, 0, 0, 0, 0, 1),
    shape: [1, 2, 2, 3],
    causal: false,
    ...common,
  };

  it('parseAttention({encoderTokens, decoderTokens, encoder, decoder, cross}) builds three components', () => {
    const data = parseAttention({
      encoderTokens: ENC_TOKENS,
      decoderTokens: DEC_TOKENS,
      encoder: { attention: ENC },
      decoder: { attention: DEC },
      cross: { attention: CROSS },
    });
    expect(data).to.deep.equal({ components: [encoder, decoder, cross], hints: {} });
  });

  it('parseAttention({…, cross}) alone builds the cross component', () => {
    const data = parseAttention({
      encoderTokens: ENC_TOKENS,
      decoderTokens: DEC_TOKENS,
      cross: { attention: CROSS },
    });
    expect(data).to.deep.equal({ components: [cross], hints: {} });
  });

  it('parseAttention({…, encoder: {layers, heads}}) keeps the numbering of each set', () => {
    const data = parseAttention({
      encoderTokens: ENC_TOKENS,
      decoderTokens: DEC_TOKENS,
      encoder: { attention: ENC, layers: [5], heads: [2, 4] },
    });
    expect(only(data)).to.deep.equal({ ...encoder, layers: [5], heads: [2, 4] });
  });

  it('parseAttention(bertviz {attention: [Encoder, Decoder, Cross]}) builds the three components', () => {
    const data = parseAttention({
      attention: [
        { name: 'Encoder', attn: ENC, left_text: ENC_TOKENS, right_text: ENC_TOKENS },
        { name: 'Decoder', attn: DEC, left_text: DEC_TOKENS, right_text: DEC_TOKENS },
        { name: 'Cross', attn: CROSS, left_text: DEC_TOKENS, right_text: ENC_TOKENS },
      ],
      default_filter: '0',
      root_div_id: 'bertviz-x',
      layer: 0,
      heads: [1],
      include_layers: [0],
    });
    expect(data).to.deep.equal({ components: [encoder, decoder, cross], hints: { layer: 0, heads: [1] } });
  });

  it('parseAttention(encoder-decoder) errors name the token list', () => {
    expectDataError(
      () =>
        parseAttention({ encoderTokens: ENC_TOKENS, decoderTokens: DEC_TOKENS, encoder: { attention: DEC } }),
      'encoderTokens',
      '2 tokens (the attention has 2 queries)',
      '3 tokens',
    );
    expectDataError(
      () =>
        parseAttention({ encoderTokens: ['a', 'b'], decoderTokens: DEC_TOKENS, cross: { attention: CROSS } }),
      'encoderTokens',
      '3 tokens (the attention has 3 keys)',
      '2 tokens',
    );
    expectDataError(
      () =>
        parseAttention({
          encoderTokens: ENC_TOKENS,
          decoderTokens: DEC_TOKENS,
          decoder: { attention: withValue(DEC, [0, 1, 1, 1], 0.5) },
        }),
      'decoder.attention[0][1][1]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 0.75',
    );
    expectDataError(
      () => parseAttention({ decoderTokens: DEC_TOKENS, encoder: { attention: ENC } }),
      'encoderTokens',
      'a list of token strings',
      'undefined',
    );
    expectDataError(
      () =>
        parseAttention({
          encoderTokens: ENC_TOKENS,
          decoderTokens: DEC_TOKENS,
          cross: { attention: CROSS, causal: true },
        }),
      'cross.causal',
      'false for attention between different token lists',
      'true',
    );
  });

  it('parseAttention(encoder-decoder with no set) throws', () => {
    expectDataError(
      () => parseAttention({ encoderTokens: ENC_TOKENS, decoderTokens: DEC_TOKENS, encoder: undefined }),
      'data',
      'at least one of encoder, decoder, cross',
      'none',
    );
  });

  it('parseAttention(encoder-decoder sets of different layouts) throws', () => {
    const oneHead = [DEC[0]!.slice(0, 1)];
    expectDataError(
      () =>
        parseAttention({
          encoderTokens: ENC_TOKENS,
          decoderTokens: DEC_TOKENS,
          encoder: { attention: ENC },
          decoder: { attention: oneHead },
        }),
      'decoder',
      '1 layer × 2 heads like encoder',
      '1 × 1',
    );
    expectDataError(
      () =>
        parseAttention({
          attention: [
            { name: 'Encoder', attn: ENC, left_text: ENC_TOKENS, right_text: ENC_TOKENS },
            { name: 'Decoder', attn: oneHead, left_text: DEC_TOKENS, right_text: DEC_TOKENS },
          ],
        }),
      'decoder',
      '1 layer × 2 heads like encoder',
      '1 × 1',
    );
  });

  it('parseAttention(sentenceBStart in an encoder-decoder set) throws', () => {
    expectDataError(
      () =>
        parseAttention({
          encoderTokens: ENC_TOKENS,
          decoderTokens: DEC_TOKENS,
          encoder: { attention: ENC, sentenceBStart: 1 } as { attention: Nested4 },
        }),
      'encoder.sentenceBStart',
      'no sentence pair in an encoder-decoder set',
      '1',
    );
  });
});

describe('parseAttention: bertviz head and model view', () => {
  it('parseAttention({attention: [{name: null, attn, left_text, right_text}]}) reads the head view', () => {
    const data = parseAttention({
      attention: [{ name: null, attn: ATTN, left_text: TOKENS, right_text: TOKENS }],
      default_filter: '0',
      root_div_id: 'bertviz-1',
      layer: null,
      heads: null,
      include_layers: [0, 1],
    });
    expect(data).to.deep.equal({ components: [attnComponent()], hints: {} });
  });

  it('parseAttention(model view with include_layers, include_heads) keeps the original numbers and hints', () => {
    const data = parseAttention({
      attention: [{ name: null, attn: ATTN, left_text: TOKENS, right_text: TOKENS }],
      default_filter: '0',
      display_mode: 'dark',
      include_layers: [4, 7],
      include_heads: [1, 3],
      layer: 7,
      heads: [3, 1],
    });
    expect(data).to.deep.equal({
      components: [attnComponent({ layers: [4, 7], heads: [1, 3] })],
      hints: { layer: 7, heads: [3, 1] },
    });
  });

  it('parseAttention(bertviz causal attention) infers causal', () => {
    const data = parseAttention({
      attention: [{ name: null, attn: CAUSAL, left_text: TOKENS, right_text: TOKENS }],
    });
    expect(only(data).causal).to.equal(true);
  });

  describe('sentence pair', () => {
    const PAIR_TOKENS = ['[CLS]', 'a', '[SEP]', 'b', '[SEP]'];
    const PAIR = [
      [0.5, 0.125, 0.125, 0.125, 0.125],
      [0.25, 0.25, 0.25, 0.25, 0],
      [0, 0, 0.5, 0, 0.5],
      [0.125, 0.125, 0.25, 0.25, 0.25],
      [0, 0, 0, 0, 1],
    ];
    const A = [0, 3] as const;
    const B = [3, 5] as const;
    const cut = (rows: readonly [number, number], cols: readonly [number, number]): Nested4 => [
      [PAIR.slice(...rows).map((r) => r.slice(...cols))],
    ];
    const entry = (name: string, rows: readonly [number, number], cols: readonly [number, number]) => ({
      name,
      attn: cut(rows, cols),
      left_text: PAIR_TOKENS.slice(...rows),
      right_text: PAIR_TOKENS.slice(...cols),
    });
    const params = () => ({
      attention: [
        { name: 'All', attn: [[PAIR]], left_text: PAIR_TOKENS, right_text: PAIR_TOKENS },
        entry('Sentence A -> Sentence A', A, A),
        entry('Sentence B -> Sentence B', B, B),
        entry('Sentence A -> Sentence B', A, B),
        entry('Sentence B -> Sentence A', B, A),
      ],
      default_filter: 'all',
      include_layers: [0],
    });

    it('parseAttention(bertviz "All" + "Sentence A -> Sentence A" …) reads one component with sentenceBStart', () => {
      expect(parseAttention(params())).to.deep.equal({
        components: [
          {
            name: 'self',
            queryTokens: PAIR_TOKENS,
            keyTokens: PAIR_TOKENS,
            weights: Float32Array.from(PAIR.flat()),
            shape: [1, 1, 5, 5],
            layers: [0],
            heads: [0],
            causal: false,
            normalized: true,
            queryStart: 0,
            keyStart: 0,
            sentenceBStart: 3,
          },
        ],
        hints: {},
      });
    });

    it('parseAttention(pair blocks whose sizes disagree with "All") throws', () => {
      const p = params();
      p.attention[2] = { ...p.attention[2]!, left_text: ['b'] };
      expectDataError(
        () => parseAttention(p),
        'attention.bb',
        '2 left and 2 right tokens (sentence B starts at 3)',
        '1 and 2',
      );
    });

    it('parseAttention(pair blocks without "All") throws', () => {
      const p = params();
      p.attention.shift();
      expectDataError(
        () => parseAttention(p),
        'attention',
        'an "All" entry alongside the sentence-pair blocks',
        'none',
      );
    });
  });

  it('parseAttention(bertviz include_layers / include_heads of the wrong length) throws', () => {
    const entry = { name: null, attn: ATTN, left_text: TOKENS, right_text: TOKENS };
    expectDataError(
      () => parseAttention({ attention: [entry], include_layers: [0] }),
      'include_layers',
      '2 layer numbers (one per layer in the tensor)',
      '1',
    );
    expectDataError(
      () => parseAttention({ attention: [entry], include_heads: [0, 1, 2] }),
      'include_heads',
      '2 head numbers (one per head in the tensor)',
      '3',
    );
    expectDataError(
      () => parseAttention({ attention: [entry], include_layers: '0,1' }),
      'include_layers',
      'a list of numbers',
      '"0,1"',
    );
    expectDataError(
      () => parseAttention({ attention: [entry], include_layers: [2, 2] }),
      'include_layers[1]',
      'a layer number not listed before',
      '2',
    );
  });

  it('parseAttention(bertviz layer / heads hints out of range) throws', () => {
    const base = {
      attention: [{ name: null, attn: ATTN, left_text: TOKENS, right_text: TOKENS }],
      include_layers: [4, 7],
    };
    expectDataError(
      () => parseAttention({ ...base, layer: 5 }),
      'layer',
      'one of the included layers [4, 7]',
      '5',
    );
    expectDataError(
      () => parseAttention({ ...base, layer: 0 }),
      'layer',
      'one of the included layers [4, 7]',
      '0',
    );
    expectDataError(
      () => parseAttention({ ...base, heads: [1, 2] }),
      'heads[1]',
      'one of the heads [0, 1]',
      '2',
    );
    expectDataError(() => parseAttention({ ...base, heads: 1 }), 'heads', 'a list of head numbers', '1');
  });

  it('parseAttention(bertviz self-attention with different left and right text) throws', () => {
    expectDataError(
      () =>
        parseAttention({
          attention: [{ name: null, attn: ATTN, left_text: TOKENS, right_text: ['a', 'x', 'c'] }],
        }),
      'attention[0].right_text[1]',
      'the same token as attention[0].left_text[1] for self-attention ("b")',
      '"x"',
    );
  });

  it('parseAttention(bertviz text of the wrong length) names left_text or right_text', () => {
    expectDataError(
      () =>
        parseAttention({
          attention: [{ name: null, attn: ATTN, left_text: ['a', 'b'], right_text: TOKENS }],
        }),
      'attention[0].left_text',
      '3 tokens (the attention has 3 queries)',
      '2 tokens',
    );
    expectDataError(
      () =>
        parseAttention({
          attention: [{ name: null, attn: ATTN, left_text: TOKENS, right_text: ['a', 'b'] }],
        }),
      'attention[0].right_text',
      '3 tokens (the attention has 3 keys)',
      '2 tokens',
    );
  });

  it('parseAttention(bertviz bad attn) names the attn field', () => {
    expectDataError(
      () =>
        parseAttention({
          attention: [
            { name: null, attn: withValue(ATTN, [1, 1, 2, 0], -0.5), left_text: TOKENS, right_text: TOKENS },
          ],
        }),
      'attention[0].attn[1][1][2][0]',
      'a weight ≥ 0',
      '-0.5',
    );
  });

  it('parseAttention(bertviz entries with bad names or kinds) throws', () => {
    const entry = { name: null, attn: ATTN, left_text: TOKENS, right_text: TOKENS };
    expectDataError(
      () => parseAttention({ attention: [entry, { ...entry, name: 'All' }] }),
      'attention[1].name',
      'a single unnamed or "All" entry',
      'a second one',
    );
    expectDataError(
      () => parseAttention({ attention: [entry, { ...entry, name: 'Foo' }] }),
      'attention[1].name',
      'null, "All", "Sentence A -> Sentence A" (and the other pair blocks), "Encoder", "Decoder" or "Cross"',
      '"Foo"',
    );
    expectDataError(
      () => parseAttention({ attention: [entry, 5] }),
      'attention[1]',
      'an object with name, attn, left_text and right_text',
      '5',
    );
    expectDataError(
      () => parseAttention({ attention: [entry, { ...entry, name: 'Encoder' }] }),
      'attention',
      'either self-attention or encoder-decoder entries',
      'both',
    );
  });
});

describe('parseAttention: bertviz neuron view', () => {
  const Q = vectors([2, 2, 3, 2], (l, h, t, d) => 1000 * l + 100 * h + 10 * t + d);
  const K = vectors([2, 2, 3, 2], (l, h, t, d) => -(1000 * l + 100 * h + 10 * t + d) / 4);

  it('parseAttention({attention: {all: {attn, queries, keys, …}}, bidirectional: true}) reads the vectors', () => {
    const data = parseAttention({
      attention: { all: { attn: ATTN, left_text: TOKENS, right_text: TOKENS, queries: Q, keys: K } },
      bidirectional: true,
      default_filter: 'all',
      layer: 1,
      head: 0,
    });
    expect(data).to.deep.equal({
      components: [
        attnComponent({
          queries: { data: Float32Array.from(Q.flat(3)), shape: [2, 2, 3, 2] },
          keys: { data: Float32Array.from(K.flat(3)), shape: [2, 2, 3, 2] },
        }),
      ],
      hints: { layer: 1, heads: [0] },
    });
  });

  it('parseAttention(neuron view, bidirectional: true) is not causal even for causal weights', () => {
    const q = vectors([1, 1, 3, 2], () => 1);
    const data = parseAttention({
      attention: { all: { attn: CAUSAL, left_text: TOKENS, right_text: TOKENS, queries: q, keys: q } },
      bidirectional: true,
    });
    expect(only(data).causal).to.equal(false);
  });

  it('parseAttention(neuron view, bidirectional: false) is causal and checks it', () => {
    const q = vectors([1, 1, 3, 2], () => 1);
    const data = parseAttention({
      attention: { all: { attn: CAUSAL, left_text: TOKENS, right_text: TOKENS, queries: q, keys: q } },
      bidirectional: false,
    });
    expect(only(data).causal).to.equal(true);
    expectDataError(
      () =>
        parseAttention({
          attention: { all: { attn: ATTN, left_text: TOKENS, right_text: TOKENS, queries: Q, keys: K } },
          bidirectional: false,
        }),
      'attention.all.attn[0][1][0][1]',
      'weight 0 to a later key, since causal is true',
      '0.25',
    );
  });

  it('parseAttention(neuron view with aa, bb, ab, ba) reads sentenceBStart', () => {
    const block = (left: string[], right: string[]) => ({ attn: [], left_text: left, right_text: right });
    const all = { attn: ATTN, left_text: TOKENS, right_text: TOKENS, queries: Q, keys: K };
    const blocks = {
      all,
      aa: block(['a'], ['a']),
      bb: block(['b', 'c'], ['b', 'c']),
      ab: block(['a'], ['b', 'c']),
      ba: block(['b', 'c'], ['a']),
    };
    expect(only(parseAttention({ attention: blocks, bidirectional: true })).sentenceBStart).to.equal(1);
    expectDataError(
      () =>
        parseAttention({ attention: { ...blocks, ba: block(['b', 'c'], ['a', 'b']) }, bidirectional: true }),
      'attention.ba',
      '2 left and 1 right tokens (sentence B starts at 1)',
      '2 and 2',
    );
  });

  it('parseAttention(neuron view hints out of range) throws', () => {
    const attention = { all: { attn: ATTN, left_text: TOKENS, right_text: TOKENS, queries: Q, keys: K } };
    expectDataError(() => parseAttention({ attention, head: 2 }), 'head', 'one of the heads [0, 1]', '2');
    expectDataError(
      () => parseAttention({ attention, layer: 2 }),
      'layer',
      'one of the included layers [0, 1]',
      '2',
    );
  });

  it('parseAttention(neuron view with bad parts) names them', () => {
    expectDataError(
      () => parseAttention({ attention: { all: 5 } }),
      'attention.all',
      'an object with attn, left_text and right_text',
      '5',
    );
    const badQueries = vectors([2, 2, 2, 2], () => 1);
    expectDataError(
      () =>
        parseAttention({
          attention: {
            all: { attn: ATTN, left_text: TOKENS, right_text: TOKENS, queries: badQueries, keys: K },
          },
        }),
      'attention.all.queries',
      '[2, 2, 3, dim] to match the attention (queries = 3)',
      '[2, 2, 2, 2]',
    );
  });
});

describe('parseAttention: errors', () => {
  it('parseAttention(null | undefined | a number) throws', () => {
    expectDataError(() => parseAttention(null), 'data', 'attention data (an object or a tensor)', 'null');
    expectDataError(
      () => parseAttention(undefined),
      'data',
      'attention data (an object or a tensor)',
      'undefined',
    );
    expectDataError(() => parseAttention(42), 'data', 'attention data (an object or a tensor)', '42');
  });

  it('parseAttention(an object of unknown shape) lists its keys', () => {
    const expected =
      'an object with an `attention` field, bertviz parameters, or `encoder`/`decoder`/`cross` sets';
    expectDataError(() => parseAttention({}), 'data', expected, 'an object with keys (none)');
    expectDataError(
      () => parseAttention({ tokens: TOKENS, weights: [] }),
      'data',
      expected,
      'an object with keys "tokens", "weights"',
    );
  });

  it('parseAttention(bare tensor) without tokens throws', () => {
    expectDataError(
      () => parseAttention(ATTN),
      'tokens',
      'a token list (pass {tokens} in the options, or give {tokens, attention})',
      'undefined',
    );
  });

  it('parseAttention(bare typed array) asks for a shape', () => {
    expectDataError(
      () => parseAttention(Float32Array.from(FLAT), { tokens: TOKENS }),
      'attention',
      'a tensor with a shape ({dims, data} or nested arrays)',
      'a Float32Array of length 36 without a shape',
    );
  });

  it('parseAttention(empty or missing attention) throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: [] }),
      'attention',
      'a non-empty tensor',
      'an empty array',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: [[[]]] }),
      'attention',
      'a non-empty tensor',
      'shape [1, 1, 0]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: { dims: [1, 0, 3, 3], data: [] } }),
      'attention',
      'at least 1 of heads',
      'shape [1, 0, 3, 3]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: null }),
      'attention',
      'a tensor (nested arrays or {dims, data})',
      'null',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: undefined }),
      'attention',
      'an attention tensor',
      'undefined',
    );
  });

  it('parseAttention(tensor of the wrong rank) throws', () => {
    const expected =
      '4 dimensions [layers, heads, queries, keys] (or a per-layer list of [1, heads, queries, keys])';
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN[0] }),
      'attention',
      expected,
      '3 dimensions [2, 3, 3]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: { dims: [9], data: FLAT.slice(0, 9) } }),
      'attention',
      expected,
      '1 dimension [9]',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: [[ATTN]] }),
      'attention',
      expected,
      '6 dimensions [1, 1, 2, 2, 3, 3]',
    );
  });

  it('parseAttention(per-layer list with batch > 1) throws', () => {
    const expected = 'batch size 1 in each per-layer tensor [batch, heads, queries, keys]';
    const nested = ATTN.map((layer) => [layer, layer]);
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: nested }),
      'attention[0]',
      expected,
      'batch size 2',
    );
    const tensors = ATTN.map((layer) => ({ dims: [2, 1, 3, 3], data: layer.flat(2) }));
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: tensors }),
      'attention[0]',
      expected,
      'batch size 2',
    );
  });

  it('parseAttention(ragged arrays) names the ragged level', () => {
    const fewerHeads = clone(ATTN);
    fewerHeads[1]!.pop();
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: fewerHeads }),
      'attention[1]',
      '2 entries (ragged array)',
      '1',
    );
    const fewerRows = clone(ATTN);
    fewerRows[0]![1]!.pop();
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: fewerRows }),
      'attention[0][1]',
      '3 entries (ragged array)',
      '2',
    );
    const shortRow = clone(ATTN);
    shortRow[1]![0]![2] = [1, 0];
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: shortRow }),
      'attention[1][0][2]',
      '3 values (ragged array)',
      '2',
    );
    const numberRow = withValue(ATTN, [0, 0, 0, 0], 0) as unknown[][][];
    numberRow[0]![0]![1] = 0.5;
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: numberRow }),
      'attention[0][0][1]',
      'an array of 3 numbers',
      '0.5',
    );
  });

  it('parseAttention(NaN | Infinity | negative weights) names the value', () => {
    const at = (value: unknown) => ({ tokens: TOKENS, attention: withValue(ATTN, [1, 0, 2, 1], value) });
    expectDataError(() => parseAttention(at(NaN)), 'attention[1][0][2][1]', 'a finite number', 'NaN');
    expectDataError(
      () => parseAttention(at(Infinity)),
      'attention[1][0][2][1]',
      'a finite number',
      'Infinity',
    );
    expectDataError(() => parseAttention(at(-0.5)), 'attention[1][0][2][1]', 'a weight ≥ 0', '-0.5');
    expectDataError(() => parseAttention(at('0')), 'attention[1][0][2][1]', 'a finite number', '"0"');
    const typed = (value: number) => {
      const data = Float64Array.from(FLAT);
      data[22] = value; // [1][0][1][1]
      return { tokens: TOKENS, attention: { dims: [2, 2, 3, 3], data } };
    };
    expectDataError(() => parseAttention(typed(NaN)), 'attention[1][0][1][1]', 'a finite number', 'NaN');
    expectDataError(
      () => parseAttention(typed(-Infinity)),
      'attention[1][0][1][1]',
      'a finite number',
      '-Infinity',
    );
    expectDataError(() => parseAttention(typed(-0.5)), 'attention[1][0][1][1]', 'a weight ≥ 0', '-0.5');
  });

  it('parseAttention(rows not summing to 1) throws, unless allowUnnormalized', () => {
    const input = { tokens: TOKENS, attention: withValue(ATTN, [1, 0, 1, 2], 0.75) };
    expectDataError(
      () => parseAttention(input),
      'attention[1][0][1]',
      'a row of weights summing to 1 (±0.001); pass allowUnnormalized for scores or rollout',
      'a sum of 0.75',
    );
    const c = only(parseAttention(input, { allowUnnormalized: true }));
    expect(c.normalized).to.equal(false);
    expect(c.weights[23]).to.equal(0.75);
  });

  it('parseAttention(rows off by less than the tolerance) accepts them, with a custom tolerance too', () => {
    const within = withValue(ATTN, [0, 0, 0, 0], 1 + 2 ** -10);
    expect(only(parseAttention({ tokens: TOKENS, attention: within })).normalized).to.equal(true);
    const off = { tokens: TOKENS, attention: withValue(ATTN, [1, 0, 1, 2], 0.75) };
    expect(only(parseAttention(off, { tolerance: 0.25 })).normalized).to.equal(true);
    expectDataError(
      () => parseAttention(off, { tolerance: 0.2 }),
      'attention[1][0][1]',
      'a row of weights summing to 1 (±0.2); pass allowUnnormalized for scores or rollout',
      'a sum of 0.75',
    );
    expectDataError(() => parseAttention(off, { tolerance: -1 }), 'tolerance', 'a finite number ≥ 0', '-1');
    expectDataError(() => parseAttention(off, { tolerance: NaN }), 'tolerance', 'a finite number ≥ 0', 'NaN');
  });

  it('parseAttention(token count ≠ tensor size) names the token list', () => {
    expectDataError(
      () => parseAttention({ tokens: ['a', 'b'], attention: ATTN }),
      'tokens',
      '3 tokens (the attention has 3 queries)',
      '2 tokens',
    );
    const wide = [[[[0.5, 0.25, 0.25]]]];
    expectDataError(
      () => parseAttention({ tokens: ['a'], attention: wide }),
      'tokens',
      '3 tokens (the attention has 3 keys)',
      '1 token',
    );
    expectDataError(
      () => parseAttention({ queryTokens: ['x', 'y'], keyTokens: TOKENS, attention: ATTN }),
      'queryTokens',
      '3 tokens (the attention has 3 queries)',
      '2 tokens',
    );
    expectDataError(
      () => parseAttention({ queryTokens: TOKENS, keyTokens: ['a'], attention: ATTN }),
      'keyTokens',
      '3 tokens (the attention has 3 keys)',
      '1 token',
    );
    expectDataError(
      () => parseAttention(ATTN, { tokens: TOKENS, keyTokens: ['a', 'b'] }),
      'keyTokens',
      '3 tokens (the attention has 3 keys)',
      '2 tokens',
    );
  });

  it('parseAttention(missing, empty or non-string tokens) throws', () => {
    expectDataError(
      () => parseAttention({ attention: ATTN }),
      'tokens',
      'a list of token strings',
      'undefined',
    );
    expectDataError(
      () => parseAttention({ tokens: 'a b c', attention: ATTN }),
      'tokens',
      'a list of token strings',
      '"a b c"',
    );
    expectDataError(
      () => parseAttention({ tokens: [], attention: ATTN }),
      'tokens',
      'at least 1 token',
      '0 tokens',
    );
    expectDataError(
      () => parseAttention({ tokens: ['a', 5, 'c'], attention: ATTN }),
      'tokens[1]',
      'a string',
      '5',
    );
    expectDataError(
      () => parseAttention({ tokens: ['a', 'b', null], attention: ATTN }),
      'tokens[2]',
      'a string',
      'null',
    );
  });

  it('parseAttention({layers | heads} that do not fit) throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, layers: [3] }),
      'layers',
      '2 layer numbers (one per layer in the tensor)',
      '1',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, layers: 3 }),
      'layers',
      'a list of 2 layer numbers',
      '3',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, layers: [0, -1] }),
      'layers[1]',
      'a layer number ≥ 0',
      '-1',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, heads: [0, 0.5] }),
      'heads[1]',
      'a head number ≥ 0',
      '0.5',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, heads: [4, 4] }),
      'heads[1]',
      'a head number not listed before',
      '4',
    );
  });

  it('parseAttention({causal: true}) with a weight to a later key throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, causal: true }),
      'attention[0][1][0][1]',
      'weight 0 to a later key, since causal is true',
      '0.25',
    );
    const wide = [[[[0.5, 0.25, 0.25]]]];
    expectDataError(
      () => parseAttention({ queryTokens: ['x'], keyTokens: TOKENS, attention: wide, causal: true }),
      'causal',
      'false for attention between different token lists',
      'true',
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, causal: 'yes' }),
      'causal',
      'true or false',
      '"yes"',
    );
  });

  it('parseAttention({sentenceBStart} outside the tokens) throws', () => {
    const expected = 'an integer from 1 to 2 (both sentences need a token)';
    for (const [s, got] of [
      [0, '0'],
      [3, '3'],
      [1.5, '1.5'],
      ['1', '"1"'],
    ] as const) {
      expectDataError(
        () => parseAttention({ tokens: TOKENS, attention: ATTN, sentenceBStart: s }),
        'sentenceBStart',
        expected,
        got,
      );
    }
    expectDataError(
      () => parseAttention({ tokens: ['a'], attention: [[[[1]]]], sentenceBStart: 1 }),
      'sentenceBStart',
      'an integer from 1 to 0 (both sentences need a token)',
      '1',
    );
  });

  it('parseAttention({queries | keys | values} of the wrong shape) throws', () => {
    const q = (shape: [number, number, number, number]) => vectors(shape, () => 1);
    const set = (extra: object) => ({ tokens: TOKENS, attention: ATTN, ...extra });
    expectDataError(
      () => parseAttention(set({ queries: q([2, 1, 3, 2]) })),
      'queries',
      '[2, 2, 3, dim] to match the attention (heads = 2)',
      '[2, 1, 3, 2]',
    );
    expectDataError(
      () => parseAttention(set({ queries: q([1, 2, 3, 2]) })),
      'queries',
      '[2, 2, 3, dim] to match the attention (layers = 2)',
      '[1, 2, 3, 2]',
    );
    expectDataError(
      () => parseAttention(set({ keys: q([2, 2, 2, 2]) })),
      'keys',
      '[2, 2, 3, dim] to match the attention (keys = 3)',
      '[2, 2, 2, 2]',
    );
    expectDataError(
      () => parseAttention(set({ values: q([2, 2, 4, 2]) })),
      'values',
      '[2, 2, 3, dim] to match the attention (keys = 3)',
      '[2, 2, 4, 2]',
    );
    expectDataError(
      () => parseAttention(set({ queries: ATTN[0] })),
      'queries',
      '4 dimensions [layers, heads, tokens, dim]',
      '3 [2, 3, 3]',
    );
    expectDataError(
      () => parseAttention(set({ queries: { dims: [2, 2, 3, 0], data: [] } })),
      'queries',
      'vectors of dimension ≥ 1',
      'dimension 0',
    );
    expectDataError(
      () => parseAttention(set({ queries: q([2, 2, 3, 2]), keys: q([2, 2, 3, 3]) })),
      'keys',
      'vectors of dimension 2 like the queries',
      'dimension 3',
    );
  });

  it('parseAttention(per-layer vector lists) squeezes the batch axis, and rejects batch > 1', () => {
    const layer = { dims: [1, 2, 3, 1], data: [1, 2, 3, 4, 5, 6] };
    const c = only(parseAttention({ tokens: TOKENS, attention: ATTN, values: [layer, layer] }));
    expect(c.values).to.deep.equal({
      data: Float32Array.of(1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6),
      shape: [2, 2, 3, 1],
    });
    const batch2 = { dims: [2, 2, 3, 1], data: new Array(12).fill(0) };
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, values: [batch2, batch2] }),
      'values[0]',
      'batch size 1 in each per-layer tensor',
      'batch size 2',
    );
  });

  it('parseAttention(non-finite vectors) names the value', () => {
    const nested = vectors([2, 2, 3, 2], (l, h, t, d) =>
      l === 1 && h === 0 && t === 2 && d === 1 ? Infinity : 0,
    );
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, keys: nested }),
      'keys[1][0][2][1]',
      'a finite number',
      'Infinity',
    );
    const data = new Float32Array(24);
    data[3] = NaN; // [0][0][1][1]
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, queries: { dims: [2, 2, 3, 2], data } }),
      'queries[0][0][1][1]',
      'a finite number',
      'NaN',
    );
  });

  it('parseAttention({vectorsScaled: not a boolean}) throws', () => {
    expectDataError(
      () => parseAttention({ tokens: TOKENS, attention: ATTN, vectorsScaled: 1 }),
      'vectorsScaled',
      'true or false',
      '1',
    );
  });
});

describe('parseAttention: parsed data', () => {
  it('parseAttention(parsed data) returns the same object', () => {
    const data = parseAttention({ tokens: TOKENS, attention: ATTN });
    expect(parseAttention(data)).to.equal(data);
    expect(parseAttention(data, { tokens: ['ignored'] })).to.equal(data);
  });

  it('isAttentionData(value) is true only for what parseAttention returned', () => {
    const data = parseAttention({ tokens: TOKENS, attention: ATTN });
    expect(isAttentionData(data)).to.equal(true);
    expect(isAttentionData({ ...data })).to.equal(false);
    expect(isAttentionData(null)).to.equal(false);
  });

  it('parseAttention(a copy of parsed data) is not trusted', () => {
    const data = parseAttention({ tokens: TOKENS, attention: ATTN });
    expectDataError(
      () => parseAttention({ ...data }),
      'data',
      'an object with an `attention` field, bertviz parameters, or `encoder`/`decoder`/`cross` sets',
      'an object with keys "components", "hints"',
    );
  });

  it('parseAttention(input) freezes the token and numbering lists', () => {
    const tokens = [...TOKENS];
    const c = only(parseAttention({ tokens, attention: ATTN }));
    tokens[0] = 'changed';
    expect(c.queryTokens).to.deep.equal(TOKENS);
    expect(Object.isFrozen(c.queryTokens)).to.equal(true);
    expect(Object.isFrozen(c.keyTokens)).to.equal(true);
    expect(Object.isFrozen(c.layers)).to.equal(true);
    expect(Object.isFrozen(c.heads)).to.equal(true);
  });
});
