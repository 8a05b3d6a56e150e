/**
 * `computeAttention`: a model's real attention for a text, computed where this code runs (browser
 * or Node), from the model's own ONNX file with its attention tapped (see tap.ts). transformers.js
 * (either package, passed in by the caller) supplies the tokenizer and config; onnxruntime-web runs
 * the tapped graph.
 */
import { AttentionDataError } from '../core/errors.js';
import { parseAttention } from '../core/parse.js';
import type { AttentionData } from '../core/types.js';
import { tapOffThread } from './off-thread.js';
import { UnsupportedModelError, type AttentionTap } from './tap.js';

/** The parts of a transformers.js module (`@xenova/transformers` 2.x or `@huggingface/transformers` 3+) used here. */
export interface TransformersModule {
  readonly env: TransformersEnv;
  readonly AutoTokenizer: { from_pretrained(model: string, options?: object): Promise<Tokenizer> };
  readonly AutoConfig: { from_pretrained(model: string, options?: object): Promise<ModelConfig> };
}

interface TransformersEnv {
  version?: string;
  remoteHost: string;
  remotePathTemplate: string;
  localModelPath: string;
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
}

interface Encoded {
  readonly input_ids: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
  readonly attention_mask?: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
  readonly token_type_ids?: ArrayLike<number | bigint> | { data: ArrayLike<number | bigint> };
}

interface Tokenizer {
  (text: string, options?: object): Encoded;
  model?: { convert_ids_to_tokens?(ids: number[]): string[] };
  _tokenizer?: { id_to_token?(id: number): string | undefined };
}

/** A model's config.json, as transformers.js reads it. */
export type ModelConfig = Record<string, unknown> & { model_type?: string };

/** The weights' number format, as transformers.js names it. */
export type ModelDtype = 'fp32' | 'q8' | 'fp16';

export interface Progress {
  readonly stage: 'tokenizer' | 'download' | 'preparing' | 'computing' | 'done';
  /** The file being downloaded, and bytes so far / in all (when the server says). */
  readonly file?: string;
  readonly loaded?: number;
  readonly total?: number;
}

export interface ComputeOptions {
  /** A Hub id (`Xenova/gpt2`), the URL of a folder in the transformers.js layout, or in Node a local folder path. */
  readonly model: string;
  readonly text: string;
  /** Second segment for sentence-pair models. */
  readonly textPair?: string;
  /** The imported transformers.js module (either package). */
  readonly transformers: TransformersModule;
  /** Which weights file: fp32 `model.onnx`, q8 `model_quantized.onnx`, fp16 `model_fp16.onnx`. */
  readonly dtype?: ModelDtype;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
  /** The onnxruntime-web module; imported on first use when omitted. */
  readonly ort?: OrtModule;
  /** Most bytes the attention and vectors may take (default `MAX_ATTENTION_BYTES`). */
  readonly maxBytes?: number;
  /**
   * In browsers, run inference in onnxruntime-web's proxy worker (default true; it applies from
   * onnxruntime's first session on). The graph rewrite always runs in a worker where one starts.
   */
  readonly proxy?: boolean;
}

/** Default limit on the attention (L·H·S²) plus vectors (3·L·H·S·d), as float32: 512 MiB. */
export const MAX_ATTENTION_BYTES = 512 * 2 ** 20;

/** The parts of onnxruntime-web used here. */
export interface OrtModule {
  readonly InferenceSession: { create(model: Uint8Array, options?: object): Promise<OrtSession> };
  readonly Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
  readonly env: { wasm: { numThreads?: number; proxy?: boolean } };
}

interface OrtTensor {
  readonly type: string;
  readonly data: ArrayLike<number> | ArrayLike<bigint>;
  readonly dims: readonly number[];
}

interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}

/** A failure with its cause named: unknown model, network, missing file, unsupported model, input too long, tokenizer mismatch. */
export class AttentionComputeError extends Error {
  override readonly name = 'AttentionComputeError';
  constructor(
    readonly kind: 'not-found' | 'network' | 'unsupported' | 'too-long' | 'tokenizer' | 'aborted' | 'runtime',
    message: string,
  ) {
    super(message);
  }
}

