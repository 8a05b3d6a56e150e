/**
 * The model view as a scene, for export: a title line, the layer and head labels, each
 * thumbnail as a picture carrying its layer, head and summaries as text (an SVG `<title>`), the
 * summary badges, and the outlines of the opened and highlighted heads. Pure: the view hands over
 * the thumbnails' pixels and its colours.
 */
import type { Rgb } from '../core/palette.js';
import { cellX, cellY, type GridLayout } from './grid-layout.js';
import { LineList } from './raster.js';
import type { Scene, SceneImage, SceneRect, SceneText } from './scene.js';

export interface GridSceneCell {
  readonly row: number;
  readonly col: number;
  readonly pixels: Uint8ClampedArray;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  /** What a reader copies from the SVG: `Layer 1, head 2: entropy 1.23 bits, …`. */
  readonly title: string;
  /** The summary value shown in the bottom-right corner. */
  readonly badge?: string | undefined;
  /** The head's number in the top-left corner (when heads are sorted). */
  readonly headBadge?: string | undefined;
  /** A word across the cell, e.g. "no weights". */
  readonly note?: string | undefined;
  readonly selected: boolean;
  readonly hit: boolean;
  readonly dim: boolean;
}

/** CSS colours of the theme. */
export interface GridSceneColors {
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly accent: string;
  readonly highlight: string;
}

export interface GridSceneInput {
  readonly layout: GridLayout;
  readonly title: string;
  readonly corner: string;
  readonly rowLabels: readonly string[];
  readonly columnLabels: readonly string[];
  readonly cells: readonly GridSceneCell[];
  readonly colors: GridSceneColors;
  readonly fontFamily: string;
  readonly monoFontFamily: string;
}

/** Margin around the grid, and the height of the title line above it. */
export const GRID_SCENE_MARGIN = 8;
export const GRID_SCENE_TITLE_HEIGHT = 24;
/** Opacity of the background laid over cells a highlight leaves out (the screen's `dim`). */
const DIM_OPACITY = 0.72;
/** Size of the row and column labels, in CSS pixels (the model view's `.row-label` and `.col-label`). */
export const GRID_LABEL_SIZE = 11;
const BADGE_SIZE = 10;
/** Width of a monospace digit at the badge size, in ems. */
const MONO_ADVANCE = 0.6;

export function gridScene(input: GridSceneInput): Scene {
  const g = input.layout;
  const { colors } = input;
  const x0 = GRID_SCENE_MARGIN;
  const y0 = GRID_SCENE_TITLE_HEIGHT;
  const images: SceneImage[] = [];
  const rects: SceneRect[] = [];
  const texts: SceneText[] = [
    {
      x: x0,
      y: GRID_SCENE_TITLE_HEIGHT / 2,
      text: input.title,
      anchor: 'start',
      color: colors.foreground,
      font: `bold 13px ${input.fontFamily}`,
    },
  ];
  const label = (x: number, y: number, text: string, anchor: SceneText['anchor'], maxWidth: number) =>
    texts.push({
      x,
      y,
      text,
      anchor,
      color: colors.muted,
      font: `${GRID_LABEL_SIZE}px ${input.fontFamily}`,
      maxWidth,
    });
  const rowLabelWidth = g.x0 - g.gap;
  const labelY = y0 + g.y0 - g.gap - GRID_LABEL_SIZE / 2 - 2;
  label(x0 + rowLabelWidth - 6, labelY, input.corner, 'end', rowLabelWidth - 6);
  input.columnLabels.forEach((text, c) =>
    label(x0 + cellX(g, c) + g.cellWidth / 2, labelY, text, 'middle', g.cellWidth),
  );
  input.rowLabels.forEach((text, r) =>
    label(x0 + rowLabelWidth - 6, y0 + cellY(g, r) + g.cellHeight / 2, text, 'end', rowLabelWidth - 6),
  );
  const badge = (x: number, y: number, text: string, anchor: 'start' | 'end', color: string) => {
    const width = text.length * BADGE_SIZE * MONO_ADVANCE + 6;
    const left = anchor === 'end' ? x - width : x;
    rects.push({ x: left, y, width, height: 14, color: colors.background, opacity: 0.8 });
    texts.push({
      x: left + 3,
      y: y + 7,
      text,
      anchor: 'start',
      color,
      font: `${BADGE_SIZE}px ${input.monoFontFamily}`,
    });
  };
  for (const cell of input.cells) {
    const x = x0 + cellX(g, cell.col);
    const y = y0 + cellY(g, cell.row);
    const box = { x, y, width: g.cellWidth, height: g.cellHeight };
    images.push({
      ...box,
      pixels: cell.pixels,
      pixelWidth: cell.pixelWidth,
      pixelHeight: cell.pixelHeight,
      title: cell.title,
    });
    if (cell.dim) rects.push({ ...box, color: colors.background, opacity: DIM_OPACITY });
    if (cell.hit) rects.push(...ring(box, 0, 2, colors.highlight));
    if (cell.selected) rects.push(...ring(box, 2, 2, colors.accent));
    if (cell.note) {
      texts.push({
        x: x + g.cellWidth / 2,
        y: y + g.cellHeight / 2,
        text: cell.note,
        anchor: 'middle',
        color: colors.muted,
        font: `${GRID_LABEL_SIZE}px ${input.fontFamily}`,
        maxWidth: g.cellWidth - 4,
      });
    }
    if (cell.headBadge) badge(x + 1, y + 1, cell.headBadge, 'start', colors.muted);
    if (cell.badge) badge(x + g.cellWidth - 1, y + g.cellHeight - 15, cell.badge, 'end', colors.foreground);
  }
  return {
    width: g.width + 2 * GRID_SCENE_MARGIN,
    height: y0 + g.height + GRID_SCENE_MARGIN,
    background: colors.background,
    rects,
    texts,
    images,
    lines: new LineList(),
    palette: [] as Rgb[],
    lineWidth: 1,
    linesX0: 0,
    linesX1: 0,
  };
}

/** An outline `thickness` wide, `offset` outside a box, as four rectangles. */
export function ring(
  b: { readonly x: number; readonly y: number; readonly width: number; readonly height: number },
  offset: number,
  thickness: number,
  color: string,
): SceneRect[] {
  const o = offset + thickness;
  const x = b.x - o;
  const y = b.y - o;
  const w = b.width + 2 * o;
  const h = b.height + 2 * o;
  return [
    { x, y, width: w, height: thickness, color, opacity: 1 },
    { x, y: y + h - thickness, width: w, height: thickness, color, opacity: 1 },
    { x, y: y + thickness, width: thickness, height: h - 2 * thickness, color, opacity: 1 },
    {
      x: x + w - thickness,
      y: y + thickness,
      width: thickness,
      height: h - 2 * thickness,
      color,
      opacity: 1,
    },
  ];
}
