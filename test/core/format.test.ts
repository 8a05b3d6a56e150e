import { expect } from '@open-wc/testing';
import { formatExact, formatWeight } from '../../src/core/format.js';

describe('formatExact', () => {
  it('formatExact(x) gives the shortest decimal that reads back as the same float32', () => {
    expect(formatExact(0.1)).to.equal('0.1');
    expect(formatExact(Math.fround(0.1))).to.equal('0.1');
    expect(formatExact(Math.fround(1 / 3))).to.equal('0.33333334');
    expect(formatExact(Math.fround(2 / 3))).to.equal('0.6666667');
    expect(formatExact(0.1 + 0.2)).to.equal('0.3');
    expect(formatExact(0.125)).to.equal('0.125');
  });

  it('formatExact(x) reads back exactly', () => {
    for (const v of [Math.fround(1 / 3), Math.fround(0.7), Math.fround(1e-7), Math.fround(123.456)]) {
      expect(Math.fround(Number(formatExact(v)))).to.equal(v);
    }
  });

  it('formatExact(integers and extremes) follows float32', () => {
    expect(formatExact(0)).to.equal('0');
    expect(formatExact(-0)).to.equal('0');
    expect(formatExact(1)).to.equal('1');
    expect(formatExact(-0.5)).to.equal('-0.5');
    expect(formatExact(16777217)).to.equal('16777216');
    expect(formatExact(123456789)).to.equal('123456790');
    expect(formatExact(1e-10)).to.equal('1e-10');
    expect(formatExact(3.4e38)).to.equal('3.4e+38');
  });

  it('formatExact(non-finite) prints it', () => {
    expect(formatExact(NaN)).to.equal('NaN');
    expect(formatExact(Infinity)).to.equal('Infinity');
    expect(formatExact(-Infinity)).to.equal('-Infinity');
  });
});

describe('formatWeight', () => {
  it('formatWeight(x) gives four decimals', () => {
    expect(formatWeight(0.5)).to.equal('0.5000');
    expect(formatWeight(1)).to.equal('1.0000');
    expect(formatWeight(1 / 3)).to.equal('0.3333');
    expect(formatWeight(2 / 3)).to.equal('0.6667');
    expect(formatWeight(0.0001)).to.equal('0.0001');
  });

  it('formatWeight(0) is "0"', () => {
    expect(formatWeight(0)).to.equal('0');
  });

  it('formatWeight(x < 0.0001) uses scientific notation', () => {
    expect(formatWeight(0.00005)).to.equal('5.0e-5');
    expect(formatWeight(1.5e-7)).to.equal('1.5e-7');
    expect(formatWeight(-0.00001)).to.equal('-1.0e-5');
  });
});
