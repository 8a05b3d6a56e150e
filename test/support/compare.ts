import { expect } from '@open-wc/testing';

/** Numbers nested to any depth, as the reference JSON files hold tensors. */
export type Nested = number | Nested[];

/** Largest |actual − expected| over all elements; the element counts must agree. */
export function maxDiff(actual: ArrayLike<number>, expected: ArrayLike<number> | Nested[]): number {
  const flat = Array.isArray(expected) ? ((expected as unknown[]).flat(Infinity) as number[]) : expected;
  expect(actual.length, 'element count').to.equal(flat.length);
  let m = 0;
  for (let i = 0; i < flat.length; i++) m = Math.max(m, Math.abs(flat[i]! - actual[i]!));
  return m;
}
