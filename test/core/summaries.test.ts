import { expect } from '@open-wc/testing';
import { sentencePairBlock } from '../../src/core/filters.js';
import { parseAttention } from '../../src/core/parse/index.js';
import {
  delimiterMask,
  headSummaries,
  headSummary,
  isDelimiter,
  SUMMARY_NAMES,
  type HeadSummary,
} from '../../src/core/summaries.js';
import type { AttentionComponent } from '../../src/core/types.js';
import { expectDataError } from './expect-error.js';

/** Asserts every summary within 1e-12 of its expected value, NaN where NaN is expected. */
function expectSummary(actual: HeadSummary, expected: HeadSummary): void {
  expect(Object.keys(actual)).to.deep.equal(SUMMARY_NAMES);
  for (const name of SUMMARY_NAMES) {
    if (Number.isNaN(expected[name])) expect(actual[name], name).to.deep.equal(NaN);
    else expect(actual[name], name).to.be.closeTo(expected[name], 1e-12);
  }
}

/** Naive entropy of one row in bits: shares first, then one log per share. */
function naiveEntropy(row: readonly number[]): number {
  const w = row.map(Math.fround);
  const s = w.reduce((a, b) => a + b, 0);
  return -w.reduce((h, x) => (x === 0 ? h : h + (x / s) * Math.log2(x / s)), 0);
}

/**
 * 1 layer × 2 heads over `[CLS] the cat .`, so keys 0 and 3 are delimiters.
 * Head 0 is causal with power-of-two weights; head 1 is uniform.
 */
function selfComponent(): AttentionComponent {
  const uniform = [0.25, 0.25, 0.25, 0.25];
  return parseAttention({
    tokens: ['[CLS]', 'the', 'cat', '.'],
    attention: [
      [
        [
          [1, 0, 0, 0],
          [0.5, 0.5, 0, 0],
          [0.25, 0.25, 0.5, 0],
          [0.125, 0.125, 0.25, 0.5],
        ],
        [uniform, uniform, uniform, uniform],
      ],
    ],
  }).components[0]!;
}

/**
 * A causal sentence pair `[CLS] a [SEP] | b [SEP]` (B starts at position 3), one head:
 *   0: 1     0     0    0    0
 *   1: 0.5   0.5   0    0    0
 *   2: 0.5   0.25  0.25 0    0
 *   3: 0.25  0.25  0.25 0.25 0
 *   4: 0.125 0.125 0.25 0.25 0.25
 */
function causalPair(): AttentionComponent {
  return parseAttention({
    tokens: ['[CLS]', 'a', '[SEP]', 'b', '[SEP]'],
    sentenceBStart: 3,
    attention: [
      [
        [
          [1, 0, 0, 0, 0],
          [0.5, 0.5, 0, 0, 0],
          [0.5, 0.25, 0.25, 0, 0],
          [0.25, 0.25, 0.25, 0.25, 0],
          [0.125, 0.125, 0.25, 0.25, 0.25],
        ],
      ],
    ],
  }).components[0]!;
}

describe('isDelimiter', () => {
  it('isDelimiter(special token) is true', () => {
    for (const t of ['[CLS]', '[SEP]', '[PAD]', '<s>', '</s>', '<pad>', '<|endoftext|>', '<|im_start|>']) {
      expect(isDelimiter(t), t).to.equal(true);
    }
  });

  it('isDelimiter(punctuation, with or without word markers) is true', () => {
    for (const t of [
      '.',
      ',',
      '!',
      '?',
      ':',
      ';',
      '--',
      '...',
      '…',
      '—',
      '"',
      "'",
      '«',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      '/',
      '&',
      'Ġ.',
      'Ġ,',
      'Ġ"',
      'Ġ(',
      '▁,',
      '▁;',
      '▁.',
      '##.',
      '.</w>',
      ',</w>',
      '."',
    ]) {
      expect(isDelimiter(t), t).to.equal(true);
    }
  });

  it('isDelimiter(line break) is true: byte-level Ċ, byte fallback <0x0A>, raw \\n', () => {
    for (const t of ['Ċ', 'ĊĊ', '.Ċ', 'ĠĊ', '<0x0A>', '\n']) expect(isDelimiter(t), t).to.equal(true);
  });

  it('isDelimiter(byte-level token of a non-ASCII punctuation mark) is true', () => {
    // GPT-2 spells the UTF-8 bytes of ’ (E2 80 99) as âĢĻ, and “ as âĢľ; « (C2 AB) as Â«.
    for (const t of ['âĢĻ', 'ĠâĢľ', 'âĢĿ', 'Â«', 'ĠâĢĶ']) expect(isDelimiter(t), t).to.equal(true);
  });

  it('isDelimiter(word, number, symbol or space) is false', () => {
    for (const t of [
      'the',
      'Ġthe',
      '▁the',
      '##s',
      'the</w>',
      '3',
      'Ġ3',
      '2.5',
      'a.',
      'e.g.',
      "'s",
      'Ġ',
      'ĠĠ',
      '▁',
      ' ',
      '\t',
      '',
      '$',
      '+',
      '=',
      '|',
      '~',
      '😀',
      'ł',
      'é',
      '<0x41>',
    ]) {
      expect(isDelimiter(t), JSON.stringify(t)).to.equal(false);
    }
  });

  it('delimiterMask(tokens) is 1 where isDelimiter', () => {
    expect(delimiterMask(['[CLS]', 'Ġthe', 'Ġcat', '.', '##s', '[SEP]'])).to.deep.equal(
      Uint8Array.of(1, 0, 0, 1, 0, 1),
    );
    expect(delimiterMask([])).to.deep.equal(new Uint8Array(0));
  });
});

