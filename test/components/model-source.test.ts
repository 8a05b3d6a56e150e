/**
 * Elements given `model` and `text`: the message without the adapter, and, with a loader
 * registered (as `attnviz/transformers` does), progress, cancel, errors with retry, and the
 * computed attention shown.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/head-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { registerAttentionLoader, type AttentionLoader, type SourceRequest } from '../../src/core/loader.js';
import { parseAttention } from '../../src/core/parse/index.js';
import { SELF } from './fixtures.js';

const KEY = Symbol.for('attnviz.attentionLoader');

function unregister(): void {
  delete (globalThis as Record<symbol, unknown>)[KEY];
}

/** A loader whose result the test releases by hand. */
function manualLoader() {
  const requests: { request: SourceRequest; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] =
    [];
  const loader: AttentionLoader = (request) =>
    new Promise((resolve, reject) =>
      requests.push({ request, resolve: resolve as (v: unknown) => void, reject }),
    );
  return { loader, requests };
}

async function mount(attrs: Record<string, string>): Promise<AttnHeadView> {
  const el = await fixture<AttnHeadView>(html`<attn-head-view></attn-head-view>`);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  await el.updateComplete;
  return el;
}

const text = (el: AttnHeadView, selector: string) =>
  el.shadowRoot!.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

describe('model and text on an element', () => {
  afterEach(unregister);

  it('says what to import when the adapter is not loaded', async () => {
    unregister();
    const el = await mount({ model: 'Xenova/gpt2', text: 'Hello' });
    expect(text(el, '[role="alert"] .error-message')).to.match(
      /^model="Xenova\/gpt2" needs the transformers\.js adapter: import the module attnviz\/transformers once/,
    );
  });

  it('shows progress, then the computed attention', async () => {
    const { loader, requests } = manualLoader();
    registerAttentionLoader(loader);
    const el = await mount({ model: 'tiny', text: 'the cat', 'text-pair': 'sat' });
    expect(requests).to.have.length(1);
    expect(requests[0]!.request).to.include({ model: 'tiny', text: 'the cat', textPair: 'sat' });
    expect(text(el, '[part="loading"]')).to.match(/^tiny: loading the tokenizer…/);
    requests[0]!.request.onProgress({
      stage: 'download',
      file: 'onnx/model.onnx',
      loaded: 2 ** 20,
      total: 4 * 2 ** 20,
    });
    await el.updateComplete;
    expect(text(el, '[part="loading"]')).to.match(/^tiny: downloading onnx\/model\.onnx 1\.0 \/ 4\.0 MB…/);
    const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
    requests[0]!.resolve(parseAttention(SELF));
    await loaded;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('.column.query [role="option"]')).to.have.length(4);
  });

  it('cancels a load when the text changes, and on Cancel', async () => {
    const { loader, requests } = manualLoader();
    registerAttentionLoader(loader);
    const el = await mount({ model: 'tiny', text: 'one' });
    el.text = 'two';
    await el.updateComplete;
    expect(requests).to.have.length(2);
    expect(requests[0]!.request.signal.aborted).to.equal(true);
    expect(requests[1]!.request.signal.aborted).to.equal(false);
    // A late answer for the old text is ignored.
    requests[0]!.resolve(parseAttention(SELF));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="loading"]')).to.not.equal(null);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="loading"] button')!.click();
    await el.updateComplete;
    expect(requests[1]!.request.signal.aborted).to.equal(true);
    expect(text(el, '[role="alert"]')).to.include('computing attention for tiny was cancelled');
  });

  it('passes an encoder-decoder model its target-text, and loads again when it changes', async () => {
    const { loader, requests } = manualLoader();
    registerAttentionLoader(loader);
    const el = await mount({ model: 'tiny-bart', text: 'the cat', 'target-text': 'le chat' });
    expect(requests).to.have.length(1);
    expect(requests[0]!.request).to.include({ model: 'tiny-bart', text: 'the cat', targetText: 'le chat' });
    expect(requests[0]!.request).to.not.have.property('textPair');
    el.targetText = 'un chat';
    await el.updateComplete;
    expect(requests).to.have.length(2);
    expect(requests[0]!.request.signal.aborted).to.equal(true);
    expect(requests[1]!.request).to.include({ targetText: 'un chat' });
  });

  it('shows a failed load with its message and retries it', async () => {
    const { loader, requests } = manualLoader();
    registerAttentionLoader(loader);
    const el = await mount({ model: 'missing/model', text: 'x' });
    requests[0]!.reject(new Error('model "missing/model" not found'));
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(text(el, '[role="alert"]')).to.include('model "missing/model" not found');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[role="alert"] button')!.click();
    await el.updateComplete;
    expect(requests).to.have.length(2);
    expect(el.shadowRoot!.querySelector('[part="loading"]')).to.not.equal(null);
  });

  it('passes axe while loading', async () => {
    const { loader } = manualLoader();
    registerAttentionLoader(loader);
    const el = await mount({ model: 'tiny', text: 'x' });
    await expect(el).to.be.accessible();
  });
});
