// computeAttention in Node 20 (for precomputing data server-side): the built library
// (dist/, made by `npm run build`, which `npm test` runs first) with both transformers.js packages
// and onnxruntime-web's Node build, on local folder paths, against PyTorch's references; and the
// errors a server can provoke here: 404, network failure, tokenizer mismatch.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as hf from '@huggingface/transformers';
import * as xenova from '@xenova/transformers';
import { AttentionComputeError, computeAttention } from '../../dist/transformers/index.js';

const FIXTURES = 'test/fixtures/models';
const reference = (name) => JSON.parse(readFileSync(`${FIXTURES}/${name}/reference.json`, 'utf8'));

function maxDiff(actual, expected) {
  const flat = expected.flat(3);
  assert.equal(actual.length, flat.length);
  let m = 0;
  flat.forEach((v, i) => (m = Math.max(m, Math.abs(v - actual[i]))));
  return m;
}

const failure = (promise) =>
  promise.then(
    () => assert.fail('expected an error'),
    (e) => e,
  );

for (const [label, transformers] of [
  ['@huggingface/transformers 4', hf],
  ['@xenova/transformers 2.17', xenova],
]) {
  describe(`Node: computeAttention with ${label}`, () => {
    for (const name of [
      'tiny-bert',
      'tiny-gpt2',
      'tiny-gpt2-sdpa',
      'tiny-llama',
      'tiny-qwen2',
      'tiny-gemma',
      'tiny-phi3',
      'tiny-neox',
      // Fused attention (com.microsoft Attention, MultiHeadAttention, GroupQueryAttention), unfused.
      'tiny-fused',
      'tiny-fused-mha',
      'tiny-fused-gqa',
    ]) {
      // Decoders whose fixture holds PyTorch's greedy continuation (tiny-bert is an encoder; the
      // fused fixtures' generator writes none yet).
      if (reference(name).examples[0].generated) {
        it(`${name}: generate continues the text as PyTorch's greedy search, with its attention`, async () => {
          const ex = reference(name).examples[0];
          const g = ex.generated;
          const data = await computeAttention({
            model: `./${FIXTURES}/${name}`,
            text: ex.text,
            transformers,
            dtype: 'fp32',
            generate: { maxNewTokens: g.maxNewTokens },
          });
          const c = data.components[0];
          assert.deepEqual(c.queryTokens, [...ex.tokens, ...g.tokens]);
          assert.equal(c.generatedStart, ex.tokens.length);
          assert.ok(maxDiff(c.weights, g.attention) < 1e-5);
        });
      }
      it(`${name} from a local folder path matches PyTorch within 1e-5`, async () => {
        const ref = reference(name);
        for (const ex of ref.examples) {
          const data = await computeAttention({
            model: `./${FIXTURES}/${name}`,
            text: ex.text,
            ...(ex.textPair !== undefined ? { textPair: ex.textPair } : {}),
            transformers,
            dtype: 'fp32',
          });
          const c = data.components[0];
          assert.deepEqual(c.queryTokens, ex.tokens);
          assert.equal(c.causal, ref.causal);
          assert.deepEqual(c.kvHeads, ref.kvHeads);
          assert.equal(c.sentenceBStart, ex.sentenceBStart);
          assert.ok(maxDiff(c.weights, ex.attention) < 1e-5, 'attention');
          assert.ok(maxDiff(c.queries.data, ex.queries) < 1e-5, 'queries');
          assert.ok(maxDiff(c.keys.data, ex.keys) < 1e-5, 'keys');
          assert.ok(maxDiff(c.values.data, ex.values) < 1e-5, 'values');
        }
      });
    }

    // The 4- and 8-bit files transformers.js 3/4 selects by dtype, against PyTorch on the weights
    // each holds (test/transformers/lowbit.test.ts has the measured errors).
    for (const [dtype, reference, tolerance] of [
      ['q4', 'q4', 1e-5],
      ['bnb4', 'bnb4', 1e-5],
      ['q4f16', 'q4f16', 2e-3],
      ['int8', 'int8', 0.05],
      ['uint8', 'uint8', 0.05],
    ]) {
      it(`tiny-llama with dtype ${dtype} loads onnx/model_${dtype}.onnx and matches PyTorch on its weights`, async () => {
        const ref = JSON.parse(readFileSync(`${FIXTURES}/tiny-llama/reference_${reference}.json`, 'utf8'));
        const ex = ref.examples[0];
        const data = await computeAttention({
          model: `./${FIXTURES}/tiny-llama`,
          text: ex.text,
          transformers,
          dtype,
        });
        assert.deepEqual(data.components[0].queryTokens, ex.tokens);
        assert.ok(maxDiff(data.components[0].weights, ex.attention) < tolerance, 'attention');
      });
    }

    // The fused decoders' float16 files: the fused node unfused in float16 (q, k, v and presents),
    // its softmax in float32; against PyTorch on each file's weights (test/transformers/unfuse.test.ts
    // has the measured errors and why tiny-fused-gqa's are wider).
    for (const [name, dtype, tolerance] of [
      ['tiny-fused-mha', 'fp16', 2e-3],
      ['tiny-fused-mha', 'q4f16', 2e-3],
      ['tiny-fused-gqa', 'fp16', 4e-3],
      ['tiny-fused-gqa', 'q4f16', 4e-3],
    ]) {
      it(`${name} with dtype ${dtype} unfuses its float16 fused attention and matches PyTorch on its weights`, async () => {
        const ref = JSON.parse(readFileSync(`${FIXTURES}/${name}/reference_${dtype}.json`, 'utf8'));
        const ex = ref.examples[0];
        const data = await computeAttention({
          model: `./${FIXTURES}/${name}`,
          text: ex.text,
          transformers,
          dtype,
        });
        const c = data.components[0];
        assert.deepEqual(c.queryTokens, ex.tokens);
        assert.equal(c.causal, true);
        assert.ok(maxDiff(c.weights, ex.attention) < tolerance, 'attention');
        assert.ok(maxDiff(c.queries.data, ex.queries) < 4 * tolerance, 'queries');
      });
    }

    it('finds a decoder causal from its attention, whatever its model_type', async () => {
      // tiny-llama as a family no list names (a phi3-type config), and tiny-bert claiming to be
      // a decoder type: causal comes from the attention the model returns, not from the name.
      for (const [name, type, causal] of [
        ['tiny-llama', 'phi3', true],
        ['tiny-bert', 'llama', false],
      ]) {
        const dir = mkdtempSync(path.join(tmpdir(), `attnviz-${type}-`));
        cpSync(`${FIXTURES}/${name}`, dir, { recursive: true });
        const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8'));
        writeFileSync(`${dir}/config.json`, JSON.stringify({ ...config, model_type: type }));
        const ex = reference(name).examples[0];
        const data = await computeAttention({ model: dir, text: ex.text, transformers, dtype: 'fp32' });
        assert.equal(data.components[0].causal, causal, `${name} as ${type}`);
      }
    });

    it('takes a one-token text of a model with a cache for causal', async () => {
      // One token shows nothing above a diagonal: the graph's past_key_values inputs decide.
      const data = await computeAttention({
        model: `./${FIXTURES}/tiny-gpt2`,
        text: 'The',
        transformers,
        dtype: 'fp32',
      });
      assert.deepEqual(data.components[0].queryTokens, ['The']);
      assert.equal(data.components[0].causal, true);
    });

    it('refuses fused attention it cannot unfuse, naming the operator and the attribute', async () => {
      const e = await failure(
        computeAttention({
          model: `./${FIXTURES}/tiny-fused-refused`,
          text: 'the dog',
          transformers,
          dtype: 'fp32',
        }),
      );
      assert.ok(e instanceof AttentionComputeError);
      assert.equal(e.kind, 'unsupported');
      assert.match(
        e.message,
        /com\.microsoft\.Attention cannot be unfused: attribute do_rotary = 1; the standard-operator rewrite needs do_rotary = 0/,
      );
    });

    it('says a local folder without the model is not found', async () => {
      const e = await failure(
        computeAttention({ model: './no/such/folder', text: 'x', transformers, dtype: 'fp32' }),
      );
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /no\/such\/folder/);
    });

    it('names the missing model file', async () => {
      // tiny-bert's config and tokenizer, without its onnx/ folder.
      const dir = mkdtempSync(path.join(tmpdir(), 'attnviz-missing-'));
      cpSync(`${FIXTURES}/tiny-bert`, dir, { recursive: true, filter: (src) => !src.includes('onnx') });
      const e = await failure(computeAttention({ model: dir, text: 'the dog', transformers, dtype: 'fp32' }));
      assert.equal(e.kind, 'not-found');
      assert.match(
        e.message,
        /missing file: ".*attnviz-missing-.*" has no onnx\/model\.onnx or onnx\/decoder_model_merged\.onnx/,
      );
    });

    it('names a tokenizer that does not fit the model', async () => {
      // tiny-bert with a config that claims a smaller vocabulary than its tokenizer's.
      const dir = mkdtempSync(path.join(tmpdir(), 'attnviz-mismatch-'));
      cpSync(`${FIXTURES}/tiny-bert`, dir, { recursive: true });
      const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8'));
      writeFileSync(`${dir}/config.json`, JSON.stringify({ ...config, vocab_size: 8 }));
      const e = await failure(
        computeAttention({ model: dir, text: 'the quick dog', transformers, dtype: 'fp32' }),
      );
      assert.equal(e.kind, 'tokenizer');
      assert.match(e.message, /tokenizer mismatch: token id \d+ is outside the model's vocabulary of 8/);
    });
  });
}

