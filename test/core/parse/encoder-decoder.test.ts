/** Encoder-decoder input, in attnviz's format and as bertviz entries. */
import { expect } from '@open-wc/testing';
import { parseAttention } from '../../../src/core/parse/index.js';
import type { AttentionComponent } from '../../../src/core/types.js';
import { expectDataError } from '../expect-error.js';
import { withValue, only, type Nested4 } from './fixtures.js';

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
