/**
 * Checks the generated fixtures the way the library will use them:
 * - both transformers.js packages load each tokenizer and config from the local folder, and the
 *   tokenizer gives exactly the tokens, ids and token type ids of reference.json;
 * - onnxruntime-web (wasm) runs each onnx/model.onnx (or the file its check names) on those ids
 *   (decoders with an empty past; merged decoders in the branch without one) and its main output
 *   matches PyTorch's, written by `generate.py --check-dir`;
 * - the graph with its attention tapped (also from --check-dir) gives the same main output, and
 *   tapped probabilities, q, k and v that match reference.json;
 * - decoders give the same logits for a last token fed with the past of the others;
 * - encoder-decoder models (a `seq2seq` check): the encoder's hidden states, and the merged
 *   decoder's logits on them, match PyTorch's, with and without a past.
 *
 *   node scripts/models/verify.mjs CHECK_DIR [FIXTURES_DIR]
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';

const here = path.dirname(fileURLToPath(import.meta.url));
const [checkDir, fixturesArg] = process.argv.slice(2);
if (!checkDir) {
  console.error('usage: node scripts/models/verify.mjs CHECK_DIR [FIXTURES_DIR]');
  process.exit(2);
}
const fixtures = path.resolve(fixturesArg ?? path.join(here, '../../test/fixtures/models'));
/** Largest |onnxruntime − PyTorch| accepted (the main output: or RELATIVE × its largest |value|). */
const TOLERANCE = 1e-5;
/**
 * float32 logits carry an error that grows with their size: tiny-qwen2's reach ±6.8 and
 * onnxruntime's are 1.3e-5 from the exact values (float64, rounded) by the second layer.
 */
const RELATIVE = 3e-6;

const packages = {
  '@huggingface/transformers': await import('@huggingface/transformers'),
  '@xenova/transformers': await import('@xenova/transformers'),
};
for (const t of Object.values(packages)) {
  t.env.localModelPath = fixtures + path.sep;
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
}
ort.env.wasm.numThreads = 1;

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.log(`  FAIL ${message}`);
};
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const numbers = (data) => Array.from(data, Number);
/** Token strings: v2 has `model.convert_ids_to_tokens`, v4 `_tokenizer.id_to_token`. */
const tokenStrings = (tokenizer, ids) =>
  tokenizer.model?.convert_ids_to_tokens?.(ids) ?? ids.map((id) => tokenizer._tokenizer.id_to_token(id));

async function checkTokenizer(name, reference, pkg, t) {
  const tokenizer = await t.AutoTokenizer.from_pretrained(name);
  const config = await t.AutoConfig.from_pretrained(name);
  const expectedType = JSON.parse(
    await readFile(path.join(fixtures, name, 'config.json'), 'utf8'),
  ).model_type;
  if (config.model_type !== expectedType) fail(`${name} ${pkg}: config model_type ${config.model_type}`);
  for (const example of reference.examples) {
    if (example.targetText !== undefined) {
      checkSeq2seqTokens(`${name} ${pkg}`, tokenizer, reference, example);
      continue;
    }
    const encoded = tokenizer(
      example.text,
      example.textPair !== undefined ? { text_pair: example.textPair } : {},
    );
    const ids = numbers(encoded.input_ids.data);
    const tokens = tokenStrings(tokenizer, ids);
    if (!same(ids, example.ids)) fail(`${name} ${pkg}: ids ${ids} ≠ ${example.ids}`);
    if (!same(tokens, example.tokens)) fail(`${name} ${pkg}: tokens ${tokens} ≠ ${example.tokens}`);
    if (example.tokenTypeIds) {
      const types = numbers(encoded.token_type_ids.data);
      if (!same(types, example.tokenTypeIds)) fail(`${name} ${pkg}: token types ${types}`);
    }
  }
  console.log(`  ${pkg}: tokenizer and config (${config.model_type}) load; ids match`);
}

/**
 * An encoder-decoder model's example: the source as the encoder reads it, and the target as
 * teacher forcing feeds it to the decoder (the start token, then the target without its last).
 */
function checkSeq2seqTokens(label, tokenizer, reference, example) {
  const source = numbers(tokenizer(example.text).input_ids.data);
  const target = numbers(tokenizer(example.targetText).input_ids.data);
  const decoderIds = [reference.decoderStartTokenId, ...target.slice(0, -1)];
  if (!same(source, example.encoderIds)) fail(`${label}: source ids ${source} ≠ ${example.encoderIds}`);
  if (!same(tokenStrings(tokenizer, source), example.encoderTokens)) fail(`${label}: source tokens`);
  if (!same(decoderIds, example.decoderIds))
    fail(`${label}: decoder ids ${decoderIds} ≠ ${example.decoderIds}`);
  if (!same(tokenStrings(tokenizer, decoderIds), example.decoderTokens)) fail(`${label}: decoder tokens`);
}

