/** <attn-explorer>'s compare mode: a second input beside the first, and the grid of A − B. */
import { expect } from '@open-wc/testing';
import '../../src/components/explorer/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { WITH_VECTORS } from './fixtures.js';
import { mountExplorer, part } from './explorer.harness.js';
import { ModelViewHarness } from './model-view.harness.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import {
  aggregateHeads,
  attentionDifference,
  attentionFlow,
  dropTokens,
} from '../../src/core/derived/index.js';
import { parseAttention } from '../../src/core/parse/index.js';
import type { AttentionComponent } from '../../src/core/types.js';

/** WITH_VECTORS with its last token swapped and its heads' weights exchanged: every head differs. */
const SWAPPED = {
  tokens: ['[CLS]', 'a', 'c'],
  attention: [[WITH_VECTORS.attention[0]![1]!, WITH_VECTORS.attention[0]![0]!]],
};

const mount = (dataB: unknown, attrs: Record<string, string> = {}) => mountExplorer(attrs, dataB);

/** The attention the difference grid shows (its data as given: it derives nothing more). */
const shownDifference = (diff: ModelViewHarness) =>
  (diff.el as unknown as { parsed: { components: AttentionComponent[] } }).parsed.components[0]!;

/** A difference's weights (float32: differences are computed in it). */
const weights = (c: AttentionComponent) => Array.from(c.weights as Float32Array);

/** A − B of the inputs' first components, each through `derive` first, as the core computes it. */
function expectedDifference(derive: (c: AttentionComponent) => AttentionComponent): AttentionComponent {
  const [a, b] = [WITH_VECTORS, SWAPPED].map((d) => derive(parseAttention(d).components[0]!));
  return attentionDifference(a!, b!);
}

