/** bertviz's head view and model view parameters. */
import { expect } from '@open-wc/testing';
import { parseAttention } from '../../../src/core/parse/index.js';
import { expectDataError } from '../expect-error.js';
import { TOKENS, ATTN, CAUSAL, withValue, attnComponent, only, type Nested4 } from './fixtures.js';

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