const DECODER_TYPES = new Set([
  'gpt2',
  'gpt_neo',
  'gptj',
  'gpt_neox',
  'gpt_bigcode',
  'llama',
  'mistral',
  'qwen2',
  'phi',
  'opt',
  'bloom',
  'falcon',
  'codegen',
  'mpt',
  'olmo',
  'gemma',
  'starcoder2',
  'stablelm',
]);

const isNode =
  !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node &&
  typeof window === 'undefined';

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AttentionComputeError('aborted', 'computing attention was cancelled');
}

/** Where a model's files live: a Hub URL, a folder URL, or a local folder. */
interface ModelLocation {
  /** What to pass to transformers.js's from_pretrained, with `env` set as `envPatch` says. */
  readonly id: string;
  readonly envPatch: Partial<TransformersEnv>;
  /** The URL or path of the folder, with a trailing separator. */
  readonly base: string;
  readonly local: boolean;
}

function locate(model: string, env: TransformersEnv): ModelLocation {
  const trimmed = model.replace(/\/+$/, '');
  const isUrl =
    /^(https?:|blob:|data:)/.test(model) ||
    model.startsWith('/') ||
    model.startsWith('./') ||
    model.startsWith('../');
  if (isUrl || (isNode && /^[./~]|^[A-Za-z]:\\/.test(model))) {
    const slash = trimmed.lastIndexOf('/');
    const parent = slash >= 0 ? trimmed.slice(0, slash + 1) : './';
    const id = trimmed.slice(slash + 1);
    return {
      id,
      envPatch: { localModelPath: parent, allowLocalModels: true, allowRemoteModels: false },
      base: `${trimmed}/`,
      local: isNode && !/^https?:/.test(model),
    };
  }
  const path = env.remotePathTemplate.replaceAll('{model}', trimmed).replaceAll('{revision}', 'main');
  return { id: trimmed, envPatch: {}, base: `${env.remoteHost.replace(/\/?$/, '/')}${path}`, local: false };
}

/** Runs `fn` with transformers.js's env patched, restoring it afterwards. */
async function withEnv<T>(
  env: TransformersEnv,
  patch: Partial<TransformersEnv>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved: Partial<TransformersEnv> = {};
  for (const key of Object.keys(patch) as (keyof TransformersEnv)[]) {
    (saved as Record<string, unknown>)[key] = env[key];
    (env as unknown as Record<string, unknown>)[key] = patch[key];
  }
  try {
    return await fn();
  } finally {
    Object.assign(env, saved);
  }
}

function defaultDtype(t: TransformersModule): ModelDtype {
  const major = Number((t.env.version ?? '2').split('.')[0]);
  // transformers.js 2 loads quantized weights by default; 3+ loads fp32 in Node and q8 on wasm.
  if (major <= 2) return 'q8';
  return isNode ? 'fp32' : 'q8';
}

const SUFFIX: Record<ModelDtype, string> = { fp32: '', q8: '_quantized', fp16: '_fp16' };

/** Fetches a file of the model folder through the browser cache transformers.js uses, or reads it in Node. */
async function fetchFile(
  loc: ModelLocation,
  file: string,
  signal: AbortSignal | undefined,
  onProgress: ((p: Progress) => void) | undefined,
): Promise<Uint8Array | null> {
  if (loc.local) {
    const fsName = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ fsName)) as { readFile(path: string): Promise<Uint8Array> };
    try {
      return new Uint8Array(await fs.readFile(`${loc.base}${file}`));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return null;
      throw new AttentionComputeError('network', `cannot read ${loc.base}${file}: ${(e as Error).message}`);
    }
  }
  const url = `${loc.base}${file}`;
  const cache =
    typeof caches !== 'undefined'
      ? await caches.open('transformers-cache').catch(() => undefined)
      : undefined;
  let response = await cache?.match(url);
  if (!response) {
    try {
      response = await fetch(url, { signal: signal ?? null });
    } catch (e) {
      if (signal?.aborted) throw new AttentionComputeError('aborted', 'computing attention was cancelled');
      throw new AttentionComputeError('network', `network failure fetching ${url}: ${(e as Error).message}`);
    }
    if (response.status === 404) return null;
    if (!response.ok)
      throw new AttentionComputeError('network', `fetching ${url} failed: HTTP ${response.status}`);
    if (cache) await cache.put(url, response.clone()).catch(() => undefined);
  }
  const total = Number(response.headers.get('content-length')) || undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    checkAborted(signal);
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.({ stage: 'download', file, loaded, ...(total ? { total } : {}) });
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function toNumbers(v: Encoded['input_ids'] | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const list =
    Array.isArray(v) || ArrayBuffer.isView(v)
      ? (v as ArrayLike<number | bigint>)
      : (v as { data: ArrayLike<number | bigint> }).data;
  return Array.from(list, (x) => Number(x));
}

