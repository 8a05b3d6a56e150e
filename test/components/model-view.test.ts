import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, resetMouse, sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import type { AttnFilterChangeDetail, AttnHeadSelectDetail } from '../../src/components/shared/events.js';
import { headPalette, parseColor, type Rgb } from '../../src/core/palette.js';
import { parseAttention } from '../../src/core/parse/index.js';
import { headSummaries } from '../../src/core/summaries.js';
import { dropBuffers } from '../../src/render/buffers.js';
import { ENC_DEC, PAIR, SELF } from './fixtures.js';
import { frame, ModelViewHarness, mountModelView as mount } from './model-view.harness.js';

function mix(color: Rgb, background: Rgb, a: number): number[] {
  return [0, 1, 2].map((i) => Math.round((color[i]! * a + background[i]! * (1 - a)) * 255)).concat(255);
}

function expectPixel(actual: number[], expected: number[]): void {
  actual.forEach((v, i) =>
    expect(Math.abs(v - expected[i]!), `channel ${i}: ${actual} vs ${expected}`).to.be.at.most(1),
  );
}

const DARK_BG = parseColor('#0d1117')!;
const LIGHT_BG = parseColor('#ffffff')!;

/**
 * A causal sentence pair of `tokens` tokens (sentence B from the middle) and `layers × heads`
 * heads, each of one of three kinds by `(layer × heads + head + variant) mod 3`: on itself, on the
 * previous token (the first on itself), or evenly on every token so far. Rows sum to 1, and
 * sentence A never sees sentence B.
 */
function causalPair(layers: number, heads: number, tokens: number, variant = 0) {
  const data = new Float32Array(layers * heads * tokens * tokens);
  for (let lh = 0; lh < layers * heads; lh++) {
    const kind = (lh + variant) % 3;
    for (let q = 0; q < tokens; q++) {
      const row = (lh * tokens + q) * tokens;
      if (kind === 0) data[row + q] = 1;
      else if (kind === 1) data[row + Math.max(0, q - 1)] = 1;
      else data.fill(1 / (q + 1), row, row + q + 1);
    }
  }
  return {
    tokens: Array.from({ length: tokens }, (_, i) => (i === tokens / 2 ? '[SEP]' : `t${i}`)),
    sentenceBStart: tokens / 2,
    attention: { dims: [layers, heads, tokens, tokens], data },
  };
}

