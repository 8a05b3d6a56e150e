import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/components/model-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import type { AttnFilterChangeDetail, AttnHeadSelectDetail } from '../../src/components/shared/events.js';
import { headPalette, parseColor, type Rgb } from '../../src/core/palette.js';
import { parseAttention } from '../../src/core/parse/index.js';
import { headSummaries } from '../../src/core/summaries.js';
import { ENC_DEC, PAIR, SELF } from './fixtures.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

async function mount(data: unknown, attrs: Record<string, string> = {}, width = 600): Promise<AttnModelView> {
  const wrapper = await fixture<HTMLElement>(
    html`<div style="width: ${width}px"><attn-model-view></attn-model-view></div>`,
  );
  const el = wrapper.querySelector('attn-model-view')!;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.data = data as AttnModelView['data'];
  await el.updateComplete;
  await frame();
  await el.updateComplete;
  await el.drawComplete;
  return el;
}

const root = (el: AttnModelView) => el.shadowRoot!;
const cells = (el: AttnModelView) => [...root(el).querySelectorAll<HTMLElement>('[role="gridcell"]')];
const cell = (el: AttnModelView, row: number, col: number) =>
  root(el).querySelector<HTMLElement>(`#cell-${row}-${col}`)!;
const texts = (nodes: Iterable<Element>) => [...nodes].map((n) => n.textContent!.trim());
const detail = (el: AttnModelView) => root(el).querySelector<AttnHeadView>('.detail attn-head-view');
const select = (el: AttnModelView, part: string) =>
  root(el).querySelector<HTMLSelectElement>(`[part="${part}"]`)!;

async function choose(el: AttnModelView, part: string, value: string): Promise<void> {
  const s = select(el, part);
  s.value = value;
  s.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
  await el.drawComplete;
}

/** RGBA of the grid canvas at a point in CSS pixels relative to a cell's top-left corner. */
function cellPixel(el: AttnModelView, row: number, col: number, x: number, y: number): number[] {
  const canvas = root(el).querySelector('canvas')!;
  const box = canvas.getBoundingClientRect();
  const c = cell(el, row, col).getBoundingClientRect();
  const scale = canvas.width / box.width;
  const px = Math.floor((c.left - box.left + x) * scale);
  const py = Math.floor((c.top - box.top + y) * scale);
  return [...canvas.getContext('2d')!.getImageData(px, py, 1, 1).data];
}

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

