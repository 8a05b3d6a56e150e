/**
 * The neuron view as a scene, for its PNG and SVG exports: a title line, the column titles, the
 * q and Σα·v vectors, every key row (token labels, the lines from the query, the vector cells as
 * pictures, and the q·k, softmax and ‖α·v‖ cells with their numbers as text), the selected
 * query's and the highlighted neuron's marks. Each softmax cell carries a title with the key, its
 * q·k and its weight in full, so that a reader of the SVG can copy the numbers.
 */
import { toHex, type Rgb } from '../core/palette.js';
import type { DisplayToken } from '../core/tokens.js';
import type { AttentionComponent } from '../core/types.js';
import { focusLines, labelTexts } from './head-scene.js';
import { cellTop, type NeuronColumnId, type NeuronLayout } from './neuron-layout.js';
import {
  isHidden,
  paintCells,
  paintHeaderCells,
  scalarValue,
  type CellColors,
  type NeuronCells,
} from './neuron-cells.js';
import { packed, packedImage, unpack, type PackedImage } from './pixels.js';
import type { LineList } from './raster.js';
import type { Scene, SceneImage, SceneRect, SceneText } from './scene.js';

/** The theme as the neuron view draws with it. */
export interface NeuronStyle {
  readonly colors: CellColors & {
    readonly foreground: Rgb;
    readonly muted: Rgb;
    readonly pinned: Rgb;
    readonly accent: Rgb;
    readonly highlight: Rgb;
    /** Special tokens' labels ([CLS], <s>). */
    readonly special: Rgb;
  };
  /** Line colours by head number. */
  readonly palette: readonly Rgb[];
  readonly lineWidth: number;
  readonly font: string;
  /** Font of the column titles, and of the numbers. */
  readonly smallFont: string;
  readonly numberFont: string;
}

/** What the neuron view shows: one query's computation in one head, laid out and styled. */
export interface NeuronShown {
  readonly layout: NeuronLayout;
  readonly cells: NeuronCells;
  /** The component shown, its layer and head (indices), and the query shown (index in it). */
  readonly component: AttentionComponent;
  readonly layerIndex: number;
  readonly headIndex: number;
  readonly query: number;
  /** The outlined dimension, or null. */
  readonly neuron: number | null;
  readonly style: NeuronStyle;
}

/** The words of an export. */
export interface NeuronSceneText {
  /** The tokens of the query and key columns. */
  readonly queryTokens: readonly DisplayToken[];
  readonly keyTokens: readonly DisplayToken[];
  /** The title line (layer, head, query). */
  readonly title: string;
  /** Column titles as the view shows them, by column. */
  readonly columnTitles: Readonly<Record<NeuronColumnId, string>>;
  /** The description of shown key `key`'s row (its token, q·k and softmax weight). */
  readonly rowTitle: (key: number) => string;
  /** Black or white text, whichever reads on a cell of this colour. */
  readonly ink: (cell: Rgb) => string;
}

/** The lines from the query shown to every key, as the head view draws them. */
export function neuronLines(s: NeuronShown, top: number, out?: LineList): LineList {
  const src = {
    component: s.component,
    layerIndex: s.layerIndex,
    heads: [s.headIndex],
    layout: s.layout.tokens,
    top,
    weightScale: 1,
  };
  return focusLines(src, 'query', s.query, 'full', out);
}

/** Height of the title line above the view. */
export const TITLE_HEIGHT = 24;
/** Most pixels a cell picture takes at twice the resolution; larger ones are drawn at 1×. */
const SHARP_PIXELS = 4_000_000;
const OUTLINE = 1.5;

export function neuronScene(o: NeuronShown, w: NeuronSceneText): Scene {
  const { layout, cells } = o;
  const { colors, font, smallFont, numberFont } = o.style;
  const t = layout.tokens;
  const headerTop = TITLE_HEIGHT;
  const bodyTop = TITLE_HEIGHT + layout.headerHeight;
  const fg = toHex(colors.foreground);
  const muted = toHex(colors.muted);
  const text = (x: number, y: number, s: string, anchor: SceneText['anchor'], color = fg, f = font) =>
    ({ x, y, text: s, anchor, color, font: f }) satisfies SceneText;

  const titleY = headerTop + layout.headerRowTop / 2;
  const headerRowY = headerTop + layout.headerRowTop + layout.cellHeight / 2;
  const texts: SceneText[] = [
    text(4, TITLE_HEIGHT / 2, w.title, 'start'),
    { ...text(t.leftX + t.tokenWidth - 6, titleY, 'Query', 'end', muted, smallFont), maxWidth: t.tokenWidth },
    { ...text(t.rightX + 6, titleY, 'Key', 'start', muted, smallFont), maxWidth: t.tokenWidth },
    ...layout.columns.map((c) => ({
      ...text(c.x, titleY, w.columnTitles[c.id], 'start', muted, smallFont),
      maxWidth: c.width,
    })),
    text(layout.columns[0]!.x - 3, headerRowY, 'q', 'end', fg, numberFont),
    ...tokenTexts(o, w, bodyTop),
  ];
  const v = layout.columns.find((c) => c.id === 'v');
  if (v && cells.values) texts.push(text(v.x - 3, headerRowY, 'Σα·v', 'end', fg, numberFont));

  // The selected query's row, as the query column marks it.
  const rects: SceneRect[] = [
    {
      x: t.leftX,
      y: bodyTop + t.padding + o.query * t.rowHeight,
      width: t.tokenWidth,
      height: t.rowHeight,
      color: toHex(colors.pinned),
      opacity: 1,
    },
  ];
  const hiddenColor = toHex(colors.hidden);
  for (let key = 0; key < cells.keyCount; key++) {
    const hidden = isHidden(cells, key);
    const y = bodyTop + cellTop(layout, key);
    for (const c of layout.columns) {
      if (c.vector) continue;
      const value = scalarValue(cells, c.id, key);
      const cell = unpack(packed(value, c.id === 'softmax' ? 1 : cells.scales[c.id], colors));
      const title = c.id === 'softmax' ? { title: w.rowTitle(key) } : {};
      const color = hidden ? hiddenColor : toHex(cell);
      rects.push({ x: c.x, y, width: c.width, height: layout.cellHeight, color, opacity: 1, ...title });
      if (hidden) continue;
      const x = c.x + c.width - 4;
      texts.push(text(x, y + layout.cellHeight / 2, value.toFixed(3), 'end', w.ink(cell), numberFont));
    }
  }
  if (o.neuron !== null) rects.push(...neuronOutline(o, headerTop, bodyTop));
  return {
    width: layout.width,
    height: bodyTop + layout.height,
    background: toHex(colors.background),
    rects,
    texts,
    images: cellImages(o, headerTop, bodyTop),
    lines: neuronLines(o, bodyTop),
    palette: o.style.palette,
    lineWidth: o.style.lineWidth,
    linesX0: t.linesX0,
    linesX1: t.linesX1,
  };
}