describe('attn-explorer compare mode', () => {
  it('shows A − B per head with a legend; the changed token reads "b/c"', async () => {
    const el = await mount(SWAPPED);
    const diff = new ModelViewHarness(part<AttnModelView>(el, 'difference-view')!);
    await diff.settle();
    expect(diff.columnLabels()).to.deep.equal(['0', '1']);
    expect(diff.root.querySelector('[part="legend"]')!.textContent!.replace(/\s+/g, ' ').trim()).to.match(
      /^A attends more B attends more \(full colour: a difference of 0\.\d{3}\)$/,
    );
    expect(part(el, 'compare-note')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'A − B over 3 tokens',
    );
    const given = (diff.el as unknown as { parsed: { components: { queryTokens: string[] }[] } }).parsed;
    expect(given.components[0]!.queryTokens).to.deep.equal(['[CLS]', 'a', 'b/c']);
    // A difference is always a heatmap: the thumbnail choice shows it and is not offered.
    const mode = diff.el.shadowRoot!.querySelector<HTMLSelectElement>('[part="mode-select"]')!;
    expect([mode.disabled, mode.value]).to.deep.equal([true, 'heatmap']);
  });

  it('opens the chosen head for A and B side by side, and keeps them on the same layer and head', async () => {
    const el = await mount(SWAPPED);
    const diff = part<AttnModelView>(el, 'difference-view')!;
    diff.shadowRoot!.querySelector<HTMLElement>('#cell-0-1')!.click();
    await el.updateComplete;
    const a = part<AttnHeadView>(el, 'head-view')!;
    const b = part<AttnHeadView>(el, 'head-view-b')!;
    await a.updateComplete;
    await b.updateComplete;
    expect([a.heads, b.heads]).to.deep.equal([[1], [1]]);
    expect(part(el, 'neuron-view-b')).to.not.equal(null);
    // Soloing head 0 in B's head view moves A's too.
    b.dispatchEvent(
      new CustomEvent('attn-heads-change', { detail: { heads: [0] }, bubbles: true, composed: true }),
    );
    await el.updateComplete;
    await a.updateComplete;
    expect([el.head, a.heads, b.heads]).to.deep.equal([0, [0], [0]]);
  });

  it('compares inputs of different lengths over their common beginning and marks the rest', async () => {
    const longer = {
      tokens: ['[CLS]', 'a', 'x', 'y'],
      attention: [[0, 1].map(() => [0, 1, 2, 3].map(() => [0.25, 0.25, 0.25, 0.25]))],
    };
    const el = await mount(longer);
    const note = part(el, 'compare-note')!;
    expect(note.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'A − B over 2 tokens · not compared in A: b · not compared in B: x y',
    );
    expect([...note.querySelectorAll('mark')].map((m) => m.textContent)).to.deep.equal(['b', 'x y']);
  });

  it('the difference grid’s toolbar shows the explorer’s Tokens and Heads, and a choice made there becomes the explorer’s', async () => {
    const el = await mount(SWAPPED, { layer: '0', head: '1', hide: 'first', aggregate: 'mean' });
    const diff = new ModelViewHarness(part<AttnModelView>(el, 'difference-view')!);
    await diff.settle();
    expect(diff.select('tokens-select').value).to.equal('tokens:first');
    expect(diff.select('aggregate-select').value).to.equal('mean');
    // The mean of A's heads without the first token, less B's: derived from the inputs, not again.
    const mean = (c: AttentionComponent) => aggregateHeads(dropTokens(c, [0]), 'mean');
    expect(diff.columnLabels()).to.deep.equal(['mean']);
    expect(shownDifference(diff).queryTokens).to.deep.equal(['a', 'b/c']);
    expect(weights(shownDifference(diff))).to.deep.equal(weights(expectedDifference(mean)));
    expect(diff.el.selectedHead, 'the one combined head').to.equal(0);
    await diff.choose('aggregate-select', 'max');
    await el.updateComplete;
    await diff.settle();
    expect(el.aggregate).to.equal('max');
    expect(part<AttnHeadView>(el, 'head-view-b')!.aggregate, 'B’s views follow').to.equal('max');
    const max = (c: AttentionComponent) => aggregateHeads(dropTokens(c, [0]), 'max');
    expect(weights(shownDifference(diff))).to.deep.equal(weights(expectedDifference(max)));
    expect(diff.select('aggregate-select').value).to.equal('max');
    await diff.choose('tokens-select', 'tokens:none');
    await el.updateComplete;
    await diff.settle();
    expect(el.hide).to.equal('none');
    expect(shownDifference(diff).queryTokens).to.deep.equal(['[CLS]', 'a', 'b/c']);
    expect(diff.select('tokens-select').value).to.equal('tokens:none');
    expect(diff.error()).to.equal(null);
    expect(el.head, 'the head chosen before is kept').to.equal(1);
  });

  it('compares flows: A’s and B’s computed off the main thread with their progress, then A − B per layer', async () => {
    const el = await mount(SWAPPED);
    el.aggregate = 'flow';
    await el.updateComplete;
    expect(part(el, 'loading')!.textContent).to.match(/Computing attention flow of A and B: \d+%/);
    await el.drawComplete;
    const diff = new ModelViewHarness(part<AttnModelView>(el, 'difference-view')!);
    await diff.settle();
    expect(diff.rowLabels()).to.deep.equal(['Flow to layer 0']);
    expect(diff.select('aggregate-select').value).to.equal('flow');
    const want = weights(expectedDifference((c) => attentionFlow(c)));
    const got = weights(shownDifference(diff));
    expect(got.length).to.equal(want.length);
    got.forEach((w, i) => expect(w).to.be.closeTo(want[i]!, 1e-6));
  });

  it('says why it cannot compare attention of different models', async () => {
    const el = await mount({ tokens: ['[CLS]', 'a', 'b'], attention: [[WITH_VECTORS.attention[0]![0]!]] });
    expect(part(el, 'error')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Cannot compare invalid attentionDifference: b: expected attention of the same layers and heads as a (1 layers × 2 heads), got 1 layers × 1 heads',
    );
  });
});
