// One adapter measurement, the same in Node (bench/adapter-node.mjs) and in the page
// (bench/adapter-page.mjs): optionally rewrite the graph, create the session, run the model on
// `tokens` token ids a few times. Plain ES module with no imports: the page loads it as it is.

/**
 * A decoder's inputs for `tokens` ids (seeded, inside the vocabulary) and an empty past, by input
 * name: GPT-2's config (n_head, n_embd) or Llama's (key/value heads and head_dim for the past).
 */
export function gpt2Feeds(ort, inputNames, config, tokens) {
  const queryHeads = config.num_attention_heads ?? config.n_head;
  const heads = config.num_key_value_heads ?? queryHeads;
  const dim = config.head_dim ?? (config.hidden_size ?? config.n_embd) / queryHeads;
  let seed = 7;
  const ids = Array.from({ length: tokens }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % config.vocab_size;
  });
  const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, tokens]);
  const feeds = {};
  for (const name of inputNames) {
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, i) => i));
    else if (name.startsWith('past_key_values.'))
      feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, dim]);
    else throw new Error(`the benchmark model has an unexpected input "${name}"`);
  }
  return feeds;
}

/**
 * Times, in turn: starting onnxruntime (a session of `warmupBytes`, a one-node model, so that
 * loading the wasm runtime, once per page or process, is not counted as creating the model's
 * session); `prepare(bytes)` (the graph rewrite, or nothing); `InferenceSession.create`; and
 * `runs + 1` runs fetching every graph output, the first of which is a warm-up, reported on its
 * own and left out of the median. `await onPhase(name)` starts each phase (the page yields there).
 * The model's bytes come in `model.bytes`, which is emptied once read: as in computeAttention,
 * nothing keeps the original file once the tapped copy exists, so its memory can go.
 */
export async function measure({
  ort,
  warmupBytes,
  model,
  config,
  tokens,
  runs,
  prepare,
  onPhase = () => {},
}) {
  await onPhase('runtime');
  let t = performance.now();
  const warmup = await ort.InferenceSession.create(warmupBytes, { executionProviders: ['wasm'] });
  await warmup.release();
  const runtimeMs = performance.now() - t;

  await onPhase('rewrite');
  t = performance.now();
  let modelBytes = model.bytes;
  model.bytes = null;
  if (prepare) modelBytes = await prepare(modelBytes);
  const tapMs = prepare ? performance.now() - t : null;

  await onPhase('create');
  t = performance.now();
  const session = await ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
  const createMs = performance.now() - t;

  const times = [];
  let outputMB = 0;
  for (let i = 0; i <= runs; i++) {
    // Fresh feeds each run: onnxruntime's proxy worker takes (detaches) their buffers.
    const feeds = gpt2Feeds(ort, session.inputNames, config, tokens);
    await onPhase(i === 0 ? 'firstRun' : 'run');
    t = performance.now();
    const outputs = await session.run(feeds, session.outputNames);
    times.push(performance.now() - t);
    outputMB = Object.values(outputs).reduce((sum, o) => sum + o.data.byteLength, 0) / 2 ** 20;
  }
  await onPhase('done');
  await session.release();
  const measured = times.slice(1).sort((a, b) => a - b);
  return {
    runtimeMs,
    tapMs,
    createMs,
    firstRunMs: times[0],
    runMs: measured[Math.floor(measured.length / 2)],
    // The fastest run: on a machine shared with other work, the one least slowed by it.
    minRunMs: measured[0],
    outputs: session.outputNames.length,
    outputMB,
  };
}
