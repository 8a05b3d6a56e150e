/**
 * What the head view draws, as scene parts: attention lines between the two token columns,
 * attention boxes over the opposite column when a token is focused, and (for exports) the token
 * labels. Pure functions of the data and the layout.
 */
import { headMatrix } from '../../core/filters.js';
import { rowCenter, type HeadLayout } from '../../core/layout.js';
import type { AttentionComponent } from '../../core/types.js';
import { LineList, MIN_VISIBLE_ALPHA } from '../shared/raster.js';
import type { SceneRect, SceneText } from '../shared/scene.js';
import type { TokenSide } from '../shared/events.js';

/** How hovered lines are weighted: bertviz divides by the number of active heads; Tensor2Tensor did not. */
export type LineOpacity = 'shared' | 'full';

export interface LineSource {
  readonly component: AttentionComponent;
  readonly layerIndex: number;
  /** Head indices (not numbers) that are active, in model order. */
  readonly heads: readonly number[];
  readonly layout: HeadLayout;
  /** Offset added to every y (a header band in exports). */
  readonly top: number;
  /** Multiplier turning a weight into an opacity before division by active heads. */
  readonly weightScale: number;
}

/** True when the causal mask hides key `k` from query `q` (positions in the full input). */
function masked(c: AttentionComponent, q: number, k: number): boolean {
  return c.causal && c.keyStart + k > c.queryStart + q;
}

/**
 * Line colours are palette indices by the model's head number, so a head keeps its colour in
 * every view and subset.
 *
 * Every visible line of the active heads: opacity = weight / active heads (bertviz). Lines fainter
 * than `MIN_VISIBLE_ALPHA` are left out: they change no pixel of an 8-bit display. With a `band`
 * (content y from `top` to `bottom`), only lines that cross it: a query row below the band can
 * only reach it through keys above its bottom, and one above through keys below its top, so a
 * long input needs a small part of its weights read.
 */
export function allLines(
  src: LineSource,
  out = new LineList(),
  band?: { readonly top: number; readonly bottom: number },
): LineList {
  out.clear();
  const { component: c, layout, heads } = src;
  const [, , Q, K] = c.shape;
  const scale = src.weightScale / heads.length;
  const threshold = MIN_VISIBLE_ALPHA / scale;
  const x0 = layout.linesX0;
  const x1 = layout.linesX1;
  const yq = rowYs(layout, Q, src.top);
  const yk = rowYs(layout, K, src.top);
  // A line is as thick as the widest line width we draw; a margin of a row keeps its edge in.
  const top = band ? band.top - layout.rowHeight : -Infinity;
  const bottom = band ? band.bottom + layout.rowHeight : Infinity;
  let kTop = 0;
  while (kTop < K && yk[kTop]! < top) kTop++;
  let kBottom = K;
  while (kBottom > 0 && yk[kBottom - 1]! > bottom) kBottom--;
  for (const h of heads) {
    const m = headMatrix(c, src.layerIndex, h);
    const color = c.heads[h]!;
    for (let q = 0; q < Q; q++) {
      const row = q * K;
      const y0 = yq[q]!;
      // Keys the causal mask leaves visible to this query, narrowed to those whose line crosses the band.
      let end = c.causal ? Math.max(0, Math.min(K, c.queryStart + q - c.keyStart + 1)) : K;
      let start = 0;
      if (y0 < top) start = kTop;
      else if (y0 > bottom) end = Math.min(end, kBottom);
      for (let k = start; k < end; k++) {
        const w = m[row + k]!;
        if (w >= threshold) out.push(x0, y0, x1, yk[k]!, w * scale, color);
      }
    }
  }
  return out;
}

/** The lines of one focused token, for every active head. */
export function focusLines(
  src: LineSource,
  side: TokenSide,
  index: number,
  opacity: LineOpacity,
  out = new LineList(),
): LineList {
  out.clear();
  const { component: c, layout, heads } = src;
  const [, , Q, K] = c.shape;
  const scale = opacity === 'shared' ? src.weightScale / heads.length : src.weightScale;
  const x0 = layout.linesX0;
  const x1 = layout.linesX1;
  for (const h of heads) {
    const m = headMatrix(c, src.layerIndex, h);
    const color = c.heads[h]!;
    if (side === 'query') {
      const y0 = rowCenter(layout, index) + src.top;
      for (let k = 0; k < K; k++) {
        const a = m[index * K + k]! * scale;
        if (a < MIN_VISIBLE_ALPHA || masked(c, index, k)) continue;
        out.push(x0, y0, x1, rowCenter(layout, k) + src.top, a, color);
      }
    } else {
      const y1 = rowCenter(layout, index) + src.top;
      for (let q = 0; q < Q; q++) {
        const a = m[q * K + index]! * scale;
        if (a < MIN_VISIBLE_ALPHA || masked(c, q, index)) continue;
        out.push(x0, rowCenter(layout, q) + src.top, x1, y1, a, color);
      }
    }
  }
  return out;
}

/**
 * Attention boxes over the opposite column: one box per active head on each token, side by
 * side across the column, opacity = weight (bertviz). Only rows in `[rowFrom, rowTo)`.
 */
export function focusBoxes(
  src: LineSource,
  side: TokenSide,
  index: number,
  colors: readonly string[],
  rowFrom: number,
  rowTo: number,
): SceneRect[] {
  const { component: c, layout, heads } = src;
  const [, , Q, K] = c.shape;
  const count = side === 'query' ? K : Q;
  const x = side === 'query' ? layout.rightX : layout.leftX;
  const width = layout.tokenWidth / heads.length;
  const rects: SceneRect[] = [];
  const from = Math.max(0, rowFrom);
  const to = Math.min(count, rowTo);
  heads.forEach((h, slot) => {
    const m = headMatrix(c, src.layerIndex, h);
    for (let j = from; j < to; j++) {
      const q = side === 'query' ? index : j;
      const k = side === 'query' ? j : index;
      const w = masked(c, q, k) ? 0 : m[q * K + k]! * src.weightScale;
      if (w <= 0) continue;
      rects.push({
        x: x + slot * width,
        y: src.top + layout.padding + j * layout.rowHeight,
        width,
        height: layout.rowHeight,
        color: colors[c.heads[h]!]!,
        opacity: w,
      });
    }
  });
  return rects;
}

/** Token labels for an export, as the screen shows them. */
export function labelTexts(
  layout: HeadLayout,
  left: readonly string[],
  right: readonly string[],
  top: number,
  color: string,
  font: string,
): SceneText[] {
  const pad = 6;
  const texts: SceneText[] = [];
  left.forEach((text, i) =>
    texts.push({
      x: layout.leftX + layout.tokenWidth - pad,
      y: rowCenter(layout, i) + top,
      text,
      anchor: 'end',
      color,
      font,
      maxWidth: layout.tokenWidth - 2 * pad,
    }),
  );
  right.forEach((text, i) =>
    texts.push({
      x: layout.rightX + pad,
      y: rowCenter(layout, i) + top,
      text,
      anchor: 'start',
      color,
      font,
      maxWidth: layout.tokenWidth - 2 * pad,
    }),
  );
  return texts;
}

function rowYs(layout: HeadLayout, count: number, top: number): Float32Array {
  const ys = new Float32Array(count);
  for (let i = 0; i < count; i++) ys[i] = rowCenter(layout, i) + top;
  return ys;
}
