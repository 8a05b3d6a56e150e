/** bertviz's neuron view parameters. */
import { expect } from '@open-wc/testing';
import { parseAttention } from '../../../src/core/parse/index.js';
import { expectDataError } from '../expect-error.js';
import { TOKENS, ATTN, CAUSAL, vectors, attnComponent, only } from './fixtures.js';

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