/** Token labels as the columns colour them: special tokens apart, keys the causal mask hides muted. */
function tokenTexts(o: NeuronShown, w: NeuronSceneText, bodyTop: number): SceneText[] {
  const { colors, font } = o.style;
  const [fg, muted, special] = [colors.foreground, colors.muted, colors.special].map(toHex);
  const tokens = [...w.queryTokens, ...w.keyTokens];
  const Q = w.queryTokens.length;
  // As the columns write them: a WordPiece continuation with its `##`.
  const [left, right] = [w.queryTokens, w.keyTokens].map((ts) =>
    ts.map((t) => `${t.kind === 'continuation' ? '##' : ''}${t.text}`),
  );
  return labelTexts(o.layout.tokens, left!, right!, bodyTop, fg!, font).map((label, i) => {
    if (i >= Q && isHidden(o.cells, i - Q)) return { ...label, color: muted! };
    return tokens[i]!.kind === 'special' ? { ...label, color: special!, font: `bold ${font}` } : label;
  });
}

/** The vector cells as two pictures: the header row's q and Σα·v, and every key row's k, q×k and v. */
function cellImages(o: NeuronShown, headerTop: number, bodyTop: number): SceneImage[] {
  const { layout, cells } = o;
  const { colors } = o.style;
  const x0 = layout.columns[0]!.x;
  const width = layout.width - x0;
  const scale = width * layout.height * 4 <= SHARP_PIXELS ? 2 : 1;
  const body = packedImage(width * scale, layout.height * scale);
  paintCells(body, layout, cells, colors, 0, cells.keyCount, { x0, y0: 0, scale }, false);
  const header = packedImage(width * scale, layout.cellHeight * scale);
  paintHeaderCells(header, layout, cells, colors, { x0, y0: layout.headerRowTop, scale });
  const image = (y: number, p: PackedImage): SceneImage => ({
    x: x0,
    y,
    width: p.width / scale,
    height: p.height / scale,
    pixels: p.pixels,
    pixelWidth: p.width,
    pixelHeight: p.height,
  });
  return [image(headerTop + layout.headerRowTop, header), image(bodyTop, body)];
}

/** The highlighted neuron's outline: four thin rectangles around each of its columns of cells. */
function neuronOutline(o: NeuronShown, headerTop: number, bodyTop: number): SceneRect[] {
  const { layout, cells } = o;
  const slot = cells.order.indexOf(o.neuron!);
  if (slot < 0) return [];
  const boxes: { x: number; y: number; width: number; height: number }[] = [];
  const top = bodyTop + cellTop(layout, 0);
  const bottom = bodyTop + cellTop(layout, Math.max(0, cells.keyCount - 1)) + layout.cellHeight;
  for (const c of layout.columns) {
    if (!c.vector) continue;
    const x = c.x + slot * layout.cell;
    boxes.push({ x, y: top, width: layout.cell, height: bottom - top });
    if (c.id === 'k' || (c.id === 'v' && cells.values)) {
      boxes.push({ x, y: headerTop + layout.headerRowTop, width: layout.cell, height: layout.cellHeight });
    }
  }
  const color = toHex(o.style.colors.highlight);
  const w = OUTLINE;
  return boxes.flatMap((b) =>
    [
      { x: b.x - w, y: b.y - w, width: b.width + 2 * w, height: w },
      { x: b.x - w, y: b.y + b.height, width: b.width + 2 * w, height: w },
      { x: b.x - w, y: b.y, width: w, height: b.height },
      { x: b.x + b.width, y: b.y, width: w, height: b.height },
    ].map((r) => ({ ...r, color, opacity: 1 })),
  );
}