describe('attn-model-view', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  describe('grid', () => {
    it('has one row per layer and one cell per head, labelled with the model numbers', async () => {
      const el = await mount(SELF);
      expect(root(el).querySelector('[role="grid"]')!.getAttribute('aria-rowcount')).to.equal('3');
      expect(cells(el)).to.have.length(6);
      expect(texts(root(el).querySelectorAll('[role="rowheader"]'))).to.deep.equal(['Layer 0', 'Layer 1']);
      expect(texts(root(el).querySelectorAll('.col-label'))).to.deep.equal(['0', '1', '2']);
      expect(cell(el, 1, 2).getAttribute('aria-label')).to.equal('Layer 1, head 2');
    });

    it('shows subsets with their original numbers, and widens the cells to use the space', async () => {
      const full = await mount(SELF, {}, 400);
      const fullWidth = cell(full, 0, 0).getBoundingClientRect().width;
      const el = await mount(SELF, { 'include-layers': '1', 'include-heads': '2,0' }, 400);
      expect(cells(el)).to.have.length(2);
      expect(texts(root(el).querySelectorAll('[role="rowheader"]'))).to.deep.equal(['Layer 1']);
      expect(texts(root(el).querySelectorAll('.col-label'))).to.deep.equal(['2', '0']);
      expect(cell(el, 0, 0).getAttribute('aria-label')).to.equal('Layer 1, head 2');
      expect(cell(el, 0, 0).getBoundingClientRect().width).to.be.greaterThan(fullWidth);
    });

    it('reports a subset number the data does not have', async () => {
      const el = await mount(SELF, { 'include-heads': '0,7' });
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal(
        'invalid include-heads[1]: expected one of the heads 0–2, got 7',
      );
    });

    it('reports bad attribute values by name', async () => {
      const el = await mount(SELF, { thumbnail: 'pie' });
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal(
        'invalid thumbnail: expected "lines" or "heatmap", got "pie"',
      );
      el.thumbnail = 'heatmap';
      el.summary = 'median' as never;
      await el.updateComplete;
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.match(
        /^invalid summary: expected "none" or one of/,
      );
    });

    it('shows the parse error for bad data, and too large data with its size', async () => {
      const el = await mount({ tokens: ['a'], attention: [[[[0.5]]]] });
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.match(/^invalid attention/);
      el.data = { tokens: ['a'], attention: { dims: [12, 12, 8192, 8192], data: [] } };
      await el.updateComplete;
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal(
        'invalid attention: expected at most 268,435,456 values (1 GiB as float32; fewer tokens, layers or heads), got shape [12, 12, 8192, 8192] = 9,663,676,416 values (36.0 GiB)',
      );
    });
  });

  describe('thumbnails', () => {
    it('draws a heatmap of queries (down) × keys (across) in the head colour over the background', async () => {
      const el = await mount(SELF, { thumbnail: 'heatmap' });
      const palette = headPalette(3, 'dark');
      const size = cell(el, 0, 0).getBoundingClientRect().width;
      const at = (row: number, col: number, q: number, k: number) =>
        cellPixel(el, row, col, ((k + 0.5) * size) / 4, ((q + 0.5) * size) / 4);
      // Layer 1, head 0 is the identity: its diagonal is the head colour, the rest background.
      expectPixel(at(1, 0, 2, 2), mix(palette[0]!, DARK_BG, 1));
      expectPixel(at(1, 0, 2, 1), mix(palette[0]!, DARK_BG, 0));
      // Layer 0, head 2 is uniform: 0.25 everywhere.
      expectPixel(at(0, 2, 3, 0), mix(palette[2]!, DARK_BG, 0.25));
    });

    it('draws lines from every query to the keys it attends to', async () => {
      const el = await mount(SELF);
      const palette = headPalette(3, 'dark');
      const size = cell(el, 0, 0).getBoundingClientRect().width;
      // Layer 1, head 2: every query attends to key 3, whose row is at 7/8 of the height.
      expectPixel(cellPixel(el, 1, 2, size - 1, (7 * size) / 8), mix(palette[2]!, DARK_BG, 1));
      expectPixel(cellPixel(el, 1, 2, size - 1, size / 8), mix(palette[2]!, DARK_BG, 0));
      // Layer 1, head 0 (identity): horizontal lines, nothing between them at the middle.
      expectPixel(cellPixel(el, 1, 0, size / 2, size / 8), mix(palette[0]!, DARK_BG, 1));
      expectPixel(cellPixel(el, 1, 0, size / 2, size / 4), mix(palette[0]!, DARK_BG, 0));
    });

    it('greys the cells a causal mask hides in heatmaps', async () => {
      const el = await mount(
        {
          tokens: ['a', 'b'],
          attention: [
            [
              [
                [1, 0],
                [0.5, 0.5],
              ],
            ],
          ],
        },
        { thumbnail: 'heatmap', theme: 'light' },
      );
      const size = cell(el, 0, 0).getBoundingClientRect().width;
      const hidden = cellPixel(el, 0, 0, (3 * size) / 4, size / 4);
      const open = cellPixel(el, 0, 0, (3 * size) / 4, (3 * size) / 4);
      expect(hidden).to.not.deep.equal(mix([1, 1, 1], LIGHT_BG, 0));
      expectPixel(open, mix(headPalette(1, 'light')[0]!, LIGHT_BG, 0.5));
    });
  });

  describe('detail view', () => {
    it('opens a clicked cell in a head view of that layer and head, and closes on a second click', async () => {
      const el = await mount(SELF);
      const opened = oneEvent(el, 'attn-head-select');
      cell(el, 1, 2).click();
      expect(((await opened) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: 1,
        head: 2,
      });
      await el.updateComplete;
      const view = detail(el)!;
      await view.updateComplete;
      expect(view.layer).to.equal(1);
      expect(view.heads).to.deep.equal([2]);
      expect(root(el).querySelector('#detail-title')!.textContent).to.equal('Layer 1, head 2');
      expect(cell(el, 1, 2).classList.contains('selected')).to.equal(true);
      expect(cell(el, 1, 2).getAttribute('aria-selected')).to.equal('true');
      expect(el.getAttribute('selected-layer')).to.equal('1');
      expect(el.getAttribute('selected-head')).to.equal('2');
      // The detail has the head view's tokens on both sides.
      expect(view.shadowRoot!.querySelectorAll('[role="option"]')).to.have.length(8);

      const closed = oneEvent(el, 'attn-head-select');
      cell(el, 1, 2).click();
      expect(((await closed) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: null,
        head: null,
      });
      await el.updateComplete;
      expect(detail(el)).to.equal(null);
      expect(el.hasAttribute('selected-layer')).to.equal(false);
    });

    it('opens from the selected-layer / selected-head attributes and closes with the button', async () => {
      const el = await mount(SELF, { 'selected-layer': '0', 'selected-head': '1' });
      expect(detail(el)!.layer).to.equal(0);
      root(el).querySelector<HTMLButtonElement>('.detail-header button')!.click();
      await el.updateComplete;
      expect(detail(el)).to.equal(null);
    });

    it('follows the detail view when its layer selector moves', async () => {
      const el = await mount(SELF);
      cell(el, 0, 1).click();
      await el.updateComplete;
      const view = detail(el)!;
      await view.updateComplete;
      const layerSelect = view.shadowRoot!.querySelector<HTMLSelectElement>('[part="layer-select"]')!;
      const moved = oneEvent(el, 'attn-head-select');
      layerSelect.value = '1';
      layerSelect.dispatchEvent(new Event('change', { bubbles: true }));
      expect(((await moved) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: 1,
        head: 1,
      });
      await el.updateComplete;
      expect(cell(el, 1, 1).classList.contains('selected')).to.equal(true);
    });

    it('with no-detail, outlines the opened cell and fires the event but shows no detail view', async () => {
      const el = await mount(SELF, { 'no-detail': '' });
      const opened = oneEvent(el, 'attn-head-select');
      cell(el, 0, 1).click();
      expect(((await opened) as CustomEvent<AttnHeadSelectDetail>).detail).to.deep.equal({
        layer: 0,
        head: 1,
      });
      await el.updateComplete;
      expect(cell(el, 0, 1).classList.contains('selected')).to.equal(true);
      expect(root(el).querySelector('.detail')).to.equal(null);
    });

    it('reports a selected head the data does not have', async () => {
      const el = await mount(SELF, { 'selected-layer': '0', 'selected-head': '5' });
      expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal(
        'invalid selected-head: expected one of the heads shown [0, 1, 2], got 5',
      );
    });
  });

  describe('keyboard', () => {
    it('moves through the grid with arrow keys, opens with Enter and closes with Escape', async () => {
      const el = await mount(SELF);
      cell(el, 0, 0).focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'ArrowDown' });
      await el.updateComplete;
      expect(root(el).activeElement!.id).to.equal('cell-1-1');
      expect(cell(el, 1, 1).tabIndex).to.equal(0);
      expect(cell(el, 0, 0).tabIndex).to.equal(-1);
      // The focused cell describes itself with the tooltip.
      expect(cell(el, 1, 1).getAttribute('aria-describedby')).to.equal('tooltip');
      expect(root(el).querySelector('#tooltip')!.textContent).to.include('Layer 1 · head 1');
      await sendKeys({ press: 'End' });
      await el.updateComplete;
      expect(root(el).activeElement!.id).to.equal('cell-1-2');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(detail(el)!.heads).to.deep.equal([2]);
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(detail(el)).to.equal(null);
      expect(root(el).activeElement!.id).to.equal('cell-1-2');
    });

    it('closes the detail with Escape from inside it, after the head view unpins its token', async () => {
      const el = await mount(SELF, { 'selected-layer': '0', 'selected-head': '0' });
      const view = detail(el)!;
      await view.updateComplete;
      const list = view.shadowRoot!.querySelector<HTMLElement>('.column.query')!;
      list.focus();
      await sendKeys({ press: 'Enter' });
      await view.updateComplete;
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(detail(el), 'the first Escape unpins').to.not.equal(null);
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(detail(el)).to.equal(null);
    });
  });

  describe('filters', () => {
    it('offers the sentence-pair blocks and shows the chosen one', async () => {
      const el = await mount(PAIR);
      expect([...select(el, 'filter-select').options].map((o) => o.value)).to.deep.equal([
        'all',
        'aa',
        'bb',
        'ab',
        'ba',
      ]);
      const changed = oneEvent(el, 'attn-filter-change');
      await choose(el, 'filter-select', 'ab');
      expect(((await changed) as CustomEvent<AttnFilterChangeDetail>).detail).to.deep.equal({ filter: 'ab' });
      expect(el.filter).to.equal('ab');
      expect(root(el).querySelector('.status')!.textContent).to.include('4 queries × 3 keys');
      cell(el, 0, 1).click();
      await el.updateComplete;
      expect(detail(el)!.filter).to.equal('ab');
    });

    it('switches between encoder, decoder and cross attention', async () => {
      const el = await mount(ENC_DEC);
      expect([...select(el, 'filter-select').options].map((o) => o.value)).to.deep.equal([
        'encoder',
        'decoder',
        'cross',
      ]);
      expect(root(el).querySelector('.status')!.textContent).to.include('3 tokens');
      await choose(el, 'filter-select', 'cross');
      expect(root(el).querySelector('.status')!.textContent).to.include('4 queries × 3 keys');
      // Cross attention between sequences of equal length still names both sides.
      const same = await mount({
        ...ENC_DEC,
        decoderTokens: ENC_DEC.encoderTokens,
        decoder: ENC_DEC.encoder,
        cross: ENC_DEC.encoder,
      });
      await choose(same, 'filter-select', 'cross');
      expect(root(same).querySelector('.status')!.textContent).to.include('3 queries × 3 keys');
    });
  });

  describe('summaries', () => {
    it('shows the chosen summary on every cell, with the exact core values', async () => {
      const el = await mount(SELF, { summary: 'first' });
      const values = headSummaries(parseAttention(SELF).components[0]!).values.first;
      expect(texts(root(el).querySelectorAll('.badge'))).to.deep.equal([...values].map((v) => v.toFixed(2)));
      // Layer 0: heads 0 and 1 look at [CLS] from every / 2 of 4 queries, head 2 is uniform.
      expect([...values.subarray(0, 3)]).to.deep.equal([1, 0.5, 0.25]);
      expect(cell(el, 0, 1).getAttribute('aria-label')).to.equal('Layer 0, head 1, on first token 0.50');
    });

    it('sorts heads in each layer by the summary, keeping their numbers visible', async () => {
      const el = await mount(SELF, { summary: 'first', sort: 'ascending' });
      const labels = (row: number) => [0, 1, 2].map((c) => cell(el, row, c).getAttribute('aria-label'));
      expect(labels(0)).to.deep.equal([
        'Layer 0, head 2, on first token 0.25',
        'Layer 0, head 1, on first token 0.50',
        'Layer 0, head 0, on first token 1.00',
      ]);
      expect(texts(root(el).querySelectorAll('.col-label'))).to.deep.equal(['#1', '#2', '#3']);
      expect(texts(root(el).querySelectorAll('.badge.head')).slice(0, 3)).to.deep.equal(['2', '1', '0']);
    });

    it('highlights heads at or above a threshold and dims the others', async () => {
      const el = await mount(SELF, { summary: 'previous', 'highlight-above': '0.5' });
      const hits = cells(el).filter((c) => c.classList.contains('hit'));
      // Only layer 0, head 1 attends to the previous token (every query that has one).
      expect(hits.map((c) => c.getAttribute('aria-label'))).to.deep.equal([
        'Layer 0, head 1, on previous token 1.00',
      ]);
      expect(cells(el).filter((c) => c.classList.contains('dim'))).to.have.length(5);
      expect(root(el).querySelector('.status')!.textContent).to.include('1 of 6 heads highlighted');
    });

    it('highlights heads at or below a threshold from the second input, and clears both', async () => {
      const el = await mount(SELF, { summary: 'entropy' });
      const [above, below] = root(el).querySelectorAll<HTMLInputElement>('[part="highlight-input"]');
      below!.value = '0';
      below!.dispatchEvent(new Event('change'));
      await el.updateComplete;
      expect(el.getAttribute('highlight-below')).to.equal('0');
      // One-hot rows have entropy 0: layer 0 heads 0 and 1, layer 1 heads 0 and 2.
      const hits = cells(el).filter((c) => c.classList.contains('hit'));
      expect(hits.map((c) => c.id)).to.deep.equal(['cell-0-0', 'cell-0-1', 'cell-1-0', 'cell-1-2']);
      el.removeAttribute('highlight-below');
      await el.updateComplete;
      expect(below!.value).to.equal('');
      expect(above!.value).to.equal('');
      expect(cells(el).some((c) => c.classList.contains('dim'))).to.equal(false);
    });

    it('shows every summary of a hovered cell in a tooltip', async () => {
      const el = await mount(SELF);
      cell(el, 0, 2).dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
      await el.updateComplete;
      const rows = [...root(el).querySelectorAll('#tooltip tr')].map((tr) =>
        tr.textContent!.replace(/\s+/g, ' ').trim(),
      );
      expect(rows).to.deep.equal([
        'Entropy (bits) 2.00',
        'On first token 0.25',
        'On previous token 0.25',
        'On itself 0.25',
        'On delimiters 0.50',
      ]);
      root(el).querySelector('[role="grid"]')!.dispatchEvent(new PointerEvent('pointerleave'));
      await el.updateComplete;
      expect(root(el).querySelector('#tooltip')).to.equal(null);
    });
  });

  describe('theme', () => {
    it('is dark by default, light on request, and follows the system with auto', async () => {
      const el = await mount(SELF);
      expect(getComputedStyle(el).getPropertyValue('--attn-background').trim()).to.equal('#0d1117');
      const size = cell(el, 0, 0).getBoundingClientRect().width;
      expectPixel(cellPixel(el, 1, 0, size / 2, size / 4), mix([0, 0, 0], DARK_BG, 0));
      el.theme = 'light';
      await el.updateComplete;
      await el.drawComplete;
      expectPixel(cellPixel(el, 1, 0, size / 2, size / 4), mix([0, 0, 0], LIGHT_BG, 0));
      el.theme = 'auto';
      await emulateMedia({ colorScheme: 'dark' });
      el.refreshTheme();
      await el.updateComplete;
      expect(getComputedStyle(el).getPropertyValue('--attn-background').trim()).to.equal('#0d1117');
    });

    it('passes its theme tokens on to the detail view', async () => {
      const el = await mount(SELF, { theme: 'light', 'selected-layer': '0', 'selected-head': '0' });
      el.style.setProperty('--attn-accent', 'rgb(1, 2, 3)');
      await el.updateComplete;
      expect(getComputedStyle(detail(el)!).getPropertyValue('--attn-accent').trim()).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(detail(el)!).getPropertyValue('--attn-background').trim()).to.equal('#ffffff');
    });
  });

  describe('accessibility', () => {
    it('passes axe with a grid, summaries and a highlight', async () => {
      const el = await mount(PAIR, { summary: 'delimiters', 'highlight-above': '0.3' });
      await expect(el).to.be.accessible();
    });

    it('passes axe with an open detail view and a tooltip', async () => {
      const el = await mount(SELF, { theme: 'light' });
      cell(el, 0, 0).focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      await detail(el)!.updateComplete;
      await expect(el).to.be.accessible();
    });

    it('passes axe in the error state', async () => {
      const el = await mount({ tokens: ['a'], attention: [[[[0.5]]]] });
      await expect(el).to.be.accessible();
    });
  });
});
