/**
 * Running the graph rewrite off the page's main thread, in the tap's own worker (tap-worker.ts;
 * inference goes to onnxruntime-web's proxy worker only with `proxy: true`, see compute.ts). In
 * Node, or where a module worker cannot start, the rewrite runs in place (there is no page to
 * freeze in Node).
 */
import { ProtoError } from './proto.js';
import { tapModel, UnsupportedModelError, type TappedModel } from './tap.js';

/** Where the last rewrite ran: for tests and the benchmark. */
export let lastTapThread: 'worker' | 'main' = 'main';

function startWorker(): Worker | null {
  if (typeof Worker === 'undefined' || typeof window === 'undefined') return null;
  try {
    return new Worker(new URL('./tap-worker.js', import.meta.url), { type: 'module', name: 'attnviz-tap' });
  } catch {
    return null;
  }
}

/**
 * `tapModel` in a worker when the platform has one, else in place. `bytes` is transferred to the
 * worker (and so emptied here) once the worker has started; if it cannot start, the rewrite runs
 * in place.
 * @throws UnsupportedModelError or ProtoError as tapModel does; DOMException AbortError when `signal` aborts.
 */
export async function tapOffThread(
  bytes: Uint8Array,
  name: string,
  signal?: AbortSignal,
  layers?: readonly number[],
): Promise<TappedModel> {
  const worker = startWorker();
  if (!worker) return inPlace(bytes, name, layers);
  try {
    return await new Promise<TappedModel>((resolve, reject) => {
      let started = false;
      const abort = () => reject(new DOMException('cancelled', 'AbortError'));
      signal?.addEventListener('abort', abort, { once: true });
      const done = () => signal?.removeEventListener('abort', abort);
      worker.onmessage = (e: MessageEvent) => {
        const data = e.data as TappedModel & {
          ready?: true;
          error?: { name: string; message: string; truncated?: boolean };
        };
        if (data.ready) {
          started = true;
          worker.postMessage({ bytes, name, layers }, [bytes.buffer]);
          return;
        }
        done();
        if (data.error) {
          reject(rebuild(data.error));
          return;
        }
        lastTapThread = 'worker';
        resolve({ bytes: data.bytes, taps: data.taps, layers: data.layers });
      };
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        done();
        if (started) reject(new Error(`the tap's worker crashed: ${e.message || 'no message'}`));
        else inPlace(bytes, name, layers).then(resolve, reject);
      };
    });
  } finally {
    worker.terminate();
  }
}

/** The worker's error as the type tapModel threw, so that callers can tell a damaged file from an unsupported one. */
function rebuild(error: { name: string; message: string; truncated?: boolean }): Error {
  if (error.name === 'UnsupportedModelError') return new UnsupportedModelError(error.message);
  if (error.name === 'ProtoError') return new ProtoError(error.message, error.truncated === true);
  return new Error(error.message);
}

async function inPlace(bytes: Uint8Array, name: string, layers?: readonly number[]): Promise<TappedModel> {
  lastTapThread = 'main';
  return tapModel(bytes, name, layers);
}
