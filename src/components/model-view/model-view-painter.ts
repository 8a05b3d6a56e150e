/**
 * Paints the model view's grid of thumbnails on its canvas, a few at a time: thumbnails already
 * drawn are kept; missing ones are drawn in display order until the frame's time budget is spent,
 * so that 144 heads at 1,000 tokens never freeze the page. Each thumbnail is drawn whole, so the
 * picture does not depend on how the work was sliced.
 *
 * What to draw comes as two objects the view replaces when their inputs change: a `TileSource`
 * (new data, filter, subset, mode, size or colours: new thumbnails) and a `TilePlacement` (new
 * layout or head order: the same thumbnails placed anew). Nothing is keyed on strings.
 *
 * The picture goes on the canvas as an ImageBitmap handed over whole (a `bitmaprenderer`
 * context), not through a 2D context: Chromium copies a 2D canvas's pixels to the compositor
 * again on the first frame after any pause, ~3–4 ms for a 1,000-px grid each time anything on
 * the page changes after a pause (opening a head, hovering), while a transferred bitmap is
 * handed over once. The bitmap is made asynchronously; `presenting` is true until it is shown.
 */
import { largestDifference } from '../../core/derived/difference.js';
import type { Rgb } from '../../core/palette.js';
import type { AttentionComponent } from '../../core/types.js';
import { cellX, cellY, type GridLayout } from '../../render/grid-layout.js';
import {
  type Diverging,
  blitTile,
  headTile,
  TileScratch,
  type ThumbnailMode,
  type TileSpec,
} from '../../render/thumbnails.js';
import { giveBuffer, takeBuffer } from '../../render/buffers.js';
import type { ThemeController } from '../shared/theme-controller.js';

/**
 * Milliseconds of thumbnail drawing per frame: a 12 × 12 grid of 70-px thumbnails fits in one;
 * 144 thumbnails of 160 px take ~6 (about 250 ms in all), while the page stays responsive.
 */
const FRAME_BUDGET = 40;

/** What every thumbnail is drawn from. */
export interface TileSource {
  readonly component: AttentionComponent;
  readonly spec: TileSpec;
  /** Colour of each head index (the palette entry of the head's number). */
  readonly colors: readonly Rgb[];
}

/** Where the thumbnails of a source go on the canvas. */
export interface TilePlacement {
  readonly source: TileSource;
  readonly layout: GridLayout;
  /** Per layer row, head indices in display order. */
  readonly order: readonly (readonly number[])[];
  /** Device pixels per CSS pixel (the tiles' sizes already include it). */
  readonly dpr: number;
}

export class GridPainter {
  /** Thumbnails of the last placement painted that are still to draw. */
  pending = 0;
  /** True while the picture painted last is being turned into a bitmap for the canvas. */
  presenting = false;
  private source: TileSource | undefined;
  /** Finished thumbnails of `source`, by `layer index × heads + head index`, as bytes and words. */
  private readonly tiles = new Map<number, { bytes: Uint8ClampedArray; words: Uint32Array }>();
  /** The pixels of every thumbnail of `source`, one after the other (allocated once per source). */
  private tileBuffer: ArrayBuffer | undefined;
  private placement: TilePlacement | undefined;
  private image: ImageData | undefined;
  /** The pixels of `image` as words. */
  private words = new Uint32Array(0);
  /** Thumbnails already copied into `image` at their place. */
  private readonly placed = new Set<number>();
  private canvas: HTMLCanvasElement | undefined;
  private readonly scratch = new TileScratch();
  /** Counts pictures sent to the canvas: a bitmap made for an older one is dropped. */
  private presentation = 0;

  /** A head's thumbnail, drawn now if it is not yet (exports need every one). */
  tile(source: TileSource, layerIndex: number, headIndex: number): Uint8ClampedArray {
    return this.drawTile(source, layerIndex, headIndex).bytes;
  }

  /**
   * Draws what the time budget allows of `placement`'s missing thumbnails, places them, and puts
   * the picture on `canvas` (`presented` runs once it shows). Returns how many are still to draw
   * (call again in a later frame).
   */
  paint(canvas: HTMLCanvasElement, placement: TilePlacement, presented: () => void): number {
    const { source, layout: g, order, dpr } = placement;
    const [L, H] = source.component.shape;
    // The view derives placement and source together; a mismatch would draw heads that do not exist.
    if (order.length !== L || order.some((row) => row.length !== H)) {
      throw new Error(`model view: a head order of ${order.length} rows for ${L} layers × ${H} heads`);
    }
    this.use(source);
    const w = Math.ceil(g.width * dpr);
    const h = Math.ceil(g.height * dpr);
    let dirty = false;
    if (placement !== this.placement || !this.image) {
      if (this.image?.width === w && this.image.height === h) this.image.data.fill(0);
      else {
        this.giveImage();
        this.image = new ImageData(new Uint8ClampedArray(takeBuffer(w * h * 4), 0, w * h * 4), w, h);
        this.words = new Uint32Array(this.image.data.buffer, 0, w * h);
      }
      this.placement = placement;
      this.placed.clear();
      dirty = true;
    }
    if (canvas !== this.canvas || canvas.width !== w || canvas.height !== h) {
      // A new or resized canvas shows nothing yet: the whole picture goes on again.
      canvas.width = w;
      canvas.height = h;
      canvas.style.width = `${g.width}px`;
      canvas.style.height = `${g.height}px`;
      this.canvas = canvas;
      dirty = true;
    }
    const { width: tw, height: th } = source.spec;
    const start = performance.now();
    let pending = 0;
    for (let row = 0; row < L; row++) {
      for (let col = 0; col < H; col++) {
        const head = order[row]![col]!;
        const index = row * H + head;
        if (this.placed.has(index)) continue;
        if (!this.tiles.has(index) && performance.now() - start > FRAME_BUDGET) {
          pending++;
          continue;
        }
        const tile = this.drawTile(source, row, head).words;
        const x = Math.round(cellX(g, col) * dpr);
        const y = Math.round(cellY(g, row) * dpr);
        blitTile(this.words, w, tile, tw, th, x, y);
        this.placed.add(index);
        dirty = true;
      }
    }
    this.pending = pending;
    if (dirty) this.present(canvas, this.image, presented);
    return pending;
  }

