/**
 * Resolving a view's layer and head attributes against the data: defaults, hints from the input
 * (bertviz's `layer` / `heads`), and precise errors for numbers the data does not have.
 */
import { AttentionDataError, describe } from '../../core/errors.js';
import { rangeText } from '../../core/filters.js';
import type { AttentionComponent, DisplayHints } from '../../core/types.js';
import { numberList, received } from './attributes.js';

/** Index of the layer to show: the attribute, else the hint, else the first layer. */
export function resolveLayer(
  host: Element,
  c: AttentionComponent,
  layer: number | undefined | null,
  hints: DisplayHints,
  field = 'layer',
): number {
  const wanted = layer ?? hints.layer;
  if (wanted === undefined || wanted === null) return 0;
  const index = c.layers.indexOf(wanted);
  if (index < 0 || !Number.isInteger(wanted)) {
    // From the attribute (NaN is not equal to itself, so ask whether the attribute was the source).
    const got = layer !== undefined && layer !== null ? received(host, field, wanted) : describe(wanted);
    throw new AttentionDataError(field, `one of the layers ${rangeText(c.layers)}`, got);
  }
  return index;
}

/** Index of one head: the attribute, else the hint's first head, else the first head. */
export function resolveHead(
  host: Element,
  c: AttentionComponent,
  head: number | undefined | null,
  hints: DisplayHints,
  field = 'head',
): number {
  const wanted = head ?? hints.heads?.[0];
  if (wanted === undefined || wanted === null) return 0;
  const index = c.heads.indexOf(wanted);
  if (index < 0 || !Number.isInteger(wanted)) {
    const got = head !== undefined && head !== null ? received(host, field, wanted) : describe(wanted);
    throw new AttentionDataError(field, `one of the heads ${rangeText(c.heads)}`, got);
  }
  return index;
}

/** Indices of the active heads: the attribute, else the hint, else all. */
export function resolveHeads(
  host: Element,
  c: AttentionComponent,
  heads: readonly number[] | undefined | null,
  hints: DisplayHints,
  field = 'heads',
): number[] {
  const wanted = numberList(host, field, heads, 'head numbers') ?? hints.heads;
  if (wanted === undefined || wanted === null) return c.heads.map((_, i) => i);
  if (wanted.length === 0) throw new AttentionDataError(field, 'at least one head', 'an empty list');
  const indices = wanted.map((h, i) => {
    const index = c.heads.indexOf(h);
    if (index < 0 || !Number.isInteger(h)) {
      throw new AttentionDataError(`${field}[${i}]`, `one of the heads ${rangeText(c.heads)}`, describe(h));
    }
    return index;
  });
  return [...new Set(indices)].sort((a, b) => a - b);
}
