/**
 * Test harness for <attn-neuron-view>: mounts a view on a fixture and reads what a user sees
 * (readout, titles, token rows, notes, errors, canvas pixels), and points at cells and tokens the
 * way a user does: synthetic pointer events for hovering, the real mouse (`sendMouse`) for presses.
 */
import { fixture, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../../src/components/neuron-view/define.js';
import type { AttnNeuronView } from '../../src/components/neuron-view/neuron-view.js';
import type { TokenSide } from '../../src/components/shared/events.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

export async function mountNeuronView(
  data: unknown,
  attrs: Record<string, string> = {},
  width = 900,
): Promise<NeuronViewHarness> {
  const wrapper = await fixture<HTMLElement>(
    html`<div style="width: ${width}px"><attn-neuron-view></attn-neuron-view></div>`,
  );
  const el = wrapper.querySelector('attn-neuron-view')!;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.data = data as AttnNeuronView['data'];
  await el.updateComplete;
  // The first update measures the host; let the resize observers settle.
  await frame();
  await el.updateComplete;
  return new NeuronViewHarness(el);
}

/** Columns of cells, left to right, as the header titles them. */
export const COLUMNS = { k: 0, qk: 1, dot: 2, softmax: 3, norm: 4, v: 5 } as const;
export type Column = keyof typeof COLUMNS;

export class NeuronViewHarness {
  /** `dims`: dimensions of the data's vectors (a vector column's title spans its `dims` cells). */
  constructor(
    readonly el: AttnNeuronView,
    readonly dims = 4,
  ) {}

  get root(): ShadowRoot {
    return this.el.shadowRoot!;
  }

  part(name: string): HTMLElement | null {
    return this.root.querySelector<HTMLElement>(`[part="${name}"]`);
  }

  /** Text of a part with whitespace collapsed, or null when it is absent. */
  text(name: string): string | null {
    return this.part(name)?.textContent!.replace(/\s+/g, ' ').trim() ?? null;
  }

  readout(): string {
    return this.text('readout')!;
  }

  /** The error box's message (without its heading), or null. */
  error(): string | null {
    return this.root.querySelector('[part="error"] .error-message')?.textContent ?? null;
  }

  titles(): string[] {
    return [...this.root.querySelectorAll('.header .title')].map((t) => t.textContent!.trim());
  }

  column(side: TokenSide): HTMLElement {
    return this.root.querySelector<HTMLElement>(`.column.${side}`)!;
  }

  token(side: TokenSide, index: number): HTMLElement {
    return this.root.querySelector<HTMLElement>(`#${side}-${index}`)!;
  }

  async hoverToken(side: TokenSide, index: number): Promise<void> {
    this.token(side, index).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await this.el.updateComplete;
  }

  async leave(side: TokenSide): Promise<void> {
    this.column(side).dispatchEvent(new PointerEvent('pointerleave'));
    await this.el.updateComplete;
  }

  async choose(part: string, value: string): Promise<void> {
    const select = this.part(part) as HTMLSelectElement;
    select.value = value;
    select.dispatchEvent(new Event('change'));
    await this.el.updateComplete;
  }

  /** Centre of a cell in viewport coordinates: key row `row` (or the header row), a column, a display slot. */
  cellPoint(row: number | 'header', column: Column, slot = 0): { x: number; y: number } {
    const title = this.root.querySelectorAll<HTMLElement>('.header .title')[2 + COLUMNS[column]]!;
    const box = title.getBoundingClientRect();
    const vector = column === 'k' || column === 'qk' || column === 'v';
    const cell = vector ? box.width / this.dims : box.width;
    const x = box.left + cell * (slot + 0.5);
    if (row === 'header') {
      const band = this.root.querySelector('.header-cells')!.getBoundingClientRect();
      return { x, y: band.top + 5 };
    }
    const rows = this.root.querySelector('.matrix')!.getBoundingClientRect();
    return { x, y: rows.top + 4 + 22 * (row + 0.5) };
  }

  /** Moves the pointer over a cell (synthetic events, as hovering needs no press). */
  async hoverCell(row: number | 'header', column: Column, slot = 0): Promise<void> {
    const { x, y } = this.cellPoint(row, column, slot);
    const target = this.root.querySelector(row === 'header' ? '.header-cells' : '.matrix')!;
    target.dispatchEvent(
      new PointerEvent('pointermove', { bubbles: true, composed: true, clientX: x, clientY: y }),
    );
    await this.el.updateComplete;
  }

  /** Clicks a cell with the real mouse: press, focus, release, click, as a user does. */
  async clickCell(row: number, column: Column, slot = 0): Promise<void> {
    const { x, y } = this.cellPoint(row, column, slot);
    await this.mouseClick(x, y);
  }

  /** Clicks a token with the real mouse. */
  async clickToken(side: TokenSide, index: number): Promise<void> {
    const box = this.token(side, index).getBoundingClientRect();
    await this.mouseClick(box.left + box.width / 2, box.top + box.height / 2);
  }

  /** Moves the real mouse off the rows (onto the toolbar), as a user leaving the view. */
  async mouseAway(): Promise<void> {
    const box = this.part('toolbar')!.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.right - 4), Math.round(box.top + 4)] });
    await this.el.updateComplete;
  }

  /** RGBA of a canvas at a point in viewport coordinates. */
  pixel(canvas: 'body' | 'header', x: number, y: number): [number, number, number, number] {
    const c = this.root.querySelector<HTMLCanvasElement>(`.${canvas}-canvas`)!;
    const box = c.getBoundingClientRect();
    const scale = c.width / box.width;
    const d = c
      .getContext('2d')!
      .getImageData(Math.floor((x - box.left) * scale), Math.floor((y - box.top) * scale), 1, 1).data;
    return [d[0]!, d[1]!, d[2]!, d[3]!];
  }

  private async mouseClick(x: number, y: number): Promise<void> {
    await sendMouse({ type: 'click', position: [Math.round(x), Math.round(y)] });
    await this.el.updateComplete;
  }
}
