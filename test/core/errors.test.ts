import { expect } from '@open-wc/testing';
import { AttentionDataError, describe as describeValue } from '../../src/core/errors.js';

describe('AttentionDataError', () => {
  it('new AttentionDataError(field, expected, received) names all three in its message', () => {
    const e = new AttentionDataError('attention', '4 dimensions [layers, heads, queries, keys]', '3');
    expect(e).to.be.instanceOf(Error);
    expect(e.name).to.equal('AttentionDataError');
    expect(e.message).to.equal(
      'invalid attention: expected 4 dimensions [layers, heads, queries, keys], got 3',
    );
    expect(e.field).to.equal('attention');
    expect(e.expected).to.equal('4 dimensions [layers, heads, queries, keys]');
    expect(e.received).to.equal('3');
  });
});

describe('describe', () => {
  it('describe(null | undefined) names them', () => {
    expect(describeValue(null)).to.equal('null');
    expect(describeValue(undefined)).to.equal('undefined');
  });

  it('describe(number) prints the number, NaN and infinities included', () => {
    expect(describeValue(0.5)).to.equal('0.5');
    expect(describeValue(-3)).to.equal('-3');
    expect(describeValue(NaN)).to.equal('NaN');
    expect(describeValue(Infinity)).to.equal('Infinity');
    expect(describeValue(-Infinity)).to.equal('-Infinity');
  });

  it('describe(string) quotes it and cuts it after 40 characters', () => {
    expect(describeValue('abc')).to.equal('"abc"');
    expect(describeValue('')).to.equal('""');
    expect(describeValue('x'.repeat(40))).to.equal(`"${'x'.repeat(40)}"`);
    expect(describeValue('x'.repeat(41))).to.equal(`"${'x'.repeat(40)}…"`);
    expect(describeValue('a"b')).to.equal('"a\\"b"');
  });

  it('describe(boolean | bigint) prints them', () => {
    expect(describeValue(true)).to.equal('true');
    expect(describeValue(12n)).to.equal('12');
  });

  it('describe(array | typed array) gives the kind and length, not the contents', () => {
    expect(describeValue([1, 2, 3])).to.equal('an array of length 3');
    expect(describeValue([])).to.equal('an array of length 0');
    expect(describeValue(new Float32Array(4))).to.equal('a Float32Array of length 4');
    expect(describeValue(new Uint16Array(2))).to.equal('a Uint16Array of length 2');
  });

  it('describe(function | object) does not print their contents', () => {
    expect(describeValue(() => 1)).to.equal('a function');
    expect(describeValue({ secret: '<script>' })).to.equal('an object');
  });
});
