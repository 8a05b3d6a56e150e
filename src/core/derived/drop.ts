/**
 * Removing positions, such as the first token that decoders use as a sink or BERT's [CLS] and
 * [SEP], so that the rest of the attention can be seen at its own scale.
 */
import { AttentionDataError, describe } from '../errors.js';
import { markComponent } from '../brand.js';
import type { AttentionComponent, VectorTensor } from '../types.js';
import { checkComponent, checkWhole } from './common.js';

export interface DropOptions {
  /** Rescale each row to sum to 1 over the keys left (default true). */
  readonly renormalize?: boolean;
}

/**
 * `c` without the key positions `positions` (and the same query positions, for the whole
 * self-attention of one sequence), each row renormalised over the keys left unless
 * `renormalize` is false. Renormalised rows are exactly the softmax over the keys left, so the
 * per-head vectors stay (without the dropped positions) and still explain the weights. A row
 * whose weight was all on dropped keys stays zero, and the result is then not `normalized`.
 * @throws AttentionDataError for a sentence-pair block, positions that are not distinct key
 * positions, or all of them.
 */
export function dropTokens(
  c: AttentionComponent,
  positions: readonly number[],
  options: DropOptions = {},
): AttentionComponent {
  checkComponent(c, 'dropTokens');
  const [L, H, Q, K] = c.shape;
  checkWhole(c, 'dropTokens', 'drop tokens');
  if (!Array.isArray(positions)) {
    throw new AttentionDataError('dropTokens: positions', 'a list of key positions', describe(positions));
  }
  const dropped = new Set<number>();
  positions.forEach((p: unknown, i) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= K) {
      throw new AttentionDataError(
        `dropTokens: positions[${i}]`,
        `a key position from 0 to ${K - 1}`,
        describe(p),
      );
    }
    if (dropped.has(p))
      throw new AttentionDataError(
        `dropTokens: positions[${i}]`,
        'a position not listed before',
        describe(p),
      );
    dropped.add(p);
  });
  if (dropped.size === K) {
    throw new AttentionDataError('dropTokens: positions', `fewer than all ${K} key positions`, `all ${K}`);
  }
  const renormalize = options.renormalize ?? true;
  if (typeof renormalize !== 'boolean') {
    throw new AttentionDataError('dropTokens: renormalize', 'true or false', describe(renormalize));
  }
  const same = c.name !== 'cross' && Q === K;
  const keys = range(K).filter((k) => !dropped.has(k));
  const queries = same ? keys : range(Q);
  const Q2 = queries.length;
  const K2 = keys.length;
  const weights = new Float32Array(L * H * Q2 * K2);
  let emptyRow = false;
  for (let lh = 0; lh < L * H; lh++) {
    for (let qi = 0; qi < Q2; qi++) {
      const src = (lh * Q + queries[qi]!) * K;
      const out = (lh * Q2 + qi) * K2;
      let sum = 0;
      for (let ki = 0; ki < K2; ki++) sum += c.weights[src + keys[ki]!]!;
      const scale = renormalize && sum > 0 ? 1 / sum : 1;
      if (sum === 0) emptyRow = true;
      for (let ki = 0; ki < K2; ki++) weights[out + ki] = c.weights[src + keys[ki]!]! * scale;
    }
  }
  const sentenceBStart = c.sentenceBStart === undefined ? -1 : keys.findIndex((k) => k >= c.sentenceBStart!);
  const generatedStart = c.generatedStart === undefined ? -1 : keys.findIndex((k) => k >= c.generatedStart!);
  const { sentenceBStart: _b, generatedStart: _g, queries: _q, keys: _k, values: _v, ...rest } = c;
  return markComponent({
    ...rest,
    queryTokens: queries.map((q) => c.queryTokens[q]!),
    keyTokens: keys.map((k) => c.keyTokens[k]!),
    weights,
    shape: [L, H, Q2, K2],
    normalized: c.normalized && renormalize && !emptyRow,
    ...(c.queries ? { queries: keepRows(c.queries, queries) } : {}),
    ...(c.keys ? { keys: keepRows(c.keys, keys) } : {}),
    ...(c.values ? { values: keepRows(c.values, keys) } : {}),
    ...(sentenceBStart > 0 ? { sentenceBStart } : {}),
    ...(generatedStart > 0 ? { generatedStart } : {}),
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The rows `kept` (token positions) of every head's vectors. */
function keepRows(t: VectorTensor, kept: readonly number[]): VectorTensor {
  const [L, H, T, D] = t.shape;
  const data = new Float32Array(L * H * kept.length * D);
  for (let lh = 0; lh < L * H; lh++) {
    kept.forEach((p, i) =>
      data.set(t.data.subarray((lh * T + p) * D, (lh * T + p + 1) * D), (lh * kept.length + i) * D),
    );
  }
  return { data, shape: [L, H, kept.length, D] };
}
