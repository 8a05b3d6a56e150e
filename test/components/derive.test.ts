/**
 * The `words` and `hide` attributes every view shares (attnviz/core's mergeWords and dropTokens
 * applied before the view's filter, layer and heads), and their toolbar controls.
 */
import { expect, oneEvent } from '@open-wc/testing';
import { mountHeadView } from './head-view.harness.js';
import { mountModelView } from './model-view.harness.js';
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
      'invalid aggregate: expected "none", "mean", "max" or "rollout", got "median"',
    );
  });

  it('refuses a rollout too large to compute in the page, naming the sizes', async () => {
    const T = 1000;
    const data = new Float32Array(2 * T * T);
    for (let r = 0; r < 2 * T; r++) data[r * T] = 1;
    const v = await mountModelView(
      { tokens: Array.from({ length: T }, (_, i) => `t${i}`), attention: { dims: [2, 1, T, T], data } },
      { attrs: { aggregate: 'rollout' } },
    );
    expect(v.error()).to.match(
      /^invalid aggregate: expected a rollout of at most 1\.6e\+9 multiply-adds .*, got 2 layers × 1000 tokens \(2\.0e\+9\)/,
    );
  });
});