describe('headSummary', () => {
  it('headSummary(c, l, h) of power-of-two weights gives exact values', () => {
    // Rows of head 0 over [CLS] the cat . (delimiters: keys 0 and 3):
    //   q0 [1, 0, 0, 0]              entropy 0,   first 1,     prev —,    self 1,   delims 1
    //   q1 [.5, .5, 0, 0]            entropy 1,   first .5,    prev .5,   self .5,  delims .5
    //   q2 [.25, .25, .5, 0]         entropy 1.5, first .25,   prev .25,  self .5,  delims .25
    //   q3 [.125, .125, .25, .5]     entropy 1.75, first .125, prev .25,  self .5,  delims .625
    expect(headSummary(selfComponent(), 0, 0)).to.deep.equal({
      entropy: (0 + 1 + 1.5 + 1.75) / 4,
      first: (1 + 0.5 + 0.25 + 0.125) / 4,
      previous: (0.5 + 0.25 + 0.25) / 3,
      self: (1 + 0.5 + 0.5 + 0.5) / 4,
      delimiters: (1 + 0.5 + 0.25 + 0.625) / 4,
    });
  });

  it('headSummary(c, l, h) of uniform rows over K keys has entropy log2(K) exactly', () => {
    // Four keys of 0.25: 2 bits; every share is 0.25; the two delimiters hold half.
    expect(headSummary(selfComponent(), 0, 1)).to.deep.equal({
      entropy: 2,
      first: 0.25,
      previous: 0.25,
      self: 0.25,
      delimiters: 0.5,
    });
    const eight = Array(8).fill(0.125);
    const c = parseAttention({ queryTokens: ['q'], keyTokens: [...'abcdefgh'], attention: [[[eight]]] })
      .components[0]!;
    expect(headSummary(c, 0, 0).entropy).to.equal(3);
  });

  it('headSummary(c, l, h) entropy of uniform rows with inexact weights is log2(K)', () => {
    // fround(1/3) and fround(1/5) are not exact, but shares of equal weights are.
    const third = Array(3).fill(1 / 3);
    const fifth = Array(5).fill(1 / 5);
    const c3 = parseAttention({ queryTokens: ['q'], keyTokens: ['a', 'b', 'c'], attention: [[[third]]] });
    const c5 = parseAttention({ queryTokens: ['q'], keyTokens: [...'abcde'], attention: [[[fifth]]] });
    expect(headSummary(c3.components[0]!, 0, 0).entropy).to.be.closeTo(Math.log2(3), 1e-12);
    expect(headSummary(c5.components[0]!, 0, 0).entropy).to.be.closeTo(Math.log2(5), 1e-12);
  });

  it('headSummary(c, l, h) entropy matches one log per share for arbitrary weights', () => {
    // Weights with long mantissas, a subnormal, and one too small to matter: the bit-level log2
    // must agree with Math.log2 on the shares.
    const rows = [
      [0.1, 0.2, 0.3, 0.4, 0],
      [0.7, 0.05, 0.05, 0.1999, 1e-40],
      [0.999, 0.000123, 0.000877, 0, 1e-30],
      [0.3, 0, 0, 0, 0],
    ];
    const c = parseAttention(
      { queryTokens: ['q0', 'q1', 'q2', 'q3'], keyTokens: [...'abcde'], attention: [[rows]] },
      { allowUnnormalized: true },
    ).components[0]!;
    const expected = rows.map(naiveEntropy).reduce((a, b) => a + b, 0) / rows.length;
    expect(headSummary(c, 0, 0).entropy).to.be.closeTo(expected, 1e-12);
    // A row on one key has no spread, whatever its weight.
    const one = parseAttention(
      { queryTokens: ['q'], keyTokens: ['a', 'b'], attention: [[[[0.3, 0]]]] },
      { allowUnnormalized: true },
    ).components[0]!;
    expect(headSummary(one, 0, 0).entropy).to.be.closeTo(0, 1e-15);
    expect(headSummary(one, 0, 0).entropy).to.be.at.least(0);
  });

  it('headSummary(c, l, h) divides unnormalised rows by their sum', () => {
    // [2, 2] → shares .5, .5; [3, 1] → shares .75, .25.
    const c = parseAttention(
      {
        tokens: ['a', 'b'],
        attention: [
          [
            [
              [2, 2],
              [3, 1],
            ],
          ],
        ],
      },
      { allowUnnormalized: true },
    ).components[0]!;
    expectSummary(headSummary(c, 0, 0), {
      entropy: (1 + -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25))) / 2,
      first: (0.5 + 0.75) / 2,
      previous: 0.75, // only q1 has a previous key
      self: (0.5 + 0.25) / 2,
      delimiters: NaN,
    });
  });

  it('headSummary(c, l, h) skips rows that sum to 0', () => {
    // q0 sees nothing; only q1 = [1, 3] → shares .25, .75 counts.
    const c = parseAttention(
      {
        tokens: ['[CLS]', 'b'],
        attention: [
          [
            [
              [0, 0],
              [1, 3],
            ],
          ],
        ],
      },
      { allowUnnormalized: true },
    ).components[0]!;
    expectSummary(headSummary(c, 0, 0), {
      entropy: -(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75)),
      first: 0.25,
      previous: 0.25,
      self: 0.75,
      delimiters: 0.25,
    });
  });

  it('headSummary(block A→B of a causal pair) is NaN throughout: no query sees sentence B', () => {
    const ab = sentencePairBlock(causalPair(), 'ab');
    expect(Array.from(ab.weights).every((w) => w === 0)).to.equal(true);
    expectSummary(headSummary(ab, 0, 0), {
      entropy: NaN,
      first: NaN,
      previous: NaN,
      self: NaN,
      delimiters: NaN,
    });
  });

  it('headSummary(block B→A) speaks in model positions', () => {
    // Queries at positions 3, 4; keys [CLS] a [SEP] at 0, 1, 2.
    //   q3 [.25, .25, .25] s = .75: entropy log2 3, first 1/3, prev (key 2) 1/3, delims 2/3
    //   q4 [.125, .125, .25] s = .5: entropy 1.5,  first 1/4, prev (key 3) not shown, delims 3/4
    // No query's own position is a shown key.
    expectSummary(headSummary(sentencePairBlock(causalPair(), 'ba'), 0, 0), {
      entropy: (Math.log2(3) + 1.5) / 2,
      first: (1 / 3 + 1 / 4) / 2,
      previous: 1 / 3,
      self: NaN,
      delimiters: (2 / 3 + 3 / 4) / 2,
    });
  });

  it('headSummary(block B→B) has no first token', () => {
    // Queries and keys b [SEP] at positions 3, 4.
    //   q3 [.25, 0]  s = .25: entropy 0, self 1, no previous key shown, delims 0
    //   q4 [.25, .25] s = .5: entropy 1, self .5, prev .5,               delims .5
    expectSummary(headSummary(sentencePairBlock(causalPair(), 'bb'), 0, 0), {
      entropy: 0.5,
      first: NaN,
      previous: 0.5,
      self: 0.75,
      delimiters: 0.25,
    });
  });

  it('headSummary(cross attention) has no previous or self', () => {
    const data = parseAttention({
      encoderTokens: ['<s>', 'a', '</s>'],
      decoderTokens: ['x', 'y'],
      encoder: {
        attention: [
          [
            [
              [0.5, 0.5, 0],
              [0.5, 0.5, 0],
              [0, 0.5, 0.5],
            ],
          ],
        ],
      },
      cross: {
        attention: [
          [
            [
              [0.5, 0.25, 0.25],
              [0.25, 0.5, 0.25],
            ],
          ],
        ],
      },
    });
    const [encoder, cross] = data.components;
    expect(cross!.name).to.equal('cross');
    // Both rows have shares {.5, .25, .25}: 1.5 bits. Delimiters <s> and </s>.
    expectSummary(headSummary(cross!, 0, 0), {
      entropy: 1.5,
      first: (0.5 + 0.25) / 2,
      previous: NaN,
      self: NaN,
      delimiters: (0.75 + 0.5) / 2,
    });
    // The encoder's own self-attention keeps its positions.
    expectSummary(headSummary(encoder!, 0, 0), {
      entropy: 1,
      first: 1 / 3,
      previous: (0.5 + 0.5) / 2,
      self: (0.5 + 0.5 + 0.5) / 3,
      delimiters: 0.5,
    });
  });

  it('headSummary(c, l, h, delimiters) uses the mask given', () => {
    // Head 0 with key 2 ("cat") as the only delimiter: q2 puts .5 on it, q3 .25.
    const c = selfComponent();
    expect(headSummary(c, 0, 0, Uint8Array.of(0, 0, 1, 0)).delimiters).to.equal((0 + 0 + 0.5 + 0.25) / 4);
    expect(headSummary(c, 0, 0, new Uint8Array(4)).delimiters).to.deep.equal(NaN);
  });

  it('headSummary(c, bad index or mask) throws', () => {
    const c = selfComponent();
    expectDataError(() => headSummary(c, 1, 0), 'layerIndex', 'an integer from 0 to 0', '1');
    expectDataError(() => headSummary(c, -1, 0), 'layerIndex', 'an integer from 0 to 0', '-1');
    expectDataError(() => headSummary(c, 0, 2), 'headIndex', 'an integer from 0 to 1', '2');
    expectDataError(() => headSummary(c, 0, 0.5), 'headIndex', 'an integer from 0 to 1', '0.5');
    expectDataError(() => headSummary(c, 0, NaN), 'headIndex', 'an integer from 0 to 1', 'NaN');
    expectDataError(
      () => headSummary(c, 0, 0, new Uint8Array(3)),
      'delimiters',
      'a Uint8Array of length 4 (one entry per key token)',
      'a Uint8Array of length 3',
    );
  });
});

