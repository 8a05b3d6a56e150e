/**
 * The `words` and `hide` attributes every view shares (attnviz/core's mergeWords and dropTokens
 * applied before the view's filter, layer and heads), and their toolbar controls.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { attentionFlow, attentionRollout } from '../../src/core/derived/index.js';
import { parseAttention } from '../../src/core/parse/index.js';
import { deriveOffThread, lastDeriveThread } from '../../src/components/shared/derive-job.js';
import { randomAttention } from '../core/derived/support.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import { mountHeadView } from './head-view.harness.js';
import { ModelViewHarness, mountModelView } from './model-view.harness.js';
import { mountNeuronView } from './neuron-view.harness.js';
import { SELF_ATTENTION, WITH_VECTORS } from './fixtures.js';

/** The fixture's weights over word pieces: "the" + "##cat" form one word. */
const PIECES = { tokens: ['[CLS]', 'the', '##cat', '[SEP]'], attention: SELF_ATTENTION };

describe('words and hide', () => {
  it('head view: words joins a split word, summing attention to it and averaging attention from it', async () => {
    const h = await mountHeadView(PIECES, { attrs: { words: '', layer: '0', heads: '1' } });
    expect(h.tokenTexts('query')).to.deep.equal(['[CLS]', 'thecat', '[SEP]']);
    expect(h.tokenTexts('key')).to.deep.equal(['[CLS]', 'thecat', '[SEP]']);
    await h.hover('query', 1);
    // Head 1 of layer 0: "the" → [CLS] 1, "##cat" → "the" 1: from the word, 0.5 each.
    expect(h.readoutRows()[0]!.slice(1, 3)).to.deep.equal(['“[CLS]” 0.5000', '“thecat” 0.5000']);
  });

  it('head view: hide="first" drops the first token and renormalises each row over the rest', async () => {
    const h = await mountHeadView(PIECES, { attrs: { hide: 'first', layer: '1', heads: '1' } });
    expect(h.tokenTexts('key')).to.deep.equal(['the', '##cat', '[SEP]']);
    await h.hover('query', 2);
    // Layer 1 head 1: 0.5 on [CLS], 0.5 on "the": "the" gets all that is left.
    expect(h.readoutRows()[0]![1]).to.equal('“the” 1.0000');
  });

  it('head view: hide="special" drops [CLS] and [SEP]; a bad value is named', async () => {
    const h = await mountHeadView(PIECES, { attrs: { hide: 'special' } });
    expect(h.tokenTexts('query')).to.deep.equal(['the', '##cat']);
    h.el.setAttribute('hide', 'sink');
    await h.el.updateComplete;
    expect(h.error()).to.equal('invalid hide: expected "none", "first" or "special", got "sink"');
    h.el.setAttribute('hide', 'none');
    await h.el.updateComplete;
    expect(h.error()).to.equal(null);
    expect(h.tokenTexts('query')).to.deep.equal(['[CLS]', 'the', '##cat', '[SEP]']);
  });

  it('head view toolbar: the Tokens selector sets words and hide, and fires an event for each change', async () => {
    const h = await mountHeadView(PIECES);
    const select = h.root.querySelector<HTMLSelectElement>('[part="tokens-select"]')!;
    expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal([
      'As given',
      'No first',
      'No special',
      'Words',
      'Words, no first',
      'Words, no special',
    ]);
    const choose = (value: string) => {
      select.value = value;
      select.dispatchEvent(new Event('change'));
    };
    const words = oneEvent(h.el, 'attn-words-change');
    choose('words:none');
    expect((await words).detail).to.deep.equal({ words: true });
    await h.el.updateComplete;
    expect(h.el.hasAttribute('words')).to.equal(true);
    expect(h.tokenTexts('query')).to.deep.equal(['[CLS]', 'thecat', '[SEP]']);
    const hide = oneEvent(h.el, 'attn-hide-change');
    choose('words:special');
    expect((await hide).detail).to.deep.equal({ hide: 'special' });
    await h.el.updateComplete;
    expect(h.el.getAttribute('hide')).to.equal('special');
    expect(h.tokenTexts('query')).to.deep.equal(['thecat']);
    expect(select.value).to.equal('words:special');
  });

  it('model view: shows the derived tokens in every cell, and the choice in its toolbar', async () => {
    const v = await mountModelView(PIECES, { attrs: { hide: 'first', words: '' } });
    expect(v.status()).to.match(/^2 layers × 3 heads · 2 tokens/);
    expect(v.select('tokens-select').value).to.equal('words:first');
  });

  it('neuron view: hide keeps the vectors, whose softmax over the keys left is the renormalised weight', async () => {
    const v = await mountNeuronView(WITH_VECTORS, { hide: 'first' });
    expect(v.error()).to.equal(null);
    expect(v.part('warning')).to.equal(null);
    expect(v.titles()).to.include('softmax');
    const options = [...v.root.querySelector<HTMLSelectElement>('[part="tokens-select"]')!.options];
    expect(
      options.map((o) => o.value),
      'no word choices',
    ).to.deep.equal(['tokens:none', 'tokens:first', 'tokens:special']);
  });

  it('neuron view: says why it cannot show word-level or combined heads', async () => {
    const v = await mountNeuronView(WITH_VECTORS, { words: '' });
    expect(v.text('empty')).to.contain('No vectors for derived attention');
    v.el.removeAttribute('words');
    v.el.setAttribute('aggregate', 'mean');
    await v.el.updateComplete;
    expect(v.text('empty')).to.contain('No vectors for derived attention');
  });

  it('head view: aggregate="mean" shows one labelled head per layer; the Heads selector switches to rollout', async () => {
    const h = await mountHeadView(PIECES, { attrs: { aggregate: 'mean', layer: '1' } });
    expect(h.swatches().map((b) => b.textContent!.trim())).to.deep.equal(['mean']);
    expect(h.swatches()[0]!.getAttribute('aria-label')).to.equal('mean of heads 0–2');
    await h.hover('query', 0);
    // Layer 1, query 0: heads [1,0,0,0], [.5,.5,0,0], [0,0,0,1] → mean 0.5 on [CLS].
    expect(h.readoutRows()[0]!.slice(0, 2)).to.deep.equal(['mean', '“[CLS]” 0.5000']);
    const select = h.root.querySelector<HTMLSelectElement>('[part="aggregate-select"]')!;
    const changed = oneEvent(h.el, 'attn-aggregate-change');
    select.value = 'rollout';
    select.dispatchEvent(new Event('change'));
    expect((await changed).detail).to.deep.equal({ aggregate: 'rollout' });
    await h.el.updateComplete;
    expect([...h.layerSelect().options].map((o) => o.textContent!.trim())).to.deep.equal([
      'rollout to layer 0',
      'rollout to layer 1',
    ]);
  });

  it('model view: aggregate="max" shows one column per layer, labelled, and names a bad value', async () => {
    const v = await mountModelView(PIECES, { attrs: { aggregate: 'max' } });
    expect(v.columnLabels()).to.deep.equal(['max']);
    expect(v.rowLabels()).to.deep.equal(['Layer 0', 'Layer 1']);
    expect(v.cell(1, 0).getAttribute('aria-label')).to.equal('Layer 1, max of heads 0–2');
    v.el.setAttribute('aggregate', 'median');
    await v.el.updateComplete;
    expect(v.error()).to.equal(
      'invalid aggregate: expected "none", "mean", "max", "rollout" or "flow", got "median"',
    );
  });

  it('model view: with choicesApplied the data shows as given, while the toolbar shows words, hide and aggregate and fires their events', async () => {
    const v = await mountModelView(PIECES, { attrs: { words: '', hide: 'first', aggregate: 'mean' } });
    v.el.choicesApplied = true;
    await v.settle();
    expect(v.columnLabels()).to.deep.equal(['0', '1', '2']);
    expect(v.select('tokens-select').value).to.equal('words:first');
    expect(v.select('aggregate-select').value).to.equal('mean');
    const changed = oneEvent(v.el, 'attn-aggregate-change');
    await v.choose('aggregate-select', 'max');
    expect((await changed).detail).to.deep.equal({ aggregate: 'max' });
    expect(v.columnLabels(), 'still as given').to.deep.equal(['0', '1', '2']);
    v.el.choicesApplied = false;
    await v.settle();
    expect(v.columnLabels()).to.deep.equal(['max']);
  });

  it('model view toolbar: the Heads selector offers each head, mean, max, rollout and flow, and fires its event', async () => {
    const v = await mountModelView(PIECES);
    const select = v.root.querySelector<HTMLSelectElement>('[part="aggregate-select"]')!;
    expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal([
      'Each',
      'Mean',
      'Max',
      'Rollout',
      'Flow',
    ]);
    const changed = oneEvent(v.el, 'attn-aggregate-change');
    select.value = 'flow';
    select.dispatchEvent(new Event('change'));
    expect((await changed).detail).to.deep.equal({ aggregate: 'flow' });
    await v.el.drawComplete;
    expect(v.rowLabels()).to.deep.equal(['Flow to layer 0', 'Flow to layer 1']);
  });

  it('model view: rows of rollout and flow are named as every view names them, whole, on screen and in the export', async () => {
    const v = await mountModelView(PIECES, { attrs: { aggregate: 'rollout' } });
    // As the head view's layer selector ("rollout to layer 1"), the tooltip and the cells' names.
    expect(v.rowLabels()).to.deep.equal(['Rollout to layer 0', 'Rollout to layer 1']);
    expect(v.cell(1, 0).getAttribute('aria-label')).to.match(/^Rollout to layer 1, /);
    for (const label of v.root.querySelectorAll<HTMLElement>('[role="rowheader"]')) {
      expect(label.scrollWidth, `"${label.textContent}" is not cut`).to.be.at.most(label.clientWidth);
    }
    const texts = [
      ...new DOMParser().parseFromString(v.el.toSVG(), 'image/svg+xml').querySelectorAll('text'),
    ].map((t) => t.textContent);
    expect(texts).to.include.members(['Rollout to layer 0', 'Rollout to layer 1']);
    // The model's own layers keep their band and their names.
    v.el.aggregate = 'none';
    await v.settle();
    expect(v.rowLabels()).to.deep.equal(['Layer 0', 'Layer 1']);
    expect(v.root.querySelector<HTMLElement>('[role="rowheader"]')!.getBoundingClientRect().width).to.equal(
      64,
    );
  });

  it("a rollout too long for the page is computed in the derivations' worker, with progress, then shown", async () => {
    const T = 300;
    const data = new Float32Array(2 * T * T);
    for (let r = 0; r < 2 * T; r++) data[r * T] = 1;
    const input = {
      tokens: Array.from({ length: T }, (_, i) => `t${i}`),
      attention: { dims: [2, 1, T, T], data },
    };
    const wrapper = await fixture<HTMLElement>(html`<div style="width: 600px"></div>`);
    const el = document.createElement('attn-model-view');
    el.setAttribute('aggregate', 'rollout');
    el.data = input as AttnModelView['data'];
    wrapper.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="loading"]')!.textContent).to.match(
      /Computing attention rollout: \d+%/,
    );
    await el.drawComplete;
    expect(lastDeriveThread).to.equal('worker');
    const v = new ModelViewHarness(el);
    expect(v.error()).to.equal(null);
    expect(v.cell(1, 0).getAttribute('aria-label')).to.equal('Rollout to layer 1, mean of head 0');
  });

  it('rollout in the worker, its input positions shared out between two workers, equals the core function exactly (dense and causal)', async () => {
    for (const causal of [false, true]) {
      const T = 9;
      const data = parseAttention({
        tokens: Array.from({ length: T }, (_, i) => `t${i}`),
        attention: randomAttention(3, 2, T, causal ? 31 : 32, { causal }),
      });
      const job = deriveOffThread(data, `test rollout ${causal}`, () => data, 'rollout');
      await job.done;
      expect(job.error, String(causal)).to.equal(undefined);
      expect(lastDeriveThread).to.equal('worker');
      const want = attentionRollout(data.components[0]!);
      expect(Array.from(job.result!.components[0]!.weights), String(causal)).to.deep.equal(
        Array.from(want.weights),
      );
      job.release();
    }
  });

  it('flow: computed in the worker and shown as the core function computes it; the same data and choices are computed once', async () => {
    const h = await mountHeadView(PIECES, { attrs: { aggregate: 'flow', layer: '1' } });
    expect(h.root.querySelector('[part="loading"]')!.textContent).to.match(/Computing attention flow: \d+%/);
    await h.el.drawComplete;
    expect(lastDeriveThread).to.equal('worker');
    expect([...h.layerSelect().options].map((o) => o.textContent!.trim())).to.deep.equal([
      'flow to layer 0',
      'flow to layer 1',
    ]);
    await h.hover('query', 1);
    const want = attentionFlow(parseAttention(PIECES).components[0]!);
    // The readout lists the largest weights of the row, largest first.
    const row = Array.from(want.weights.subarray(16 + 4, 16 + 8))
      .sort((a, b) => b - a)
      .map((w) => w.toFixed(4));
    const shown = h
      .readoutRows()[0]!
      .slice(1)
      .map((t) => t.split(' ').pop());
    expect(shown.length).to.be.at.least(2);
    expect(shown).to.deep.equal(row.slice(0, shown.length));
    // A second view of the same parsed data asks for the same flow: it is there at once.
    const given = (h.el as unknown as { given: unknown }).given;
    const v = await mountModelView(given, { attrs: { aggregate: 'flow' } });
    expect(v.root.querySelector('[part="loading"]')).to.equal(null);
    expect(v.columnLabels()).to.deep.equal(['mean']);
  });

  it('flow: more tokens than it takes is named; leaving the page stops the work, coming back starts it again', async () => {
    const identity = (T: number) =>
      Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (i === j ? 1 : 0)));
    const long = { tokens: Array.from({ length: 65 }, (_, i) => `t${i}`), attention: [[identity(65)]] };
    const v = await mountModelView(long, { attrs: { aggregate: 'flow' } });
    expect(v.error()).to.equal(
      'invalid attentionFlow: c: expected at most 64 tokens (maxTokens: the cost grows with about tokens⁴ × layers²), got 65 tokens',
    );
    const terminate = Worker.prototype.terminate;
    let stopped = 0;
    Worker.prototype.terminate = function (this: Worker) {
      stopped++;
      terminate.call(this);
    };
    try {
      const T = 48;
      const rows = (l: number) =>
        Array.from({ length: T }, (_, i) => {
          const row = Array.from({ length: T }, (_, j) => Math.exp(Math.sin(i * 7 + j * 3 + l)));
          const sum = row.reduce((a, b) => a + b, 0);
          return row.map((x) => x / sum);
        });
      const input = {
        tokens: Array.from({ length: T }, (_, i) => `t${i}`),
        attention: Array.from({ length: 12 }, (_, l) => [rows(l)]),
      };
      const el = document.createElement('attn-model-view');
      el.setAttribute('aggregate', 'flow');
      el.data = input as AttnModelView['data'];
      v.el.parentElement!.append(el);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="loading"]')).to.not.equal(null);
      el.remove();
      // Flow's sources are shared out to one worker per core (two at most).
      const shares = Math.min(2, navigator.hardwareConcurrency || 1);
      expect(stopped, 'the workers are stopped when the view leaves').to.equal(shares);
      v.el.parentElement!.append(el);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="loading"]'), 'computing again').to.not.equal(null);
      el.data = PIECES as AttnModelView['data'];
      await el.updateComplete;
      expect(stopped, 'and when the data changes').to.equal(2 * shares);
      await el.drawComplete;
      expect(new ModelViewHarness(el).columnLabels()).to.deep.equal(['mean']);
    } finally {
      Worker.prototype.terminate = terminate;
    }
  });
});
