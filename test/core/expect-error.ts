import { expect } from '@open-wc/testing';
import { AttentionDataError } from '../../src/core/errors.js';

/**
 * Asserts that `fn` throws an `AttentionDataError` with exactly this field, expectation and
 * received value, and the one message format built from them.
 */
export function expectDataError(fn: () => unknown, field: string, expected: string, received: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, 'the call throws').to.be.instanceOf(AttentionDataError);
  const e = error as AttentionDataError;
  expect(e.name).to.equal('AttentionDataError');
  expect(e.message).to.equal(`invalid ${field}: expected ${expected}, got ${received}`);
  expect({ field: e.field, expected: e.expected, received: e.received }).to.deep.equal({
    field,
    expected,
    received,
  });
}
