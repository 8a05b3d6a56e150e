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
