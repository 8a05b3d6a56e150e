/**
 * The tap's worker: rewrites a model's graph (tap.ts) off the page's main thread, so that a
 * hundreds-of-megabytes model does not freeze the page. Dependency-free: it only imports the
 * library's own protobuf and graph code.
 *
 * It first posts `{ ready: true }` (so the page keeps the bytes until the worker has surely
 * started). Message in: `{ bytes: Uint8Array, name: string, layers? }` (bytes transferred). Message
 * out: `{ bytes, taps, layers }` (bytes transferred) or `{ error: { name, message, truncated } }`.
 */
import { tapModel } from './tap.js';

interface Request {
  readonly bytes: Uint8Array;
  readonly name: string;
  /** The layers to tap (default all). */
  readonly layers?: readonly number[];
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (e) => {
  try {
    const tapped = tapModel(e.data.bytes, e.data.name, e.data.layers);
    scope.postMessage({ bytes: tapped.bytes, taps: tapped.taps, layers: tapped.layers }, [
      tapped.bytes.buffer,
    ]);
  } catch (err) {
    const error = err as Error & { truncated?: boolean };
    scope.postMessage({
      error: { name: error.name, message: error.message, truncated: error.truncated === true },
    });
  }
};

scope.postMessage({ ready: true });
