// The adapter benchmark's page (bench/adapter-page.html): the measurement of adapter-measure.mjs
// in Chromium, on the built library (dist/) and onnxruntime-web's ESM bundle, while a timer
// watches how long the main thread goes without running it.
import * as ort from 'onnxruntime-web';
import { tapModel } from '/dist/transformers/tap.js';
import { lastTapThread, tapOffThread } from '/dist/transformers/off-thread.js';
import { measure } from './adapter-measure.mjs';

ort.env.wasm.numThreads = 1;

/**
 * A zero-delay timer chain (≥ 4 ms apart once nested, as browsers clamp): the longest gap between
 * two of its callbacks is the longest time the page could not have answered an input. Between
 * phases the page yields (a 10 ms timer, which fires after the chain's overdue one), so each gap
 * falls in one phase: the result is the longest gap of each. computeAttention chains its steps
 * without such yields: there the blocks of steps done on the main thread add up.
 */
function watchMainThread() {
  let last = performance.now();
  let phase = 'start';
  const longest = {};
  let timer;
  const tick = () => {
    const now = performance.now();
    longest[phase] = Math.max(longest[phase] ?? 0, now - last);
    last = now;
    timer = setTimeout(tick, 0);
  };
  timer = setTimeout(tick, 0);
  return {
    onPhase(name) {
      return new Promise((resolve) =>
        setTimeout(() => {
          phase = name;
          resolve();
        }, 10),
      );
    },
    stop() {
      clearTimeout(timer);
      tick();
      clearTimeout(timer);
      return longest;
    },
  };
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const PREPARE = {
  plain: null,
  tapped: (bytes) => tapModel(bytes, 'benchmark model').bytes,
  offthread: async (bytes) => (await tapOffThread(bytes, 'benchmark model')).bytes,
  layer: (bytes, layer) => tapModel(bytes, 'benchmark model', [layer]).bytes,
  // As computeAttention in a page: the rewrite in the tap's worker (the original goes with it).
  'layer-worker': async (bytes, layer) =>
    (await tapOffThread(bytes, 'benchmark model', undefined, [layer])).bytes,
  'tapped-worker': async (bytes) => (await tapOffThread(bytes, 'benchmark model')).bytes,
};

/**
 * mode: `plain` (the untapped model), `tapped` (tapModel in place, inference on the main thread),
 * `layer` (only layer `layer` tapped, in place), `layer-worker` / `tapped-worker` (one layer or
 * all, rewritten by tapOffThread as computeAttention does in a page) or `offthread` (tapOffThread
 * and onnxruntime's proxy worker, as computeAttention does with `proxy: true`). `model` is the served folder
 * (`model`: GPT-2 small; `smollm`: bench/smollm.py's), `file` its weights file.
 */
window.benchAdapter = async ({ mode, tokens, runs, model = 'model', file = 'model.onnx', layer = 0 }) => {
  const fetched = await Promise.all([
    fetch(`/${model}/config.json`).then((r) => r.json()),
    fetchBytes(`/${model}/onnx/warmup.onnx`),
    fetchBytes(`/${model}/onnx/${file}`),
  ]);
  const [config, warmupBytes] = fetched;
  // In a holder that measure() empties: nothing here keeps the original once it is tapped.
  const holder = { bytes: fetched[2] };
  fetched.length = 0;
  // Set before onnxruntime's first session, as computeAttention does; it applies from then on.
  ort.env.wasm.proxy = mode === 'offthread';
  await new Promise((r) => setTimeout(r, 100)); // let the page settle after the download
  const watch = watchMainThread();
  const figures = await measure({
    ort,
    warmupBytes,
    model: holder,
    config,
    tokens,
    runs,
    prepare: PREPARE[mode] && ((b) => PREPARE[mode](b, layer)),
    onPhase: watch.onPhase,
  });
  const block = watch.stop();
  return { ...figures, blockMs: block, tapThread: mode === 'plain' ? '' : lastTapThread };
};
