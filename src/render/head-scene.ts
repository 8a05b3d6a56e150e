/**
 * What the head view draws, as scene parts: attention lines between the two token columns,
 * attention boxes beside the opposite column when a token is focused, and (for exports) the token
 * labels. Pure functions of the data and the layout.
 */
import { layerMax } from '../core/aggregate.js';
import { FILTER_LABELS, headMatrix, type AttentionFilter } from '../core/filters.js';
import { rowCenter, type HeadLayout } from './head-layout.js';
import type { AttentionComponent } from '../core/types.js';
import { focusAlpha, restAlpha, restThreshold } from './line-alpha.js';
import { LineList, MIN_VISIBLE_ALPHA } from './raster.js';
import type { Rgb } from '../core/palette.js';
import type { DisplayToken } from '../core/tokens.js';
import type { Scene, SceneRect, SceneText } from './scene.js';
import type { TokenSide } from '../core/types.js';

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
  /** Multiplier bringing weights into [0, 1] (1 for attention; 1 / largest for rollout or scores). */
  readonly weightScale: number;
}

/** The lines' source for a layer and heads: weights scaled by the layer's largest when not attention. */
export function lineSource(
  component: AttentionComponent,
  layerIndex: number,
  heads: readonly number[],
  layout: HeadLayout,
): LineSource {
  const weightScale = component.normalized
    ? 1
    : 1 / Math.max(layerMax(component, layerIndex), Number.MIN_VALUE);
  return { component, layerIndex, heads, layout, top: 0, weightScale };
}

/** True when the causal mask hides key `k` from query `q` (positions in the full input). */
function masked(c: AttentionComponent, q: number, k: number): boolean {
  return c.causal && c.keyStart + k > c.queryStart + q;
}

/** Widest step between the lines of two heads that meet at one row, in CSS pixels. */
const MAX_FAN_STEP = 3;
/** Share of a row's height the lines of all heads meeting there may spread over. */
const FAN_SHARE = 0.6;

/**
 * Vertical offset of the lines of the `slot`-th of `heads` active heads: where the lines of
 * several heads join the same two tokens, they fan out across the row instead of lying on top of
 * each other, so that each shows its head's colour rather than a mixture.
 */
export function fanOffset(slot: number, heads: number, rowHeight: number): number {
  if (heads < 2) return 0;
  const step = Math.min(MAX_FAN_STEP, (rowHeight * FAN_SHARE) / (heads - 1));
  return (slot - (heads - 1) / 2) * step;
}

/** Opacity from which a line at rest is drawn over the fainter ones (after them). */
export const STRONG_ALPHA = 0.2;

/**
 * Every visible line of the active heads, at rest: opacity `restAlpha(weight, heads)`. Not fanned
 * out: where heads agree, their lines add up to one stronger line, which is what reads at a
 * glance. Line colours are palette indices by the model's head number, so that a head keeps its
 * colour in every view and subset. The lines at `STRONG_ALPHA` and above come last, so that they are drawn
 * over the haze of faint ones rather than tinted by it. Lines fainter than `MIN_VISIBLE_ALPHA`
 * are left out: they change no pixel of an 8-bit display.
 *
 * With a `band` (content y from `top` to `bottom`), only lines that cross it: a query row below
 * the band can only reach it through keys above its bottom, and one above through keys below its
 * top, so a long input needs a small part of its weights read.
 */
export function allLines(
  src: LineSource,
  out = new LineList(),
  band?: { readonly top: number; readonly bottom: number },
): LineList {
  out.clear();
  const { component: c, layout, heads } = src;
  const [, , Q, K] = c.shape;
  const scale = src.weightScale;
  const threshold = restThreshold(heads.length) / scale;
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
  // One pass over the weights: faint lines go straight to `out`, strong ones to a list appended
  // after them (cheaper than sorting the lines, and each weight is read once).
  const strong = strongLines;
  strong.clear();
  for (const h of heads) {
    const m = headMatrix(c, src.layerIndex, h);
    const color = c.heads[h]!;
    for (let q = 0; q < Q; q++) {
      const y0 = yq[q]!;
      // Keys the causal mask leaves visible to this query, narrowed to those whose line crosses the band.
      let end = c.causal ? Math.max(0, Math.min(K, c.queryStart + q - c.keyStart + 1)) : K;
      let start = 0;
      if (y0 < top) start = kTop;
      else if (y0 > bottom) end = Math.min(end, kBottom);
      rowLines(out, strong, m, q * K, start, end, threshold, scale, heads.length, x0, y0, x1, yk, color);
    }
  }
  out.append(strong);
  return out;
}