function idsToTokens(tokenizer: Tokenizer, ids: number[]): string[] {
  if (tokenizer.model?.convert_ids_to_tokens) return tokenizer.model.convert_ids_to_tokens(ids);
  const inner = tokenizer._tokenizer;
  if (inner?.id_to_token) return ids.map((id) => inner.id_to_token!(id) ?? `[${id}]`);
  throw new AttentionComputeError(
    'tokenizer',
    'this transformers.js version exposes no way to turn token ids into tokens',
  );
}

const numberOf = (config: ModelConfig, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof config[k] === 'number') return config[k] as number;
  return undefined;
};

/** float32 data of an output tensor (float16 decoded). */
function floatData(t: OrtTensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const bits = t.data as ArrayLike<number>;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = halfBitsToFloat(bits[i]!);
    return out;
  }
  return Float32Array.from(t.data as ArrayLike<number>);
}

function halfBitsToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Normalises a tapped tensor to `[heads, rows, cols]`, dropping a batch of 1 (or splitting `b·h`). */
function headsOf(
  t: OrtTensor,
  heads: number,
  name: string,
): { data: Float32Array; rows: number; cols: number } {
  const dims = t.dims;
  const data = floatData(t);
  if (dims.length === 4 && dims[0] === 1 && dims[1] === heads)
    return { data, rows: dims[2]!, cols: dims[3]! };
  if (dims.length === 3 && dims[0] === heads) return { data, rows: dims[1]!, cols: dims[2]! };
  throw new AttentionComputeError(
    'unsupported',
    `tapped tensor ${name} has shape [${dims.join(', ')}], not [1, ${heads}, rows, cols]`,
  );
}

/**
 * The attention of every layer and head of `model` for `text` (and `textPair`), with each head's
 * query, key and value vectors, as the library's data model.
 */
