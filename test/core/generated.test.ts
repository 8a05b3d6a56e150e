/**
 * Generated tokens in the data model: `generatedStart` parsed and checked, kept through a round
 * trip, the `generated` filter, token labels flagged, and the derived views (drop, words) keeping
 * it in step with their tokens.
 */
import { expect } from '@open-wc/testing';
import { dropTokens, mergeWords } from '../../src/core/derived/index.js';
import { applyFilter, availableFilters, generatedRows, selectSubset } from '../../src/core/filters.js';
import { parseAttention, type AttentionSetInput } from '../../src/core/parse/index.js';
import { componentTokens } from '../../src/core/tokens.js';
import type { AttentionComponent } from '../../src/core/types.js';
import { expectDataError } from './expect-error.js';

/** Causal attention over `tokens`, each row uniform over the keys up to it. */
function causal(tokens: string[], generatedStart?: number): AttentionSetInput {
  const n = tokens.length;
  const rows = tokens.map((_, q) => tokens.map((_, k) => (k <= q ? 1 / (q + 1) : 0)));
  return {
    tokens,
    attention: [[rows]],
    ...(generatedStart !== undefined ? { generatedStart } : {}),
    causal: n > 1,
  };
}

const TOKENS = ['The', 'Ġcat', 'Ġsat', 'Ġon', 'Ġthe', 'Ġm', 'at'];
const parse = (input: AttentionSetInput): AttentionComponent => parseAttention(input).components[0]!;

describe('generatedStart', () => {
  it('is read from the input and survives a round trip through the input format', () => {
    const c = parse(causal(TOKENS, 3));
    expect(c.generatedStart).to.equal(3);
    const again = parse({
      tokens: c.queryTokens,
      attention: { dims: [...c.shape], data: c.weights },
      generatedStart: c.generatedStart!,
    });
    expect(again.generatedStart).to.equal(3);
    expect(parse(causal(TOKENS)).generatedStart).to.equal(undefined);
  });

  it('names the field, what it expects and what it got', () => {
    expectDataError(
      () => parseAttention(causal(TOKENS, 7)),
      'generatedStart',
      'an integer from 1 to 6 (a prompt token before, a generated token from it on)',
      '7',
    );
    expectDataError(
      () => parseAttention(causal(TOKENS, 0)),
      'generatedStart',
      'an integer from 1 to 6 (a prompt token before, a generated token from it on)',
      '0',
    );
    expectDataError(
      () =>
        parseAttention({
          queryTokens: ['a'],
          keyTokens: ['b', 'c'],
          attention: [[[[0.5, 0.5]]]],
          generatedStart: 1,
        }),
      'generatedStart',
      'no generated tokens in an encoder-decoder set',
      '1',
    );
  });

  it('offers the generated filter, whose rows are the generated tokens’ over every key', () => {
    const data = parseAttention(causal(TOKENS, 5));
    expect(availableFilters(data)).to.deep.equal(['all', 'generated']);
    expect(availableFilters(parseAttention(causal(TOKENS)))).to.deep.equal(['all']);
    const g = applyFilter(data, 'generated');
    expect(g.queryTokens).to.deep.equal(['Ġm', 'at']);
    expect(g.keyTokens).to.deep.equal(TOKENS);
    expect(g.shape).to.deep.equal([1, 1, 2, 7]);
    expect(g.queryStart).to.equal(5);
    expect(Array.from(g.weights.subarray(0, 7))).to.deep.equal(
      [1, 1, 1, 1, 1, 1, 0].map((w) => (w ? Math.fround(1 / 6) : 0)),
    );
    expectDataError(
      () => generatedRows(parseAttention(causal(TOKENS)).components[0]!),
      'generatedStart',
      'generated tokens for the generated filter',
      'undefined',
    );
  });

  it('flags the generated tokens’ labels, on both sides and in a block', () => {
    const c = parse(causal(TOKENS, 5));
    expect(componentTokens(c, 'query').map((t) => t.generated === true)).to.deep.equal([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    const g = generatedRows(c);
    expect(componentTokens(g, 'query').map((t) => t.generated)).to.deep.equal([true, true]);
    expect(componentTokens(g, 'key').filter((t) => t.generated).length).to.equal(2);
    expect(componentTokens(parse(causal(TOKENS)), 'query').some((t) => t.generated)).to.equal(false);
  });

  it('follows its tokens through dropTokens, mergeWords and subsets', () => {
    const c = parse(causal(TOKENS, 5));
    expect(dropTokens(c, [0, 2]).generatedStart).to.equal(3);
    expect(dropTokens(c, [5, 6].slice(0, 1)).generatedStart).to.equal(5);
    // "Ġm" + "at" are one word: generated from the prompt's next word, here the merged "mat" itself.
    const words = mergeWords(c);
    expect(words.queryTokens).to.deep.equal(['The', 'Ġcat', 'Ġsat', 'Ġon', 'Ġthe', 'Ġmat']);
    expect(words.generatedStart).to.equal(5);
    // A continuation that finishes the prompt's last word marks nothing of it as generated.
    expect(mergeWords(parse(causal(TOKENS, 6))).generatedStart).to.equal(undefined);
    expect(selectSubset(c, { layers: [0] }).generatedStart).to.equal(5);
  });
});
