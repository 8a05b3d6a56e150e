import { parseAttention, type AttentionInput } from '../../../src/core/parse/index.js';
import type { AttentionComponent } from '../../../src/core/types.js';

/** The first component of parsed input. */
export const parse = (input: AttentionInput): AttentionComponent => parseAttention(input).components[0]!;

/** Rows of one head's matrix as plain numbers, each rounded to float32 as stored. */
export function matrix(c: AttentionComponent, layer = 0, head = 0): number[][] {
  const [, H, Q, K] = c.shape;
  const start = (layer * H + head) * Q * K;
  return Array.from({ length: Q }, (_, q) =>
    Array.from(c.weights.subarray(start + q * K, start + (q + 1) * K)),
  );
}

/** `rows` rounded to float32, for exact comparison with stored weights. */
export const f32 = (rows: number[][]): number[][] => rows.map((r) => r.map((v) => Math.fround(v)));

/** An encoder-decoder input's cross component: decoder tokens `x y` over encoder tokens `a b c`. */
export function crossComponent(): AttentionComponent {
  return parseAttention({
    encoderTokens: ['a', 'b', 'c'],
    decoderTokens: ['x', 'y'],
    cross: {
      attention: [
        [
          [
            [0.5, 0.25, 0.25],
            [0, 0.5, 0.5],
          ],
        ],
      ],
    },
  }).components[0]!;
}

/** Two tokens, two layers, one head: the example rollout and flow are worked by hand on. */
export const twoLayers = (): AttentionComponent =>
  parse({
    tokens: ['a', 'b'],
    attention: [
      [
        [
          [1, 0],
          [0.5, 0.5],
        ],
      ],
      [
        [
          [1, 0],
          [1, 0],
        ],
      ],
    ],
  });

/**
 * Seeded random softmax rows, `[layers][heads][tokens][tokens]`: `sharpness` scales the logits;
 * causal rows are zero above the diagonal.
 */
export function randomAttention(
  layers: number,
  heads: number,
  tokens: number,
  seed: number,
  { sharpness = 3, causal = false } = {},
): number[][][][] {
  let s = seed;
  const next = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: layers }, () =>
    Array.from({ length: heads }, () =>
      Array.from({ length: tokens }, (_, i) => {
        const row = Array.from({ length: tokens }, (_, j) =>
          causal && j > i ? 0 : Math.exp(sharpness * next()),
        );
        const sum = row.reduce((a, b) => a + b, 0);
        return row.map((v) => v / sum);
      }),
    ),
  );
}
