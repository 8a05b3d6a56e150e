/**
 * The neuron view's scrolling rows, as a controller: the scroll position, the rows in view (a
 * long input renders and paints only those, plus a margin of rows for smooth scrolling), and
 * scrolling a row into view below the sticky header band.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { visibleRows } from '../../render/head-layout.js';
import type { NeuronLayout } from '../../render/neuron-layout.js';
import { ResizeController } from '../shared/resize-controller.js';

/** Rows rendered beyond those in view, so that a short scroll needs no new render. */
const OVERSCAN_ROWS = 6;

export class RowScroller implements ReactiveController {
  /** Scroll position of the rows, in CSS pixels. */
  top = 0;
  /** Rows rendered by the last render, `[first, last)`. */
  rendered: readonly [number, number] = [0, 0];
  private readonly size: ResizeController;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    private readonly viewport: () => HTMLElement | null,
    /** Tallest the viewport grows (the theme's `--attn-max-height`), before it is measured. */
    private readonly maxHeight: () => number,
    /** Repaints the canvas for a scroll that needs no new render. */
    private readonly repaint: () => void,
    private readonly update: () => void,
  ) {
    host.addController(this);
    this.size = new ResizeController(host, viewport);
  }

  hostConnected(): void {}

  /** Height of the rows in view (the viewport less the header band), in CSS pixels. */
  height(layout: NeuronLayout): number {
    const h = this.size.height;
    const visible = (h > 0 ? h : this.maxHeight()) - layout.headerHeight;
    return Math.max(1, Math.min(layout.height, visible));
  }

  /** Rows to render for `count` rows: those in view and a margin; remembered for `scrolled`. */
  rows(layout: NeuronLayout, count: number): readonly [number, number] {
    const [from, to] = visibleRows(layout.tokens, this.top, this.top + this.height(layout), count);
    this.rendered = [Math.max(0, from - OVERSCAN_ROWS), to + OVERSCAN_ROWS];
    return this.rendered;
  }

  /** Rows a PageUp / PageDown moves. */
  page(layout: NeuronLayout): number {
    return Math.max(1, Math.floor(this.height(layout) / layout.tokens.rowHeight) - 1);
  }

  /** Scrolls row `index` into view, if it is not. */
  reveal(layout: NeuronLayout, index: number): void {
    const viewport = this.viewport();
    if (!viewport) return;
    const t = layout.tokens;
    const top = t.padding + index * t.rowHeight;
    const bottom = top + t.rowHeight;
    const visible = viewport.clientHeight - layout.headerHeight;
    if (top < viewport.scrollTop) viewport.scrollTop = top - t.padding;
    else if (bottom > viewport.scrollTop + visible) viewport.scrollTop = bottom - visible + t.padding;
  }

  /** After a scroll: a new render when rows came into view that were not rendered, else a repaint. */
  scrolled(e: Event, layout: NeuronLayout | undefined, count: number): void {
    this.top = (e.currentTarget as HTMLElement).scrollTop;
    if (!layout) return;
    const [first, last] = visibleRows(layout.tokens, this.top, this.top + this.height(layout), count);
    const [from, to] = this.rendered;
    if (first < from || last > Math.min(count, to)) this.update();
    else this.repaint();
  }
}