function buildFeeds(session, check, example) {
  const feeds = {};
  for (const [key, values] of Object.entries(example.feeds)) {
    feeds[key] = new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  }
  for (const input of session.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    feeds[input] = new ort.Tensor('float32', new Float32Array(0), [1, check.heads, 0, check.headDim]);
  }
  // A merged decoder: the branch without a past.
  if (session.inputNames.includes('use_cache_branch')) feeds.use_cache_branch = useCacheBranch(false);
  return feeds;
}

const useCacheBranch = (value) => new ort.Tensor('bool', Uint8Array.from([value ? 1 : 0]), [1]);

/** Largest |a − b| over two flat arrays of one length. */
function maxError(a, b, label) {
  if (a.length !== b.length) {
    fail(`${label}: ${a.length} values ≠ ${b.length}`);
    return Infinity;
  }
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** [h, d, s] → [h, s, d]: keys arrive transposed, as the scores MatMul takes them. */
function transposeKeys(kt, heads, dim) {
  const seq = kt.length / (heads * dim);
  const out = new Float32Array(kt.length);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < dim; i++) {
      for (let s = 0; s < seq; s++) out[(h * seq + s) * dim + i] = kt[(h * dim + i) * seq + s];
    }
  }
  return out;
}

/**
 * Decoders: the text less its last token, then that token with the returned present as past, must
 * give the last row of the whole text's logits: the cache inputs and outputs work.
 */
async function checkCache(name, session, check, example, whole) {
  const ids = example.feeds.input_ids;
  const S = ids.length;
  const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const positions = session.inputNames.includes('position_ids');
  const first = await session.run(
    buildFeeds(session, check, {
      feeds: {
        input_ids: ids.slice(0, -1),
        attention_mask: Array(S - 1).fill(1),
        ...(positions ? { position_ids: [...Array(S - 1).keys()] } : {}),
      },
    }),
  );
  const feeds = {
    input_ids: int64([ids[S - 1]]),
    attention_mask: int64(Array(S).fill(1)),
    ...(positions ? { position_ids: int64([S - 1]) } : {}),
  };
  for (const input of session.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    feeds[input] = first[input.replace('past_key_values.', 'present.')];
  }
  // A merged decoder: the branch with a past.
  if (session.inputNames.includes('use_cache_branch')) feeds.use_cache_branch = useCacheBranch(true);
  const last = (await session.run(feeds))[check.output];
  const V = last.dims[2];
  const err = maxError(last.data, whole.data.subarray((S - 1) * V), `${name} cache`);
  if (!(err <= TOLERANCE)) fail(`${name}: decoding the last token with a past differs by ${err}`);
  console.log(`  last token with a past of ${S - 1}: max |cached − whole| = ${err.toExponential(2)}`);
}

/**
 * An encoder-decoder model: the encoder's hidden states and the merged decoder's logits (fed
 * onnxruntime's hidden states) against PyTorch's; then the last decoder token fed with the present
 * of the others as past (the merged decoder's other branch) gives the same last row.
 */
async function checkSeq2seq(name, check) {
  const open = (file) =>
    ort.InferenceSession.create(path.join(fixtures, name, file), { executionProviders: ['wasm'] });
  const encoder = await open('onnx/encoder_model.onnx');
  const decoder = await open('onnx/decoder_model_merged.onnx');
  console.log(`  onnx/encoder_model.onnx: inputs ${encoder.inputNames.join(', ')}`);
  console.log(`  onnx/decoder_model_merged.onnx: inputs ${decoder.inputNames.join(', ')}`);
  const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  for (const example of check.examples) {
    const sourceIds = example.encoder.feeds.input_ids;
    const states = (
      await encoder.run({ input_ids: int64(sourceIds), attention_mask: int64(sourceIds.map(() => 1)) })
    ).last_hidden_state;
    const stateError = maxError(states.data, example.encoder.expected, `${name} encoder`);
    if (!(stateError <= TOLERANCE)) fail(`${name}: last_hidden_state differs from PyTorch by ${stateError}`);
    const run = async (ids, past) => {
      const feeds = {
        input_ids: int64(ids),
        encoder_attention_mask: int64(sourceIds.map(() => 1)),
        encoder_hidden_states: states,
        use_cache_branch: useCacheBranch(past !== null),
      };
      for (const input of decoder.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
        feeds[input] =
          past?.[input.replace('past_key_values.', 'present.')] ??
          new ort.Tensor('float32', new Float32Array(0), [1, check.heads, 0, check.headDim]);
      }
      return decoder.run(feeds);
    };
    const ids = example.decoder.feeds.input_ids;
    const whole = (await run(ids, null)).logits;
    const logitError = maxError(whole.data, example.decoder.expected, `${name} decoder`);
    if (!(logitError <= TOLERANCE)) fail(`${name}: logits differ from PyTorch by ${logitError}`);
    const last = (await run(ids.slice(-1), await run(ids.slice(0, -1), null))).logits;
    const V = last.dims[2];
    const cacheError = maxError(last.data, whole.data.subarray((ids.length - 1) * V), `${name} cache`);
    if (!(cacheError <= TOLERANCE))
      fail(`${name}: decoding the last token with a past differs by ${cacheError}`);
    console.log(
      `  ${sourceIds.length} source, ${ids.length} decoder tokens: max |ort − torch| last_hidden_state ${stateError.toExponential(2)}, logits ${logitError.toExponential(2)}; last token with a past: ${cacheError.toExponential(2)}`,
    );
  }
  await encoder.release();
  await decoder.release();
}

