/**
 * The model view's arrangement of heads by a per-head summary: each layer's heads sorted by it,
 * and the heads a threshold picks out. Pure functions of the summary values (`layer * heads +
 * head`, as core/summaries.ts lays them out).
 */

/** Order of heads within each layer row. */
export type SortOrder = 'none' | 'descending' | 'ascending';

export const SORT_ORDERS: readonly SortOrder[] = ['none', 'descending', 'ascending'];

/**
 * Per layer, head indices in display order: model order without `values` or with `none`, else
 * sorted by value (NaN last, ties in model order).
 */
export function headOrder(
  rows: number,
  columns: number,
  values: Float64Array | undefined,
  sort: SortOrder,
): number[][] {
  const natural = Array.from({ length: columns }, (_, h) => h);
  const sign = sort === 'descending' ? -1 : 1;
  return Array.from({ length: rows }, (_, l) => {
    if (!values || sort === 'none') return natural;
    return [...natural].sort((a, b) => {
      const va = values[l * columns + a]!;
      const vb = values[l * columns + b]!;
      if (Number.isNaN(va) || Number.isNaN(vb)) {
        return Number.isNaN(va) ? (Number.isNaN(vb) ? a - b : 1) : -1;
      }
      return sign * (va - vb) || a - b;
    });
  });
}

/**
 * Indices of the heads whose value is at least `above` and at most `below` (either may be
 * absent), or undefined when neither is given. NaN values never qualify.
 */
export function highlightSet(
  values: Float64Array,
  above: number | undefined,
  below: number | undefined,
): Set<number> | undefined {
  if (above === undefined && below === undefined) return undefined;
  const hits = new Set<number>();
  values.forEach((v, i) => {
    if ((above === undefined || v >= above) && (below === undefined || v <= below)) hits.add(i);
  });
  return hits;
}
