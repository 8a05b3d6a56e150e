/**
 * The neuron view's canvas drawing: the header band (q and Σα·v), and for the rows in view the
 * attention lines from the query, the vector and scalar cells with their numbers, the outline of
 * the highlighted neuron and the cell cursor. Takes what the view derived; owns only its buffers.
 */
import { toHex } from '../../core/palette.js';
import { visibleRows } from '../../render/head-layout.js';
import { paintCells, paintHeaderCells } from '../../render/neuron-cells.js';
import { cellBox, cellTop, type NeuronCell } from '../../render/neuron-layout.js';
import { neuronLines, type NeuronShown } from '../../render/neuron-scene.js';
import { packedImage, type PackedImage } from '../../render/pixels.js';
import { LineList } from '../../render/raster.js';
import { LinesRaster } from '../../render/scene.js';
import { inkOn } from '../shared/colors.js';
import { prepareCanvas } from '../shared/controls.js';

/** Where the view stands: the rows scrolled into view, the cursor's cell, the screen's density. */
export interface PaintView {
  /** Scroll position of the rows, and the height of the rows in view (CSS pixels). */
  readonly scroll: number;
  readonly height: number;
  /** The cell outlined as under the pointer or the keyboard cursor. */
  readonly cursor: NeuronCell | null;
  readonly dpr: number;
}

/** A packed image and the `ImageData` over the same bytes, kept between frames. */
interface Buffer {
  readonly image: PackedImage;
  readonly data: ImageData;
}

export class NeuronPainter {
  private readonly lineList = new LineList();
  private readonly raster = new LinesRaster();
  private draws = 0;
  private readonly buffers = new Map<'cells' | 'header', Buffer>();

  /** Forgets the picture of lines (their colours changed). */
  reset(): void {
    this.raster.reset();
  }

  /** The header band: the q and Σα·v cells and their labels. */
  paintHeader(canvas: HTMLCanvasElement, s: NeuronShown, view: PaintView): void {
    const { layout } = s;
    const ctx = prepareCanvas(canvas, layout.width, layout.headerHeight, view.dpr);
    if (!ctx) return;
    const { image, data } = this.buffer('header', canvas.width, canvas.height);
    paintHeaderCells(image, layout, s.cells, s.style.colors, { x0: 0, y0: 0, scale: view.dpr });
    ctx.putImageData(data, 0, 0);
    ctx.save();
    ctx.scale(view.dpr, view.dpr);
    ctx.font = s.style.numberFont;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.fillStyle = toHex(s.style.colors.foreground);
    const y = layout.headerRowTop + layout.cellHeight / 2;
    ctx.fillText('q', layout.columns[0]!.x - 3, y);
    const v = layout.columns.find((c) => c.id === 'v');
    if (v && s.cells.values) ctx.fillText('Σα·v', v.x - 3, y);
    this.outline(ctx, s, view, 'header');
    ctx.restore();
  }

  /** The rows in view: lines from the query to every key, then the cells of each key row. */
  paintBody(canvas: HTMLCanvasElement, s: NeuronShown, view: PaintView): void {
    const { layout } = s;
    const { dpr, scroll, height } = view;
    const ctx = prepareCanvas(canvas, layout.width, height, dpr);
    if (!ctx) return;
    const band = {
      lines: neuronLines(s, 0, this.lineList),
      palette: s.style.palette,
      lineWidth: s.style.lineWidth,
      linesX0: layout.tokens.linesX0,
      linesX1: layout.tokens.linesX1,
    };
    const lines = this.raster.draw(++this.draws, band, scroll, height, dpr);
    ctx.putImageData(lines, Math.round(layout.tokens.linesX0 * dpr), 0);
    const x0 = layout.columns[0]!.x;
    const { image, data } = this.buffer('cells', Math.ceil((layout.width - x0) * dpr), canvas.height);
    const [from, to] = visibleRows(layout.tokens, scroll, scroll + height, s.cells.keyCount);
    const frame = { x0, y0: scroll, scale: dpr };
    const numbers = paintCells(image, layout, s.cells, s.style.colors, from, to, frame, true);
    ctx.putImageData(data, Math.round(x0 * dpr), 0);
    ctx.save();
    ctx.scale(dpr, dpr);
    ctx.font = s.style.numberFont;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const n of numbers) {
      ctx.fillStyle = inkOn(n.cell);
      ctx.fillText(n.text, n.x + x0, n.y);
    }
    this.outline(ctx, s, view, { from, to });
    ctx.restore();
  }

  /** Outlines the highlighted neuron's cells and the cursor's cell, in the header or the rows. */
  private outline(
    ctx: CanvasRenderingContext2D,
    s: NeuronShown,
    view: PaintView,
    rows: 'header' | { from: number; to: number },
  ): void {
    const { layout, cells } = s;
    const header = rows === 'header';
    const top = (row: number | 'header') => cellTop(layout, row) - (header ? 0 : view.scroll);
    ctx.lineWidth = 1.5;
    if (s.neuron !== null && cells.order.includes(s.neuron)) {
      ctx.strokeStyle = toHex(s.style.colors.highlight);
      const y0 = header ? top('header') : top(rows.from);
      const y1 = header ? y0 + layout.cellHeight : top(rows.to - 1) + layout.cellHeight;
      for (const col of layout.columns) {
        if (!col.vector || (header && (col.id === 'qk' || (col.id === 'v' && !cells.values)))) continue;
        const { x, width } = cellBox(layout, cells.order, col, s.neuron);
        if (y1 > y0) ctx.strokeRect(x - 0.75, y0 - 0.75, width + 1.5, y1 - y0 + 1.5);
      }
    }
    const cell = view.cursor;
    if (!cell || (cell.row === 'header') !== header) return;
    const col = layout.columns.find((c) => c.id === cell.column);
    if (!col) return;
    const { x, width } = cellBox(layout, cells.order, col, cell.dim);
    ctx.strokeStyle = toHex(s.style.colors.accent);
    ctx.strokeRect(x - 1, top(cell.row) - 1, width + 2, layout.cellHeight + 2);
  }

  /** A cleared image of this size, reused between frames (allocating megabytes per frame costs). */
  private buffer(name: 'cells' | 'header', width: number, height: number): Buffer {
    const [w, h] = [Math.max(1, width), Math.max(1, height)];
    let b = this.buffers.get(name);
    if (!b || b.image.width !== w || b.image.height !== h) {
      const image = packedImage(w, h);
      b = { image, data: new ImageData(image.pixels, w, h) };
      this.buffers.set(name, b);
    } else {
      b.image.words.fill(0);
    }
    return b;
  }
}
