// One Node measurement for bench/adapter.mjs, in a process of its own so that its peak memory is
// its own: onnxruntime-web's Node build, one thread; the untapped model ("plain") or the adapter's
// path ("tapped": tapModel, then the tapped model; "layer": only layer LAYER tapped). FILE is the
// weights file in MODEL_DIR/onnx (default model.onnx); "interleave" times the untapped and the
// one-layer model in turns. Prints one line of JSON.
//
//   node bench/adapter-node.mjs MODEL_DIR TOKENS plain|tapped|layer|interleave RUNS [FILE] [LAYER]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { tapModel } from '../dist/transformers/tap.js';
import { gpt2Feeds, measure } from './adapter-measure.mjs';

const [dir, tokens, mode, runs, file = 'model.onnx', layer = '0'] = process.argv.slice(2);
ort.env.wasm.numThreads = 1;

/** The process's resident-memory high-water mark, MiB (Linux). */
function peakMB() {
  const kB = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kB ? Number(kB) / 1024 : null;
}

/** A file's bytes as a plain Uint8Array over the Buffer's memory (copying would add to the peak). */
function readBytes(file) {
  const buffer = readFileSync(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

const config = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'));
const PREPARE = {
  plain: null,
  tapped: (b) => tapModel(b, 'benchmark model').bytes,
  layer: (b) => tapModel(b, 'benchmark model', [Number(layer)]).bytes,
};
if (mode === 'interleave') {
  console.log(JSON.stringify(await interleave()));
  process.exit(0);
}

/**
 * The untapped model and the one with layer LAYER tapped, both loaded, run in turns (the order
 * swapped each round, RUNS rounds after a warm-up of each), so that load from other work on the
 * machine falls on both alike: the fairest comparison of their run times (not of memory, which
 * the other modes measure each in a process of its own).
 */
async function interleave() {
  const bytes = readBytes(path.join(dir, 'onnx', file));
  const options = { executionProviders: ['wasm'] };
  const plain = await ort.InferenceSession.create(bytes, options);
  const one = await ort.InferenceSession.create(
    tapModel(bytes, 'benchmark model', [Number(layer)]).bytes,
    options,
  );
  const time = async (session) => {
    const feeds = gpt2Feeds(ort, session.inputNames, config, Number(tokens));
    const t = performance.now();
    await session.run(feeds, session.outputNames);
    return performance.now() - t;
  };
  await time(plain);
  await time(one);
  const plainMs = [];
  const oneMs = [];
  for (let r = 0; r < Number(runs); r++) {
    if (r % 2 === 0) {
      plainMs.push(await time(plain));
      oneMs.push(await time(one));
    } else {
      oneMs.push(await time(one));
      plainMs.push(await time(plain));
    }
  }
  return { plainMs, oneMs };
}

const figures = await measure({
  ort,
  warmupBytes: readBytes(path.join(dir, 'onnx', 'warmup.onnx')),
  model: { bytes: readBytes(path.join(dir, 'onnx', file)) },
  config,
  tokens: Number(tokens),
  runs: Number(runs),
  prepare: PREPARE[mode],
});
console.log(JSON.stringify({ ...figures, peakMB: peakMB() }));
