/**
 * What the library made: attention data from `parseAttention`, and components from it or from
 * `attnviz/core`'s derived-attention functions. Such values were validated when they were made
 * and pass the data edge as they are; anything else is parsed.
 */
import { AttentionDataError, describe } from './errors.js';
import type { AttentionComponent, AttentionData, DisplayHints } from './types.js';

const data = new WeakSet<AttentionData>();
const components = new WeakSet<AttentionComponent>();

/** Records `d` and its components as made by the library; returns `d`. */
export function markData(d: AttentionData): AttentionData {
  data.add(d);
  for (const c of d.components) components.add(c);
  return d;
}

/** Records `c` as made by the library (a derived component); returns `c`. */
export function markComponent(c: AttentionComponent): AttentionComponent {
  components.add(c);
  return c;
}

/** True for an `AttentionData` made by `parseAttention` or `attentionData`. */
export function isMarkedData(value: unknown): value is AttentionData {
  return typeof value === 'object' && value !== null && data.has(value as AttentionData);
}

/**
 * Attention data for the views from components the library made: those of `parseAttention`'s
 * result, or what `aggregateHeads`, `attentionRollout`, `mergeWords`, `dropTokens` … return.
 * `el.data = attentionData([attentionRollout(c)])` shows a rollout in any view.
 * @throws AttentionDataError for an empty list or a component the library did not make.
 */
export function attentionData(list: readonly AttentionComponent[], hints: DisplayHints = {}): AttentionData {
  if (!Array.isArray(list) || list.length === 0) {
    throw new AttentionDataError(
      'attentionData: components',
      'a non-empty list of components',
      describe(list),
    );
  }
  list.forEach((c, i) => {
    if (!components.has(c)) {
      throw new AttentionDataError(
        `attentionData: components[${i}]`,
        "a component from parseAttention or attnviz/core's derived-attention functions",
        describe(c),
      );
    }
  });
  return markData({ components: [...list], hints });
}