describe('attn-model-view', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  describe('grid', () => {
    it('has one row per layer and one cell per head, labelled with the model numbers', async () => {
      const v = await mount(SELF);
      expect(v.part('grid')!.getAttribute('aria-rowcount')).to.equal('3');
      expect(v.cells()).to.have.length(6);
      expect(v.rowLabels()).to.deep.equal(['Layer 0', 'Layer 1']);
      expect(v.columnLabels()).to.deep.equal(['0', '1', '2']);
      expect(v.cell(1, 2).getAttribute('aria-label')).to.equal('Layer 1, head 2');
    });

    it('keeps its toolbar to two rows at half a page (456 px), with an Attention choice', async () => {
      const v = await mount(causalPair(2, 4, 8), { width: 456 });
      const toolbar = v.part('toolbar')!;
      const rows = new Set(
        [...toolbar.querySelectorAll('label, .highlight, .exports')].map((e) =>
          Math.round(e.getBoundingClientRect().top),
        ),
      );
      expect(toolbar.querySelector('[part="filter-select"]'), 'an Attention choice').to.not.equal(null);
      expect(rows.size).to.be.at.most(2);
    });

    it('shows subsets with their original numbers, and widens the cells to use the space', async () => {
      const full = await mount(SELF, { width: 400 });
      const fullWidth = full.cell(0, 0).getBoundingClientRect().width;
      const v = await mount(SELF, { width: 400, attrs: { 'include-layers': '1', 'include-heads': '2,0' } });
      expect(v.cells()).to.have.length(2);
      expect(v.rowLabels()).to.deep.equal(['Layer 1']);
      expect(v.columnLabels()).to.deep.equal(['2', '0']);
      expect(v.cell(0, 0).getAttribute('aria-label')).to.equal('Layer 1, head 2');
      expect(v.cell(0, 0).getBoundingClientRect().width).to.be.greaterThan(fullWidth);
    });

    it('draws the thumbnails as wide as the cells when include-heads leaves fewer heads', async () => {
      const data = causalPair(2, 12, 8);
      const v = await mount(data, { width: 600 });
      // (600 − 16 − 64 − 12 × 4) / 12 = 39 px per cell for 12 heads.
      expect(v.cell(0, 0).getBoundingClientRect().width).to.equal(39);
      v.el.includeHeads = [0, 1, 2];
      await v.settle();
      // (600 − 16 − 64 − 3 × 4) / 3 = 169, at most 160.
      const size = v.cell(0, 0).getBoundingClientRect().width;
      expect(size).to.equal(160);
      // Head 0 of layer 0 attends to itself only: lines run straight across the whole cell, so
      // the thumbnail reaches the cell's right edge (a 39-px thumbnail would leave background).
      const palette = headPalette(12, 'dark');
      const y = ((7 + 0.5) * size) / 8;
      expectPixel(v.cellPixel(0, 0, size - 1, y), mix(palette[0]!, DARK_BG, 1));
      expectPixel(v.cellPixel(0, 0, size / 2, y), mix(palette[0]!, DARK_BG, 1));
    });

    it('reports a subset number the data does not have', async () => {
      const v = await mount(SELF, { attrs: { 'include-heads': '0,7' } });
      expect(v.error()).to.equal('invalid include-heads[1]: expected one of the heads 0–2, got 7');
    });

    it('reports bad attribute values by name, quoting what the page wrote', async () => {
      const v = await mount(SELF, { attrs: { thumbnail: 'pie' } });
      expect(v.error()).to.equal('invalid thumbnail: expected "lines" or "heatmap", got "pie"');
      v.el.thumbnail = 'heatmap';
      v.el.summary = 'median' as never;
      await v.el.updateComplete;
      expect(v.error()).to.equal(
        'invalid summary: expected "none", "entropy", "first", "previous", "self" or "delimiters", got "median"',
      );
      v.el.summary = 'first';
      v.el.setAttribute('highlight-above', 'high');
      await v.el.updateComplete;
      expect(v.error()).to.equal('invalid highlight-above: expected a number, got "high"');
      v.el.removeAttribute('highlight-above');
      await v.settle();
      expect(v.error()).to.equal(null);
      v.el.setAttribute('include-heads', '0,x');
      await v.el.updateComplete;
      expect(v.error()).to.equal('invalid include-heads: expected comma-separated head numbers, got "0,x"');
      // Still reported after an unrelated change (the subset is checked again, not cached).
      v.el.thumbnail = 'lines';
      await v.el.updateComplete;
      expect(v.error()).to.equal('invalid include-heads: expected comma-separated head numbers, got "0,x"');
      v.el.removeAttribute('include-heads');
      await v.settle();
      expect(v.error()).to.equal(null);
      expect(v.cells()).to.have.length(6);
    });

    it('shows the parse error for bad data, and too large data with its size', async () => {
      const v = await mount({ tokens: ['a'], attention: [[[[0.5]]]] });
      expect(v.error()).to.match(/^invalid attention/);
      expect(v.part('error')!.querySelector('.error-heading')!.textContent).to.equal(
        'Cannot show this attention',
      );
      v.el.data = { tokens: ['a'], attention: { dims: [12, 12, 8192, 8192], data: [] } };
      await v.el.updateComplete;
      expect(v.error()).to.equal(
        'invalid attention: expected at most 268,435,456 values (1 GiB as float32; fewer tokens, layers or heads), got shape [12, 12, 8192, 8192] = 9,663,676,416 values (36.0 GiB)',
      );
    });

    it('says there is no data in part="empty"', async () => {
      const v = await mount(undefined);
      expect(v.part('empty')!.textContent).to.include('No attention data');
    });

    it('says so when the filter leaves no weight, instead of drawing nothing', async () => {
      const v = await mount(causalPair(1, 2, 4), { attrs: { filter: 'ab' } });
      expect(v.part('notice')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
        'No attention in Sentence A → Sentence B: every weight is 0: in a causal model, no token attends to a later one.',
      );
      expect(v.cell(0, 1).getAttribute('aria-label')).to.equal('Layer 0, head 1, no weights');
      expect(v.cell(0, 1).querySelector('.note')!.textContent).to.equal('no weights');
      await v.choose('filter-select', 'ba');
      expect(v.part('notice')?.textContent ?? null).to.equal(null);
      expect(v.cell(0, 1).querySelector('.note')?.textContent ?? null).to.equal(null);
    });
  });

  describe('thumbnails', () => {
    it('draws a heatmap of queries (down) × keys (across) in the head colour over the background', async () => {
      const v = await mount(SELF, { attrs: { thumbnail: 'heatmap' } });
      const palette = headPalette(3, 'dark');
      const size = v.cell(0, 0).getBoundingClientRect().width;
      const at = (row: number, col: number, q: number, k: number) =>
        v.cellPixel(row, col, ((k + 0.5) * size) / 4, ((q + 0.5) * size) / 4);
      // Layer 1, head 0 is the identity: its diagonal is the head colour, the rest background.
      expectPixel(at(1, 0, 2, 2), mix(palette[0]!, DARK_BG, 1));
      expectPixel(at(1, 0, 2, 1), mix(palette[0]!, DARK_BG, 0));
      // Layer 0, head 2 is uniform: 0.25 everywhere.
      expectPixel(at(0, 2, 3, 0), mix(palette[2]!, DARK_BG, 0.25));
    });

    it('draws lines from every query to the keys it attends to', async () => {
      const v = await mount(SELF);
      const palette = headPalette(3, 'dark');
      const size = v.cell(0, 0).getBoundingClientRect().width;
      // Layer 1, head 2: every query attends to key 3, whose row is at 7/8 of the height.
      expectPixel(v.cellPixel(1, 2, size - 1, (7 * size) / 8), mix(palette[2]!, DARK_BG, 1));
      expectPixel(v.cellPixel(1, 2, size - 1, size / 8), mix(palette[2]!, DARK_BG, 0));
      // Layer 1, head 0 (identity): horizontal lines, nothing between them at the middle.
      expectPixel(v.cellPixel(1, 0, size / 2, size / 8), mix(palette[0]!, DARK_BG, 1));
      expectPixel(v.cellPixel(1, 0, size / 2, size / 4), mix(palette[0]!, DARK_BG, 0));
    });

    it('greys the cells a causal mask hides in heatmaps', async () => {
      const causal = {
        tokens: ['a', 'b'],
        attention: [
          [
            [
              [1, 0],
              [0.5, 0.5],
            ],
          ],
        ],
      };
      const v = await mount(causal, { attrs: { thumbnail: 'heatmap', theme: 'light' } });
      const size = v.cell(0, 0).getBoundingClientRect().width;
      const hidden = v.cellPixel(0, 0, (3 * size) / 4, size / 4);
      const open = v.cellPixel(0, 0, (3 * size) / 4, (3 * size) / 4);
      expect(hidden).to.not.deep.equal(mix([1, 1, 1], LIGHT_BG, 0));
      expectPixel(open, mix(headPalette(1, 'light')[0]!, LIGHT_BG, 0.5));
    });
  });

  describe('reliability', () => {
    it('survives data, filter, subset and mode changes and removal while a 12 × 12 × 256 grid is drawn', async function () {
      this.timeout(120_000);
      // Two shapes: a change of data also changes the number of layers and heads.
      const datasets = [causalPair(12, 12, 256), causalPair(4, 6, 128), causalPair(12, 12, 256, 1)];
      const problems: string[] = [];
      const onError = (e: ErrorEvent) => problems.push(`uncaught: ${e.message}`);
      const onRejection = (e: PromiseRejectionEvent) => problems.push(`unhandled: ${String(e.reason)}`);
      window.addEventListener('error', onError);
      window.addEventListener('unhandledrejection', onRejection);
      // A wide host: 156-px line thumbnails take several frames to draw.
      const wrapper = await fixture<HTMLElement>(html`<div style="width: 2000px"></div>`);
      const el = document.createElement('attn-model-view');
      wrapper.append(el);
      // The small one first: what is derived for it (e.g. head colours) must not outlive it.
      el.data = datasets[1];
      await el.updateComplete;
      el.data = datasets[0];
      await el.updateComplete;
      const status = () => el.shadowRoot!.querySelector('.status')?.textContent ?? '';
      expect(status(), 'the first frame leaves thumbnails to draw').to.include('drawing thumbnails');
      let seed = 7;
      const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const waits: Promise<unknown>[] = [];
      const watch = (what: string, p: Promise<unknown>) =>
        waits.push(p.catch((e: unknown) => problems.push(`${what} rejected: ${String(e)}`)));
      let midDraw = 0;
      try {
        // Thumbnails draw in a few frames now: 320 steps give 9–14 taken mid-draw.
        for (let step = 0; step < 320; step++) {
          if (status().includes('drawing')) midDraw++;
          const action = pick(['data', 'filter', 'heads', 'mode', 'remove', 'summary'] as const);
          if (action === 'data') el.data = pick(datasets);
          else if (action === 'filter') el.filter = pick(['all', 'aa', 'ab', 'bb', 'ba'] as const);
          else if (action === 'heads') el.includeHeads = pick([undefined, [0, 5], [3], [5, 2, 1]]);
          else if (action === 'mode') el.thumbnail = pick(['lines', 'heatmap'] as const);
          else if (action === 'summary') el.summary = pick(['none', 'entropy', 'previous'] as const);
          else {
            el.remove();
            await frame();
            wrapper.append(el);
          }
          watch('updateComplete', el.updateComplete);
          watch('drawComplete', el.drawComplete);
          if (random() < 0.5) await frame();
          else await new Promise((r) => setTimeout(r, random() * 30));
        }
        // A subset the last data lacks shows its error; back to a valid state, all is drawn.
        el.includeHeads = undefined;
        el.filter = undefined;
        await el.updateComplete;
        await el.drawComplete;
        await Promise.all(waits);
      } finally {
        window.removeEventListener('error', onError);
        window.removeEventListener('unhandledrejection', onRejection);
      }
      expect(problems).to.deep.equal([]);
      expect(midDraw, 'steps taken while thumbnails were still being drawn').to.be.at.least(5);
      expect(status()).to.not.include('drawing');
      const [L, H] = el.getSummaries()!.shape;
      expect(el.shadowRoot!.querySelectorAll('[role="gridcell"]')).to.have.length(L * H);
    });

    it('finishes drawing after being removed and inserted again mid-draw', async () => {
      const wrapper = await fixture<HTMLElement>(html`<div style="width: 2000px"></div>`);
      const el = document.createElement('attn-model-view');
      wrapper.append(el);
      el.data = causalPair(12, 12, 256);
      await el.updateComplete;
      el.remove();
      // Away from the page nothing is drawn, and nobody waits for it.
      await el.drawComplete;
      wrapper.append(el);
      await el.updateComplete;
      await el.drawComplete;
      expect(el.shadowRoot!.querySelector('.status')!.textContent).to.not.include('drawing');
    });
  });

  describe('tooltip', () => {
    it('shows every summary of the hovered cell, follows the pointer and hides when it leaves', async () => {
      const v = await mount(SELF);
      await v.hover(0, 2);
      expect(v.tooltipRows()).to.deep.equal([
        'Entropy (bits) 2.00',
        'On first token 0.25',
        'On previous token 0.25',
        'On itself 0.25',
        'On delimiters 0.50',
      ]);
      const at = () => v.tooltip()!.getBoundingClientRect();
      const cellBox = v.cell(0, 2).getBoundingClientRect();
      expect(at().top).to.be.at.least(cellBox.bottom);
      await v.hover(0, 0);
      expect(v.tooltip()!.textContent).to.include('Layer 0 · head 0');
      expect(at().left).to.be.closeTo(v.cell(0, 0).getBoundingClientRect().left, 1);
      await v.leave();
      expect(v.tooltipTitle()).to.equal(null);
    });

    it('hides when a click opens the detail, comes back on another cell and goes when the pointer leaves', async () => {
      // A page taller than the view: closing the detail must not scroll the grid under the pointer.
      document.body.style.setProperty('min-height', '3000px');
      const v = await mount(SELF);
      const centre = (row: number, col: number): [number, number] => {
        const r = v.cell(row, col).getBoundingClientRect();
        return [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)];
      };
      await sendMouse({ type: 'move', position: centre(0, 1) });
      await v.el.updateComplete;
      expect(v.tooltipTitle()).to.equal('Layer 0 · head 1');
      await sendMouse({ type: 'click', position: centre(0, 1) });
      await v.el.updateComplete;
      expect(v.detailTitle()).to.equal('Layer 0, head 1');
      expect(v.tooltipTitle(), 'hidden once the detail opens').to.equal(null);
      await sendMouse({ type: 'move', position: centre(0, 2) });
      await v.el.updateComplete;
      expect(v.tooltipTitle(), 'on the cell now under the pointer').to.equal('Layer 0 · head 2');
      await sendMouse({ type: 'move', position: [2, 2] });
      await v.el.updateComplete;
      expect(v.tooltipTitle(), 'gone with the pointer').to.equal(null);
      // Closing with the mouse gives the grid's focus back to the cell, which shows no tooltip:
      // that is for keyboard focus.
      const close = v.root.querySelector('.detail-header button')!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(close.x + 5), Math.round(close.y + 5)] });
      await v.el.updateComplete;
      await v.el.updateComplete;
      expect(v.detailTitle()).to.equal(null);
      expect(v.root.activeElement?.id).to.equal('cell-0-1');
      expect(v.tooltipTitle(), 'no tooltip on the cell the mouse left').to.equal(null);
      await resetMouse();
      document.body.style.removeProperty('min-height');
    });

    it('goes above a bottom-row cell, clear of the detail below the grid', async () => {
      const v = await mount(SELF, { attrs: { 'selected-layer': '0', 'selected-head': '0' } });
      await v.detail()!.updateComplete;
      await v.hover(1, 1);
      const tip = v.tooltip()!.getBoundingClientRect();
      const cellBox = v.cell(1, 1).getBoundingClientRect();
      const detailBox = v.part('detail')!.getBoundingClientRect();
      expect(v.tooltip()!.classList.contains('above')).to.equal(true);
      expect(tip.bottom).to.be.at.most(cellBox.top);
      expect(tip.bottom).to.be.at.most(detailBox.top);
      // Nothing covers it: the topmost element at its centre is the tooltip.
      v.tooltip()!.style.setProperty('pointer-events', 'auto');
      const hit = v.root.elementFromPoint(tip.left + tip.width / 2, tip.top + tip.height / 2);
      expect(hit?.closest('#tooltip')?.id).to.equal('tooltip');
    });
  });

  describe('detail view', () => {
    /** The first idle time after `ms`. */
    const idleAfter = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      await new Promise((r) => requestIdleCallback(r, { timeout: 1000 }));
    };

    /**
     * Lets the page go idle a while after the grid is drawn (the frames that show it go first),
     * when the view parks a head view for the first open.
     */
    async function idle(v: ModelViewHarness): Promise<void> {
      await idleAfter(300);
      await v.el.updateComplete;
    }

    const panel = (v: ModelViewHarness) => v.root.querySelector<HTMLElement>('.detail')!;

    it('parks a hidden, inert head view in idle time once the grid is drawn, and opens a head in it', async () => {
      const wrapper = await fixture<HTMLElement>(
        html`<div style="width: 600px"><attn-model-view></attn-model-view></div>`,
      );
      const el = wrapper.querySelector('attn-model-view')!;
      el.data = SELF;
      await el.updateComplete;
      expect(
        el.shadowRoot!.querySelector('attn-head-view'),
        'nothing parked before the page is idle',
      ).to.equal(null);
      await frame();
      await el.drawComplete;
      const v = new ModelViewHarness(el);
      const height = v.el.getBoundingClientRect().height;
      // Not in the first idle time: the frames that show the grid go first.
      const drawn = performance.now();
      while (!el.shadowRoot!.querySelector('attn-head-view') && performance.now() - drawn < 2000)
        await frame();
      expect(performance.now() - drawn, 'parked after the grid has shown').to.be.at.least(240);
      await idle(v);
      const parked = v.detail()!;
      expect(parked === null, 'a head view parked').to.equal(false);
      expect(panel(v).inert).to.equal(true);
      expect(getComputedStyle(panel(v)).opacity, 'unseen').to.equal('0');
      expect(panel(v).getAttribute('aria-hidden'), 'unheard').to.equal('true');
      expect(v.detailTitle()).to.equal(null);
      expect(v.el.getBoundingClientRect().height, 'it takes no room').to.equal(height);
      await v.click(1, 2);
      expect(v.detail() === parked, 'the parked view, shown').to.equal(true);
      expect([parked.layer, parked.heads]).to.deep.equal([1, [2]]);
      expect(panel(v).inert).to.equal(false);
      expect(getComputedStyle(panel(v)).opacity).to.equal('1');
      expect(panel(v).hasAttribute('aria-hidden')).to.equal(false);
      expect(v.detailTitle()).to.equal('Layer 1, head 2');
    });

    it('keeps the head view when closed, and opens the next head in the same one', async () => {
      const v = await mount(SELF);
      await v.click(0, 1);
      const view = v.detail()!;
      await v.click(0, 1);
      expect(v.detailTitle()).to.equal(null);
      expect(panel(v).inert).to.equal(true);
      await v.click(1, 0);
      expect(v.detail() === view, 'the same head view').to.equal(true);
      expect([view.layer, view.heads]).to.deep.equal([1, [0]]);
    });

    it('drops the parked view with new data and parks another when idle again', async () => {
      const v = await mount(SELF);
      await idle(v);
      const parked = v.detail();
      v.el.data = PAIR;
      await v.settle();
      expect(v.detail() === null, 'dropped').to.equal(true);
      await idle(v);
      expect(v.detail() !== null && v.detail() !== parked, 'another one parked').to.equal(true);
    });

    it('parks nothing with no-detail', async () => {
      const v = await mount(SELF, { attrs: { 'no-detail': '' } });
      await idle(v);
      expect(v.detail() === null).to.equal(true);
    });

    it('opens a clicked cell in a head view of that layer and head, and closes on a second click', async () => {
      const v = await mount(SELF);
      const opened = oneEvent(v.el, 'attn-head-select');
      v.cell(1, 2).click();
      expect(((await opened) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: 1,
        head: 2,
      });
      await v.el.updateComplete;
      const view = v.detail()!;
      await view.updateComplete;
      expect(view.layer).to.equal(1);
      expect(view.heads).to.deep.equal([2]);
      expect(v.root.querySelector('#detail-title')!.textContent).to.equal('Layer 1, head 2');
      expect(v.cell(1, 2).classList.contains('selected')).to.equal(true);
      expect(v.cell(1, 2).getAttribute('aria-selected')).to.equal('true');
      expect(v.el.getAttribute('selected-layer')).to.equal('1');
      expect(v.el.getAttribute('selected-head')).to.equal('2');
      // The detail has the head view's tokens on both sides.
      expect(view.shadowRoot!.querySelectorAll('[role="option"]')).to.have.length(8);

      const closed = oneEvent(v.el, 'attn-head-select');
      v.cell(1, 2).click();
      expect(((await closed) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: null,
        head: null,
      });
      await v.el.updateComplete;
      expect(v.detailTitle()).to.equal(null);
      expect(v.el.hasAttribute('selected-layer')).to.equal(false);
    });

    it('scrolls the detail into view when the user opens a head', async () => {
      await setViewport({ width: 800, height: 600 });
      const wrapper = await fixture<HTMLElement>(
        html`<div>
          <div style="height: 500px"></div>
          <div style="width: 600px"><attn-model-view></attn-model-view></div>
        </div>`,
      );
      const el = wrapper.querySelector('attn-model-view')!;
      el.data = SELF;
      await el.updateComplete;
      await frame();
      await el.updateComplete;
      window.scrollTo(0, 0);
      el.shadowRoot!.querySelector<HTMLElement>('#cell-1-1')!.click();
      await el.updateComplete;
      await el.shadowRoot!.querySelector('attn-head-view')!.updateComplete;
      const detail = el.shadowRoot!.querySelector('[part="detail"]')!.getBoundingClientRect();
      expect(detail.top, 'the detail is scrolled into the viewport').to.be.below(window.innerHeight);
      expect(window.scrollY).to.be.greaterThan(0);
    });

    it('goes beside the grid when the host is wide enough', async () => {
      const wide = await mount(SELF, { width: 1200, attrs: { 'selected-layer': '0', 'selected-head': '1' } });
      const grid = wide.part('grid')!.getBoundingClientRect();
      const detail = wide.part('detail')!.getBoundingClientRect();
      expect(detail.left).to.be.at.least(grid.right);
      expect(detail.top).to.be.below(grid.bottom);
      const narrow = await mount(SELF, {
        width: 600,
        attrs: { 'selected-layer': '0', 'selected-head': '1' },
      });
      const below = narrow.part('detail')!.getBoundingClientRect();
      expect(below.top).to.be.at.least(narrow.part('grid')!.getBoundingClientRect().bottom);
    });

    it('opens from the selected-layer / selected-head attributes and closes with the button', async () => {
      const v = await mount(SELF, { attrs: { 'selected-layer': '0', 'selected-head': '1' } });
      expect(v.detail()!.layer).to.equal(0);
      v.root.querySelector<HTMLButtonElement>('.detail-header button')!.click();
      await v.el.updateComplete;
      expect(v.detailTitle()).to.equal(null);
    });

    it('follows the detail view when its layer selector moves', async () => {
      const v = await mount(SELF);
      await v.click(0, 1);
      const view = v.detail()!;
      await view.updateComplete;
      const layerSelect = view.shadowRoot!.querySelector<HTMLSelectElement>('[part="layer-select"]')!;
      const moved = oneEvent(v.el, 'attn-head-select');
      layerSelect.value = '1';
      layerSelect.dispatchEvent(new Event('change', { bubbles: true }));
      expect(((await moved) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: 1,
        head: 1,
      });
      await v.el.updateComplete;
      expect(v.cell(1, 1).classList.contains('selected')).to.equal(true);
      // The grid's keyboard cell moved along with it.
      expect(v.cell(1, 1).tabIndex).to.equal(0);
    });

    it('with no-detail, outlines the opened cell and fires the event but shows no detail view', async () => {
      const v = await mount(SELF, { attrs: { 'no-detail': '' } });
      const opened = oneEvent(v.el, 'attn-head-select');
      v.cell(0, 1).click();
      expect(((await opened) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: 0,
        head: 1,
      });
      await v.el.updateComplete;
      expect(v.cell(0, 1).classList.contains('selected')).to.equal(true);
      expect(v.detailTitle()).to.equal(null);
    });

    it('reports a selected head the data does not have', async () => {
      const v = await mount(SELF, { attrs: { 'selected-layer': '0', 'selected-head': '5' } });
      expect(v.error()).to.equal('invalid selected-head: expected one of the heads 0–2, got 5');
    });
  });

  describe('keyboard', () => {
    it('moves through the grid with arrow keys, opens with Enter and closes with Escape', async () => {
      const v = await mount(SELF);
      v.cell(0, 0).focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'ArrowDown' });
      await v.el.updateComplete;
      expect(v.root.activeElement!.id).to.equal('cell-1-1');
      expect(v.cell(1, 1).tabIndex).to.equal(0);
      expect(v.cell(0, 0).tabIndex).to.equal(-1);
      // The focused cell describes itself with the tooltip.
      expect(v.cell(1, 1).getAttribute('aria-describedby')).to.equal('tooltip');
      expect(v.tooltip()!.textContent).to.include('Layer 1 · head 1');
      await sendKeys({ press: 'End' });
      await v.el.updateComplete;
      expect(v.root.activeElement!.id).to.equal('cell-1-2');
      await sendKeys({ press: 'Enter' });
      await v.el.updateComplete;
      expect(v.detail()!.heads).to.deep.equal([2]);
      expect(v.tooltipTitle(), 'the tooltip goes when the detail opens').to.equal(null);
      await sendKeys({ press: 'Escape' });
      await v.el.updateComplete;
      expect(v.detailTitle()).to.equal(null);
      expect(v.root.activeElement!.id).to.equal('cell-1-2');
    });

    it('closes the detail with Escape from inside it, after the head view unpins its token', async () => {
      const v = await mount(SELF, { attrs: { 'selected-layer': '0', 'selected-head': '0' } });
      const view = v.detail()!;
      await view.updateComplete;
      const list = view.shadowRoot!.querySelector<HTMLElement>('.column.query')!;
      list.focus();
      await sendKeys({ press: 'Enter' });
      await view.updateComplete;
      await sendKeys({ press: 'Escape' });
      await v.el.updateComplete;
      expect(v.detailTitle(), 'the first Escape unpins').to.equal('Layer 0, head 0');
      await sendKeys({ press: 'Escape' });
      await v.el.updateComplete;
      expect(v.detailTitle()).to.equal(null);
    });
  });

  describe('filters', () => {
    it('offers the sentence-pair blocks and shows the chosen one', async () => {
      const v = await mount(PAIR);
      expect([...v.select('filter-select').options].map((o) => o.value)).to.deep.equal([
        'all',
        'aa',
        'bb',
        'ab',
        'ba',
      ]);
      const changed = oneEvent(v.el, 'attn-filter-change');
      await v.choose('filter-select', 'ab');
      expect(((await changed) as CustomEvent<AttnFilterChangeDetail>).detail).to.deep.equal({ filter: 'ab' });
      expect(v.el.filter).to.equal('ab');
      expect(v.status()).to.include('4 queries × 3 keys');
      await v.click(0, 1);
      expect(v.detail()!.filter).to.equal('ab');
    });

    it('switches between encoder, decoder and cross attention', async () => {
      const v = await mount(ENC_DEC);
      expect([...v.select('filter-select').options].map((o) => o.value)).to.deep.equal([
        'encoder',
        'decoder',
        'cross',
      ]);
      expect(v.status()).to.include('3 tokens');
      await v.choose('filter-select', 'cross');
      expect(v.status()).to.include('4 queries × 3 keys');
      // Cross attention between sequences of equal length still names both sides.
      const same = await mount({
        ...ENC_DEC,
        decoderTokens: ENC_DEC.encoderTokens,
        decoder: ENC_DEC.encoder,
        cross: ENC_DEC.encoder,
      });
      await same.choose('filter-select', 'cross');
      expect(same.status()).to.include('3 queries × 3 keys');
    });
  });

  describe('toolbar', () => {
    it('takes at most two rows at 600px, with every control', async () => {
      const v = await mount(PAIR, { width: 600, attrs: { summary: 'previous', sort: 'descending' } });
      for (const part of ['mode-select', 'filter-select', 'summary-select', 'sort-select']) {
        expect(!!v.part(part), part).to.equal(true);
      }
      expect(v.root.querySelectorAll('[part="highlight-input"]')).to.have.length(2);
      expect(v.root.querySelectorAll('[part="export-button"]')).to.have.length(2);
      expect(v.toolbarRows()).to.be.at.most(2);
      const row = v.select('mode-select').getBoundingClientRect().height;
      expect(v.part('toolbar')!.getBoundingClientRect().height).to.be.below(3 * row + 12);
    });
  });

  describe('summaries', () => {
    it('shows the chosen summary on every cell, with the exact core values', async () => {
      const v = await mount(SELF, { attrs: { summary: 'first' } });
      const values = headSummaries(parseAttention(SELF).components[0]!).values.first;
      expect(v.texts('.badge')).to.deep.equal([...values].map((x) => x.toFixed(2)));
      // Layer 0: heads 0 and 1 look at [CLS] from every / 2 of 4 queries, head 2 is uniform.
      expect([...values.subarray(0, 3)]).to.deep.equal([1, 0.5, 0.25]);
      expect(v.cell(0, 1).getAttribute('aria-label')).to.equal('Layer 0, head 1, on first token 0.50');
    });

    it('sorts heads in each layer by the summary, keeping their numbers visible', async () => {
      const v = await mount(SELF, { attrs: { summary: 'first', sort: 'ascending' } });
      const labels = (row: number) => [0, 1, 2].map((c) => v.cell(row, c).getAttribute('aria-label'));
      expect(labels(0)).to.deep.equal([
        'Layer 0, head 2, on first token 0.25',
        'Layer 0, head 1, on first token 0.50',
        'Layer 0, head 0, on first token 1.00',
      ]);
      expect(v.columnLabels()).to.deep.equal(['#1', '#2', '#3']);
      expect(v.texts('.badge.head').slice(0, 3)).to.deep.equal(['2', '1', '0']);
    });

    it('highlights heads at or above a threshold and dims the others', async () => {
      const v = await mount(SELF, { attrs: { summary: 'previous', 'highlight-above': '0.5' } });
      const hits = v.cells().filter((c) => c.classList.contains('hit'));
      // Only layer 0, head 1 attends to the previous token (every query that has one).
      expect(hits.map((c) => c.getAttribute('aria-label'))).to.deep.equal([
        'Layer 0, head 1, on previous token 1.00',
      ]);
      expect(v.cells().filter((c) => c.classList.contains('dim'))).to.have.length(5);
      expect(v.status()).to.include('1 of 6 heads highlighted');
    });

    it('highlights heads at or below a threshold from the second input, and clears both', async () => {
      const v = await mount(SELF, { attrs: { summary: 'entropy' } });
      const [above, below] = v.root.querySelectorAll<HTMLInputElement>('[part="highlight-input"]');
      below!.value = '0';
      below!.dispatchEvent(new Event('change'));
      await v.el.updateComplete;
      expect(v.el.getAttribute('highlight-below')).to.equal('0');
      // One-hot rows have entropy 0: layer 0 heads 0 and 1, layer 1 heads 0 and 2.
      const hits = v.cells().filter((c) => c.classList.contains('hit'));
      expect(hits.map((c) => c.id)).to.deep.equal(['cell-0-0', 'cell-0-1', 'cell-1-0', 'cell-1-2']);
      v.el.removeAttribute('highlight-below');
      await v.el.updateComplete;
      expect(below!.value).to.equal('');
      expect(above!.value).to.equal('');
      expect(v.cells().some((c) => c.classList.contains('dim'))).to.equal(false);
    });
  });

  describe('export', () => {
    it('toSVG has the title, the labels, one image per cell with its summaries as text, and the outlines', async () => {
      const v = await mount(SELF, {
        attrs: {
          summary: 'first',
          'highlight-above': '0.5',
          'include-heads': '0,2',
          'selected-layer': '1',
          'selected-head': '2',
        },
      });
      const doc = new DOMParser().parseFromString(v.el.toSVG(), 'image/svg+xml');
      const images = [...doc.querySelectorAll('image')];
      expect(images).to.have.length(4);
      // Each cell's summaries as text (up to 4 decimals), for a reader to copy.
      expect(images.map((i) => i.querySelector('title')!.textContent)).to.deep.equal([
        'Layer 0, head 0: entropy (bits) 0, on first token 1, on previous token 0.3333, on itself 0.25, on delimiters 1',
        'Layer 0, head 2: entropy (bits) 2, on first token 0.25, on previous token 0.25, on itself 0.25, on delimiters 0.5',
        'Layer 1, head 0: entropy (bits) 0, on first token 0.25, on previous token 0, on itself 1, on delimiters 0.5',
        'Layer 1, head 2: entropy (bits) 0, on first token 0, on previous token 0, on itself 0.25, on delimiters 1',
      ]);
      expect(images.every((i) => i.getAttribute('href')!.startsWith('data:image/png;base64,'))).to.equal(
        true,
      );
      const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
      expect(texts[0]).to.equal('2 layers × 2 heads · 4 tokens · All · lines thumbnails · On first token');
      expect(texts).to.include.members(['Head', '0', '2', 'Layer 0', 'Layer 1', '1.00', '0.25', '0.00']);
      // Highlighted: layer 0 head 0 (1.00) only; opened: layer 1 head 2. Their outlines are drawn.
      const fills = [...doc.querySelectorAll('rect')].map((r) => r.getAttribute('fill'));
      expect(fills.filter((f) => f === '#ffa657')).to.have.length(4);
      expect(fills.filter((f) => f === '#6cb6ff')).to.have.length(4);
    });

    it('toPNG returns a PNG of the grid with its title and margins', async () => {
      const v = await mount(SELF, { width: 400 });
      const blob = await v.el.toPNG(2);
      expect(blob.type).to.equal('image/png');
      const bitmap = await createImageBitmap(blob);
      const grid = v.part('grid')!.getBoundingClientRect();
      expect([bitmap.width, bitmap.height]).to.deep.equal([
        2 * (grid.width + 16),
        2 * (grid.height + 24 + 8),
      ]);
    });
  });

  describe('theme', () => {
    it('is dark by default, light on request, and follows the system with auto', async () => {
      const v = await mount(SELF);
      expect(getComputedStyle(v.el).getPropertyValue('--attn-background').trim()).to.equal('#0d1117');
      const size = v.cell(0, 0).getBoundingClientRect().width;
      expectPixel(v.cellPixel(1, 0, size / 2, size / 4), mix([0, 0, 0], DARK_BG, 0));
      v.el.theme = 'light';
      await v.settle();
      expectPixel(v.cellPixel(1, 0, size / 2, size / 4), mix([0, 0, 0], LIGHT_BG, 0));
      v.el.theme = 'auto';
      await emulateMedia({ colorScheme: 'dark' });
      v.el.refreshTheme();
      await v.el.updateComplete;
      expect(getComputedStyle(v.el).getPropertyValue('--attn-background').trim()).to.equal('#0d1117');
    });

    it('passes its theme tokens on to the detail view', async () => {
      const v = await mount(SELF, { attrs: { theme: 'light', 'selected-layer': '0', 'selected-head': '0' } });
      v.el.style.setProperty('--attn-accent', 'rgb(1, 2, 3)');
      await v.el.updateComplete;
      expect(getComputedStyle(v.detail()!).getPropertyValue('--attn-accent').trim()).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(v.detail()!).getPropertyValue('--attn-background').trim()).to.equal('#ffffff');
    });
  });

  describe('accessibility', () => {
    it('passes axe with a grid, summaries and a highlight', async () => {
      const v = await mount(PAIR, { attrs: { summary: 'delimiters', 'highlight-above': '0.3' } });
      await expect(v.el).to.be.accessible();
    });

    it('passes axe with an open detail view and a tooltip', async () => {
      const v = await mount(SELF, { attrs: { theme: 'light' } });
      v.cell(0, 0).focus();
      await sendKeys({ press: 'Enter' });
      await v.el.updateComplete;
      await v.detail()!.updateComplete;
      await sendKeys({ press: 'ArrowRight' });
      await v.el.updateComplete;
      expect(v.tooltipTitle()).to.equal('Layer 0 · head 1');
      await expect(v.el).to.be.accessible();
    });

    it('passes axe in the error state', async () => {
      const v: ModelViewHarness = await mount({ tokens: ['a'], attention: [[[[0.5]]]] });
      await expect(v.el).to.be.accessible();
    });
  });
});

