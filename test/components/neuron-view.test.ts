import { expect, oneEvent } from '@open-wc/testing';
import { resetMouse, sendKeys } from '@web/test-runner-commands';
import type { AttnNeuronChangeDetail, AttnTokenFocusDetail } from '../../src/components/shared/events.js';
import { formatExact } from '../../src/core/format.js';
import { parseColor } from '../../src/core/palette.js';
import { mountNeuronView } from './neuron-view.harness.js';

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

const mount = mountNeuronView;

describe('attn-neuron-view', () => {
  afterEach(() => resetMouse());

  describe('computation', () => {
    it('starts on the first ordinary token, expanded, with every column titled', async () => {
      const v = await mount(dataset());
      expect(v.el.getAttribute('token')).to.equal(null);
      expect(v.token('query', 1).classList.contains('pinned')).to.equal(true);
      expect(v.titles()).to.deep.equal([
        'Query',
        'Key',
        'k (key vectors)',
        'q × k',
        'q · k',
        'softmax',
        '‖α·v‖',
        'v (value vectors)',
      ]);
      expect(v.part('warning')).to.equal(null);
      expect(v.part('note')).to.equal(null);
    });

    it('shows the exact q×k, k and q of a cell, and q·k/√d, softmax and the data’s attention of its key', async () => {
      const v = await mount(dataset());
      // Query 1 “a”: q = [0, 1, 0, 0]. Key 1: k = [0, 2, 0, 0]; dimension 1 gives q×k = 2.
      await v.hoverCell(1, 'qk', 1);
      const text = v.readout();
      expect(text).to.include('Key 1 “a”: dimension 1: q×k = 2 (q = 1, k = 2)');
      // q·k = 2, scaled by 1/√4: 1. softmax over dots [0, 1, 0] = e / (2 + e).
      const soft = Math.E / (2 + Math.E);
      expect(text).to.include(
        `q·k/√d = 1 · softmax ${formatExact(soft)} · attention in the data ${formatExact(soft)}`,
      );
    });

    it('shows the softmax of every key equal to the data’s attention (no warning)', async () => {
      const v = await mount(dataset(), { head: '1', token: '2' });
      for (const key of [0, 1, 2]) {
        await v.hoverToken('key', key);
        const m = /softmax ([\d.e-]+) · attention in the data ([\d.e-]+)/.exec(v.readout())!;
        expect(m[1], `key ${key}`).to.equal(m[2]);
      }
      expect(v.part('warning')).to.equal(null);
    });

    it('uses no 1/√d when the data says the vectors are pre-scaled', async () => {
      const q = Q0.map((r) => r.map((x) => x * Math.SQRT1_2));
      const k = K0.map((r) => r.map((x) => x * Math.SQRT1_2));
      const data = { ...dataset({ values: false }), queries: [[q, q]], keys: [[k, k]], vectorsScaled: true };
      data.attention = [[softmaxRows(Q0, K0), softmaxRows(Q0, K0)]];
      const v = await mount(data);
      await v.hoverCell(1, 'qk', 1);
      // The vectors hold √½-scaled values, so their float32 product is 0.99999994, not 1.
      expect(v.readout()).to.match(/Key 1 “a”: dimension 1: .* · q·k = 0\.99999994 · softmax/);
      expect(v.part('warning')).to.equal(null);
    });

    it('warns, with the numbers, when the attention is not softmax(q·k) of the vectors', async () => {
      const v = await mount(dataset({ swap: true }));
      expect(v.part('warning')!.getAttribute('role')).to.equal('status');
      // Query 1 under head 0's vectors: softmax [1, e, 1] / (2 + e); head 1's attention: dots
      // [0, 0, 2] → [1, 1, e²] / (2 + e²). The largest difference is at key 2.
      const computed = 1 / (2 + Math.E);
      const reported = Math.E ** 2 / (2 + Math.E ** 2);
      expect(v.text('warning')).to.include(
        `differs from the attention in the data by up to ${(reported - computed).toPrecision(3)} (key 2 “b”: softmax ${computed.toPrecision(4)}, data ${Math.fround(reported).toPrecision(4)})`,
      );
    });

    it('hides the keys a causal mask hides from the query', async () => {
      const v = await mount(dataset({ causal: true }), { token: '1' });
      expect(v.token('key', 2).classList.contains('muted')).to.equal(true);
      expect(v.token('key', 1).classList.contains('muted')).to.equal(false);
      await v.hoverToken('key', 2);
      expect(v.readout()).to.include('hidden by the causal mask');
      // Softmax over the visible keys only: [1, e] / (1 + e) for query 1.
      await v.hoverToken('key', 1);
      expect(v.readout()).to.include(`softmax ${formatExact(Math.E / (1 + Math.E))}`);
      expect(v.part('warning')).to.equal(null);
    });

    it('shows value vectors, the head output Σα·v and the norms ‖α·v‖ (exact)', async () => {
      const v = await mount(dataset(), { token: '0' });
      // Query 0: q = [1, 0, 0, 0], dots [1, 0, 0] → α = [e, 1, 1] / (e + 2).
      const alpha = [Math.E, 1, 1].map((x) => x / (Math.E + 2)).map(Math.fround);
      await v.hoverToken('key', 2);
      // ‖v_2‖ = 10, so ‖α₂·v₂‖ = 10·α₂.
      expect(v.readout()).to.include(`‖v‖ 10 · ‖α·v‖ ${formatExact(10 * alpha[2]!)}`);
      // Σα·v, dimension 0: 3α₀ + 0α₁ + 6α₂.
      await v.hoverCell('header', 'v', 0);
      expect(v.readout()).to.include(`Σα·v · dimension 0: ${formatExact(3 * alpha[0]! + 6 * alpha[2]!)}`);
    });

    it('has no value columns when the data carries no values', async () => {
      const v = await mount(dataset({ values: false }));
      expect(v.titles()).to.deep.equal(['Query', 'Key', 'k (key vectors)', 'q × k', 'q · k', 'softmax']);
    });

    it('computes the softmax over every key for a sentence-pair block', async () => {
      const v = await mount(dataset({ pair: true }), { filter: 'ab' });
      // Block A → B: queries [CLS], a; the one key b. Its softmax is over all three keys.
      expect(v.column('key').querySelectorAll('[role="option"]')).to.have.length(1);
      await v.hoverToken('key', 0);
      expect(v.readout()).to.include(`Key 2 “b”:`);
      expect(v.readout()).to.include(`softmax ${formatExact(1 / (2 + Math.E))}`);
      expect(v.part('warning')).to.equal(null);
    });

    it('recomputes for the current query after an error, whatever attribute ended it', async () => {
      const v = await mount(dataset(), { token: '1' });
      v.el.token = 2;
      v.el.neuron = 9;
      await v.el.updateComplete;
      expect(v.error()).to.equal('invalid neuron: expected a dimension from 0 to 3, got 9');
      v.el.neuron = 1;
      await v.el.updateComplete;
      expect(v.error()).to.equal(null);
      // Query 2's numbers (q = [1, 1, 0, 0]), not query 1's (q = [0, 1, 0, 0]: dimension 1 alone).
      expect(v.readout()).to.match(/^Query 2 “b”/);
      expect(v.readout()).to.include('Dimensions driving q·k (mean |q×k|): 0 (0.667), 1 (0.667), 2 (0.00)');
    });
  });

  describe('selection', () => {
    it('selects the query by click, reflects it as token and fires attn-token-focus', async () => {
      const v = await mount(dataset());
      const focus = oneEvent(v.el, 'attn-token-focus');
      v.token('query', 2).click();
      const detail = ((await focus) as CustomEvent<AttnTokenFocusDetail>).detail;
      expect(detail).to.deep.equal({ side: 'query', index: 2, position: 2, token: 'b', pinned: true });
      await v.el.updateComplete;
      expect(v.el.getAttribute('token')).to.equal('2');
      expect(v.readout()).to.match(/^Query 2 “b”/);
    });

    it('previews a hovered query and returns to the selected one on leaving', async () => {
      const v = await mount(dataset());
      await v.hoverToken('query', 0);
      expect(v.readout()).to.match(/^Query 0 “\[CLS\]”/);
      await v.leave('query');
      expect(v.readout()).to.match(/^Query 1 “a”/);
    });

    it('moves the query with arrow keys', async () => {
      const v = await mount(dataset());
      v.column('query').focus();
      await sendKeys({ press: 'ArrowDown' });
      await v.el.updateComplete;
      expect(v.el.token).to.equal(2);
      await sendKeys({ press: 'Home' });
      await v.el.updateComplete;
      expect(v.el.token).to.equal(0);
      expect(v.column('query').getAttribute('aria-activedescendant')).to.equal('query-0');
    });

    it('keeps the readout and the key cursor on a clicked key after the pointer leaves', async () => {
      const v = await mount(dataset());
      await v.clickToken('key', 2);
      await v.mouseAway();
      expect(v.readout()).to.include('Key 2 “b”:');
      expect(v.token('key', 2).classList.contains('cursor')).to.equal(true);
      expect(v.token('key', 0).classList.contains('cursor')).to.equal(false);
      expect(v.column('key').getAttribute('aria-activedescendant')).to.equal('key-2');
      await sendKeys({ press: 'ArrowUp' });
      await v.el.updateComplete;
      expect(v.readout()).to.include('Key 1 “a”:');
    });

    it('keeps the selectors showing the head after the user and then the page change it', async () => {
      const v = await mount(dataset());
      await v.choose('head-select', '1');
      v.el.head = 0;
      await v.el.updateComplete;
      v.el.head = 1;
      await v.el.updateComplete;
      const select = v.part('head-select') as HTMLSelectElement;
      expect(select.value).to.equal('1');
      v.el.head = 0;
      await v.el.updateComplete;
      expect(select.value).to.equal('0');
    });

    it('chooses layer and head from the selectors', async () => {
      const v = await mount(dataset());
      const changed = oneEvent(v.el, 'attn-heads-change');
      await v.choose('head-select', '1');
      expect(((await changed) as CustomEvent).detail).to.deep.equal({ heads: [1] });
      expect(v.el.getAttribute('head')).to.equal('1');
      expect(v.readout()).to.include('head 1');
    });
  });

  describe('neurons', () => {
    it('highlights a dimension by click, and clears it with the button', async () => {
      const v = await mount(dataset());
      const changed = oneEvent(v.el, 'attn-neuron-change');
      await v.clickCell(0, 'k', 2);
      expect(((await changed) as CustomEvent<AttnNeuronChangeDetail>).detail).to.deep.equal({ neuron: 2 });
      await v.el.updateComplete;
      expect(v.el.getAttribute('neuron')).to.equal('2');
      const clear = v.root.querySelector<HTMLButtonElement>('.clear-neuron')!;
      expect(clear.textContent!.trim()).to.equal('Clear neuron 2');
      clear.click();
      await v.el.updateComplete;
      expect(v.el.hasAttribute('neuron')).to.equal(false);
    });

    it('keeps the readout and the cell cursor on a clicked cell after the pointer leaves', async () => {
      const v = await mount(dataset());
      // Key 2 = [0, 0, 2, -2]: its k cell in dimension 2 is 2.
      await v.clickCell(2, 'k', 2);
      await v.mouseAway();
      expect(v.readout()).to.include('Key 2 “b”: dimension 2: k = 2');
      // The cursor moves on from the clicked cell, not from the first one.
      await sendKeys({ press: 'ArrowUp' });
      await v.el.updateComplete;
      expect(v.readout()).to.include('Key 1 “a”: dimension 2: k = 0');
    });

    it('draws the cell cursor on a clicked scalar cell, and moves on from there', async () => {
      const v = await mount(dataset(), { theme: 'light' });
      await v.clickCell(2, 'dot');
      await v.mouseAway();
      // Query 1 “a” · key 2: q·k = 0.
      expect(v.readout()).to.match(/^Query 1 “a”.* Key 2 “b”: q·k\/√d = 0 · softmax/);
      // The cursor's outline (accent #0757c2) sits in the gap left of the cell, on its row.
      const { x, y } = v.cellPoint(2, 'dot');
      const box = v.root.querySelectorAll<HTMLElement>('.header .title')[4]!.getBoundingClientRect();
      const [r, g, b] = v.pixel('body', box.left - 1, y);
      expect(b, `outline pixel ${[r, g, b]} at ${x}`).to.be.above(r + 60);
      await sendKeys({ press: 'ArrowLeft' });
      await v.el.updateComplete;
      // Left of q·k: the last dimension of q×k, on the same key.
      expect(v.readout()).to.include('Key 2 “b”: dimension 3: q×k = 0');
    });

    it('moves a cell cursor with arrow keys, highlights with Enter and clears with Escape', async () => {
      const v = await mount(dataset());
      v.part('matrix')!.focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'ArrowDown' });
      await v.el.updateComplete;
      expect(v.readout()).to.include('Key 1 “a”: dimension 1: k = 2');
      await sendKeys({ press: 'Enter' });
      await v.el.updateComplete;
      expect(v.el.neuron).to.equal(1);
      await sendKeys({ press: 'Escape' });
      await v.el.updateComplete;
      expect(v.el.neuron).to.equal(undefined);
    });

    it('reaches the query vector above the keys with the arrow keys', async () => {
      const v = await mount(dataset());
      v.part('matrix')!.focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'ArrowUp' });
      await v.el.updateComplete;
      // Query 1 “a”: q = [0, 1, 0, 0].
      expect(v.readout()).to.include('q · dimension 1: 1');
    });

    it('keeps the selected query’s dimension order while another query is previewed', async () => {
      const v = await mount(dataset(), { token: '0', 'dimension-order': 'contribution' });
      // Query 0 ranks dimension 0 first; query 1 (q = [0, 1, 0, 0]) would rank dimension 1 first.
      await v.hoverToken('query', 1);
      await v.hoverCell(0, 'k', 0);
      expect(v.readout()).to.match(/^Query 1 “a”/);
      expect(v.readout()).to.include('dimension 0: k = 2');
    });

    it('sorts dimensions by their contribution to the query’s dot products', async () => {
      const v = await mount(dataset(), { token: '2', 'dimension-order': 'contribution' });
      // Query 2: q = [1, 1, 0, 0]; |q×k| over keys: dim 0: (2 + 0 + 0) / 3, dim 1: (0 + 2 + 0) / 3,
      // dims 2, 3: 0. Ties keep index order: 0, 1, 2, 3.
      expect(v.readout()).to.include(
        'Dimensions driving q·k (mean |q×k|): 0 (0.667), 1 (0.667), 2 (0.00), 3 (0.00)',
      );
      v.el.token = 0;
      await v.el.updateComplete;
      // Query 0: q = [1, 0, 0, 0]: only dimension 0 contributes; the first slot shows it.
      await v.hoverCell(0, 'k', 0);
      expect(v.readout()).to.include('dimension 0: k = 2');
      expect(v.titles()[2]).to.equal('k (key vectors), by contribution');
    });
  });

  describe('drawing', () => {
    it('colours positive values blue and negative orange, by magnitude', async () => {
      const v = await mount(dataset(), { theme: 'light' });
      const at = (slot: number, row: number) => {
        const { x, y } = v.cellPoint(row, 'k', slot);
        return v.pixel('body', x, y).slice(0, 3);
      };
      const positive = parseColor('#0969da')!.map((c) => Math.round(c * 255));
      const negative = parseColor('#c55b00')!.map((c) => Math.round(c * 255));
      // Key 2 = [0, 0, 2, -2]: |2| is the head's largest |k|, so full colours.
      expect(at(2, 2)).to.deep.equal(positive);
      expect(at(3, 2)).to.deep.equal(negative);
      expect(at(1, 2)).to.deep.equal([255, 255, 255]);
    });
  });

  describe('export', () => {
    /** The SVG export parsed, as a reader's tool would. */
    const svgOf = (text: string) => new DOMParser().parseFromString(text, 'image/svg+xml');

    it('toSVG() carries each key’s softmax weight, as the readout writes it, in a title per row', async () => {
      const v = await mount(dataset(), { token: '2' });
      const doc = svgOf(v.el.toSVG());
      expect(doc.querySelector('parsererror')).to.equal(null);
      // Query 2: q = [1, 1, 0, 0]; dots [2, 2, 0] / 2 = [1, 1, 0] → softmax [e, e, 1] / (2e + 1).
      const softmax = [Math.E, Math.E, 1].map((x) => x / (2 * Math.E + 1));
      const titles = [...doc.querySelectorAll('rect > title')].map((t) => t.textContent);
      expect(titles).to.have.length(3);
      for (const [key, w] of softmax.entries()) {
        await v.hoverToken('key', key);
        const shown = /softmax [^ ]+/.exec(v.readout())![0];
        expect(shown).to.equal(`softmax ${formatExact(w)}`);
        expect(titles[key]).to.include(
          `Key ${key} “${TOKENS[key]}”: q·k/√d = ${formatExact(key < 2 ? 1 : 0)}`,
        );
        expect(titles[key]).to.include(shown);
      }
    });

    it('toSVG() writes the numbers, the tokens and the title line as text', async () => {
      const v = await mount(dataset(), { token: '2', neuron: '1' });
      const texts = [...svgOf(v.el.toSVG()).querySelectorAll('text')].map((t) => t.textContent);
      expect(texts[0]).to.equal('Layer 0 · head 0 · query 2 “b” · neuron 1');
      for (const column of ['Query', 'Key', 'k (key vectors)', 'q × k', 'q · k', 'softmax', '‖α·v‖']) {
        expect(texts).to.include(column);
      }
      // Each token twice (query and key column), and the softmax cells as the screen writes them.
      for (const token of TOKENS) expect(texts.filter((t) => t === token)).to.have.length(2);
      const e = Math.E;
      for (const w of [e / (2 * e + 1), 1 / (2 * e + 1)]) expect(texts).to.include(w.toFixed(3));
    });

    it('toSVG() marks the selected query and outlines the highlighted neuron', async () => {
      const v = await mount(dataset(), { token: '2', neuron: '1', theme: 'light' });
      const fills = [...svgOf(v.el.toSVG()).querySelectorAll('rect')].map((r) => r.getAttribute('fill'));
      // --attn-pinned behind the query, --attn-highlight around the neuron's cells.
      expect(fills.filter((f) => f === '#fff1c2')).to.have.length(1);
      // k, q×k and v, and q and Σα·v above them: 5 outlines of 4 sides.
      expect(fills.filter((f) => f === '#bc4c00')).to.have.length(20);
    });

    it('toSVG() colours the tokens as the columns do: special tokens, and keys the mask hides', async () => {
      const v = await mount(dataset({ causal: true }), { token: '1', theme: 'light' });
      const texts = [...svgOf(v.el.toSVG()).querySelectorAll('text')];
      const fill = (token: string) =>
        texts.filter((t) => t.textContent === token).map((t) => t.getAttribute('fill'));
      // Query column, then key column: [CLS] is special in both; key b comes after query 1.
      expect(fill('[CLS]')).to.deep.equal(['#8250df', '#8250df']);
      expect(fill('b')).to.deep.equal(['#1f2328', '#59636e']);
    });

    it('keeps a token such as <img onerror=…> as text in the SVG', async () => {
      const token = '<img src=x onerror=alert(1)>';
      const v = await mount({ ...dataset(), tokens: [token, 'a', 'b'] });
      const svg = v.el.toSVG();
      expect(svg).not.to.include('<img');
      const doc = svgOf(svg);
      expect(doc.querySelector('img')).to.equal(null);
      expect([...doc.querySelectorAll('text')].filter((t) => t.textContent === token)).to.have.length(2);
    });

    it('toPNG() returns a PNG of the view', async () => {
      const v = await mount(dataset());
      const blob = await v.el.toPNG(1);
      expect(blob.type).to.equal('image/png');
      const signature = [...new Uint8Array(await blob.slice(0, 8).arrayBuffer())];
      expect(signature).to.deep.equal([137, 80, 78, 71, 13, 10, 26, 10]);
      const image = await createImageBitmap(blob);
      const svg = svgOf(v.el.toSVG()).documentElement;
      expect([image.width, image.height]).to.deep.equal([
        Math.ceil(Number(svg.getAttribute('width'))),
        Math.ceil(Number(svg.getAttribute('height'))),
      ]);
    });

    it('saves from the toolbar’s PNG and SVG buttons', async () => {
      const v = await mount(dataset(), { token: '2' });
      const buttons = [...v.root.querySelectorAll<HTMLButtonElement>('[part="export-button"]')];
      expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['PNG', 'SVG']);
      const saved: string[] = [];
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        saved.push(this.download);
      };
      try {
        buttons[1]!.click();
        buttons[0]!.click();
        // The PNG is encoded asynchronously.
        for (let wait = 0; saved.length < 2 && wait < 100; wait++)
          await new Promise((r) => setTimeout(r, 20));
      } finally {
        HTMLAnchorElement.prototype.click = click;
      }
      expect(saved).to.deep.equal(['neuron-layer0-head0-token2.svg', 'neuron-layer0-head0-token2.png']);
    });
  });

  describe('empty states', () => {
    it('says what is missing, and why, when the data has no vectors', async () => {
      const v = await mount({ tokens: TOKENS, attention: [[softmaxRows(Q0, K0)]] });
      expect(v.error()).to.equal(null);
      expect(v.part('empty')!.getAttribute('role')).to.equal('status');
      expect(v.text('empty')).to.match(
        /^No query and key vectors The neuron view shows how a head computes its attention from each token's query and key vectors\. This data carries the attention only/,
      );
      // The layer and head stay selectable, and there is nothing to export.
      expect(v.part('layer-select')).not.to.equal(null);
      expect(v.part('export-button')).to.equal(null);
      expect(() => v.el.toSVG()).to.throw('attn-neuron-view: nothing to export (no query and key vectors)');
    });

    it('explains a causal model’s first query, which sees one key', async () => {
      const v = await mount(dataset({ causal: true }), { token: '0' });
      expect(v.text('note')).to.equal(
        'Query 0 “[CLS]” sees one key: the causal mask hides every later one, so softmax gives that key all the attention (1) whatever q·k. Later queries show keys competing.',
      );
      v.el.token = 1;
      await v.el.updateComplete;
      expect(v.part('note')).to.equal(null);
    });

    it('names the key/value head a grouped-query head reads, and the heads sharing it', async () => {
      // Heads 0 and 1 have the same keys (K1 = K0): one key/value head for both, as in Llama's GQA.
      const v = await mount({ ...dataset(), kvHeads: [0, 0] }, { head: '1', token: '1' });
      expect(v.text('note')).to.equal(
        'Head 1 reads key/value head 0, shared with heads [0, 1]: their keys and values are the same vectors (grouped-query attention).',
      );
      const own = await mount({ ...dataset(), kvHeads: [0, 1] }, { head: '1', token: '1' });
      expect(own.text('note')).to.equal('Head 1 reads key/value head 1, its own.');
    });

    it('explains a block whose keys all come after the query', async () => {
      const v = await mount(dataset({ causal: true, pair: true }), { filter: 'ab', token: '1' });
      expect(v.text('note')).to.match(/^Query 1 “a” sees none of the keys shown: they all come after it/);
    });
  });

  describe('errors and accessibility', () => {
    it('reports a token or neuron out of range', async () => {
      const v = await mount(dataset(), { token: '7' });
      expect(v.error()).to.equal('invalid token: expected a query position from 0 to 2, got 7');
      v.el.token = 1;
      v.el.neuron = 9;
      await v.el.updateComplete;
      expect(v.error()).to.equal('invalid neuron: expected a dimension from 0 to 3, got 9');
    });

    it('quotes what the page wrote for a malformed attribute', async () => {
      const v = await mount(dataset(), { 'dimension-order': 'size' });
      expect(v.error()).to.equal('invalid dimension-order: expected "none" or "contribution", got "size"');
      v.el.removeAttribute('dimension-order');
      v.el.setAttribute('neuron', 'one');
      await v.el.updateComplete;
      expect(v.error()).to.equal('invalid neuron: expected a whole number ≥ 0, got "one"');
    });

    it('renders tokens as text', async () => {
      const data = { ...dataset(), tokens: ['<img src=x onerror="window.__nv=1">', 'a', 'b'] };
      const v = await mount(data);
      expect(v.root.querySelector('img')).to.equal(null);
      expect((window as { __nv?: number }).__nv).to.equal(undefined);
    });

    it('passes axe, with a warning and with a highlighted neuron', async () => {
      const v = await mount(dataset({ swap: true }), { neuron: '1' });
      await expect(v.el).to.be.accessible();
    });

    it('passes axe in the dark theme with a causal model, its note shown', async () => {
      const v = await mount(dataset({ causal: true }), { theme: 'dark', token: '0' });
      expect(v.part('note')).not.to.equal(null);
      await expect(v.el).to.be.accessible();
    });

    it('passes axe in the empty state', async () => {
      const v = await mount({ tokens: TOKENS, attention: [[softmaxRows(Q0, K0)]] });
      await expect(v.el).to.be.accessible();
    });
  });
});
