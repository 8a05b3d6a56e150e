/**
 * Elements computing some layers of a model: `compute-layers` / `compute-heads`, and
 * `layers-on-demand` (the layer shown, then each layer picked, each kept once computed).
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import '../../src/components/head-view/define.js';
import '../../src/components/model-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import type { AttentionData } from '../../src/core/types.js';
import { useTransformers } from '../../src/transformers/index.js';

const BASE = '/test/fixtures/models';
ort.env.wasm.numThreads = 1;
const TEXT = 'The cat sat in the café.';

const loaded = (el: HTMLElement) => new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
const shown = (el: HTMLElement) => (el as unknown as { data: AttentionData }).data.components[0]!;

describe('elements computing some layers', function () {
  this.timeout(60_000);
  beforeEach(() => useTransformers(hf, { dtype: 'fp32', ort }));

  it('compute-layers and compute-heads compute only those, by the model’s numbers', async () => {
    const el = document.createElement('attn-model-view') as AttnModelView;
    el.setAttribute('model', `${BASE}/tiny-llama`);
    el.setAttribute('text', TEXT);
    el.setAttribute('compute-layers', '1');
    el.setAttribute('compute-heads', '2,3');
    const done = loaded(el);
    document.body.append(el);
    await done;
    await el.updateComplete;
    expect(shown(el).layers).to.deep.equal([1]);
    expect(shown(el).heads).to.deep.equal([2, 3]);
    expect(el.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
    el.setAttribute('compute-layers', '1, x');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.error-message')!.textContent).to.equal(
      'invalid compute-layers: expected comma-separated layer numbers, got "1, x"',
    );
    el.remove();
  });

  it('layers-on-demand computes the layer shown, then the one picked, and keeps both', async () => {
    const el = document.createElement('attn-head-view') as AttnHeadView;
    el.setAttribute('model', `${BASE}/tiny-llama`);
    el.setAttribute('text', TEXT);
    el.setAttribute('layer', '1');
    el.toggleAttribute('layers-on-demand', true);
    let loads = 0;
    el.addEventListener('attn-load', () => loads++);
    const first = loaded(el);
    document.body.append(el);
    await first;
    await el.updateComplete;
    expect(shown(el).layers).to.deep.equal([1]);
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('[part="layer-select"]')!;
    expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal(['0 (to compute)', '1']);
    // Picking layer 0 computes it.
    const second = loaded(el);
    select.value = '0';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="loading"]')).to.not.equal(null);
    await second;
    await el.updateComplete;
    expect(shown(el).layers).to.deep.equal([0]);
    expect(el.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
    // Back to layer 1: kept, shown at once, nothing computed again.
    el.layer = 1;
    await el.updateComplete;
    expect(shown(el).layers).to.deep.equal([1]);
    expect(el.shadowRoot!.querySelector('[part="loading"]')).to.equal(null);
    expect(loads).to.equal(2);
    // A new text forgets them.
    const third = loaded(el);
    el.text = 'A dog.';
    await third;
    expect(shown(el).queryTokens.length).to.be.below(6);
    expect(loads).to.equal(3);
    el.remove();
  });
});
