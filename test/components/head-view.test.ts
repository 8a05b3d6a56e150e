import { expect, oneEvent } from '@open-wc/testing';
import { emulateMedia, resetMouse, sendKeys } from '@web/test-runner-commands';
import { parseAttention } from '../../src/core/parse/index.js';
import { contrastRatio, headPalette, parseColor, toHex, type Rgb } from '../../src/core/palette.js';
import type { AttnHeadsChangeDetail, AttnTokenFocusDetail } from '../../src/components/shared/events.js';
import { CAUSAL, ENC_DEC, PAIR, SELF, TOKENS } from './fixtures.js';
import { mountHeadView } from './head-view.harness.js';

describe('attn-head-view', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
    // A real pointer left over a token would hover it in the next test's view.
    await resetMouse();
  });

  describe('accessibility', () => {
    it('passes axe with data', async () => {
      const h = await mountHeadView(SELF);
      await expect(h.el).to.be.accessible();
    });

    it('passes axe with a pinned token and a sentence-pair filter', async () => {
      const h = await mountHeadView(PAIR);
      await h.clickToken('query', 1);
      await expect(h.el).to.be.accessible();
    });

    it('passes axe in the error state', async () => {
      const h = await mountHeadView({ tokens: ['a'], attention: [[[[0.5]]]] });
      await expect(h.el).to.be.accessible();
    });

    it('labels the token lists, swatches and selectors', async () => {
      const h = await mountHeadView(SELF);
      expect(h.column('query').getAttribute('role')).to.equal('listbox');
      expect(h.column('query').getAttribute('aria-label')).to.match(/^Query tokens/);
      expect(h.column('key').getAttribute('aria-label')).to.match(/^Key tokens/);
      expect(h.swatch(1).getAttribute('aria-label')).to.equal('Head 1');
      expect(h.layerSelect().getAttribute('aria-label')).to.equal('Layer');
      expect(h.root.querySelector('[role="toolbar"]')!.getAttribute('aria-label')).to.match(/^Heads/);
    });
  });

  describe('tokens', () => {
    it('renders tokens as text, never as HTML', async () => {
      const evil = ['<img src=x onerror="window.__attnXss = 1">', '<script>window.__attnXss = 2</script>'];
      const h = await mountHeadView({
        tokens: evil,
        attention: [
          [
            [
              [0.5, 0.5],
              [0.5, 0.5],
            ],
          ],
        ],
      });
      expect(h.root.querySelector('img')).to.equal(null);
      expect(h.root.querySelector('script')).to.equal(null);
      expect(h.tokenTexts('query')).to.deep.equal(evil);
      expect((window as { __attnXss?: number }).__attnXss).to.equal(undefined);
      expect(h.el.toSVG()).to.include('&lt;img src=x onerror=');
      expect(h.el.toSVG()).not.to.include('<img');
    });

    it('shows each label inside its row', async () => {
      const h = await mountHeadView(SELF);
      for (const side of ['query', 'key'] as const) {
        for (let i = 0; i < TOKENS.length; i++) {
          const row = h.token(side, i).getBoundingClientRect();
          const label = h.token(side, i).querySelector('.label')!.getBoundingClientRect();
          expect(label.width, `${side} ${i}`).to.be.greaterThan(5);
          expect(label.top).to.be.at.least(row.top - 0.5);
          expect(label.bottom).to.be.at.most(row.bottom + 0.5);
        }
      }
    });

    it('strips byte-level markers and styles special tokens and ## continuations', async () => {
      const h = await mountHeadView({
        tokens: ['[CLS]', 'purr', '##ing', '[SEP]'],
        attention: [
          [
            [
              [1, 0, 0, 0],
              [1, 0, 0, 0],
              [1, 0, 0, 0],
              [1, 0, 0, 0],
            ],
          ],
        ],
      });
      expect(h.tokenTexts('query')).to.deep.equal(['[CLS]', 'purr', '##ing', '[SEP]']);
      expect(h.token('query', 0).classList.contains('special')).to.equal(true);
      expect(h.token('query', 2).querySelector('.cont')!.textContent).to.equal('##');
      const g = await mountHeadView(CAUSAL);
      expect(g.tokenTexts('key')).to.deep.equal(['The', 'cat', 'sat']);
      expect(g.token('key', 1).title).to.equal('Ġcat (position 1)');
    });
  });

  describe('layers', () => {
    it('offers the model layer numbers, and include-layers picks a subset', async () => {
      const h = await mountHeadView(SELF);
      expect([...h.layerSelect().options].map((o) => o.value)).to.deep.equal(['0', '1']);
      h.el.setAttribute('include-layers', '1');
      await h.el.updateComplete;
      expect([...h.layerSelect().options].map((o) => o.value)).to.deep.equal(['1']);
    });

    it('keeps bertviz include_layers numbering', async () => {
      const h = await mountHeadView({
        attention: [{ name: null, attn: SELF.attention, left_text: TOKENS, right_text: TOKENS }],
        include_layers: [4, 9],
        layer: 9,
      });
      expect([...h.layerSelect().options].map((o) => o.value)).to.deep.equal(['4', '9']);
      expect(h.layerSelect().value).to.equal('9');
    });

    it('switching layer fires attn-layer-change, reflects the attribute and redraws', async () => {
      const h = await mountHeadView(SELF);
      await h.hover('query', 2);
      // Layer 0: query 2 attends to keys 0 (head 0), 1 (head 1) and all (head 2).
      expect(h.alphaAtKey(3)).to.be.greaterThan(0);
      const event = oneEvent(h.el, 'attn-layer-change');
      await h.choose(h.layerSelect(), '1');
      expect((await event).detail).to.deep.equal({ layer: 1 });
      expect(h.el.getAttribute('layer')).to.equal('1');
      // Layer 1: keys 2 (self), 0 and 1 (head 1), 3 (head 2) all get lines.
      expect(h.alphaAtKey(2)).to.be.greaterThan(0);
    });
  });

  describe('heads', () => {
    it('click toggles a head; the last active head cannot be turned off', async () => {
      const h = await mountHeadView(SELF);
      expect(h.activeHeads()).to.deep.equal([0, 1, 2]);
      await h.clickSwatch(1);
      expect(h.activeHeads()).to.deep.equal([0, 2]);
      await h.clickSwatch(0);
      await h.clickSwatch(2);
      expect(h.activeHeads()).to.deep.equal([2]);
      await h.clickSwatch(1);
      expect(h.activeHeads()).to.deep.equal([1, 2]);
      expect(h.el.getAttribute('heads')).to.equal('1,2');
    });

    it('double-click solos a head; double-click on the only active head restores all', async () => {
      const h = await mountHeadView(SELF);
      await h.doubleClickSwatch(2);
      expect(h.activeHeads()).to.deep.equal([2]);
      await h.doubleClickSwatch(2);
      expect(h.activeHeads()).to.deep.equal([0, 1, 2]);
    });

    it('fires attn-heads-change with the model head numbers', async () => {
      const h = await mountHeadView(SELF);
      const event = oneEvent(h.el, 'attn-heads-change');
      await h.clickSwatch(0);
      expect(((await event) as CustomEvent<AttnHeadsChangeDetail>).detail.heads).to.deep.equal([1, 2]);
    });

    it('keeps the head selection across layer changes', async () => {
      const h = await mountHeadView(SELF);
      await h.doubleClickSwatch(1);
      await h.choose(h.layerSelect(), '1');
      expect(h.activeHeads()).to.deep.equal([1]);
    });

    it('the heads attribute selects heads and only active heads draw', async () => {
      const h = await mountHeadView(SELF, { attrs: { heads: '0' } });
      expect(h.activeHeads()).to.deep.equal([0]);
      // Head 0 of layer 0 sends every query to key 0 only.
      expect(h.alphaAtKey(0)).to.be.greaterThan(0);
      expect(h.alphaAtKey(2)).to.equal(0);
      h.el.heads = [2];
      await h.el.updateComplete;
      expect(h.alphaAtKey(2)).to.be.greaterThan(0);
    });

    it('colours swatches with the palette and keeps 16 heads distinct', async () => {
      const n = 16;
      const row = Array.from({ length: 4 }, (_, i) => (i === 0 ? 1 : 0));
      const h = await mountHeadView({
        tokens: TOKENS,
        attention: [Array.from({ length: n }, () => TOKENS.map(() => row))],
      });
      const colors = h.swatches().map((s) => getComputedStyle(s).getPropertyValue('--swatch-color').trim());
      expect(new Set(colors).size).to.equal(n);
      expect(colors).to.deep.equal(headPalette(n, 'light').map(toHex));
    });

    it('keyboard: arrows move between swatches, Enter toggles, Shift+Enter solos', async () => {
      const h = await mountHeadView(SELF);
      h.swatch(0).focus();
      await sendKeys({ press: 'ArrowRight' });
      expect(h.root.activeElement).to.equal(h.swatch(1));
      await sendKeys({ press: 'Enter' });
      await h.el.updateComplete;
      expect(h.activeHeads()).to.deep.equal([0, 2]);
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Shift' });
      await h.el.updateComplete;
      expect(h.activeHeads()).to.deep.equal([2]);
    });
  });

  describe('hover, pinning and readout', () => {
    it('shows all lines of active heads when nothing is focused', async () => {
      const h = await mountHeadView(SELF);
      for (let i = 0; i < 4; i++) expect(h.alphaAtQuery(i), `query ${i}`).to.be.greaterThan(0);
    });

    it('hovering a left token shows only its lines', async () => {
      const h = await mountHeadView(SELF);
      await h.hover('query', 2);
      expect(h.alphaAtQuery(2)).to.be.greaterThan(0);
      expect(h.alphaAtQuery(0)).to.equal(0);
      expect(h.alphaAtQuery(3)).to.equal(0);
    });

    it('hovering a right token shows only the lines reaching it', async () => {
      const h = await mountHeadView(SELF, { attrs: { heads: '1' } });
      // Head 1 of layer 0: key 1 receives only from query 2.
      await h.hover('key', 1);
      expect(h.alphaAtKey(1)).to.be.greaterThan(0);
      expect(h.alphaAtQuery(2)).to.be.greaterThan(0);
      expect(h.alphaAtQuery(0)).to.equal(0);
      expect(h.alphaAtQuery(1)).to.equal(0);
    });

    it('draws one box per active head beside the other column with opacity = weight', async () => {
      const h = await mountHeadView(SELF);
      await h.hover('query', 2);
      const band = h.boxBand('key', 0);
      const canvasBox = h.canvas().getBoundingClientRect();
      // Three heads side by side in the band, 2 px in from each edge.
      const slot = (band.width - 4) / 3;
      const y = band.top + band.height / 2 - canvasBox.top;
      const at = (s: number) => h.pixel(band.left - canvasBox.left + 2 + slot * (s + 0.5), y);
      const palette = headPalette(3, 'light');
      const head0 = at(0);
      expect(head0[3]).to.equal(255);
      expect(toHex([head0[0] / 255, head0[1] / 255, head0[2] / 255])).to.equal(toHex(palette[0]!));
      expect(at(1)[3]).to.equal(0);
      expect(at(2)[3]).to.equal(64);
    });

    it('draws hovered lines at full weight by default; line-opacity="shared" divides by active heads (bertviz)', async () => {
      const byDefault = await mountHeadView(SELF, { attrs: { heads: '0,2' } });
      await byDefault.hover('query', 1);
      const full = await mountHeadView(SELF, { attrs: { heads: '0,2', 'line-opacity': 'full' } });
      await full.hover('query', 1);
      const shared = await mountHeadView(SELF, { attrs: { heads: '0,2', 'line-opacity': 'shared' } });
      await shared.hover('query', 1);
      expect(byDefault.el.lineOpacity).to.equal('full');
      expect(byDefault.alphaAtKey(3)).to.equal(full.alphaAtKey(3));
      expect(full.alphaAtKey(3)).to.be.greaterThan(shared.alphaAtKey(3));
    });

    it("lists each active head's strongest weights, exact to the float", async () => {
      const h = await mountHeadView(SELF);
      await h.hover('query', 2);
      const rows = h.readoutRows();
      expect(rows.map((r) => r[0])).to.deep.equal(['0', '1', '2']);
      expect(rows[0]![1]).to.equal('“[CLS]” 1.0000');
      expect(rows[1]![1]).to.equal('“the” 1.0000');
      expect(rows[2]![1]).to.equal('“[CLS]” 0.2500');
      expect(h.readout().textContent).to.match(/Query 2\s+“cat”\s+attends to/);
    });

    it('click pins a token; hovering the other side adds the pair weight; Escape unpins', async () => {
      const h = await mountHeadView(SELF);
      await h.clickToken('query', 3);
      await h.leave('query');
      expect(h.token('query', 3).getAttribute('aria-selected')).to.equal('true');
      expect(h.alphaAtQuery(3)).to.be.greaterThan(0);
      expect(h.alphaAtQuery(0)).to.equal(0);
      await h.hover('key', 2);
      const rows = h.readoutRows();
      // Query 3 → key 2: head 0: 0, head 1: 1, head 2: 0.25.
      expect(rows.map((r) => r[1])).to.deep.equal(['0', '1.0000', '0.2500']);
      h.column('query').focus();
      await sendKeys({ press: 'Escape' });
      await h.el.updateComplete;
      await h.leave('key');
      expect(h.root.querySelector('[aria-selected="true"]')).to.equal(null);
    });

    it('fires attn-token-focus on hover and pin', async () => {
      const h = await mountHeadView(SELF);
      const hover = oneEvent(h.el, 'attn-token-focus');
      await h.hover('key', 1);
      expect(((await hover) as CustomEvent<AttnTokenFocusDetail>).detail).to.deep.equal({
        side: 'key',
        index: 1,
        position: 1,
        token: 'the',
        pinned: false,
      });
      const pin = oneEvent(h.el, 'attn-token-focus');
      await h.leave('key');
      await h.clickToken('query', 0);
      await h.leave('query');
      const details: AttnTokenFocusDetail[] = [];
      h.el.addEventListener('attn-token-focus', (e) => details.push(e.detail));
      expect(((await pin) as CustomEvent<AttnTokenFocusDetail>).detail.side).to.equal(null);
      await h.el.updateComplete;
      expect(h.el.shadowRoot!.querySelector('#query-0')!.classList.contains('pinned')).to.equal(true);
    });
  });

  describe('reading at a glance', () => {
    /** One head over four tokens: query 0 attends 0.3, 0.2, 0, 0.5; the others attend to key 0. */
    const ONE_HEAD = {
      tokens: TOKENS,
      attention: [
        [
          [
            [0.3, 0.2, 0, 0.5],
            [1, 0, 0, 0],
            [1, 0, 0, 0],
            [1, 0, 0, 0],
          ],
        ],
      ],
    };
    const BACKGROUND = { light: '#ffffff', dark: '#0d1117' } as const;

    /** The painted pixel composited over the background, and its contrast with it. */
    function contrastOf(p: readonly number[], background: string): number {
      const bg = parseColor(background)!;
      const a = p[3]! / 255;
      const shown = [0, 1, 2].map((i) => (p[i]! / 255) * a + bg[i]! * (1 - a)) as unknown as Rgb;
      return contrastRatio(shown, bg);
    }

    for (const theme of ['light', 'dark'] as const) {
      it(`a hovered line of weight 0.5 in one head has 3:1 contrast in its head colour, 0.2 is visible (${theme})`, async () => {
        const h = await mountHeadView(ONE_HEAD, { attrs: { theme } });
        await h.hover('query', 0);
        const end = (key: number) => {
          const g = h.geometry('key', key);
          return h.linePixel(g.lineEndX, g.y);
        };
        const half = end(3);
        const fifth = end(1);
        const color = headPalette(1, theme)[0]!.map((v) => Math.round(v * 255));
        for (let i = 0; i < 3; i++) expect(Math.abs(half[i]! - color[i]!), `channel ${i}`).to.be.at.most(2);
        expect(contrastOf(half, BACKGROUND[theme])).to.be.at.least(3);
        expect(contrastOf(fifth, BACKGROUND[theme])).to.be.at.least(1.5);
      });
    }

    it('at rest, a line of weight 0.9 is far more opaque than one of 0.05, and drawn over it', async () => {
      const h = await mountHeadView({
        tokens: TOKENS,
        attention: [
          [
            [
              [0.9, 0.05, 0.05, 0],
              [0, 0, 0, 1],
              [0, 0, 0, 1],
              [0, 0, 0, 1],
            ],
          ],
        ],
      });
      const strong = h.alphaAtKey(0);
      const weak = h.alphaAtKey(1);
      expect(weak).to.be.greaterThan(0);
      // bertviz's opacity = weight makes it 18 times; the rest curve about 80.
      expect(strong / weak).to.be.at.least(50);
    });

    it('lines of several heads between the same two tokens fan out, each in its head colour', async () => {
      // Layer 0: heads 0 and 1 both send query 0 to key 0 with weight 1.
      const h = await mountHeadView(SELF, { attrs: { heads: '0,1' } });
      await h.hover('query', 0);
      const g = h.geometry('key', 0);
      const seen = Array.from({ length: 19 }, (_, i) => h.pixel(g.lineEndX, g.y - 9 + i)).filter(
        (p) => p[3] === 255,
      );
      const palette = headPalette(2, 'light').map((c) => c.map((v) => Math.round(v * 255)));
      for (const [head, color] of palette.entries()) {
        const found = seen.some((p) => [0, 1, 2].every((i) => Math.abs(p[i]! - color[i]!) <= 2));
        expect(found, `head ${head}`).to.equal(true);
      }
    });

    for (const n of [16, 32]) {
      it(`no attention box lies under a token label, with ${n} heads`, async () => {
        const uniform = TOKENS.map(() => TOKENS.map(() => 0.25));
        const h = await mountHeadView({
          tokens: TOKENS,
          attention: [Array.from({ length: n }, () => uniform)],
        });
        for (const [focus, other] of [
          ['query', 'key'],
          ['key', 'query'],
        ] as const) {
          await h.hover(focus, 1);
          for (let i = 0; i < TOKENS.length; i++) {
            const label = h.token(other, i).getBoundingClientRect();
            expect(
              h.pixelsIn(label).some((v, j) => j % 4 === 3 && v > 0),
              `${other} ${i}`,
            ).to.equal(false);
            const band = h.pixelsIn(h.boxBand(other, i));
            expect(
              band.some((v, j) => j % 4 === 3 && v > 0),
              `boxes beside ${other} ${i}`,
            ).to.equal(true);
          }
          await h.leave(focus);
        }
      });
    }

    it('pins a token the page names (pinToken), fires attn-token-focus, and refuses one it does not have', async () => {
      const h = await mountHeadView(SELF);
      let detail: unknown;
      h.el.addEventListener('attn-token-focus', (e) => (detail = (e as CustomEvent).detail));
      h.el.pinToken('key', 1);
      await h.el.updateComplete;
      expect(h.token('key', 1).classList.contains('pinned')).to.equal(true);
      expect(detail).to.include({ side: 'key', index: 1, pinned: true });
      const count = h.tokenTexts('query').length;
      expect(() => h.el.pinToken('query', count)).to.throw(
        RangeError,
        `pinToken: expected a query index from 0 to ${count - 1}, received ${count}`,
      );
      h.el.pinToken('key', null);
      await h.el.updateComplete;
      expect(h.root.querySelectorAll('.token.pinned').length).to.equal(0);
    });

    it('a click moves the focus ring to the clicked token, which it pins', async () => {
      const h = await mountHeadView(SELF);
      await h.mouseClickToken('query', 2);
      expect(h.root.activeElement).to.equal(h.column('query'));
      expect(h.column('query').getAttribute('aria-activedescendant')).to.equal('query-2');
      expect(h.token('query', 2).classList.contains('cursor')).to.equal(true);
      expect(h.token('query', 2).classList.contains('pinned')).to.equal(true);
      expect(h.root.querySelectorAll('.token.cursor').length).to.equal(1);
      await sendKeys({ press: 'ArrowDown' });
      await h.el.updateComplete;
      expect(h.column('query').getAttribute('aria-activedescendant')).to.equal('query-3');
    });

    it('says so in the view, the readout and the export when a filter leaves no attention', async () => {
      // Head 1 of PAIR attends each token to itself: nothing from sentence A to sentence B.
      const h = await mountHeadView(PAIR, { attrs: { heads: '1', filter: 'ab' } });
      const note = 'No attention in Sentence A → Sentence B for head 1 at layer 0';
      expect(h.note()).to.equal(note);
      await expect(h.el).to.be.accessible();
      expect(h.readout().textContent!.replace(/\s+/g, ' ')).to.include(`${note}.`);
      const doc = new DOMParser().parseFromString(h.el.toSVG(), 'image/svg+xml');
      const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
      expect(texts.slice(-3)).to.deep.equal([
        'No attention in Sentence A → Sentence B',
        'for head 1',
        'at layer 0',
      ]);
      h.el.heads = [0, 1];
      await h.el.updateComplete;
      expect(h.note()).to.equal(null);
      expect(h.alphaAtQuery(1)).to.be.greaterThan(0);
    });
  });

  describe('keyboard', () => {
    it('arrow keys move the focused token, Enter pins, arrows cross to the other column', async () => {
      const h = await mountHeadView(SELF);
      h.column('query').focus();
      await h.el.updateComplete;
      expect(h.column('query').getAttribute('aria-activedescendant')).to.equal('query-0');
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'ArrowDown' });
      await h.el.updateComplete;
      expect(h.column('query').getAttribute('aria-activedescendant')).to.equal('query-2');
      expect(h.alphaAtQuery(2)).to.be.greaterThan(0);
      expect(h.alphaAtQuery(1)).to.equal(0);
      await sendKeys({ press: 'Enter' });
      await h.el.updateComplete;
      expect(h.token('query', 2).classList.contains('pinned')).to.equal(true);
      await sendKeys({ press: 'ArrowRight' });
      await h.el.updateComplete;
      expect(h.root.activeElement).to.equal(h.column('key'));
      expect(h.column('key').getAttribute('aria-activedescendant')).to.equal('key-2');
      await sendKeys({ press: 'End' });
      await h.el.updateComplete;
      expect(h.column('key').getAttribute('aria-activedescendant')).to.equal('key-3');
    });

    it('every control is reachable with Tab', async () => {
      const h = await mountHeadView(PAIR);
      const reached: string[] = [];
      h.layerSelect().focus();
      for (let i = 0; i < 9; i++) {
        const a = h.root.activeElement as HTMLElement;
        reached.push(a.getAttribute('part') ?? a.className);
        await sendKeys({ press: 'Tab' });
      }
      expect(reached).to.deep.equal([
        'layer-select',
        'filter-select',
        'tokens-select',
        'aggregate-select',
        'head-swatch',
        'export-button',
        'export-button',
        'column query',
        'column key',
      ]);
    });
  });

  describe('causal, sentence-pair and encoder-decoder data', () => {
    it('causal data draws no line to a later token', async () => {
      const h = await mountHeadView(CAUSAL);
      await h.hover('query', 0);
      expect(h.alphaAtKey(0)).to.be.greaterThan(0);
      expect(h.alphaAtKey(1)).to.equal(0);
      expect(h.alphaAtKey(2)).to.equal(0);
      expect(h.readoutRows()[0]).to.deep.equal(['0', '“The” 1.0000']);
    });

    it('offers the sentence-pair filter and shows each block', async () => {
      const h = await mountHeadView(PAIR);
      const select = h.filterSelect()!;
      expect([...select.options].map((o) => o.value)).to.deep.equal(['all', 'aa', 'bb', 'ab', 'ba']);
      const event = oneEvent(h.el, 'attn-filter-change');
      await h.choose(select, 'ab');
      expect((await event).detail).to.deep.equal({ filter: 'ab' });
      expect(h.tokenTexts('query')).to.deep.equal(['[CLS]', 'a', 'b', '[SEP]']);
      expect(h.tokenTexts('key')).to.deep.equal(['c', 'd', '[SEP]']);
      await h.hover('key', 0);
      expect(h.readout().textContent).to.match(/Key 4\s+“c”/);
    });

    it('no filter selector without a sentence pair', async () => {
      const h = await mountHeadView(SELF);
      expect(h.filterSelect()).to.equal(null);
    });

    it('switches between encoder, decoder and cross attention with different token lists', async () => {
      const h = await mountHeadView(ENC_DEC);
      const select = h.filterSelect()!;
      expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal([
        'Encoder',
        'Decoder',
        'Cross',
      ]);
      expect(h.tokenTexts('query')).to.deep.equal(['Hello', 'world', '</s>']);
      await h.choose(select, 'cross');
      expect(h.tokenTexts('query')).to.deep.equal(['<pad>', 'Hallo', 'Welt', '</s>']);
      expect(h.tokenTexts('key')).to.deep.equal(['Hello', 'world', '</s>']);
      h.el.heads = [1];
      await h.el.updateComplete;
      await h.hover('query', 2);
      expect(h.alphaAtKey(2)).to.be.greaterThan(0);
      expect(h.alphaAtKey(0)).to.equal(0);
    });
  });

  describe('theme', () => {
    const bg = (el: Element) => getComputedStyle(el).getPropertyValue('--attn-background').trim();

    it('light and dark set the theme tokens', async () => {
      const h = await mountHeadView(SELF, { attrs: { theme: 'dark' } });
      expect(bg(h.el)).to.equal('#0d1117');
      h.el.theme = 'light';
      await h.el.updateComplete;
      expect(bg(h.el)).to.equal('#ffffff');
    });

    it('auto follows prefers-color-scheme and switches the palette', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      const h = await mountHeadView(SELF);
      expect(h.el.getAttribute('theme')).to.equal('auto');
      expect(bg(h.el)).to.equal('#0d1117');
      const swatch = () => getComputedStyle(h.swatch(0)).getPropertyValue('--swatch-color').trim();
      expect(swatch()).to.equal(toHex(headPalette(1, 'dark')[0]!));
      await emulateMedia({ colorScheme: 'light' });
      await new Promise((r) => setTimeout(r, 50));
      await h.el.updateComplete;
      expect(bg(h.el)).to.equal('#ffffff');
      expect(swatch()).to.equal(toHex(headPalette(1, 'light')[0]!));
    });

    it('theme tokens set from outside win over the defaults', async () => {
      const h = await mountHeadView(SELF);
      h.el.style.setProperty('--attn-background', 'rgb(1, 2, 3)');
      expect(bg(h.el)).to.equal('rgb(1, 2, 3)');
    });
  });

  describe('errors', () => {
    it('shows the parse error instead of throwing', async () => {
      const h = await mountHeadView({ tokens: ['a', 'b'], attention: [[[[0.5, 0.5]]]] });
      expect(h.error()).to.equal(
        'invalid tokens: expected 1 token (the attention has 1 query), got 2 tokens',
      );
      expect(h.root.querySelector('[role="alert"]')).to.not.equal(null);
    });

    it('names a bad layer or heads attribute', async () => {
      const h = await mountHeadView(SELF, { attrs: { layer: '7' } });
      expect(h.error()).to.equal('invalid layer: expected one of the layers [0, 1], got 7');
      h.el.removeAttribute('layer');
      h.el.setAttribute('heads', '0,x');
      await h.el.updateComplete;
      expect(h.error()).to.equal('invalid heads: expected comma-separated head numbers, got "0,x"');
      h.el.setAttribute('heads', '0,5');
      await h.el.updateComplete;
      expect(h.error()).to.equal('invalid heads[1]: expected one of the heads 0–2, got 5');
      h.el.setAttribute('heads', '1');
      await h.el.updateComplete;
      expect(h.error()).to.equal(null);
    });

    it('names a bad include-layers or line-opacity attribute, quoting the page', async () => {
      const h = await mountHeadView(SELF, { attrs: { 'include-layers': '1,x' } });
      expect(h.error()).to.equal('invalid include-layers: expected comma-separated layer numbers, got "1,x"');
      h.el.removeAttribute('include-layers');
      h.el.setAttribute('line-opacity', 'bold');
      await h.el.updateComplete;
      expect(h.error()).to.equal('invalid line-opacity: expected "full" or "shared", got "bold"');
    });

    it('recovers when good data replaces bad data', async () => {
      const h = await mountHeadView('not attention');
      expect(h.error()).to.equal(
        'invalid data: expected attention data (an object or a tensor), got "not attention"',
      );
      h.el.data = SELF;
      await h.el.updateComplete;
      expect(h.error()).to.equal(null);
      expect(h.tokenTexts('query')).to.deep.equal(TOKENS);
    });

    it('says what to set when there is no data', async () => {
      const h = await mountHeadView(undefined);
      expect(h.empty()).to.match(/^No attention data: set the data property/);
      expect(h.error()).to.equal(null);
    });
  });

  describe('unnormalised data', () => {
    it('draws rollout or scores relative to the largest weight', async () => {
      const data = parseAttention(
        {
          tokens: ['a', 'b'],
          attention: [
            [
              [
                [2, 0],
                [0, 4],
              ],
            ],
          ],
        },
        { allowUnnormalized: true },
      );
      const h = await mountHeadView(data);
      await h.hover('query', 1);
      expect(h.readoutRows()[0]![1]).to.equal('“b” 4.0000');
      expect(h.alphaAtKey(1)).to.be.greaterThan(0);
    });
  });

  describe('long inputs', () => {
    it('renders only the visible rows of a 1,024-token input', async () => {
      const n = 1024;
      const data = new Float32Array(n * n);
      for (let q = 0; q < n; q++) data[q * n + Math.max(0, q - 1)] = 1;
      const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
      const h = await mountHeadView({ tokens, attention: { dims: [1, 1, n, n], data } });
      const rendered = h.root.querySelectorAll('[role="option"]').length;
      expect(rendered).to.be.greaterThan(20);
      expect(rendered).to.be.lessThan(200);
      const viewport = h.root.querySelector<HTMLElement>('.viewport')!;
      viewport.scrollTop = 600 * 22;
      viewport.dispatchEvent(new Event('scroll'));
      await h.el.updateComplete;
      expect(h.tokenTexts('query')).to.include('t610');
    });
  });

  describe('export', () => {
    it('toSVG draws every token, line and the title', async () => {
      const h = await mountHeadView(SELF, { attrs: { heads: '1' } });
      const doc = new DOMParser().parseFromString(h.el.toSVG(), 'image/svg+xml');
      const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
      expect(texts[0]).to.equal('Layer 0 · heads 1');
      expect(texts.slice(1)).to.deep.equal([...TOKENS, ...TOKENS]);
      // Head 1 of layer 0 has four weights of 1, each a line at opacity 1 (one active head).
      const lines = [...doc.querySelectorAll('line')];
      expect(lines.map((l) => l.getAttribute('stroke-opacity'))).to.deep.equal(['1', '1', '1', '1']);
    });

    it('toPNG renders the whole view at the requested scale', async () => {
      const h = await mountHeadView(SELF);
      const blob = await h.el.toPNG(2);
      expect(blob.type).to.equal('image/png');
      const bitmap = await createImageBitmap(blob);
      const content = h.root.querySelector<HTMLElement>('.content')!.getBoundingClientRect();
      expect(bitmap.width).to.equal(Math.ceil(content.width * 2));
      expect(bitmap.height).to.equal(Math.ceil((content.height + 30) * 2));
    });

    it('has PNG and SVG buttons', async () => {
      const h = await mountHeadView(SELF);
      const labels = [...h.root.querySelectorAll('[part="export-button"]')].map((b) =>
        b.getAttribute('aria-label'),
      );
      expect(labels).to.deep.equal(['Save as PNG', 'Save as SVG']);
    });
  });
});
