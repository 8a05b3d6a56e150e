/**
 * The weights of one token, head by head: what a query attends to most, or which queries attend
 * most to a key. The head view's readout lists them.
 */
import { headMatrix } from './filters.js';
import type { AttentionComponent, TokenSide } from './types.js';

export interface HeadFocusWeights {
  /** Head index (not number) in the component. */
  readonly head: number;
  /** Up to `top` [token index on the other side, weight] pairs, strongest first; zeros left out. */
  readonly strongest: readonly (readonly [index: number, weight: number])[];
  /** The weight between the token and `partner` (a token on the other side), when one is given. */
  readonly partner: number | undefined;
}

/**
 * For each of `heads` in layer `layerIndex`: the `top` strongest weights of the token `index` on
 * `side` (its row if a query, its column if a key), and its weight with `partner`. Ties keep the
 * lower index first.
 */
export function focusWeights(
  c: AttentionComponent,
  layerIndex: number,
  heads: readonly number[],
  side: TokenSide,
  index: number,
  top: number,
  partner?: number,
): HeadFocusWeights[] {
  const [, , Q, K] = c.shape;
  const count = side === 'query' ? K : Q;
  const at = (m: Float32Array, i: number) => (side === 'query' ? m[index * K + i]! : m[i * K + index]!);
  return heads.map((head) => {
    const m = headMatrix(c, layerIndex, head);
    const strongest: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      const w = at(m, i);
      if (w <= 0) continue;
      if (strongest.length < top || w > strongest[strongest.length - 1]![1]) {
        strongest.push([i, w]);
        strongest.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        if (strongest.length > top) strongest.pop();
      }
    }
    return { head, strongest, partner: partner === undefined ? undefined : at(m, partner) };
  });
}
