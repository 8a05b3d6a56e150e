/**
 * Test harness for <attn-model-view>: mounts a view on a fixture and reads what a user sees
 * (cells, labels, badges, tooltip, detail, toolbar) and what the canvas shows, so that tests
 * speak in user terms.
 */
import { fixture, html } from '@open-wc/testing';
import '../../src/components/model-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';

export interface MountOptions {
  readonly width?: number;
  readonly attrs?: Record<string, string>;
}

export const frame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));

export async function mountModelView(data: unknown, options: MountOptions = {}): Promise<ModelViewHarness> {
  const wrapper = await fixture<HTMLElement>(
    html`<div style="width: ${options.width ?? 600}px"><attn-model-view></attn-model-view></div>`,
  );
  const el = wrapper.querySelector('attn-model-view')!;
  for (const [k, v] of Object.entries(options.attrs ?? {})) el.setAttribute(k, v);
  el.data = data as AttnModelView['data'];
  await el.updateComplete;
  // The first update measures the host; let the resize observer settle.
  await frame();
  await el.updateComplete;
  await el.drawComplete;
  return new ModelViewHarness(el);
}

export class ModelViewHarness {
  constructor(readonly el: AttnModelView) {}

  get root(): ShadowRoot {
    return this.el.shadowRoot!;
  }

  async settle(): Promise<void> {
    await this.el.updateComplete;
    await this.el.drawComplete;
  }

  cells(): HTMLElement[] {
    return [...this.root.querySelectorAll<HTMLElement>('[role="gridcell"]')];
  }

  cell(row: number, col: number): HTMLElement {
    const c = this.root.querySelector<HTMLElement>(`#cell-${row}-${col}`);
    if (!c) throw new Error(`cell ${row}, ${col} is not rendered`);
    return c;
  }

  texts(selector: string): string[] {
    return [...this.root.querySelectorAll(selector)].map((n) => n.textContent!.trim());
  }

  rowLabels(): string[] {
    return this.texts('[role="rowheader"]');
  }

  columnLabels(): string[] {
    return this.texts('.col-label');
  }

  status(): string {
    return this.root.querySelector('.status')!.textContent!;
  }

  /** The error box's message, or null. */
  error(): string | null {
    return this.root.querySelector('[part="error"] .error-message')?.textContent ?? null;
  }

  part<T extends HTMLElement = HTMLElement>(name: string): T | null {
    return this.root.querySelector<T>(`[part="${name}"]`);
  }

  select(part: string): HTMLSelectElement {
    return this.part<HTMLSelectElement>(part)!;
  }

  async choose(part: string, value: string): Promise<void> {
    const s = this.select(part);
    s.value = value;
    s.dispatchEvent(new Event('change', { bubbles: true }));
    await this.settle();
  }

  async hover(row: number, col: number): Promise<void> {
    this.cell(row, col).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.el.updateComplete;
  }

  async leave(): Promise<void> {
    this.root.querySelector('[role="grid"]')!.dispatchEvent(new PointerEvent('pointerleave'));
    await this.el.updateComplete;
  }

  async click(row: number, col: number): Promise<void> {
    this.cell(row, col).click();
    await this.el.updateComplete;
  }

  tooltip(): HTMLElement | null {
    return this.root.querySelector<HTMLElement>('#tooltip');
  }

  /** The tooltip's heading (`Layer 1 · head 2`), or null when none shows. */
  tooltipTitle(): string | null {
    return this.tooltip()?.querySelector('strong')?.textContent ?? null;
  }

  /** The tooltip's summary rows as `label value` texts. */
  tooltipRows(): string[] {
    return [...this.root.querySelectorAll('#tooltip tr')].map((tr) =>
      tr.textContent!.replace(/\s+/g, ' ').trim(),
    );
  }

  /** The detail panel's heading (`Layer 1, head 2`), or null when it is closed. */
  detailTitle(): string | null {
    return this.root.querySelector('#detail-title')?.textContent ?? null;
  }

  detail(): AttnHeadView | null {
    return this.root.querySelector<AttnHeadView>('.detail attn-head-view');
  }

  /** The number of rows the toolbar's controls take. */
  toolbarRows(): number {
    const items = [...this.part('toolbar')!.children].filter((c) => !c.classList.contains('spacer'));
    return new Set(items.map((c) => Math.round(c.getBoundingClientRect().top))).size;
  }

  canvas(): HTMLCanvasElement {
    return this.root.querySelector('canvas')!;
  }

  /** RGBA of the grid canvas at a point in CSS pixels relative to a cell's top-left corner. */
  cellPixel(row: number, col: number, x: number, y: number): number[] {
    const canvas = this.canvas();
    const box = canvas.getBoundingClientRect();
    const c = this.cell(row, col).getBoundingClientRect();
    const scale = canvas.width / box.width;
    const px = Math.floor((c.left - box.left + x) * scale);
    const py = Math.floor((c.top - box.top + y) * scale);
    // The canvas holds a transferred bitmap (no 2D context): copy the pixel out to read it.
    const copy = new OffscreenCanvas(1, 1).getContext('2d')!;
    copy.drawImage(canvas, px, py, 1, 1, 0, 0, 1, 1);
    return [...copy.getImageData(0, 0, 1, 1).data];
  }
}
