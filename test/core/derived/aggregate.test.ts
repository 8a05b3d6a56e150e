import { expect } from '@open-wc/testing';
import { attentionData } from '../../../src/core/brand.js';
import { aggregateHeads, aggregateLayers } from '../../../src/core/derived/index.js';
import { parseAttention } from '../../../src/core/parse/index.js';
import { expectDataError } from '../expect-error.js';
import { threeHeads } from '../fixtures.js';
import { f32, matrix } from './support.js';

const component = threeHeads;

describe('aggregateHeads', () => {
  it('mean: [layers, 1, queries, keys], labelled, still normalised, without per-head vectors', () => {
    const m = aggregateHeads(component(), 'mean');
    expect(m.shape).to.deep.equal([2, 1, 1, 2]);
    expect(matrix(m, 0)).to.deep.equal([[0.5, 0.5]]);
    expect(matrix(m, 1)).to.deep.equal(f32([[1 / 3, 2 / 3]]));
    expect(m.headLabels).to.deep.equal(['mean of heads 2, 4, 6']);
    expect(m.layers).to.deep.equal([0, 1]);
    expect(m.normalized).to.equal(true);
    expect(m.queries).to.equal(undefined);
    const shared = aggregateHeads({ ...component(), kvHeads: [0, 0, 1] }, 'mean');
    expect(shared.kvHeads, 'no key/value heads for a combination of heads').to.equal(undefined);
  });

  it('max over the heads given, by their numbers: not normalised', () => {
    const m = aggregateHeads(component(), 'max', [4, 6]);
    expect(matrix(m, 0)).to.deep.equal([[0.5, 1]]);
    expect(matrix(m, 1)).to.deep.equal([[0, 1]]);
    expect(m.headLabels).to.deep.equal(['max of heads 4, 6']);
    expect(m.normalized).to.equal(false);
  });

  it('names each misuse', () => {
    const c = component();
    expectDataError(
      () => aggregateHeads(c, 'median' as 'mean'),
      'aggregateHeads: how',
      '"mean" or "max"',
      '"median"',
    );
    expectDataError(
      () => aggregateHeads(c, 'mean', [3]),
      'aggregateHeads: heads[0]',
      'one of the heads [2, 4, 6]',
      '3',
    );
    expectDataError(
      () => aggregateHeads(c, 'mean', [2, 2]),
      'aggregateHeads: heads[1]',
      'a head not listed before',
      '2',
    );
    expectDataError(
      () => aggregateHeads(c, 'mean', []),
      'aggregateHeads: heads',
      'at least one head',
      'an empty list',
    );
    expectDataError(
      () => aggregateHeads({} as typeof c, 'mean'),
      'aggregateHeads: c',
      'an attention component (one of parseAttention(...).components)',
      'an object',
    );
  });
});

describe('aggregateLayers', () => {
  it('mean: [1, heads, queries, keys], one layer labelled with the layers it averages', () => {
    const m = aggregateLayers(component(), 'mean');
    expect(m.shape).to.deep.equal([1, 3, 1, 2]);
    expect([0, 1, 2].map((h) => matrix(m, 0, h)[0])).to.deep.equal([
      [1, 0],
      [0.25, 0.75],
      [0, 1],
    ]);
    expect(m.layerLabels).to.deep.equal(['mean of layers 0, 1']);
    expect(m.heads).to.deep.equal([2, 4, 6]);
  });

  it('max over one layer is that layer', () => {
    const m = aggregateLayers(component(), 'max', [1]);
    expect([0, 1, 2].map((h) => matrix(m, 0, h)[0])).to.deep.equal([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(m.layerLabels).to.deep.equal(['max of layer 1']);
  });

  it('names an unknown layer', () => {
    expectDataError(
      () => aggregateLayers(component(), 'mean', [5]),
      'aggregateLayers: layers[0]',
      'one of the layers [0, 1]',
      '5',
    );
  });
});

describe('attentionData', () => {
  it('makes data the views take from components the library made, and refuses any other', () => {
    const c = component();
    const mean = aggregateHeads(c, 'mean');
    const data = attentionData([mean]);
    expect(parseAttention(data), 'passes the data edge as it is').to.equal(data);
    expect(data.components[0]).to.equal(mean);
    expect(attentionData([c]).components[0]).to.equal(c);
    expectDataError(
      () => attentionData([{ ...mean }]),
      'attentionData: components[0]',
      "a component from parseAttention or attnviz/core's derived-attention functions",
      'an object',
    );
    expectDataError(
      () => attentionData([]),
      'attentionData: components',
      'a non-empty list of components',
      'an array of length 0',
    );
  });
});