describe('Node: computeAttention over HTTP', () => {
  let server;
  let base;
  let served;
  const saved = [];
  before(async () => {
    // The fixtures under fresh names in a fresh folder, and both packages' disk caches in a fresh
    // folder: nothing an earlier test or run loaded can stand in for what these tests fetch.
    served = mkdtempSync(path.join(tmpdir(), 'attnviz-served-'));
    for (const [dir, name] of [
      ['a', 'tiny-gpt2'],
      ['b', 'tiny-bert'],
    ]) {
      cpSync(`${FIXTURES}/${name}`, path.join(served, dir, 'model'), { recursive: true });
    }
    for (const t of [hf, xenova]) {
      saved.push([t.env, t.env.cacheDir]);
      t.env.cacheDir = mkdtempSync(path.join(tmpdir(), 'attnviz-cache-'));
    }
    // Serves `served`; anything else (/missing/) answers 404.
    server = createServer((req, res) => {
      const file = path.join(served, decodeURIComponent(new URL(req.url, 'http://x').pathname));
      try {
        res.end(readFileSync(file));
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => {
    server.close();
    for (const [env, dir] of saved) env.cacheDir = dir;
  });

  for (const [label, transformers] of [
    ['@huggingface/transformers 4', hf],
    ['@xenova/transformers 2.17', xenova],
  ]) {
    it(`computes from folder URLs with ${label}, two folders of the same name apart`, async () => {
      // a/model is tiny-gpt2 and b/model tiny-bert: each must come back with its own tokenizer,
      // config and graph, though transformers.js is given the same last path segment.
      for (const [dir, name] of [
        ['a', 'tiny-gpt2'],
        ['b', 'tiny-bert'],
      ]) {
        const ex = reference(name).examples[0];
        const data = await computeAttention({
          model: `${base}/${dir}/model`,
          text: ex.text,
          ...(ex.textPair !== undefined ? { textPair: ex.textPair } : {}),
          transformers,
          dtype: 'fp32',
        });
        const c = data.components[0];
        assert.deepEqual(c.queryTokens, ex.tokens, `${dir}/model's tokens`);
        assert.ok(maxDiff(c.weights, ex.attention) < 1e-5, `${dir}/model's attention`);
      }
    });
  }

  it('says an unknown model (404) is not found', async () => {
    const e = await failure(computeAttention({ model: `${base}/missing`, text: 'x', transformers: hf }));
    assert.equal(e.kind, 'not-found');
    assert.match(e.message, /model "http:\/\/127\.0\.0\.1:\d+\/missing" not found: no config\.json/);
  });

  it('reports a network failure with the URL', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const e = await failure(
      computeAttention({ model: 'http://127.0.0.1:9/some-model', text: 'x', transformers: hf }),
    );
    assert.equal(e.kind, 'network');
    assert.match(e.message, /network failure fetching http:\/\/127\.0\.0\.1:9\/some-model\/config\.json/);
  });
});

describe('Node: layers and float16', () => {
  it('taps one layer of tiny-gpt2, and says float16 needs a Float16Array where Node has none', async () => {
    const ex = reference('tiny-gpt2').examples[0];
    const one = await computeAttention({
      model: `./${FIXTURES}/tiny-gpt2`,
      text: ex.text,
      transformers: hf,
      dtype: 'fp32',
      layers: [1],
    });
    assert.deepEqual(one.components[0].layers, [1]);
    assert.ok(maxDiff(one.components[0].weights, [ex.attention[1]]) < 1e-5);
    if (typeof globalThis.Float16Array === 'undefined') {
      const e = await failure(
        computeAttention({ model: `./${FIXTURES}/tiny-gpt2`, text: 'x', transformers: hf, float16: true }),
      );
      assert.match(
        e.message,
        /^float16: expected a platform with Float16Array .*Node 24\+\), received one without it/,
      );
    }
  });
});
