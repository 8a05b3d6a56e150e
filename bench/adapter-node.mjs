// One Node measurement for bench/adapter.mjs, in a process of its own so that its peak memory is
// its own: onnxruntime-web's Node build, one thread; the untapped model ("plain") or the adapter's
// path ("tapped": tapModel, then the tapped model; "layer": only layer LAYER tapped). FILE is the
// weights file in MODEL_DIR/onnx (default model.onnx). Prints one line of JSON.
//
//   node bench/adapter-node.mjs MODEL_DIR TOKENS plain|tapped|layer RUNS [FILE] [LAYER]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { tapModel } from '../dist/transformers/tap.js';
import { measure } from './adapter-measure.mjs';

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
