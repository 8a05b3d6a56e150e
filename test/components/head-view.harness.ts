/**
 * Test harness for <attn-head-view>: mounts a view on a fixture and reads what a user sees (token
 * labels, swatches, readout) and what the canvas shows (pixels), so tests speak in user terms.
 */
import { fixture, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../../src/components/head-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import type { TokenSide } from '../../src/components/shared/events.js';

export interface MountOptions {
  readonly width?: number;
  readonly attrs?: Record<string, string>;
}

export async function mountHeadView(data: unknown, options: MountOptions = {}): Promise<HeadViewHarness> {
  const el = await fixture<AttnHeadView>(
    html`<div style="width: ${options.width ?? 600}px"><attn-head-view></attn-head-view></div>`,
  ).then((wrapper) => wrapper.querySelector('attn-head-view')!);
  for (const [k, v] of Object.entries(options.attrs ?? {})) el.setAttribute(k, v);
  el.data = data as AttnHeadView['data'];
  await el.updateComplete;
  // The first update measures the host; let the resize observer settle.
  await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  await el.updateComplete;
  return new HeadViewHarness(el);
}

export class HeadViewHarness {
  constructor(readonly el: AttnHeadView) {}

  get root(): ShadowRoot {
    return this.el.shadowRoot!;
  }

  column(side: TokenSide): HTMLElement {
    return this.root.querySelector<HTMLElement>(`.column.${side}`)!;
  }

  token(side: TokenSide, index: number): HTMLElement {
    const t = this.root.querySelector<HTMLElement>(`#${side}-${index}`);
    if (!t) throw new Error(`token ${side} ${index} is not rendered`);
    return t;
  }

  tokenTexts(side: TokenSide): string[] {
    return [...this.column(side).querySelectorAll<HTMLElement>('[role="option"]')]
      .sort((a, b) => Number(a.dataset['index']) - Number(b.dataset['index']))
      .map((t) => t.textContent!.trim());
  }

  swatches(): HTMLButtonElement[] {
    return [...this.root.querySelectorAll<HTMLButtonElement>('.swatch')];
  }

  swatch(head: number): HTMLButtonElement {
    return this.root.querySelector<HTMLButtonElement>(`.swatch[data-head="${head}"]`)!;
  }

  activeHeads(): number[] {
    return this.swatches()
      .filter((s) => s.getAttribute('aria-pressed') === 'true')
      .map((s) => Number(s.dataset['head']));
  }

  layerSelect(): HTMLSelectElement {
    return this.root.querySelector<HTMLSelectElement>('select[part="layer-select"]')!;
  }

  filterSelect(): HTMLSelectElement | null {
    return this.root.querySelector<HTMLSelectElement>('select[part="filter-select"]');
  }

  async choose(select: HTMLSelectElement, value: string): Promise<void> {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await this.el.updateComplete;
  }

  async hover(side: TokenSide, index: number): Promise<void> {
    this.token(side, index).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.el.updateComplete;
  }

  async leave(side: TokenSide): Promise<void> {
    this.column(side).dispatchEvent(new PointerEvent('pointerleave'));
    await this.el.updateComplete;
  }

  async clickToken(side: TokenSide, index: number): Promise<void> {
    this.token(side, index).click();
    await this.el.updateComplete;
  }

  /** A real mouse click (pointer events, focus, click) in the middle of a token. */
  async mouseClickToken(side: TokenSide, index: number): Promise<void> {
    const r = this.token(side, index).getBoundingClientRect();
    const position: [number, number] = [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
    await sendMouse({ type: 'move', position });
    await sendMouse({ type: 'click', position });
    await this.el.updateComplete;
  }

  async clickSwatch(head: number): Promise<void> {
    this.swatch(head).click();
    await this.el.updateComplete;
  }

  async doubleClickSwatch(head: number): Promise<void> {
    // A real double click delivers two clicks, then dblclick.
    this.swatch(head).click();
    this.swatch(head).click();
    this.swatch(head).dispatchEvent(new MouseEvent('dblclick', { bubbles: true, composed: true }));
    await this.el.updateComplete;
  }

  readout(): HTMLElement {
    return this.root.querySelector<HTMLElement>('[part="readout"]')!;
  }

  /** Readout body rows as text cells (the empty cells kept for heads with fewer weights left out). */
  readoutRows(): string[][] {
    return [...this.readout().querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')]
        .map((c) => c.textContent!.replace(/\s+/g, ' ').trim())
        .filter((text) => text !== ''),
    );
  }

  /** The error box's message (without its heading), or null. */
  error(): string | null {
    return this.root.querySelector('[part="error"] .error-message')?.textContent?.trim() ?? null;
  }

  /** The "no data" message, or null. */
  empty(): string | null {
    return this.root.querySelector('[part="empty"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? null;
  }

  /** The note over the lines (e.g. no attention to draw), or null. */
  note(): string | null {
    return this.root.querySelector('[part="note"]')?.textContent?.trim() ?? null;
  }

  canvas(): HTMLCanvasElement {
    return this.root.querySelector('canvas')!;
  }

  /** RGBA of the canvas at a point given in CSS pixels relative to the canvas. */
  pixel(x: number, y: number): [number, number, number, number] {
    const c = this.canvas();
    const scale = c.width / c.getBoundingClientRect().width;
    const d = c.getContext('2d')!.getImageData(Math.floor(x * scale), Math.floor(y * scale), 1, 1).data;
    return [d[0]!, d[1]!, d[2]!, d[3]!];
  }

  /** Centre of a token row relative to the canvas, and the x just inside each end of the lines. */
  geometry(side: TokenSide, index: number): { y: number; lineStartX: number; lineEndX: number } {
    const canvasBox = this.canvas().getBoundingClientRect();
    const t = this.token(side, index).getBoundingClientRect();
    const lines = this.root.querySelector('.lines')!.getBoundingClientRect();
    return {
      y: t.top + t.height / 2 - canvasBox.top,
      lineStartX: lines.left - canvasBox.left + 2,
      lineEndX: lines.right - canvasBox.left - 2,
    };
  }

  /** Canvas pixels (RGBA rows) inside a rectangle given in client coordinates (none where the canvas does not reach). */
  pixelsIn(rect: DOMRect): Uint8ClampedArray {
    const c = this.canvas();
    const box = c.getBoundingClientRect();
    const scale = c.width / box.width;
    const x = Math.max(0, Math.floor((rect.left - box.left) * scale));
    const y = Math.max(0, Math.floor((rect.top - box.top) * scale));
    const w = Math.min(c.width, Math.ceil((rect.right - box.left) * scale)) - x;
    const h = Math.min(c.height, Math.ceil((rect.bottom - box.top) * scale)) - y;
    if (w <= 0 || h <= 0) return new Uint8ClampedArray(0);
    return c.getContext('2d')!.getImageData(x, y, w, h).data;
  }

  /**
   * The band where a focused token's boxes go, beside a column (between it and the lines), in
   * client coordinates, at the height of a row of that column.
   */
  boxBand(side: TokenSide, index: number): DOMRect {
    const lines = this.root.querySelector('.lines')!.getBoundingClientRect();
    const row = this.token(side, index).getBoundingClientRect();
    const left = side === 'key' ? lines.right : this.column('query').getBoundingClientRect().right;
    const right = side === 'key' ? this.column('key').getBoundingClientRect().left : lines.left;
    return new DOMRect(left, row.top, right - left, row.height);
  }

  /**
   * The most opaque pixel in a row's height at `x`: the lines of several heads meeting at a row
   * fan out across it, and a thin line's centre may fall between pixels.
   */
  linePixel(x: number, y: number): [number, number, number, number] {
    let best = this.pixel(x, y);
    for (let dy = -9; dy <= 9; dy++) {
      const p = this.pixel(x, y + dy);
      if (p[3] > best[3]) best = p;
    }
    return best;
  }

  /** Alpha of the most opaque line just right of a query row (lines start there). */
  alphaAtQuery(index: number): number {
    const g = this.geometry('query', index);
    return this.linePixel(g.lineStartX, g.y)[3];
  }

  /** Alpha of the most opaque line just left of a key row (lines end there). */
  alphaAtKey(index: number): number {
    const g = this.geometry('key', index);
    return this.linePixel(g.lineEndX, g.y)[3];
  }
}
