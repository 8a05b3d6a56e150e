/** Recognising the input format, and what parseAttention hands back. */
import { expect } from '@open-wc/testing';
import { isAttentionData, parseAttention } from '../../../src/core/parse/index.js';
import { expectDataError } from '../expect-error.js';
import { TOKENS, ATTN, only } from './fixtures.js';

describe('parseAttention: input', () => {
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