/** The strong lines of `allLines`, kept between calls to avoid garbage. */
const strongLines = new LineList();

/**
 * The rest lines of one query row, keys `[start, end)`. A function of its own, called once per
 * row: V8 optimises it whole after a few rows, where loops nested in `allLines` (called once per
 * picture) ran mostly unoptimised.
 */
function rowLines(
  faint: LineList,
  strong: LineList,
  m: Float32Array,
  row: number,
  start: number,
  end: number,
  threshold: number,
  scale: number,
  heads: number,
  x0: number,
  y0: number,
  x1: number,
  yk: Float32Array,
  color: number,
): void {
  for (let k = start; k < end; k++) {
    const w = m[row + k]!;
    if (w < threshold) continue;
    const a = restAlpha(w * scale, heads);
    (a >= STRONG_ALPHA ? strong : faint).push(x0, y0, x1, yk[k]!, a, color);
  }
}

/**
 * The lines of one focused token, for every active head: opacity `focusAlpha` of the weight,
 * divided by the active heads when `opacity` is `shared` (bertviz); fanned out by head
 * (`fanOffset`), so that each line shows its head's colour.
 */
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
  heads.forEach((h, slot) => {
    const m = headMatrix(c, src.layerIndex, h);
    const color = c.heads[h]!;
    const top = src.top + fanOffset(slot, heads.length, layout.rowHeight);
    if (side === 'query') {
      const y0 = rowCenter(layout, index) + top;
      for (let k = 0; k < K; k++) {
        const a = focusAlpha(m[index * K + k]! * scale);
        if (a < MIN_VISIBLE_ALPHA || masked(c, index, k)) continue;
        out.push(x0, y0, x1, rowCenter(layout, k) + top, a, color);
      }
    } else {
      const y1 = rowCenter(layout, index) + top;
      for (let q = 0; q < Q; q++) {
        const a = focusAlpha(m[q * K + index]! * scale);
        if (a < MIN_VISIBLE_ALPHA || masked(c, q, index)) continue;
        out.push(x0, rowCenter(layout, q) + top, x1, y1, a, color);
      }
    }
  });
  return out;
}

/** Narrowest a head's box may be: more heads than fit in a row at this width wrap onto more lines. */
export const MIN_BOX_WIDTH = 4;
/** Space between the box band's edges and its boxes, so that boxes touch neither labels nor lines. */
const BOX_INSET = 2;

/** How `heads` boxes are laid out in one row of a band `width` wide: columns × lines. */
export function boxGrid(heads: number, width: number): { readonly columns: number; readonly rows: number } {
  const room = Math.max(1, Math.floor((width - 2 * BOX_INSET) / MIN_BOX_WIDTH));
  const columns = Math.max(1, Math.min(heads, room));
  return { columns, rows: Math.ceil(heads / columns) };
}

