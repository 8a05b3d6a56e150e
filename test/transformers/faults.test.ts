/**
 * Model loads that meet a misbehaving server (test/support/faults.mjs, served by the test runner
 * at /faults/<fault>/<session>/…): each fault gives its own kind, heading and message in the
 * element (what failed, the URL, what to do) with a Retry button; nothing of a failed answer is
 * cached; Retry works once the server behaves; Cancel ends a stalled download at once (the server
 * sees the connection go) and the page stays responsive meanwhile.
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import { html, type TemplateResult } from 'lit';
import { AttnView } from '../../src/components/shared/attn-view.js';
import type { Scene } from '../../src/render/scene.js';
import { AttentionComputeError, computeAttention, useTransformers } from '../../src/transformers/index.js';

ort.env.wasm.numThreads = 1;
const transformers = hf;
const ortModule = ort;
const CACHE = 'transformers-cache';

/**
 * The shared base of the three views with nothing of its own: its status (loading, the error
 * box with Retry, empty) or, once attention is there, the tokens as a list.
 */
class FaultView extends AttnView {
  protected dataChanged(): void {}
  protected deriveState(): void {}
  protected get drawing(): boolean {
    return false;
  }
  protected exportScene(): Scene {
    throw new Error('nothing to export');
  }
  protected exportName(): string {
    return 'fault-view';
  }
  override render(): TemplateResult {
    const tokens = this.parsed?.components[0]?.queryTokens ?? [];
    return (
      this.renderStatus() ??
      html`<ol part="tokens">
        ${tokens.map((t) => html`<li>${t}</li>`)}
      </ol>`
    );
  }
}
customElements.define('attn-fault-view', FaultView);

interface ServerState {
  healed: boolean;
  open: number;
  log: { file: string; answer: string }[];
}

let sessions = 0;

/** A fresh fault session: the tiny-gpt2 folder served with `fault` until healed. */
function faultServer(fault: string) {
  const root = `/faults/${fault}/${Date.now().toString(36)}-${sessions++}`;
  return {
    model: `${root}/tiny-gpt2`,
    url: (file: string) => new URL(`${root}/tiny-gpt2/${file}`, location.href).href,
    heal: () => fetch(`${root}/_heal`),
    state: async () => (await (await fetch(`${root}/_state`)).json()) as ServerState,
  };
}