async function checkGraph(name, check, reference) {
  const file = check.file ?? 'onnx/model.onnx';
  const session = await ort.InferenceSession.create(path.join(fixtures, name, file), {
    executionProviders: ['wasm'],
  });
  const tapped = check.taps.length
    ? await ort.InferenceSession.create(path.join(checkDir, `${name}.tapped.onnx`), {
        executionProviders: ['wasm'],
      })
    : null;
  console.log(`  ${file}: inputs  ${session.inputNames.join(', ')}`);
  console.log(`  outputs ${session.outputNames.join(', ')}`);
  for (const [n, example] of check.examples.entries()) {
    const feeds = buildFeeds(session, check, example);
    const out = (await session.run(feeds))[check.output];
    if (!same(out.dims, example.dims)) fail(`${name}: ${check.output} dims ${out.dims} ≠ ${example.dims}`);
    const max = maxError(out.data, example.expected, name);
    const scale = Math.max(...example.expected.map(Math.abs));
    if (!(max <= Math.max(TOLERANCE, RELATIVE * scale))) {
      fail(`${name}: ${check.output} differs from PyTorch by ${max}`);
    }
    let line = `  ${example.feeds.input_ids.length} tokens: ${check.output} [${out.dims}], max |ort − torch| = ${max.toExponential(2)} (max |torch| ${scale.toFixed(2)})`;
    if (tapped) {
      const results = await tapped.run(feeds);
      if (maxError(results[check.output].data, out.data, name) !== 0)
        fail(`${name}: tapping changed ${check.output}`);
      const ref = reference.examples[n];
      let worst = 0;
      check.taps.forEach((tap, l) => {
        const compare = (data, key) => {
          const err = maxError(data, ref[key][l].flat(2), `${name} layer ${l} ${key}`);
          if (!(err <= TOLERANCE)) fail(`${name}: layer ${l} ${key} differs from reference.json by ${err}`);
          worst = Math.max(worst, err);
        };
        compare(results[tap.attention].data, 'attention');
        compare(results[tap.queries].data, 'queries');
        compare(transposeKeys(results[tap.keysT].data, ref.keys[l].length, ref.keys[l][0][0].length), 'keys');
        compare(results[tap.values].data, 'values');
      });
      line += `; ${check.taps.length} tapped attentions (probs, q, kᵀ, v) vs reference.json: max ${worst.toExponential(2)}`;
    }
    console.log(line);
    if (check.heads !== undefined) await checkCache(name, session, check, example, out);
  }
  await session.release();
  await tapped?.release();
}

const names = (await readdir(checkDir)).filter((f) => f.endsWith('.check.json')).map((f) => f.slice(0, -11));
for (const name of names.sort()) {
  console.log(name);
  const reference = JSON.parse(await readFile(path.join(fixtures, name, 'reference.json'), 'utf8'));
  for (const [pkg, t] of Object.entries(packages)) {
    try {
      await checkTokenizer(name, reference, pkg, t);
    } catch (e) {
      fail(`${name} ${pkg}: ${e.message}`);
    }
  }
  const check = JSON.parse(await readFile(path.join(checkDir, `${name}.check.json`), 'utf8'));
  if (check.seq2seq) await checkSeq2seq(name, check);
  else await checkGraph(name, check, reference);
}
console.log(failures.length ? `${failures.length} failure(s)` : 'all fixtures verified');
process.exit(failures.length ? 1 : 0);