describe('headSummaries', () => {
  /**
   * 2 layers × 3 heads over `. a`, unnormalised: every row of head (l, h) is [1 + i, 1] with
   * i = 3l + h, so its first-token share (1 + i)/(2 + i) identifies the head.
   */
  function sixHeads(): AttentionComponent {
    const head = (i: number) => [
      [1 + i, 1],
      [1 + i, 1],
    ];
    return parseAttention(
      {
        tokens: ['.', 'a'],
        attention: [
          [head(0), head(1), head(2)],
          [head(3), head(4), head(5)],
        ],
      },
      { allowUnnormalized: true },
    ).components[0]!;
  }

  it('headSummaries(c) lays out layer l, head h at l * heads + h', () => {
    const all = headSummaries(sixHeads());
    expect(all.shape).to.deep.equal([2, 3]);
    expect(Object.keys(all.values)).to.deep.equal(SUMMARY_NAMES);
    expect(all.values.first).to.deep.equal(Float64Array.of(1 / 2, 2 / 3, 3 / 4, 4 / 5, 5 / 6, 6 / 7));
    // q1's previous key is key 0, and "." is the only delimiter.
    expect(all.values.previous).to.deep.equal(all.values.first);
    expect(all.values.delimiters).to.deep.equal(all.values.first);
    // q0 puts (1 + i)/(2 + i) on itself and q1 1/(2 + i): half on average, whatever the head.
    for (const v of all.values.self) expect(v).to.be.closeTo(0.5, 1e-15);
  });

  it('headSummaries(c) equals headSummary for every head', () => {
    for (const c of [sixHeads(), selfComponent(), sentencePairBlock(causalPair(), 'ba')]) {
      const all = headSummaries(c);
      const [L, H] = c.shape;
      for (let l = 0; l < L; l++) {
        for (let h = 0; h < H; h++) {
          const one = headSummary(c, l, h);
          for (const name of SUMMARY_NAMES) {
            // Object.is: the same NaN where a summary is undefined, the same double otherwise.
            expect(Object.is(all.values[name][l * H + h], one[name]), `${name} of ${l}, ${h}`).to.equal(true);
          }
        }
      }
    }
  });
});