async function until<T>(
  what: string,
  probe: () => T | null | undefined | Promise<T | null | undefined>,
  ms = 20_000,
) {
  const end = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function isCached(url: string): Promise<boolean> {
  return (await (await caches.open(CACHE)).match(url)) !== undefined;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const U = (file: string) => `http://[^ ]+/tiny-gpt2/${escape(file)}`;
const ONNX = 'onnx/model.onnx';
const SIZE = 116_900;

/** Each fault: the file it spoils, the error's kind, the element's heading, the message. */
const FAULTS: { fault: string; file: string; kind: string; heading: string; message: RegExp }[] = [
  {
    fault: 'drop',
    file: ONNX,
    kind: 'network',
    heading: 'Network failure',
    message: new RegExp(
      `^the connection dropped while downloading ${U(ONNX)}, after \\d+\\.\\d KB \\(.+\\)\\. Nothing was kept: check the connection, then retry$`,
    ),
  },
  {
    fault: 'short',
    file: ONNX,
    kind: 'truncated',
    heading: 'Download cut short',
    message: new RegExp(
      `^the download of ${U(ONNX)} stopped after \\d+ of its ${SIZE} bytes \\(.+\\): the connection closed before the end\\. Nothing was cached: retry$`,
    ),
  },
  {
    fault: 'unsized',
    file: ONNX,
    kind: 'truncated',
    heading: 'Download cut short',
    message: new RegExp(
      `^${U(ONNX)} ends in the middle of the model \\(field 7 at byte \\d+ runs to byte \\d+, past the end of the data \\(70140 bytes\\)\\): the file was cut short, in the download or on the server\\. Nothing of it is cached: retry, and if it persists, upload onnx/model\\.onnx again$`,
    ),
  },
  {
    fault: 'corrupt',
    file: ONNX,
    kind: 'corrupt-model',
    heading: 'The model file is damaged',
    message: new RegExp(
      `^${U(ONNX)} is not a valid ONNX model \\(varint longer than 10 bytes at byte \\d+\\): the file is damaged, on the server or in transit\\. Nothing of it is cached: check that onnx/model\\.onnx is the exported model \\(export or upload it again\\), then retry$`,
    ),
  },
  {
    fault: '500',
    file: ONNX,
    kind: 'http',
    heading: 'The server answered with an error',
    message: new RegExp(
      `^the server answered 500 Internal Server Error for ${U(ONNX)}: the server failed: retry later \\(its logs say why\\)$`,
    ),
  },
  {
    fault: '403',
    file: 'config.json',
    kind: 'http',
    heading: 'The server answered with an error',
    message: new RegExp(
      `^the server answered 403 Forbidden for ${U('config.json')}: check access: a private or gated model needs a signed-in request or a token, and a self-hosted folder must be readable by this page$`,
    ),
  },
  {
    fault: 'html-onnx',
    file: ONNX,
    kind: 'html-instead',
    heading: 'A web page came instead of a model file',
    message: new RegExp(
      `^${U(ONNX)} returned a web page \\(HTML, status 200, application/octet-stream\\) instead of the ONNX model: .+ Check that the model's URL is a folder of the raw files \\(on the Hub, /resolve/main/, not /blob/\\), then retry$`,
    ),
  },
  {
    fault: 'html-json',
    file: 'config.json',
    kind: 'html-instead',
    heading: 'A web page came instead of a model file',
    message: new RegExp(
      `^${U('config.json')} returned a web page \\(HTML, status 200, text/html; charset=utf-8\\) instead of config\\.json \\(JSON\\): the address serves a page \\(a login, error or listing page, or a file's web view\\) rather than the file\\. Check that the model's URL is a folder of the raw files \\(on the Hub, /resolve/main/, not /blob/\\), then retry$`,
    ),
  },
  {
    fault: 'not-json',
    file: 'tokenizer.json',
    kind: 'not-json',
    heading: 'A model file is not JSON',
    message: new RegExp(
      `^tokenizer\\.json at ${U('tokenizer.json')} is not JSON \\(.+\\); it begins "version https://git-lfs\\.github\\.com/spec/v1 oid sha256:4d7a4d…": it is a Git LFS pointer, not the file: .+ Fetch the real files \\(git lfs pull\\) and serve those, then retry$`,
    ),
  },
];

async function reference(): Promise<{ text: string; tokens: string[] }> {
  const ref = (await (await fetch('/test/fixtures/models/tiny-gpt2/reference.json')).json()) as {
    examples: { text: string; tokens: string[] }[];
  };
  return ref.examples[0]!;
}

function mount(model: string, text: string): FaultView {
  const el = document.createElement('attn-fault-view') as FaultView;
  el.setAttribute('model', model);
  el.setAttribute('text', text);
  document.body.append(el);
  return el;
}

const part = (el: FaultView, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part="${name}"]`);
const tokens = (el: FaultView) =>
  [...el.shadowRoot!.querySelectorAll('[part="tokens"] li')].map((li) => li.textContent);

describe('model loads against a misbehaving server', function () {
  this.timeout(60_000);
  before(() => useTransformers(transformers, { dtype: 'fp32', ort: ortModule }));

  for (const { fault, file, kind, heading, message } of FAULTS) {
    it(`${fault}: "${heading}" (${kind}) naming ${file}'s URL and the fix; nothing cached; Retry works once the server behaves`, async () => {
      const ref = await reference();
      const server = faultServer(fault);
      const el = mount(server.model, ref.text);
      try {
        const box = await until('the error box', () => part(el, 'error'));
        expect(box.dataset['reason']).to.equal(kind);
        expect(box.querySelector('.error-heading')!.textContent).to.equal(heading);
        expect(box.querySelector('.error-message')!.textContent).to.match(message);
        expect(box.querySelector('button')!.textContent).to.equal('Retry');
        expect(await isCached(server.url(file)), `${file} cached`).to.equal(false);

        await server.heal();
        const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
        box.querySelector('button')!.click();
        await loaded;
        await el.updateComplete;
        expect(tokens(el)).to.deep.equal(ref.tokens);
        // The retry asked the server again (no failed answer was kept), and cached the good file.
        const answers = (await server.state()).log
          .filter((e) => e.file === `tiny-gpt2/${file}`)
          .map((e) => e.answer);
        expect(answers).to.deep.equal([fault, 'ok']);
        expect(await isCached(server.url(file)), `${file} cached after the retry`).to.equal(true);
      } finally {
        el.remove();
      }
    });
  }
});

