import { expect } from '@open-wc/testing';
import { AttentionComputeError } from '../../src/transformers/errors.js';
import { emptyPastShape } from '../../src/transformers/feeds.js';

describe('emptyPastShape', () => {
  const gqa = { heads: 2, dim: 8 };

  it('keeps the sizes the graph declares, with batch 1 and no past positions', () => {
    expect(
      emptyPastShape('past_key_values.0.key', ['batch_size', 2, 'past_sequence_length', 8], gqa),
    ).to.deep.equal([1, 2, 0, 8]);
    // The graph's own number wins over the config's.
    expect(emptyPastShape('past_key_values.0.key', ['batch_size', 1, 'past', 64], gqa)).to.deep.equal([
      1, 1, 0, 64,
    ]);
  });

  it('takes symbolic heads and head size from the config (key/value heads, head_dim)', () => {
    expect(
      emptyPastShape('past_key_values.0.key', ['batch', 'num_kv_heads', 'past', 'head_dim'], gqa),
    ).to.deep.equal([1, 2, 0, 8]);
    // No declared shape (onnxruntime before 1.21 gives none): the config alone.
    expect(emptyPastShape('past_key_values.0.key', undefined, gqa)).to.deep.equal([1, 2, 0, 8]);
  });

  it('fills the past length of a cache of another rank, and refuses a dimension it cannot tell', () => {
    expect(
      emptyPastShape('past_key_values.0', ['batch_size', 'past_sequence_length', 16], gqa),
    ).to.deep.equal([1, 0, 16]);
    const error = (() => {
      try {
        return emptyPastShape('past_key_values.0', ['batch_size', 'past_sequence_length', 'width'], gqa);
      } catch (e) {
        return e;
      }
    })() as AttentionComputeError;
    expect(error).to.be.instanceOf(AttentionComputeError);
    expect(error.message).to.equal(
      'the model\'s input "past_key_values.0" has shape [batch_size, past_sequence_length, width]: this adapter cannot tell what "width" should be for an empty cache',
    );
  });
});
