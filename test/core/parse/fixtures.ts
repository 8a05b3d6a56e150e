/** Tensors and helpers the parseAttention tests share. */
import { expect } from '@open-wc/testing';
import type { AttentionComponent } from '../../../src/core/types.js';

export type Nested4 = number[][][][];

export const TOKENS = ['a', 'b', 'c'];

/**
 * [2 layers][2 heads][3 queries][3 keys]. Every row sums to 1 and every value is exact in float16,
 * float32 and decimal. Only layer 0 head 0 is causal; the first future weight is [0][1][0][1].
 */
export const ATTN: Nested4 = [
  [
    [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [0.25, 0.25, 0.5],
    ],
    [
      [0.5, 0.25, 0.25],
      [0, 1, 0],
      [0.125, 0.375, 0.5],
    ],
  ],
  [
    [
      [0.75, 0.25, 0],
      [0, 0, 1],
      [1, 0, 0],
    ],
    [
      [0.25, 0.5, 0.25],
      [0.5, 0, 0.5],
      [0, 0.5, 0.5],
    ],
  ],
];

/** ATTN in row-major order, written out. */
export const FLAT = [
  1, 0, 0, 0.5, 0.5, 0, 0.25, 0.25, 0.5, 0.5, 0.25, 0.25, 0, 1, 0, 0.125, 0.375, 0.5, 0.75, 0.25, 0, 0, 0, 1,
  1, 0, 0, 0.25, 0.5, 0.25, 0.5, 0, 0.5, 0, 0.5, 0.5,
];

/** One causal head: [1][1][3][3]. */
export const CAUSAL: Nested4 = [
  [
    [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [0.25, 0.25, 0.5],
    ],
  ],
];

/** Half-precision bits of the values used above. */
export const HALF: Readonly<Record<number, number>> = {
  0: 0x0000,
  0.125: 0x3000,
  0.25: 0x3400,
  0.375: 0x3600,
  0.5: 0x3800,
  0.75: 0x3a00,
  1: 0x3c00,
};

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A copy of `tensor` with one value replaced. */
export function withValue(
  tensor: Nested4,
  [l, h, q, k]: [number, number, number, number],
  value: unknown,
): unknown[] {
  const copy = clone(tensor) as unknown[][][][];
  copy[l]![h]![q]![k] = value;
  return copy;
}

/** `[L][H][T][D]` vectors with value `f(l, h, t, d)`. */
export function vectors(
  [L, H, T, D]: [number, number, number, number],
  f: (l: number, h: number, t: number, d: number) => number,
): Nested4 {
  return Array.from({ length: L }, (_, l) =>
    Array.from({ length: H }, (_, h) =>
      Array.from({ length: T }, (_, t) => Array.from({ length: D }, (_, d) => f(l, h, t, d))),
    ),
  );
}

/** The component ATTN parses to, with some fields changed. */
export function attnComponent(overrides: Partial<AttentionComponent> = {}): AttentionComponent {
  return {
    name: 'self',
    queryTokens: TOKENS,
    keyTokens: TOKENS,
    weights: Float32Array.from(FLAT),
    shape: [2, 2, 3, 3],
    layers: [0, 1],
    heads: [0, 1],
    causal: false,
    normalized: true,
    queryStart: 0,
    keyStart: 0,
    ...overrides,
  };
}

export function only(data: { components: readonly AttentionComponent[] }): AttentionComponent {
  expect(data.components).to.have.length(1);
  return data.components[0]!;
}