export async function computeAttention(o: ComputeOptions): Promise<AttentionData> {
  const t = o.transformers;
  if (!t?.AutoTokenizer || !t.AutoConfig || !t.env) {
    throw new AttentionComputeError(
      'runtime',
      'computeAttention: pass the imported transformers.js module as `transformers`',
    );
  }
  const progress = o.onProgress;
  const loc = locate(o.model, t.env);
  checkAborted(o.signal);
  progress?.({ stage: 'tokenizer' });
  // Checked here, the same way for both transformers.js packages (one of which fails obscurely).
  if (!(await fetchFile(loc, 'config.json', o.signal, undefined))) {
    throw new AttentionComputeError(
      'not-found',
      `model "${o.model}" not found: no config.json at ${loc.base}`,
    );
  }
  const [tokenizer, config] = await withEnv(t.env, loc.envPatch, async () => {
    try {
      return await Promise.all([
        t.AutoTokenizer.from_pretrained(loc.id),
        t.AutoConfig.from_pretrained(loc.id),
      ]);
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      const missing = /404|not found|could not locate|unable to load|ENOENT/i.test(message);
      throw new AttentionComputeError(
        missing ? 'not-found' : 'network',
        missing
          ? `model "${o.model}" not found: no config.json / tokenizer.json at ${loc.base} (${message})`
          : `loading the tokenizer of "${o.model}" failed: ${message}`,
      );
    }
  });
  checkAborted(o.signal);
  const encoded = tokenizer(o.text, {
    ...(o.textPair !== undefined ? { text_pair: o.textPair } : {}),
    add_special_tokens: true,
    return_tensor: false,
    padding: false,
    truncation: false,
  });
  const ids = toNumbers(encoded.input_ids)!;
  const typeIds = toNumbers(encoded.token_type_ids);
  const tokens = idsToTokens(tokenizer, ids);
  const S = ids.length;
  const vocab = numberOf(config, 'vocab_size');
  if (vocab !== undefined && ids.some((id) => id >= vocab)) {
    throw new AttentionComputeError(
      'tokenizer',
      `tokenizer mismatch: token id ${Math.max(...ids)} is outside the model's vocabulary of ${vocab}`,
    );
  }
  const maxPositions = numberOf(config, 'max_position_embeddings', 'n_positions', 'n_ctx');
  const L = numberOf(config, 'num_hidden_layers', 'n_layer', 'num_layers') ?? 0;
  const H = numberOf(config, 'num_attention_heads', 'n_head', 'num_heads') ?? 0;
  const hidden = numberOf(config, 'hidden_size', 'n_embd', 'd_model') ?? 0;
  const D = H > 0 ? hidden / H : 0;
  if (maxPositions !== undefined && S > maxPositions) {
    throw new AttentionComputeError(
      'too-long',
      `input too long: ${S} tokens, and "${o.model}" takes at most ${maxPositions}`,
    );
  }
  const bytes = 4 * L * H * S * (S + 3 * D);
  const limit = o.maxBytes ?? MAX_ATTENTION_BYTES;
  if (bytes > limit) {
    throw new AttentionComputeError(
      'too-long',
      `input too long: ${L} layers × ${H} heads × ${S} tokens need ${(bytes / 2 ** 20).toFixed(0)} MiB of attention and vectors (L·H·S·(S + 3d)·4 bytes), over the limit of ${(limit / 2 ** 20).toFixed(0)} MiB (maxBytes)`,
    );
  }

  const dtype = o.dtype ?? defaultDtype(t);
  const candidates = [`onnx/model${SUFFIX[dtype]}.onnx`, `onnx/decoder_model_merged${SUFFIX[dtype]}.onnx`];
  let file = '';
  let modelBytes: Uint8Array | null = null;
  for (const candidate of candidates) {
    modelBytes = await fetchFile(loc, candidate, o.signal, progress);
    if (modelBytes) {
      file = candidate;
      break;
    }
  }
  if (!modelBytes) {
    throw new AttentionComputeError(
      'not-found',
      `missing file: "${o.model}" has no ${candidates.join(' or ')} at ${loc.base}`,
    );
  }
  checkAborted(o.signal);
  progress?.({ stage: 'preparing', file });
  let tapped;
  try {
    tapped = await tapOffThread(modelBytes, `${o.model} (${file})`, o.signal);
  } catch (e) {
    checkAborted(o.signal);
    throw new AttentionComputeError(
      e instanceof UnsupportedModelError ? 'unsupported' : 'runtime',
      (e as Error).message,
    );
  }
  const ort = await onnxRuntime(o);
  checkAborted(o.signal);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(tapped.bytes, { executionProviders: ['wasm'] });
  } catch (e) {
    throw new AttentionComputeError(
      'runtime',
      `onnxruntime could not load ${o.model} (${file}): ${(e as Error).message}`,
    );
  }
  try {
    checkAborted(o.signal);
    progress?.({ stage: 'computing' });
    const feeds = buildFeeds(ort, session, ids, typeIds, H, D, dtype);
    const fetches = tapped.taps.flatMap((tap) => [tap.probs, tap.query, tap.keyT, tap.value]);
    let outputs: Record<string, OrtTensor>;
    try {
      outputs = await session.run(feeds, [...new Set(fetches)]);
    } catch (e) {
      throw new AttentionComputeError(
        'runtime',
        `running ${o.model} (${file}) failed: ${(e as Error).message}`,
      );
    }
    checkAborted(o.signal);
    const data = assemble(outputs, tapped.taps, tokens, {
      causal: config.is_decoder === true || DECODER_TYPES.has(config.model_type ?? ''),
      sentenceBStart: o.textPair !== undefined && typeIds ? typeIds.indexOf(1) : -1,
      heads: H,
      half: dtype === 'fp16',
    });
    progress?.({ stage: 'done' });
    return data;
  } finally {
    await session.release?.();
  }
}

