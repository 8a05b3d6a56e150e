/**
 * Continuing the text (`computeAttention`'s `generate`): each step runs the tapped session over
 * the prompt and the tokens so far, reads the next token from the last row of the logits (greedy,
 * or sampled with a seed), and reports the attention so far; the last step's run, over prompt and
 * continuation, is the result. A whole run per step (no cache) makes every step's attention that
 * of a plain forward pass over its tokens, as the views show it.
 */
import type { AttentionData } from '../core/types.js';
import { AttentionComputeError } from './errors.js';
import type { GenerateOptions, ModelConfig, OrtTensor } from './types.js';

/** Most tokens one call generates: each step reruns the whole sequence. */
export const MAX_NEW_TOKENS = 512;

const fail = (field: string, expected: string, received: unknown): never => {
  throw new AttentionComputeError(
    'unsupported',
    `generate.${field}: expected ${expected}, received ${JSON.stringify(received) ?? String(received)}`,
  );
};

/** `g` with its defaults, checked field by field. */
export function checkGenerate(
  g: unknown,
): Required<Omit<GenerateOptions, 'seed' | 'topK'>> & GenerateOptions {
  if (typeof g !== 'object' || g === null || Array.isArray(g)) {
    throw new AttentionComputeError(
      'unsupported',
      `generate: expected an object {maxNewTokens, doSample?, temperature?, topK?, seed?}, received ${JSON.stringify(g)}`,
    );
  }
  const o = g as Record<string, unknown>;
  const max = o.maxNewTokens;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_NEW_TOKENS) {
    fail('maxNewTokens', `an integer from 1 to ${MAX_NEW_TOKENS}`, max);
  }
  if (o.doSample !== undefined && typeof o.doSample !== 'boolean')
    fail('doSample', 'true or false', o.doSample);
  const t = o.temperature;
  if (t !== undefined && (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t))) {
    fail('temperature', 'a finite number > 0', t);
  }
  const k = o.topK;
  if (k !== undefined && (typeof k !== 'number' || !Number.isInteger(k) || k < 1))
    fail('topK', 'an integer ≥ 1', k);
  const seed = o.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed)))
    fail('seed', 'an integer', seed);
  return {
    maxNewTokens: max as number,
    doSample: (o.doSample as boolean | undefined) ?? false,
    temperature: (t as number | undefined) ?? 1,
    ...(k !== undefined ? { topK: k as number } : {}),
    ...(seed !== undefined ? { seed: seed as number } : {}),
  };
}

/** The config's end-of-text token ids (`eos_token_id`, a number or a list). */
export function endTokens(config: ModelConfig): ReadonlySet<number> {
  const eos = config.eos_token_id;
  const list = Array.isArray(eos) ? eos : [eos];
  return new Set(list.filter((v): v is number => typeof v === 'number'));
}

/**
 * Random numbers in [0, 1) from a 32-bit seed (mulberry32): small, fast, and the same sequence on
 * every platform, so that a seed gives the same continuation in the browser and in Node.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The last row of a `[1, tokens, vocab]` logits tensor, as numbers. */
export function lastLogits(t: OrtTensor | undefined): Float64Array {
  if (!t || t.dims.length !== 3 || t.dims[0] !== 1) {
    throw new AttentionComputeError(
      'runtime',
      `logits: expected a tensor [1, tokens, vocabulary], received ${t ? `[${t.dims.join(', ')}]` : 'none'}`,
    );
  }
  const [, S, V] = t.dims as [number, number, number];
  const out = new Float64Array(V);
  const data = t.data as ArrayLike<number>;
  for (let v = 0; v < V; v++) out[v] = Number(data[(S - 1) * V + v]);
  return out;
}

/**
 * The next token from one row of logits: the most likely (the first of equals, as argmax), or
 * one drawn from softmax(logits / temperature) over the `topK` most likely.
 */
export function pickToken(
  logits: Float64Array,
  g: ReturnType<typeof checkGenerate>,
  random: () => number,
): number {
  let best = 0;
  for (let v = 1; v < logits.length; v++) if (logits[v]! > logits[best]!) best = v;
  if (!g.doSample) return best;
  const order = Array.from(logits.keys()).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const kept = order.slice(0, Math.min(g.topK ?? order.length, order.length));
  const top = logits[kept[0]!]!;
  const weights = kept.map((v) => Math.exp((logits[v]! - top) / g.temperature));
  let r = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < kept.length; i++) {
    r -= weights[i]!;
    if (r < 0) return kept[i]!;
  }
  return kept[kept.length - 1]!;
}

/** One step's run: the attention over `ids` and the logits of its last position. */
export type Step = (
  ids: readonly number[],
  generatedStart: number | undefined,
) => Promise<{
  data: AttentionData;
  logits: OrtTensor | undefined;
}>;

/**
 * Generates up to `g.maxNewTokens` tokens after `prompt`, reporting each step's attention through
 * `report`, and returns the attention over prompt and continuation. Stops after an end-of-text
 * token, and (through `step`, which checks the signal) when cancelled.
 */
export async function generate(
  prompt: readonly number[],
  g: ReturnType<typeof checkGenerate>,
  eos: ReadonlySet<number>,
  step: Step,
  report: (data: AttentionData, generated: number) => void,
  onFirst: (data: AttentionData) => void,
): Promise<AttentionData> {
  const random = seededRandom(g.seed ?? Math.floor(Math.random() * 2 ** 32));
  const ids = [...prompt];
  for (;;) {
    const generated = ids.length - prompt.length;
    const { data, logits } = await step(ids, generated > 0 ? prompt.length : undefined);
    if (generated === 0) onFirst(data);
    if (generated === g.maxNewTokens || (generated > 0 && eos.has(ids[ids.length - 1]!))) return data;
    report(data, generated);
    ids.push(pickToken(lastLogits(logits), g, random));
  }
}
