/**
 * Heavy derivations (attention flow; rollout of long inputs) in the derivations' worker
 * (derive-worker.ts), with their progress, cached per data and choices (a WeakMap on the parsed
 * data: the views of one explorer share one computation) and cancelled when no view waits for
 * them any more. Where a module worker cannot start, the work runs in place.
 */
import { attentionData } from '../../core/brand.js';
import { aggregateHeads } from '../../core/derived/index.js';
import { flowComponent, flowInput, normalizeFlow } from '../../core/derived/flow.js';
import { residualAttention, rolloutComponent, rolloutInput } from '../../core/derived/rollout.js';
import type { AttentionComponent, AttentionData } from '../../core/types.js';
import { deriveShown, offThreadKind, type AggregateMode, type HideMode } from './derive.js';
import { computeRequest, type DeriveRequest } from './derive-request.js';

/** Where the last derivation ran: for tests and the benchmark. */
export let lastDeriveThread: 'worker' | 'main' = 'main';

/** One view's hold on a derivation, shared with every view that asked for the same. */
export interface Derivation {
  /** The data shown, once computed. */
  readonly result: AttentionData | undefined;
  /** Why it failed (not cancelled). */
  readonly error: string | undefined;
  /** Share done, 0–1. */
  readonly progress: number;
  /** Settles when the result or the error is there (never rejects). */
  readonly done: Promise<void>;
  /** Called on each progress report. */
  onProgress(listener: () => void): void;
  /** The view no longer waits: the last one to go cancels the work. */
  release(): void;
}

interface Entry {
  result?: AttentionData;
  error?: string;
  progress: number;
  done: Promise<void>;
  users: number;
  readonly controller: AbortController;
  readonly listeners: Set<() => void>;
}

const cache = new WeakMap<AttentionData, Map<string, Entry>>();

/** A request for the worker and what goes with it (transferred buffers). */
interface Job {
  readonly request: DeriveRequest;
  readonly transfer: Transferable[];
}

/** One component's part of the work: its jobs, or the component itself when nothing is heavy. */
type Part =
  | { readonly ready: AttentionComponent }
  | {
      readonly jobs: readonly Job[];
      readonly build: (results: (Float32Array | Float64Array)[]) => AttentionComponent;
    };

/**
 * `kind` (flow or rollout) of each component of `shown` (already with `words` and `hide`),
 * computed off the main thread; cross attention, which has neither, gets the mean of its heads.
 * `given` and `key` (the choices) name it in the cache.
 * @throws AttentionDataError at once for what the derivation refuses (e.g. more than 64 tokens for a flow).
 */
export function deriveOffThread(
  given: AttentionData,
  key: string,
  shown: () => AttentionData,
  kind: 'flow' | 'rollout',
): Derivation {
  let map = cache.get(given);
  if (!map) cache.set(given, (map = new Map()));
  let entry = map.get(key);
  if (!entry) {
    const data = shown();
    const parts = data.components.map((c) => prepare(c, kind));
    const made: Entry = {
      progress: 0,
      users: 0,
      controller: new AbortController(),
      listeners: new Set(),
      done: Promise.resolve(),
    };
    const owner = map;
    made.done = run(parts, made).then(
      (components) => {
        made.result = attentionData(components, data.hints);
      },
      (e: unknown) => {
        owner.delete(key);
        if (!made.controller.signal.aborted) made.error = e instanceof Error ? e.message : String(e);
      },
    );
    map.set(key, (entry = made));
  }
  return hold(entry, () => map.delete(key));
}

/**
 * What `given` shows with `words`, `hide` and `aggregate`: computed in place (`shown`), or for a
 * flow or a long rollout a hold on its derivation off the main thread (`job`), shared with every
 * view that asks for the same data and choices.
 * @throws AttentionDataError for what the derivation refuses.
 */
export function deriveChoices(
  given: AttentionData,
  words: boolean,
  hide: HideMode,
  aggregate: AggregateMode,
): { readonly shown: AttentionData } | { readonly job: Derivation } {
  const kind = offThreadKind(given, aggregate);
  if (!kind) return { shown: deriveShown(given, words, hide, aggregate) };
  const key = `${words}|${hide}|${aggregate}`;
  return { job: deriveOffThread(given, key, () => deriveShown(given, words, hide), kind) };
}

function hold(entry: Entry, forget: () => void): Derivation {
  entry.users++;
  let held = true;
  const mine = new Set<() => void>();
  return {
    get result() {
      return entry.result;
    },
    get error() {
      return entry.error;
    },
    get progress() {
      return entry.progress;
    },
    done: entry.done,
    onProgress(listener) {
      mine.add(listener);
      entry.listeners.add(listener);
    },
    release() {
      if (!held) return;
      held = false;
      for (const l of mine) entry.listeners.delete(l);
      if (--entry.users === 0 && !entry.result && !entry.error) {
        entry.controller.abort();
        forget();
      }
    },
  };
}