/**
 * Attention boxes of a focused token: on each token of the other column, one box per active head
 * with opacity = weight (bertviz), in the box band between that column and the lines (never under
 * a label), side by side, wrapping onto more lines within the row when the heads are many. Only
 * rows in `[rowFrom, rowTo)`.
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
  const x = (side === 'query' ? layout.rightBoxX : layout.leftBoxX) + BOX_INSET;
  const { columns, rows } = boxGrid(heads.length, layout.boxWidth);
  const width = (layout.boxWidth - 2 * BOX_INSET) / columns;
  const height = (layout.rowHeight - 2) / rows;
  const rects: SceneRect[] = [];
  if (width <= 0) return rects;
  const from = Math.max(0, rowFrom);
  const to = Math.min(count, rowTo);
  heads.forEach((h, slot) => {
    const m = headMatrix(c, src.layerIndex, h);
    const bx = x + (slot % columns) * width;
    const by = src.top + layout.padding + 1 + Math.floor(slot / columns) * height;
    for (let j = from; j < to; j++) {
      const q = side === 'query' ? index : j;
      const k = side === 'query' ? j : index;
      const w = masked(c, q, k) ? 0 : m[q * K + k]! * src.weightScale;
      if (w <= 0) continue;
      rects.push({
        x: bx,
        y: by + j * layout.rowHeight,
        width,
        height,
        color: colors[c.heads[h]!]!,
        opacity: w,
      });
    }
  });
  return rects;
}

/**
 * What to say when the active heads have no weight above 0 in the layer (e.g. a sentence-pair
 * filter that leaves a head nothing): short lines, e.g. ["No attention in Sentence A → Sentence
 * B", "for head 3", "at layer 0"]; empty when there is attention to draw.
 */
export function noAttentionNote(
  c: AttentionComponent,
  layerIndex: number,
  heads: readonly number[],
  filter: AttentionFilter,
): string[] {
  if (heads.some((h) => headMatrix(c, layerIndex, h).some((w) => w > 0))) return [];
  const numbers = heads.map((h) => c.heads[h]);
  return [
    filter === 'all' ? 'No attention' : `No attention in ${FILTER_LABELS[filter]}`,
    `for head${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')}`,
    `at layer ${c.layers[layerIndex]}`,
  ];
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

/** What an exported picture of the head view shows, besides the data. */
export interface HeadSceneOptions {
  /** The lines' source, with `top` = the height of the title band. */
  readonly src: LineSource;
  /** The focused token, whose lines and boxes are shown, or null for every line at rest. */
  readonly focus: { readonly side: TokenSide; readonly index: number } | null;
  readonly lineOpacity: LineOpacity;
  /** Tokens of the query and the key column. */
  readonly left: readonly DisplayToken[];
  readonly right: readonly DisplayToken[];
  readonly title: string;
  /** A note shown in the band of lines, one short line each (e.g. that there is no attention to draw). */
  readonly note: readonly string[];
  readonly palette: readonly Rgb[];
  readonly paletteCss: readonly string[];
  readonly background: string;
  readonly foreground: string;
  readonly font: string;
  readonly lineWidth: number;
}

/** A token's label as the screen shows it: a WordPiece continuation with its `##`. */
const label = (t: DisplayToken) => (t.kind === 'continuation' ? `##${t.text}` : t.text);

/** The whole head view as a scene (every token, not only those in view), for PNG and SVG export. */
export function headScene(o: HeadSceneOptions): Scene {
  const { src, focus } = o;
  const layout = src.layout;
  const top = src.top;
  const lines = focus ? focusLines(src, focus.side, focus.index, o.lineOpacity) : allLines(src);
  const rects = focus
    ? focusBoxes(src, focus.side, focus.index, o.paletteCss, 0, Number.MAX_SAFE_INTEGER)
    : [];
  const text = (x: number, y: number, t: string, anchor: SceneText['anchor'], maxWidth?: number) => ({
    x,
    y,
    text: t,
    anchor,
    color: o.foreground,
    font: o.font,
    ...(maxWidth === undefined ? {} : { maxWidth }),
  });
  const texts: SceneText[] = [
    text(4, top / 2, o.title, 'start'),
    ...labelTexts(layout, o.left.map(label), o.right.map(label), top, o.foreground, o.font),
  ];
  const middle = (layout.linesX0 + layout.linesX1) / 2;
  o.note.forEach((line, i) =>
    texts.push(
      text(middle, top + (i + 1) * layout.rowHeight, line, 'middle', layout.linesX1 - layout.linesX0),
    ),
  );
  return {
    width: layout.width,
    height: layout.height + top,
    background: o.background,
    rects,
    texts,
    lines,
    palette: o.palette,
    lineWidth: o.lineWidth,
    linesX0: layout.linesX0,
    linesX1: layout.linesX1,
  };
}