describe('attn-model-view leaving the page', () => {
  /** Every pixel of the grid canvas (a transferred bitmap: copied out to be read). */
  const snapshot = (v: ModelViewHarness) => {
    const canvas = v.canvas();
    const copy = new OffscreenCanvas(canvas.width, canvas.height).getContext('2d')!;
    copy.drawImage(canvas, 0, 0);
    return copy.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const within = <T>(p: Promise<T>, ms = 2000) =>
    Promise.race([
      p,
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`not within ${ms} ms`)), ms)),
    ]);

  it('gives its buffers to the next grid, and draws its own again when it comes back', async () => {
    dropBuffers();
    const a = await mount(SELF);
    const before = snapshot(a).slice();
    const box = a.el.parentElement!;
    const parent = box.parentElement!;
    box.remove();
    const reversed = parseAttention(SELF).components[0]!;
    const b = await mount({
      tokens: [...reversed.queryTokens],
      attention: { dims: [...reversed.shape], data: Float32Array.from(reversed.weights).reverse() },
    });
    const other = snapshot(b).slice();
    expect(other.findIndex((v, i) => v !== before[i])).to.be.greaterThan(-1);
    parent.append(box);
    await a.el.updateComplete;
    await within(a.el.drawComplete);
    expect(snapshot(a).findIndex((v, i) => v !== before[i])).to.equal(-1);
    expect(snapshot(b).findIndex((v, i) => v !== other[i])).to.equal(-1);
    // Placed anew (sorted), its thumbnails are its own, not what `b` drew on its old buffers.
    for (const v of [a, b]) {
      v.el.summary = 'entropy';
      v.el.sort = 'descending';
      await v.settle();
    }
    const sorted = await mount(SELF, { attrs: { summary: 'entropy', sort: 'descending' } });
    const expected = snapshot(sorted);
    expect(snapshot(a).findIndex((v, i) => v !== expected[i])).to.equal(-1);
    dropBuffers();
  });
});