function prepare(c: AttentionComponent, kind: 'flow' | 'rollout'): Part {
  if (c.name === 'cross') return { ready: aggregateHeads(c, 'mean') };
  if (kind === 'flow') {
    const input = flowInput(c);
    const T = input.tokens;
    // Sources are independent: one share per core (two at most), each in its own worker.
    const shares = Math.max(1, Math.min(2, globalThis.navigator?.hardwareConcurrency ?? 1, T));
    const jobs = Array.from({ length: shares }, (_, k) => ({
      request: {
        kind: 'flow' as const,
        hats: input.hats,
        tokens: T,
        first: k,
        step: shares,
      },
      transfer: [],
    }));
    return {
      jobs,
      build: (results) => {
        const raw = new Float64Array(results[0]!.length);
        for (const r of results) for (let i = 0; i < raw.length; i++) raw[i]! += r[i]!;
        return flowComponent(c, input.heads, normalizeFlow(raw, c.shape[0], T));
      },
    };
  }
  const { heads, residual } = rolloutInput(c);
  const [L, H, T] = c.shape;
  // Â of every layer as the core function makes it, so that the result is its to the last bit.
  const hats = new Float64Array(L * T * T);
  for (let l = 0; l < L; l++) hats.set(residualAttention(c.weights, H, T, l, heads, residual), l * T * T);
  // Columns (input positions) are independent through every layer: one share per core (two at
  // most), split where the work halves (under a causal mask early columns hold more of it).
  const shares = Math.max(1, Math.min(2, globalThis.navigator?.hardwareConcurrency ?? 1, T));
  const split = Math.round(T * (c.causal ? 1 - Math.cbrt(0.5) : 0.5));
  const bounds = shares === 1 ? [0, T] : [0, split, T];
  const jobs = bounds.slice(1).map((to, k) => {
    const own = k === shares - 1 ? hats : hats.slice();
    return {
      request: { kind: 'rollout' as const, hats: own, layers: L, tokens: T, from: bounds[k]!, to },
      transfer: [own.buffer],
    };
  });
  return {
    jobs,
    build: (results) => {
      const weights = results[0] as Float32Array;
      for (const r of results.slice(1)) for (let i = 0; i < weights.length; i++) weights[i]! += r[i]!;
      return rolloutComponent(c, heads, weights);
    },
  };
}

/** The parts one after the other, each part's jobs side by side; progress is their mean. */
async function run(parts: readonly Part[], entry: Entry): Promise<AttentionComponent[]> {
  const out: AttentionComponent[] = [];
  const heavy = parts.filter((p) => 'jobs' in p).length;
  let index = 0;
  for (const part of parts) {
    if ('ready' in part) {
      out.push(part.ready);
      continue;
    }
    const base = index++;
    const done = part.jobs.map(() => 0);
    // A job that fails stops its siblings.
    const local = new AbortController();
    const stop = () => local.abort();
    entry.controller.signal.addEventListener('abort', stop, { once: true });
    try {
      const results = await Promise.all(
        part.jobs.map((job, k) =>
          inWorker(job.request, job.transfer, local.signal, (p) => {
            done[k] = p;
            entry.progress = (base + done.reduce((a, b) => a + b, 0) / done.length) / heavy;
            for (const l of entry.listeners) l();
          }),
        ),
      );
      out.push(part.build(results));
    } catch (e) {
      local.abort();
      throw e;
    } finally {
      entry.controller.signal.removeEventListener('abort', stop);
    }
  }
  return out;
}

/** The parts of the Trusted Types API used here (not in every TypeScript DOM library). */
interface TrustedTypesFactory {
  createPolicy(
    name: string,
    rules: { createScriptURL(url: string): string },
  ): { createScriptURL(url: string): unknown };
}

let policy: { createScriptURL(url: string): unknown } | undefined;

/**
 * The worker's URL as a page enforcing Trusted Types accepts it (`require-trusted-types-for
 * 'script'`): through a policy named `attnviz` that passes this one URL and nothing else.
 */
function workerUrl(): string | URL {
  const url = new URL('./derive-worker.js', import.meta.url);
  const tt = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  if (!tt) return url;
  policy ??= tt.createPolicy('attnviz', {
    createScriptURL: (u) => {
      if (u !== url.href) throw new TypeError(`attnviz: refusing to start a worker from ${u}`);
      return u;
    },
  });
  return policy.createScriptURL(url.href) as string;
}

function startWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return new Worker(workerUrl(), { type: 'module', name: 'attnviz-derive' });
  } catch {
    return null;
  }
}

/** The request's weights from the worker, or computed in place when no worker starts. */
function inWorker(
  request: DeriveRequest,
  transfer: Transferable[],
  signal: AbortSignal,
  progress: (done: number) => void,
): Promise<Float32Array | Float64Array> {
  if (signal.aborted) return Promise.reject(new DOMException('cancelled', 'AbortError'));
  const worker = startWorker();
  if (!worker) return Promise.resolve().then(() => inPlace(request));
  return new Promise<Float32Array | Float64Array>((resolve, reject) => {
    let started = false;
    const finish = () => {
      signal.removeEventListener('abort', abort);
      worker.terminate();
    };
    const abort = () => {
      finish();
      reject(new DOMException('cancelled', 'AbortError'));
    };
    signal.addEventListener('abort', abort, { once: true });
    worker.onmessage = (
      e: MessageEvent<{
        ready?: true;
        progress?: number;
        weights?: Float32Array | Float64Array;
        error?: string;
      }>,
    ) => {
      const m = e.data;
      if (m.ready) {
        started = true;
        worker.postMessage(request, transfer);
      } else if (m.progress !== undefined) {
        progress(m.progress);
      } else {
        finish();
        if (m.error !== undefined) reject(new Error(m.error));
        else {
          lastDeriveThread = 'worker';
          resolve(m.weights!);
        }
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      finish();
      // A worker that never started (no module workers, a bundle without the worker's file): in place.
      if (started) reject(new Error(`the derivations' worker crashed: ${e.message || 'no message'}`));
      else resolve(inPlace(request));
    };
  });
}

function inPlace(request: DeriveRequest): Float32Array | Float64Array {
  lastDeriveThread = 'main';
  return computeRequest(request);
}