describe('a stalled download', function () {
  this.timeout(60_000);

  for (const [fault, file] of [
    ['stall', ONNX],
    ['stall-headers', 'tokenizer.json'],
  ] as const) {
    it(`${fault}: Cancel ends the wait on ${file} at once and closes the connection; the page stays responsive meanwhile`, async () => {
      const ref = await reference();
      const server = faultServer(fault);
      const controller = new AbortController();
      const loads: number[] = [];
      const run = computeAttention({
        model: server.model,
        text: ref.text,
        transformers,
        dtype: 'fp32',
        ort: ortModule,
        signal: controller.signal,
        onProgress: (p) => p.stage === 'download' && loads.push(p.loaded!),
      }).catch((e: unknown) => e);
      await until('the server to hold the connection', async () => (await server.state()).open === 1);
      if (fault === 'stall') await until('the first quarter of the file', () => loads.at(-1) === SIZE >> 2);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, 0));
        expect(performance.now() - t0, 'a setTimeout(0) while the download stalls').to.be.below(200);
      }
      const t0 = performance.now();
      controller.abort();
      const error = (await run) as AttentionComputeError;
      expect(performance.now() - t0, 'ms from Cancel to the rejection').to.be.below(200);
      expect(error).to.be.instanceOf(AttentionComputeError);
      expect(error.kind).to.equal('aborted');
      await until(
        'the server to see the connection close',
        async () => (await server.state()).open === 0,
        2_000,
      );
      expect(await isCached(server.url(file))).to.equal(false);
    });
  }

  it('in the element: Cancel shows "Cancelled" with Retry, and Retry works once the server behaves', async () => {
    useTransformers(transformers, { dtype: 'fp32', ort: ortModule });
    const ref = await reference();
    const server = faultServer('stall');
    const el = mount(server.model, ref.text);
    try {
      await until('the server to hold the connection', async () => (await server.state()).open === 1);
      await el.updateComplete;
      expect(part(el, 'loading')!.textContent).to.match(/downloading onnx\/model\.onnx/);
      part(el, 'loading')!.querySelector('button')!.click();
      await el.updateComplete;
      const box = part(el, 'error')!;
      expect(box.dataset['reason']).to.equal('aborted');
      expect(box.querySelector('.error-heading')!.textContent).to.equal('Cancelled');
      expect(box.querySelector('.error-message')!.textContent).to.match(
        /^computing attention for \/faults\/stall\/.+\/tiny-gpt2 was cancelled$/,
      );
      await until(
        'the server to see the connection close',
        async () => (await server.state()).open === 0,
        2_000,
      );
      await server.heal();
      const loaded = new Promise((r) => el.addEventListener('attn-load', r, { once: true }));
      box.querySelector('button')!.click();
      await loaded;
      await el.updateComplete;
      expect(tokens(el)).to.deep.equal(ref.tokens);
    } finally {
      el.remove();
    }
  });
});

describe('the shared cache', function () {
  this.timeout(60_000);

  it('drops a cached copy that is cut short, shorter than its Content-Length, or a web page, and fetches the file again', async () => {
    const ref = await reference();
    const server = faultServer('500');
    await server.heal();
    const whole = new Uint8Array(
      await (await fetch(`/test/fixtures/models/tiny-gpt2/${ONNX}`)).arrayBuffer(),
    );
    const cache = await caches.open(CACHE);
    // As an older version (or transformers.js) could have left them: a short file whose length
    // header matches it, and a sign-in page as config.json.
    const half = whole.slice(0, whole.length >> 1);
    await cache.put(
      server.url(ONNX),
      new Response(half, { headers: { 'content-length': String(half.length) } }),
    );
    await cache.put(server.url('tokenizer.json'), new Response('<!DOCTYPE html><title>Sign in</title>'));
    // JSON, but less of it than its Content-Length says.
    const config = await (await fetch('/test/fixtures/models/tiny-gpt2/config.json')).text();
    await cache.put(
      server.url('config.json'),
      new Response('{}', { headers: { 'content-length': String(config.length) } }),
    );
    const data = await computeAttention({
      model: server.model,
      text: ref.text,
      transformers,
      dtype: 'fp32',
      ort: ortModule,
    });
    expect(data.components[0]!.queryTokens).to.deep.equal(ref.tokens);
    const answers = (await server.state()).log.map((e) => `${e.file} ${e.answer}`);
    expect(answers).to.include.members([
      `tiny-gpt2/${ONNX} ok`,
      'tiny-gpt2/config.json ok',
      'tiny-gpt2/tokenizer.json ok',
    ]);
    expect((await (await cache.match(server.url(ONNX)))!.arrayBuffer()).byteLength).to.equal(SIZE);
  });
});

describe('a folder at an absolute URL', function () {
  this.timeout(60_000);

  it('loads with transformers.js 4 when it caches nothing in the browser', async () => {
    const ref = await reference();
    const server = faultServer('500');
    await server.heal();
    const saved = hf.env.useBrowserCache;
    hf.env.useBrowserCache = false;
    try {
      const data = await computeAttention({
        // A folder name transformers.js has not seen in this page: it remembers whether a
        // model's tokenizer_config.json exists by the folder's name.
        model: new URL(`${server.model}.absolute`, location.href).href,
        text: ref.text,
        transformers,
        dtype: 'fp32',
        ort: ortModule,
      });
      expect(data.components[0]!.queryTokens).to.deep.equal(ref.tokens);
      expect(await isCached(server.url(ONNX).replace('/tiny-gpt2/', '/tiny-gpt2.absolute/'))).to.equal(false);
    } finally {
      hf.env.useBrowserCache = saved;
    }
  });
});