  /** Puts a copy of `image` on `canvas`, unless another picture was sent meanwhile. */
  private present(canvas: HTMLCanvasElement, image: ImageData, presented: () => void): void {
    const id = ++this.presentation;
    this.presenting = true;
    const shown = (bitmap: ImageBitmap | undefined) => {
      if (id !== this.presentation) {
        bitmap?.close();
        return;
      }
      this.presenting = false;
      if (bitmap) canvas.getContext('bitmaprenderer')?.transferFromImageBitmap(bitmap);
      presented();
    };
    // Every pixel is opaque or (between cells) transparent black, the same premultiplied or not:
    // asking for no premultiplication spares a pass over the image (~2 instead of 6–10 ms).
    // A failure (e.g. out of memory) leaves the canvas as it was; drawComplete still resolves.
    createImageBitmap(image, { premultiplyAlpha: 'none' }).then(shown, () => shown(undefined));
  }

  /** A head's thumbnail, drawn and kept if it is not yet. */
  private drawTile(
    source: TileSource,
    layerIndex: number,
    headIndex: number,
  ): { bytes: Uint8ClampedArray; words: Uint32Array } {
    this.use(source);
    const index = layerIndex * source.component.shape[1] + headIndex;
    let tile = this.tiles.get(index);
    if (!tile) {
      const { component: c, colors, spec } = source;
      const [L, H] = c.shape;
      const size = spec.width * spec.height * 4;
      this.tileBuffer ??= takeBuffer(L * H * size);
      const out = new Uint8ClampedArray(this.tileBuffer, index * size, size);
      const bytes = headTile(c, layerIndex, headIndex, colors[headIndex]!, spec, this.scratch, out);
      tile = { bytes, words: new Uint32Array(bytes.buffer, bytes.byteOffset, size / 4) };
      this.tiles.set(index, tile);
    }
    return tile;
  }

  /** Forgets every thumbnail and the picture, and gives their buffers back (the view left the page). */
  release(): void {
    this.source = this.placement = this.canvas = undefined;
    this.tiles.clear();
    this.placed.clear();
    giveBuffer(this.tileBuffer);
    this.tileBuffer = undefined;
    this.giveImage();
  }

  /** Starts over with new thumbnails when the source changed. */
  private use(source: TileSource): void {
    if (source === this.source) return;
    this.source = source;
    this.tiles.clear();
    giveBuffer(this.tileBuffer);
    this.tileBuffer = undefined;
    this.placement = undefined;
  }

  /** Gives the picture's buffer back, unless a bitmap is still being made from it. */
  private giveImage(): void {
    if (!this.presenting) giveBuffer(this.image?.data.buffer);
    this.image = undefined;
    this.words = new Uint32Array(0);
  }
}

/** The thumbnails' source for a component at a layout's cell size, in the theme's colours. */
export function tileSource(
  c: AttentionComponent,
  mode: ThumbnailMode,
  g: GridLayout,
  dpr: number,
  t: ThemeController,
): TileSource {
  const palette = t.palette(Math.max(...c.heads) + 1);
  return {
    component: c,
    // A head keeps its palette colour (by its number) in every subset.
    colors: c.heads.map((h) => palette[h]!),
    spec: {
      // A difference is a heatmap in two colours: lines have one colour and no sign.
      mode: c.signed ? 'heatmap' : mode,
      diverging: c.signed ? diverging(c, t) : undefined,
      width: Math.max(1, Math.round(g.cellWidth * dpr)),
      height: Math.max(1, Math.round(g.cellHeight * dpr)),
      // One line per two CSS pixels of height at most: denser lines would not read apart.
      lineBins: Math.ceil(g.cellHeight / 2),
      background: t.background,
      masked: t.mix(t.color('--attn-border', [0.3, 0.3, 0.3]), 0.45),
    },
  };
}

/** A difference's colours (A more: the highlight colour; B more: the accent) and scale. */
function diverging(c: AttentionComponent, t: ThemeController): Diverging {
  const max = largestDifference(c);
  return {
    positive: t.color('--attn-highlight', [0.74, 0.3, 0]),
    negative: t.color('--attn-accent', [0.03, 0.34, 0.76]),
    scale: 1 / Math.max(max, Number.MIN_VALUE),
  };
}
