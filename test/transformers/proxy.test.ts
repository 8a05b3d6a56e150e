/**
 * onnxruntime's proxy worker, asked for through `useTransformers` (a page of its own: the setting
 * applies from onnxruntime's first session on, so no session may run before this one). Here
 * onnxruntime-web is served as its own file, where the proxy worker can start.
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import '../../src/components/head-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { parseAttention } from '../../src/core/parse/index.js';
import { useTransformers } from '../../src/transformers/index.js';
import { maxDiff } from '../support/compare.js';

const BASE = '/test/fixtures/models';

describe('useTransformers with proxy: true', function () {
  this.timeout(60_000);

  it("runs onnxruntime in its proxy worker, with the model's attention", async () => {
    ort.env.wasm.numThreads = 1;
    expect(ort.env.wasm.proxy).to.equal(undefined);
    useTransformers(hf, { dtype: 'fp32', ort, proxy: true });
    const ref = (await (await fetch(`${BASE}/tiny-gpt2/reference.json`)).json()) as {
      examples: { text: string; attention: number[][][][] }[];
    };
    const el = document.createElement('attn-head-view') as AttnHeadView;
    const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
    el.setAttribute('model', `${BASE}/tiny-gpt2`);
    el.setAttribute('text', ref.examples[0]!.text);
    document.body.append(el);
    await loaded;
    expect(ort.env.wasm.proxy).to.equal(true);
    const data = parseAttention(el.data!);
    expect(maxDiff(data.components[0]!.weights, ref.examples[0]!.attention)).to.be.below(1e-5);
    el.remove();
  });
});
