/**
 * The head view's scrolling rows, as a controller: the scroll position, the visible height
 * (measured, or assumed before the first layout), the rows to render (those in view and a margin)
 * and scrolling a row into view. The view updates only when the measured height differs from the
 * one it showed: before its first layout it assumes the tallest the viewport may grow, which is
 * what a long input gets.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { scrollToRow, visibleRows, type HeadLayout } from '../../render/head-layout.js';
import { ResizeController } from '../shared/resize-controller.js';

/** Rows rendered beyond the visible ones, so that scrolling a little needs no re-render. */
const OVERSCAN_ROWS = 6;

export interface HeadRowsOptions {
  readonly viewport: () => HTMLElement | null;
  /** The layout shown, if any. */
  readonly layout: () => HeadLayout | undefined;
  /** Tallest the viewport grows (the theme's `--attn-max-height`), before it is measured. */
  readonly maxHeight: () => number;
  /** Repaints the canvas for a scroll that needs no new render. */
  readonly repaint: () => void;
}

export class HeadRows implements ReactiveController {
  /** Scroll position of the rows, in CSS pixels. */
  scroll = 0;
  /** Rows rendered by the last render, `[first, last)`, and the visible height they were for. */
  private rendered: readonly [number, number] = [0, 0];
  private shown = 0;
  private readonly size: ResizeController;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly o: HeadRowsOptions,
  ) {
    host.addController(this);
    this.size = new ResizeController(host, o.viewport, (_, height) => {
      const layout = o.layout();
      return !!layout && this.height(layout, height) !== this.shown;
    });
  }

  hostConnected(): void {}

  /** Tallest the visible band may grow (the theme's `--attn-max-height`). */
  get maxHeight(): number {
    return this.o.maxHeight();
  }

  /** Height of the visible band: measured, or before the first layout the tallest it may grow. */
  height(layout: HeadLayout, measured: number = this.size.height): number {
    return Math.max(1, Math.min(layout.height, measured > 0 ? measured : this.o.maxHeight()));
  }

  /** Rows to render of `count`: those in view and a margin; remembered, with the height, for later. */
  rows(layout: HeadLayout, count: number): readonly [number, number] {
    this.shown = this.height(layout);
    this.rendered = this.window(layout, count);
    return this.rendered;
  }

  /** Rows a PageUp / PageDown moves. */
  page(layout: HeadLayout): number {
    return Math.max(1, Math.floor(this.height(layout) / layout.rowHeight) - 1);
  }

  /** Scrolls row `index` into view, if it is not. */
  reveal(layout: HeadLayout, index: number): void {
    const v = this.o.viewport();
    if (v) v.scrollTop = scrollToRow(layout, index, v.scrollTop, v.clientHeight);
  }

  /** After a scroll: a new render when rows came into view that were not rendered; a repaint always. */
  scrolled(e: Event, count: number): void {
    this.scroll = (e.currentTarget as HTMLElement).scrollTop;
    const layout = this.o.layout();
    if (!layout) return;
    const [first, last] = this.window(layout, count);
    const [from, to] = this.rendered;
    if (first < from || last > to) this.host.requestUpdate();
    this.o.repaint();
  }

  private window(layout: HeadLayout, count: number): [number, number] {
    const [first, last] = visibleRows(layout, this.scroll, this.scroll + this.height(layout), count);
    return [Math.max(0, first - OVERSCAN_ROWS), Math.min(count, last + OVERSCAN_ROWS)];
  }
}
