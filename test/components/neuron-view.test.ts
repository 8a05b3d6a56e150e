import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/neuron-view/define.js';
import type { AttnNeuronView } from '../../src/components/neuron-view/neuron-view.js';
import type { AttnNeuronChangeDetail, AttnTokenFocusDetail } from '../../src/components/shared/events.js';
import { formatExact } from '../../src/core/format.js';
import { parseColor } from '../../src/core/palette.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

const TOKENS = ['[CLS]', 'a', 'b'];
/** Head 0 of a 1-layer, 2-head model, d = 4 (scale 1/√4 = 0.5): every product is exact. */
const Q0 = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [1, 1, 0, 0],
];
const K0 = [
  [2, 0, 0, 0],
  [0, 2, 0, 0],
  [0, 0, 2, -2],
];
/** Head 1: queries that prefer the third key. */
const Q1 = [
  [0, 0, 1, 0],
  [0, 0, 2, 0],
  [0, 0, 0, -1],
];
const K1 = K0;
/** Value vectors (3-4-5 triangles, so that norms are exact). */
const V = [
  [3, 4, 0, 0],
  [0, 0, 3, 4],
  [6, 8, 0, 0],
];

function softmaxRows(q: number[][], k: number[][], causal = false): number[][] {
  return q.map((qv, t) => {
    const dots = k.map((kv, s) =>
      causal && s > t ? -Infinity : 0.5 * qv.reduce((a, x, i) => a + x * kv[i]!, 0),
    );
    const max = Math.max(...dots);
    const e = dots.map((d) => Math.exp(d - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / sum);
  });
}

function dataset(options: { causal?: boolean; swap?: boolean; values?: boolean; pair?: boolean } = {}) {
  const a0 = softmaxRows(Q0, K0, options.causal);
  const a1 = softmaxRows(Q1, K1, options.causal);
  return {
    tokens: TOKENS,
    attention: [options.swap ? [a1, a0] : [a0, a1]],
    queries: [[Q0, Q1]],
    keys: [[K0, K1]],
    ...(options.values === false ? {} : { values: [[V, V]] }),
    ...(options.causal ? { causal: true } : {}),
    ...(options.pair ? { sentenceBStart: 2 } : {}),
  };
}

async function mount(data: unknown, attrs: Record<string, string> = {}): Promise<AttnNeuronView> {
  const wrapper = await fixture<HTMLElement>(
    html`<div style="width: 900px"><attn-neuron-view></attn-neuron-view></div>`,
  );
  const el = wrapper.querySelector('attn-neuron-view')!;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.data = data as AttnNeuronView['data'];
  await el.updateComplete;
  await frame();
  await el.updateComplete;
  return el;
}

const root = (el: AttnNeuronView) => el.shadowRoot!;
const readout = (el: AttnNeuronView) =>
  root(el).querySelector('[part="readout"]')!.textContent!.replace(/\s+/g, ' ').trim();
const option = (el: AttnNeuronView, side: 'query' | 'key', i: number) =>
  root(el).querySelector<HTMLElement>(`#${side}-${i}`)!;

/** Hovers the matrix cell of key row `row`, in column `column`, at display slot `slot`. */
async function hoverCell(el: AttnNeuronView, row: number, column: number, slot: number): Promise<void> {
  const matrix = root(el).querySelector<HTMLElement>('.matrix')!;
  const box = matrix.getBoundingClientRect();
  const titles = [...root(el).querySelectorAll<HTMLElement>('.header .title')].slice(2);
  const col = titles[column]!.getBoundingClientRect();
  const cell = (col.width / (column === 0 || column === 1 || column === 5 ? 4 : 1)) * (slot + 0.5);
  const rowHeight = 22;
  matrix.dispatchEvent(
    new PointerEvent('pointermove', {
      bubbles: true,
      composed: true,
      clientX: col.left + cell,
      clientY: box.top + 4 + rowHeight * (row + 0.5),
    }),
  );
  await el.updateComplete;
}

describe('attn-neuron-view', () => {
  describe('computation', () => {
    it('starts on the first ordinary token, expanded, with every column titled', async () => {
      const el = await mount(dataset());
      expect(el.getAttribute('token')).to.equal(null);
      expect(option(el, 'query', 1).classList.contains('pinned')).to.equal(true);
      const titles = [...root(el).querySelectorAll('.header .title')].map((t) => t.textContent!.trim());
      expect(titles).to.deep.equal([
        'Query',
        'Key',
        'k (key vectors)',
        'q × k',
        'q · k',
        'softmax',
        '‖α·v‖',
        'v (value vectors)',
      ]);
      expect(root(el).querySelector('[part="warning"]')).to.equal(null);
    });

    it('shows the exact q×k, k and q of a cell, and q·k/√d, softmax and the data’s attention of its key', async () => {
      const el = await mount(dataset());
      // Query 1 “a”: q = [0, 1, 0, 0]. Key 1: k = [0, 2, 0, 0]; dimension 1 gives q×k = 2.
      await hoverCell(el, 1, 1, 1);
      const text = readout(el);
      expect(text).to.include('Key 1 “a”: dimension 1: q×k = 2 (q = 1, k = 2)');
      // q·k = 2, scaled by 1/√4: 1. softmax over dots [0, 1, 0] = e / (2 + e).
      const soft = Math.E / (2 + Math.E);
      expect(text).to.include(
        `q·k/√d = 1 · softmax ${formatExact(soft)} · attention in the data ${formatExact(soft)}`,
      );
    });

    it('shows the softmax of every key equal to the data’s attention (no warning)', async () => {
      const el = await mount(dataset(), { head: '1', token: '2' });
      for (const key of [0, 1, 2]) {
        option(el, 'key', key).dispatchEvent(
          new PointerEvent('pointerover', { bubbles: true, composed: true }),
        );
        await el.updateComplete;
        const m = /softmax ([\d.e-]+) · attention in the data ([\d.e-]+)/.exec(readout(el))!;
        expect(m[1], `key ${key}`).to.equal(m[2]);
      }
      expect(root(el).querySelector('[part="warning"]')).to.equal(null);
    });

    it('uses no 1/√d when the data says the vectors are pre-scaled', async () => {
      const q = Q0.map((r) => r.map((x) => x * Math.SQRT1_2));
      const k = K0.map((r) => r.map((x) => x * Math.SQRT1_2));
      const data = { ...dataset({ values: false }), queries: [[q, q]], keys: [[k, k]], vectorsScaled: true };
      data.attention = [[softmaxRows(Q0, K0), softmaxRows(Q0, K0)]];
      const el = await mount(data);
      await hoverCell(el, 1, 1, 1);
      // The vectors hold √½-scaled values, so their float32 product is 0.99999994, not 1.
      expect(readout(el)).to.match(/Key 1 “a”: dimension 1: .* · q·k = 0\.99999994 · softmax/);
      expect(root(el).querySelector('[part="warning"]')).to.equal(null);
    });

    it('warns, with the numbers, when the attention is not softmax(q·k) of the vectors', async () => {
      const el = await mount(dataset({ swap: true }));
      const warning = root(el).querySelector('[part="warning"]')!;
      expect(warning.getAttribute('role')).to.equal('status');
      // Query 1 under head 0's vectors: softmax [1, e, 1] / (2 + e); head 1's attention: dots
      // [0, 0, 2] → [1, 1, e²] / (2 + e²). The largest difference is at key 2.
      const computed = 1 / (2 + Math.E);
      const reported = Math.E ** 2 / (2 + Math.E ** 2);
      expect(warning.textContent!.replace(/\s+/g, ' ')).to.include(
        `differs from the attention in the data by up to ${(reported - computed).toPrecision(3)} (key 2 “b”: softmax ${computed.toPrecision(4)}, data ${Math.fround(reported).toPrecision(4)})`,
      );
    });

    it('hides the keys a causal mask hides from the query', async () => {
      const el = await mount(dataset({ causal: true }), { token: '1' });
      expect(option(el, 'key', 2).classList.contains('muted')).to.equal(true);
      expect(option(el, 'key', 1).classList.contains('muted')).to.equal(false);
      option(el, 'key', 2).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
      await el.updateComplete;
      expect(readout(el)).to.include('hidden by the causal mask');
      // Softmax over the visible keys only: [1, e] / (1 + e) for query 1.
      option(el, 'key', 1).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
      await el.updateComplete;
      expect(readout(el)).to.include(`softmax ${formatExact(Math.E / (1 + Math.E))}`);
      expect(root(el).querySelector('[part="warning"]')).to.equal(null);
    });

    it('shows value vectors, the head output Σα·v and the norms ‖α·v‖ (exact)', async () => {
      const el = await mount(dataset(), { token: '0' });
      // Query 0: q = [1, 0, 0, 0], dots [1, 0, 0] → α = [e, 1, 1] / (e + 2).
      const alpha = [Math.E, 1, 1].map((x) => x / (Math.E + 2)).map(Math.fround);
      option(el, 'key', 2).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
      await el.updateComplete;
      // ‖v_2‖ = 10, so ‖α₂·v₂‖ = 10·α₂.
      expect(readout(el)).to.include(`‖v‖ 10 · ‖α·v‖ ${formatExact(10 * alpha[2]!)}`);
      // Σα·v, dimension 0: 3α₀ + 0α₁ + 6α₂.
      const header = root(el).querySelector<HTMLElement>('.header-cells')!;
      const vTitle = [
        ...root(el).querySelectorAll<HTMLElement>('.header .title'),
      ][7]!.getBoundingClientRect();
      header.dispatchEvent(
        new PointerEvent('pointermove', {
          bubbles: true,
          composed: true,
          clientX: vTitle.left + vTitle.width / 8,
          clientY: header.getBoundingClientRect().top + 5,
        }),
      );
      await el.updateComplete;
      expect(readout(el)).to.include(`Σα·v · dimension 0: ${formatExact(3 * alpha[0]! + 6 * alpha[2]!)}`);
    });

    it('has no value columns when the data carries no values', async () => {
      const el = await mount(dataset({ values: false }));
      const titles = [...root(el).querySelectorAll('.header .title')].map((t) => t.textContent!.trim());
      expect(titles).to.deep.equal(['Query', 'Key', 'k (key vectors)', 'q × k', 'q · k', 'softmax']);
    });

    it('computes the softmax over every key for a sentence-pair block', async () => {
      const el = await mount(dataset({ pair: true }), { filter: 'ab' });
      // Block A → B: queries [CLS], a; the one key b. Its softmax is over all three keys.
      expect(root(el).querySelectorAll('.column.key [role="option"]')).to.have.length(1);
      option(el, 'key', 0).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
      await el.updateComplete;
      expect(readout(el)).to.include(`Key 2 “b”:`);
      expect(readout(el)).to.include(`softmax ${formatExact(1 / (2 + Math.E))}`);
      expect(root(el).querySelector('[part="warning"]')).to.equal(null);
    });
  });

  describe('selection', () => {
    it('selects the query by click, reflects it as token and fires attn-token-focus', async () => {
      const el = await mount(dataset());
      const focus = oneEvent(el, 'attn-token-focus');
      option(el, 'query', 2).click();
      const detail = ((await focus) as CustomEvent<AttnTokenFocusDetail>).detail;
      expect(detail).to.deep.equal({ side: 'query', index: 2, position: 2, token: 'b', pinned: true });
      await el.updateComplete;
      expect(el.getAttribute('token')).to.equal('2');
      expect(readout(el)).to.match(/^Query 2 “b”/);
    });

    it('previews a hovered query and returns to the selected one on leaving', async () => {
      const el = await mount(dataset());
      option(el, 'query', 0).dispatchEvent(
        new PointerEvent('pointerover', { bubbles: true, composed: true }),
      );
      await el.updateComplete;
      expect(readout(el)).to.match(/^Query 0 “\[CLS\]”/);
      root(el).querySelector('.column.query')!.dispatchEvent(new PointerEvent('pointerleave'));
      await el.updateComplete;
      expect(readout(el)).to.match(/^Query 1 “a”/);
    });

    it('moves the query with arrow keys', async () => {
      const el = await mount(dataset());
      root(el).querySelector<HTMLElement>('.column.query')!.focus();
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(el.token).to.equal(2);
      await sendKeys({ press: 'Home' });
      await el.updateComplete;
      expect(el.token).to.equal(0);
      expect(root(el).querySelector('.column.query')!.getAttribute('aria-activedescendant')).to.equal(
        'query-0',
      );
    });

    it('keeps the selectors showing the head after the user and then the page change it', async () => {
      const el = await mount(dataset());
      const select = root(el).querySelector<HTMLSelectElement>('[part="head-select"]')!;
      select.value = '1';
      select.dispatchEvent(new Event('change'));
      await el.updateComplete;
      el.head = 0;
      await el.updateComplete;
      el.head = 1;
      await el.updateComplete;
      expect(select.value).to.equal('1');
      el.head = 0;
      await el.updateComplete;
      expect(select.value).to.equal('0');
    });

    it('chooses layer and head from the selectors', async () => {
      const el = await mount(dataset());
      const select = root(el).querySelector<HTMLSelectElement>('[part="head-select"]')!;
      const changed = oneEvent(el, 'attn-heads-change');
      select.value = '1';
      select.dispatchEvent(new Event('change'));
      expect(((await changed) as CustomEvent).detail).to.deep.equal({ heads: [1] });
      await el.updateComplete;
      expect(el.getAttribute('head')).to.equal('1');
      expect(readout(el)).to.include('head 1');
    });
  });

  describe('neurons', () => {
    it('highlights a dimension by click, and clears it with the button', async () => {
      const el = await mount(dataset());
      await hoverCell(el, 0, 0, 2);
      const changed = oneEvent(el, 'attn-neuron-change');
      root(el).querySelector<HTMLElement>('.matrix')!.click();
      expect(((await changed) as CustomEvent<AttnNeuronChangeDetail>).detail).to.deep.equal({ neuron: 2 });
      await el.updateComplete;
      expect(el.getAttribute('neuron')).to.equal('2');
      const clear = root(el).querySelector<HTMLButtonElement>('.clear-neuron')!;
      expect(clear.textContent!.trim()).to.equal('Clear neuron 2');
      clear.click();
      await el.updateComplete;
      expect(el.hasAttribute('neuron')).to.equal(false);
    });

    it('moves a cell cursor with arrow keys, highlights with Enter and clears with Escape', async () => {
      const el = await mount(dataset());
      root(el).querySelector<HTMLElement>('.matrix')!.focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(readout(el)).to.include('Key 1 “a”: dimension 1: k = 2');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.neuron).to.equal(1);
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(el.neuron).to.equal(undefined);
    });

    it('reaches the query vector above the keys with the arrow keys', async () => {
      const el = await mount(dataset());
      root(el).querySelector<HTMLElement>('.matrix')!.focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'ArrowUp' });
      await el.updateComplete;
      // Query 1 “a”: q = [0, 1, 0, 0].
      expect(readout(el)).to.include('q · dimension 1: 1');
    });

    it('keeps the selected query’s dimension order while another query is previewed', async () => {
      const el = await mount(dataset(), { token: '0', 'dimension-order': 'contribution' });
      // Query 0 ranks dimension 0 first; query 1 (q = [0, 1, 0, 0]) would rank dimension 1 first.
      option(el, 'query', 1).dispatchEvent(
        new PointerEvent('pointerover', { bubbles: true, composed: true }),
      );
      await el.updateComplete;
      await hoverCell(el, 0, 0, 0);
      expect(readout(el)).to.match(/^Query 1 “a”/);
      expect(readout(el)).to.include('dimension 0: k = 2');
    });

    it('sorts dimensions by their contribution to the query’s dot products', async () => {
      const el = await mount(dataset(), { token: '2', 'dimension-order': 'contribution' });
      // Query 2: q = [1, 1, 0, 0]; |q×k| over keys: dim 0: (2 + 0 + 0) / 3, dim 1: (0 + 2 + 0) / 3,
      // dims 2, 3: 0. Ties keep index order: 0, 1, 2, 3.
      expect(readout(el)).to.include(
        'Dimensions driving q·k (mean |q×k|): 0 (0.667), 1 (0.667), 2 (0.00), 3 (0.00)',
      );
      el.token = 0;
      await el.updateComplete;
      // Query 0: q = [1, 0, 0, 0]: only dimension 0 contributes; the first slot shows it.
      await hoverCell(el, 0, 0, 0);
      expect(readout(el)).to.include('dimension 0: k = 2');
      const titles = [...root(el).querySelectorAll('.header .title')].map((t) => t.textContent!.trim());
      expect(titles[2]).to.equal('k (key vectors), by contribution');
    });
  });

  describe('drawing', () => {
    it('colours positive values blue and negative orange, by magnitude', async () => {
      const el = await mount(dataset(), { theme: 'light' });
      const canvas = root(el).querySelector<HTMLCanvasElement>('.body-canvas')!;
      const box = canvas.getBoundingClientRect();
      const titles = [...root(el).querySelectorAll<HTMLElement>('.header .title')];
      const k = titles[2]!.getBoundingClientRect();
      const pixel = (slot: number, row: number) => {
        const scale = canvas.width / box.width;
        const x = (k.left - box.left + (k.width / 4) * (slot + 0.5)) * scale;
        const y = (4 + 22 * (row + 0.5)) * scale;
        return [...canvas.getContext('2d')!.getImageData(Math.floor(x), Math.floor(y), 1, 1).data];
      };
      const positive = parseColor('#0969da')!.map((c) => Math.round(c * 255));
      const negative = parseColor('#c55b00')!.map((c) => Math.round(c * 255));
      // Key 2 = [0, 0, 2, -2]: |2| is the head's largest |k|, so full colours.
      expect(pixel(2, 2).slice(0, 3)).to.deep.equal(positive);
      expect(pixel(3, 2).slice(0, 3)).to.deep.equal(negative);
      expect(pixel(1, 2).slice(0, 3)).to.deep.equal([255, 255, 255]);
    });
  });

  describe('errors and accessibility', () => {
    it('says what is missing when the data has no vectors', async () => {
      const el = await mount({ tokens: TOKENS, attention: [[softmaxRows(Q0, K0)]] });
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.match(
        /^invalid queries: expected per-head query and key vectors/,
      );
    });

    it('reports a token or neuron out of range', async () => {
      const el = await mount(dataset(), { token: '7' });
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal(
        'invalid token: expected a query position from 0 to 2, got 7',
      );
      el.token = 1;
      el.neuron = 9;
      await el.updateComplete;
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal(
        'invalid neuron: expected a dimension from 0 to 3, got 9',
      );
    });

    it('renders tokens as text', async () => {
      const data = { ...dataset(), tokens: ['<img src=x onerror="window.__nv=1">', 'a', 'b'] };
      const el = await mount(data);
      expect(root(el).querySelector('img')).to.equal(null);
      expect((window as { __nv?: number }).__nv).to.equal(undefined);
    });

    it('passes axe, with a warning and with a highlighted neuron', async () => {
      const el = await mount(dataset({ swap: true }), { neuron: '1' });
      await expect(el).to.be.accessible();
    });

    it('passes axe in the dark theme with a causal model', async () => {
      const el = await mount(dataset({ causal: true }), { theme: 'dark' });
      await expect(el).to.be.accessible();
    });
  });
});