/**
 * The onnxruntime-web module, set (in browsers, unless `proxy: false`) to run sessions in its
 * proxy worker, so that inference does not hold the page's main thread. The setting only takes
 * effect before onnxruntime's first session.
 */
async function onnxRuntime(o: ComputeOptions): Promise<OrtModule> {
  const ort = o.ort ?? ((await import('onnxruntime-web')) as unknown as OrtModule);
  if (!isNode && typeof Worker !== 'undefined' && o.proxy !== false && ort.env.wasm.proxy === undefined) {
    ort.env.wasm.proxy = true;
  }
  return ort;
}

function buildFeeds(
  ort: OrtModule,
  session: OrtSession,
  ids: number[],
  typeIds: number[] | undefined,
  heads: number,
  dim: number,
  dtype: ModelDtype,
): Record<string, OrtTensor> {
  const S = ids.length;
  const int64 = (values: number[]) =>
    new ort.Tensor(
      'int64',
      BigInt64Array.from(values, (v) => BigInt(v)),
      [1, values.length],
    );
  const feeds: Record<string, OrtTensor> = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'token_type_ids') feeds[name] = int64(typeIds ?? ids.map(() => 0));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, i) => i));
    else if (name === 'use_cache_branch') feeds[name] = new ort.Tensor('bool', Uint8Array.from([0]), [1]);
    else if (name.startsWith('past_key_values.') || name.startsWith('past_')) {
      feeds[name] =
        dtype === 'fp16'
          ? new ort.Tensor('float16', new Uint16Array(0), [1, heads, 0, dim])
          : new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, dim]);
    } else {
      throw new AttentionComputeError(
        'unsupported',
        `the model takes an input "${name}" this adapter does not know how to fill (it fills input_ids, attention_mask, token_type_ids, position_ids, past_key_values.*, use_cache_branch) for a sequence of ${S} tokens`,
      );
    }
  }
  return feeds;
}

function assemble(
  outputs: Record<string, OrtTensor>,
  taps: readonly AttentionTap[],
  tokens: string[],
  o: { causal: boolean; sentenceBStart: number; heads: number; half: boolean },
): AttentionData {
  const L = taps.length;
  const S = tokens.length;
  const first = outputs[taps[0]!.probs]!;
  const heads = first.dims.length === 4 ? first.dims[1]! : o.heads;
  const D = headsOf(outputs[taps[0]!.query]!, heads, taps[0]!.query).cols;
  const attention = new Float32Array(L * heads * S * S);
  const queries = new Float32Array(L * heads * S * D);
  const keys = new Float32Array(L * heads * S * D);
  const values = new Float32Array(L * heads * S * D);
  taps.forEach((tap, l) => {
    const probs = headsOf(outputs[tap.probs]!, heads, tap.probs);
    attention.set(probs.data, l * heads * S * S);
    queries.set(headsOf(outputs[tap.query]!, heads, tap.query).data, l * heads * S * D);
    values.set(headsOf(outputs[tap.value]!, heads, tap.value).data, l * heads * S * D);
    // Keys arrive transposed, [h, d, s]: turn them to [h, s, d].
    const kt = headsOf(outputs[tap.keyT]!, heads, tap.keyT).data;
    const base = l * heads * S * D;
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < D; i++) {
        for (let s = 0; s < S; s++) keys[base + (h * S + s) * D + i] = kt[(h * D + i) * S + s]!;
      }
    }
  });
  const dims = [L, heads, S, D];
  try {
    return parseAttention(
      {
        tokens,
        attention: { dims: [L, heads, S, S], data: attention },
        queries: { dims, data: queries },
        keys: { dims, data: keys },
        values: { dims, data: values },
        causal: o.causal,
        vectorsScaled: taps[0]!.vectorsScaled,
        ...(o.sentenceBStart > 0 ? { sentenceBStart: o.sentenceBStart } : {}),
      },
      o.half ? { tolerance: 1e-2 } : {},
    );
  } catch (e) {
    if (e instanceof AttentionDataError) {
      throw new AttentionComputeError('runtime', `the tapped attention is not valid attention: ${e.message}`);
    }
    throw e;
  }
}
