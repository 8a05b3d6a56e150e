/**
 * The derivations' worker: attention flow and long rollouts (attnviz/core) off the page's main
 * thread, so that a view stays responsive and can say how far the work is. Started by URL from
 * derive-job.ts; dependency-free (the library's own core only), no eval, no blob: CSP-safe.
 *
 * It first posts `{ ready: true }`. Message in: a `DeriveRequest`. Messages out: `{ progress }`
 * (the share done, 0–1) as the work goes, then `{ weights }` (transferred: a flow's raw share,
 * a rollout's weights) or `{ error }`.
 */
import { computeRequest, type DeriveRequest } from './derive-request.js';

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<DeriveRequest>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
};

scope.onmessage = (e) => {
  const r = e.data;
  const progress = (done: number) => scope.postMessage({ progress: done });
  try {
    const weights = computeRequest(r, progress);
    scope.postMessage({ weights }, [weights.buffer]);
  } catch (err) {
    scope.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};

scope.postMessage({ ready: true });
