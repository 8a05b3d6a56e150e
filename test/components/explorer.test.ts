/** <attn-explorer>: the three views linked, and the choices they share. */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/explorer/define.js';
import type { AttnExplorer } from '../../src/components/explorer/explorer.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { mountExplorer, part } from './explorer.harness.js';
import { HeadViewHarness } from './head-view.harness.js';
import { ModelViewHarness } from './model-view.harness.js';
import { NeuronViewHarness } from './neuron-view.harness.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import type { AttnNeuronView } from '../../src/components/neuron-view/neuron-view.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

const mount = (attrs: Record<string, string> = {}) => mountExplorer(attrs);

describe('attn-explorer', () => {
  it('shows the grid; choosing a head there opens the head view and the neuron view for it', async () => {
    const el = await mount();
    const grid = part<AttnModelView>(el, 'model-view')!;
    expect(grid).to.not.equal(null);
    expect(part(el, 'head-view')).to.equal(null);
    const cell = grid.shadowRoot!.querySelector<HTMLElement>('#cell-0-1')!;
    cell.click();
    await el.updateComplete;
    expect(el.getAttribute('layer')).to.equal('0');
    expect(el.getAttribute('head')).to.equal('1');
    const head = part<AttnHeadView>(el, 'head-view')!;
    const neuron = part<AttnNeuronView>(el, 'neuron-view')!;
    await head.updateComplete;
    await neuron.updateComplete;
    expect(head.heads).to.deep.equal([1]);
    expect(neuron.head).to.equal(1);
    expect(neuron.shadowRoot!.querySelector('[part="warning"]'), 'softmax(q·k) is the data').to.equal(null);
  });

  it('opens on layer, head and token from attributes; a token focused in the head view becomes the neuron view’s query', async () => {
    const el = await mount({ layer: '0', head: '0', token: '1' });
    const head = new HeadViewHarness(part<AttnHeadView>(el, 'head-view')!);
    const neuron = part<AttnNeuronView>(el, 'neuron-view')!;
    expect(neuron.token).to.equal(1);
    await head.clickToken('query', 2);
    await el.updateComplete;
    expect(el.token).to.equal(2);
    expect(neuron.token).to.equal(2);
  });

  it('pins a query chosen in the neuron view in the head view; a head-view hover pins nothing', async () => {
    const el = await mount({ layer: '0', head: '0' });
    const head = new HeadViewHarness(part<AttnHeadView>(el, 'head-view')!);
    const neuron = new NeuronViewHarness(part<AttnNeuronView>(el, 'neuron-view')!);
    await neuron.el.updateComplete;
    // Its first query is the first ordinary token, 1: choose another.
    neuron.token('query', 2).click();
    await el.updateComplete;
    await head.el.updateComplete;
    expect(el.token).to.equal(2);
    expect(head.token('query', 2).classList.contains('pinned'), 'pinned in the head view').to.equal(true);
    await head.hover('query', 1);
    await el.updateComplete;
    await head.el.updateComplete;
    expect(head.token('query', 1).classList.contains('pinned'), 'a hover stays a hover').to.equal(false);
    expect(head.token('query', 2).classList.contains('pinned')).to.equal(true);
  });

  it('shows combined heads (mean) with the chosen head kept for when each head is shown again', async () => {
    const el = await mount({ layer: '0', head: '1' });
    el.aggregate = 'mean';
    await el.updateComplete;
    await el.drawComplete;
    const views = ['model-view', 'head-view', 'neuron-view'].map((name) => part<HTMLElement>(el, name)!);
    for (const view of views) {
      expect(view.shadowRoot!.querySelector('[part="error"]')?.textContent ?? null, view.localName).to.equal(
        null,
      );
    }
    expect(part<AttnHeadView>(el, 'head-view')!.heads, 'the one combined head').to.deep.equal([0]);
    expect(el.head).to.equal(1);
    el.aggregate = 'none';
    await el.updateComplete;
    expect(part<AttnHeadView>(el, 'head-view')!.heads).to.deep.equal([1]);
  });

  it('shows combined heads before a head is chosen, with none outlined', async () => {
    const el = await mount({ aggregate: 'mean' });
    const grid = new ModelViewHarness(part<AttnModelView>(el, 'model-view')!);
    expect(grid.error()).to.equal(null);
    expect(grid.columnLabels()).to.deep.equal(['mean']);
    expect([grid.el.selectedLayer, grid.el.selectedHead]).to.deep.equal([undefined, undefined]);
  });

  it('applies hide to every view, and takes a choice made in one view’s toolbar as its own', async () => {
    const el = await mount({ layer: '0', head: '0', hide: 'special' });
    const head = new HeadViewHarness(part<AttnHeadView>(el, 'head-view')!);
    expect(head.tokenTexts('query')).to.deep.equal(['a', 'b']);
    const select = head.root.querySelector<HTMLSelectElement>('[part="tokens-select"]')!;
    expect(select.value, 'the view shows the explorer’s choice').to.equal('tokens:special');
    select.value = 'tokens:none';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    await head.el.updateComplete;
    await frame();
    expect(el.hide).to.equal('none');
    expect(head.el.hide, 'every view follows the explorer').to.equal('none');
    expect(head.tokenTexts('query')).to.deep.equal(['[CLS]', 'a', 'b']);
    const neuron = part<AttnNeuronView>(el, 'neuron-view')!;
    await neuron.updateComplete;
    expect(neuron.shadowRoot!.querySelectorAll('.column.query [role="option"]').length).to.equal(3);
  });

  it('passes thumbnail, summary, sort and the highlight thresholds to its grid; a removed one goes back to the default', async () => {
    const el = await mount({
      thumbnail: 'heatmap',
      summary: 'entropy',
      sort: 'descending',
      'highlight-above': '0.5',
      'highlight-below': '2',
    });
    const grid = part<AttnModelView>(el, 'model-view')!;
    await grid.updateComplete;
    expect([grid.thumbnail, grid.summary, grid.sort, grid.highlightAbove, grid.highlightBelow]).to.deep.equal(
      ['heatmap', 'entropy', 'descending', 0.5, 2],
    );
    const g = new ModelViewHarness(grid);
    expect(g.select('mode-select').value, 'the grid’s toolbar shows them').to.equal('heatmap');
    expect(g.select('summary-select').value).to.equal('entropy');
    expect(g.columnLabels(), 'heads ranked by the summary').to.deep.equal(['#1', '#2']);
    for (const name of ['thumbnail', 'summary', 'sort', 'highlight-above', 'highlight-below'])
      el.removeAttribute(name);
    await el.updateComplete;
    await grid.updateComplete;
    expect([grid.thumbnail, grid.summary, grid.sort, grid.highlightAbove, grid.highlightBelow]).to.deep.equal(
      ['lines', 'none', 'none', undefined, undefined],
    );
    expect(g.error()).to.equal(null);
  });

  it('names a bad attribute', async () => {
    const el = await mount({ head: 'x' });
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain('invalid head');
  });

  it('names a layer or head the data lacks once, as the page set it, not in each view', async () => {
    for (const [attrs, message] of [
      [{ layer: '7', head: '0' }, 'invalid layer: expected one of the layers'],
      [{ layer: '0', head: '9' }, 'invalid head: expected one of the heads'],
    ] as const) {
      const el = await mount(attrs);
      const errors = [...el.shadowRoot!.querySelectorAll('[part="error"]')];
      expect(errors.length, JSON.stringify(attrs)).to.equal(1);
      expect(errors[0]!.textContent).to.contain(message);
      expect(errors[0]!.textContent).to.not.contain('selected-');
      expect(el.shadowRoot!.querySelector('attn-model-view')).to.equal(null);
    }
  });

  it('opens a decoder’s neuron view on its last token, which sees every key', async () => {
    const wrapper = await fixture<HTMLElement>(
      html`<div style="width: 1000px"><attn-explorer layer="0" head="0"></attn-explorer></div>`,
    );
    const el = wrapper.querySelector('attn-explorer')! as AttnExplorer;
    el.data = {
      tokens: ['a', 'b', 'c'],
      attention: [
        [
          [
            [1, 0, 0],
            [0.5, 0.5, 0],
            [0.2, 0.3, 0.5],
          ],
        ],
      ],
    };
    await el.updateComplete;
    expect(part<AttnNeuronView>(el, 'neuron-view')!.token).to.equal(2);
  });

  it('opens a decoder’s neuron view on the last token shown when tokens are hidden or merged into words', async () => {
    const tokens = ['<|endoftext|>', 'The', 'Ġcat', 'Ġsat', 'Ġdown', 'ward'];
    const T = tokens.length;
    const causal = Array.from({ length: T }, (_, i) =>
      Array.from({ length: T }, (_, k) => (k <= i ? 1 / (i + 1) : 0)),
    );
    for (const [attrs, last] of [
      [{ hide: 'first' }, 4],
      [{ words: '' }, 4],
      [{ hide: 'first', words: '' }, 3],
    ] as const) {
      const wrapper = await fixture<HTMLElement>(
        html`<div style="width: 1000px"><attn-explorer layer="0" head="0"></attn-explorer></div>`,
      );
      const el = wrapper.querySelector('attn-explorer')! as AttnExplorer;
      for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
      el.data = { tokens, attention: [[causal]] };
      await el.updateComplete;
      const neuron = part<AttnNeuronView>(el, 'neuron-view')!;
      await neuron.updateComplete;
      const label = JSON.stringify(attrs);
      expect(neuron.token, label).to.equal(last);
      expect(new NeuronViewHarness(neuron).error(), label).to.equal(null);
    }
  });
});
