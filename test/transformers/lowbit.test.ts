/**
 * The 4- and 8-bit weights files transformers.js 3/4 selects by dtype (q4, q4f16, bnb4, int8,
 * uint8; written for tiny-llama by scripts/models/blockquant.py, quantize.py and lowbit.py),
 * loaded by computeAttention with both transformers.js packages in Chromium, against PyTorch run
 * on the weights each file holds (reference_<dtype>.json; q4f16 against q4's).
 *
 * Largest |computed − PyTorch on the dequantized weights| measured (the same with both packages;
 * onnxruntime-web 1.30, wasm), with the tolerances used:
 *
 *          attention  queries  keys     values
 *   q4     3.6e-7     1.6e-6   1.2e-6   1.2e-6   (1e-5: MatMulNBits computes in float32)
 *   bnb4   4.8e-7     1.1e-6   1.2e-6   1.3e-6   (1e-5: likewise)
 *   q4f16  1.1e-3     5.2e-3   3.8e-3   4.3e-3   (fp16's: 2e-3, 1e-2; float16 activations)
 *   int8   2.7e-2     1.0e-1   7.8e-2   7.5e-2   (q8's: 0.05, 0.22; activations quantized too)
 *   uint8  1.9e-2     8.1e-2   6.6e-2   9.3e-2   (likewise)
 */
import { expect } from '@open-wc/testing';
import * as hf from '@huggingface/transformers';
import * as ort from 'onnxruntime-web';
import { computeAttention } from '../../src/transformers/index.js';
import { readModel } from '../../src/transformers/onnx.js';
import type { ModelDtype } from '../../src/transformers/types.js';
import { expectWithin, tensorErrors, type Nested } from '../support/compare.js';
import { PACKAGES } from '../support/packages.js';

const BASE = '/test/fixtures/models/tiny-llama';
ort.env.wasm.numThreads = 1;

interface Reference {
  kvHeads: number[];
  examples: {
    text: string;
    tokens: string[];
    attention: Nested[];
    queries: Nested[];
    keys: Nested[];
    values: Nested[];
  }[];
}

const EXACT = { attention: 1e-5, queries: 1e-5, keys: 1e-5, values: 1e-5 };
const HALF = { attention: 2e-3, queries: 1e-2, keys: 1e-2, values: 1e-2 };
const EIGHT_BIT = { attention: 0.05, queries: 0.22, keys: 0.22, values: 0.22 };

/** dtype → its file, the operator its weight MatMuls must be, its reference and tolerance. */
const CASES: [ModelDtype, string, string, string, typeof EXACT][] = [
  ['q4', 'onnx/model_q4.onnx', 'MatMulNBits', 'reference_q4.json', EXACT],
  ['bnb4', 'onnx/model_bnb4.onnx', 'MatMulBnb4', 'reference_bnb4.json', EXACT],
  ['q4f16', 'onnx/model_q4f16.onnx', 'MatMulNBits', 'reference_q4f16.json', HALF],
  ['int8', 'onnx/model_int8.onnx', 'MatMulInteger', 'reference_int8.json', EIGHT_BIT],
  ['uint8', 'onnx/model_uint8.onnx', 'MatMulInteger', 'reference_uint8.json', EIGHT_BIT],
];

async function bytes(file: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(`${BASE}/${file}`)).arrayBuffer());
}

describe('4- and 8-bit weights files', function () {
  this.timeout(60_000);

  for (const [dtype, file, op] of CASES) {
    it(`${file} (dtype ${dtype}) computes its weight MatMuls as ${op}, Q·Kᵀ and P·V in float`, async () => {
      const { graph } = readModel(await bytes(file));
      const ops = graph.nodes.map((n) => n.opType);
      // q, k, v, o, gate, up, down in each of 2 layers, and the LM head.
      expect(ops.filter((o) => o === op).length).to.equal(15);
      expect(ops.filter((o) => o === 'MatMul').length).to.equal(4);
    });
  }

  for (const [label, transformers] of PACKAGES) {
    for (const [dtype, , , referenceFile, tolerance] of CASES) {
      it(`${label}, dtype ${dtype}: PyTorch's attention, q, k and v on the dequantized weights`, async () => {
        const ref = (await (await fetch(`${BASE}/${referenceFile}`)).json()) as Reference;
        for (const ex of ref.examples) {
          const data = await computeAttention({ model: BASE, text: ex.text, transformers, dtype, ort });
          const c = data.components[0]!;
          expect(c.queryTokens).to.deep.equal(ex.tokens);
          expect(c.causal).to.equal(true);
          expect(c.kvHeads).to.deep.equal(ref.kvHeads);
          const errors = tensorErrors(c, ex);
          expectWithin(errors, tolerance);
        }
      });
    }
  }

  it('names every dtype file in the message for a missing one', async () => {
    const error = (await computeAttention({
      model: '/test/fixtures/models/tiny-gpt2',
      text: 'x',
      transformers: hf,
      dtype: 'q4',
      ort,
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).to.match(/has no onnx\/model_q4\.onnx or onnx\/decoder_model_merged_q4\.onnx/);
    expect(error.message).to.match(/q4f16 model_q4f16\.onnx, bnb4 model_bnb4\.onnx/);
  });
});
