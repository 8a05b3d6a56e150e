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

/** A reference example's tensors, as the fixtures' reference JSON holds them. */
export interface TensorReference {
  attention: Nested[];
  queries: Nested[];
  keys: Nested[];
  values: Nested[];
}

/** Largest difference of the attention and of each vector kind from a reference example. */
export function tensorErrors(
  c: {
    weights: ArrayLike<number>;
    queries?: { data: ArrayLike<number> } | undefined;
    keys?: { data: ArrayLike<number> } | undefined;
    values?: { data: ArrayLike<number> } | undefined;
  },
  ex: TensorReference,
): { attention: number; queries: number; keys: number; values: number } {
  return {
    attention: maxDiff(c.weights, ex.attention),
    queries: maxDiff(c.queries!.data, ex.queries),
    keys: maxDiff(c.keys!.data, ex.keys),
    values: maxDiff(c.values!.data, ex.values),
  };
}

/** Expects each of `tensorErrors`' differences below its tolerance (one number: the same for all). */
export function expectWithin(
  errors: ReturnType<typeof tensorErrors>,
  tolerance: number | Record<keyof ReturnType<typeof tensorErrors>, number>,
): void {
  for (const [key, err] of Object.entries(errors) as [keyof typeof errors, number][]) {
    expect(err, key).to.be.below(typeof tolerance === 'number' ? tolerance : tolerance[key]);
  }
}
