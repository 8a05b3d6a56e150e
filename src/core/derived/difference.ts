/**
 * The difference of two attentions, A − B, per layer and head: what changes when one input
 * differs from another (Vig 2019's bias example: "The doctor asked the nurse a question. She"
 * against "He").
 */
import { AttentionDataError } from '../errors.js';
import { markComponent } from '../brand.js';
import type { AttentionComponent } from '../types.js';
import { checkComponent, withoutVectors } from './common.js';

/** Where two inputs are compared: their first `compared` positions, and whether the rest differ. */
export interface Alignment {
  /** Positions compared from the start: all of them when the counts agree, else the tokens both begin with. */
  readonly compared: number;
  /** Tokens of A and of B after `compared`, left out of the difference (marked in views). */
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
}

/**
 * How `a`'s and `b`'s tokens line up: position by position when both have as many tokens
 * (a word swapped for another keeps its place), else the longest run of equal tokens from the start.
 */
export function alignTokens(a: readonly string[], b: readonly string[]): Alignment {
  let compared = a.length;
  if (a.length !== b.length) {
    compared = 0;
    while (compared < a.length && compared < b.length && a[compared] === b[compared]) compared++;
  }
  return { compared, onlyA: a.slice(compared), onlyB: b.slice(compared) };
}

/**
 * A − B for every layer and head, over the positions where the inputs align (see `alignTokens`):
 * shape `[layers, heads, n, n]`, weights from −1 to 1, `signed` and not `normalized`. A token
 * that differs at its position shows as "A/B" ("She/He"). The layers and heads must be the same
 * (the same model); queries and keys beyond the aligned positions are left out.
 * @throws AttentionDataError for components of different models or kinds, or no position in common.
 */
export function attentionDifference(a: AttentionComponent, b: AttentionComponent): AttentionComponent {
  checkComponent(a, 'attentionDifference', 'a');
  checkComponent(b, 'attentionDifference', 'b');
  const [L, H, Qa, Ka] = a.shape;
  const [Lb, Hb, Qb, Kb] = b.shape;
  if (L !== Lb || H !== Hb || a.layers.join() !== b.layers.join() || a.heads.join() !== b.heads.join()) {
    throw new AttentionDataError(
      'attentionDifference: b',
      `attention of the same layers and heads as a (${L} layers × ${H} heads)`,
      `${Lb} layers × ${Hb} heads`,
    );
  }
  if (a.name !== b.name || a.queryStart !== b.queryStart || a.keyStart !== b.keyStart) {
    throw new AttentionDataError(
      'attentionDifference: b',
      `the same kind of attention as a (${a.name})`,
      b.name,
    );
  }
  const rows = alignTokens(a.queryTokens, b.queryTokens);
  const cols = a.name === 'cross' ? alignTokens(a.keyTokens, b.keyTokens) : rows;
  const n = rows.compared;
  const m = cols.compared;
  if (n === 0 || m === 0) {
    throw new AttentionDataError(
      'attentionDifference: b',
      "tokens that begin as a's do (or as many tokens as a)",
      `"${b.queryTokens[0] ?? ''}" where a has "${a.queryTokens[0] ?? ''}"`,
    );
  }
  const weights = new Float32Array(L * H * n * m);
  for (let lh = 0; lh < L * H; lh++) {
    for (let q = 0; q < n; q++) {
      const fromA = (lh * Qa + q) * Ka;
      const fromB = (lh * Qb + q) * Kb;
      const to = (lh * n + q) * m;
      for (let k = 0; k < m; k++) weights[to + k] = a.weights[fromA + k]! - b.weights[fromB + k]!;
    }
  }
  const pair = (x: string, y: string | undefined) => (x === y ? x : `${x}/${y}`);
  return markComponent({
    ...withoutVectors(a),
    queryTokens: a.queryTokens.slice(0, n).map((t, i) => pair(t, b.queryTokens[i])),
    keyTokens: a.keyTokens.slice(0, m).map((t, i) => pair(t, b.keyTokens[i])),
    weights,
    shape: [L, H, n, m],
    normalized: false,
    signed: true,
  });
}

/** The largest difference in `c` (either sign): a difference grid's full colour. */
export function largestDifference(c: AttentionComponent): number {
  const w = c.weights;
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  return max;
}
