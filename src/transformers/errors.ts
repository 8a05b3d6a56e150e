/** The adapter's one error type, with the cause named by `kind`. */

/**
 * What went wrong, so that a page (or the element's heading) can tell causes apart:
 * - `not-found`: no such model, or a file it needs is missing (404, no such path);
 * - `network`: the connection failed or dropped (refused, DNS, cut mid-download without a length);
 * - `http`: the server answered with an error status (403, 500, …);
 * - `truncated`: a file arrived shorter than announced, or ends in the middle of the model;
 * - `corrupt-model`: the ONNX file's bytes are not a valid model (damaged, or not ONNX at all);
 * - `not-json`: a JSON file (config.json, tokenizer.json) is not JSON;
 * - `html-instead`: a web page (login, error or listing page) came back where a file was expected;
 * - `unsupported`: the model's graph or config is one the adapter cannot tap;
 * - `too-long`: the input exceeds the model's positions or the memory limit;
 * - `tokenizer`: the tokenizer does not fit the model or cannot name its tokens;
 * - `aborted`: the AbortSignal fired (Cancel, or a new text);
 * - `runtime`: onnxruntime failed, or its output is not attention.
 */
export type ComputeErrorKind =
  | 'not-found'
  | 'network'
  | 'http'
  | 'truncated'
  | 'corrupt-model'
  | 'not-json'
  | 'html-instead'
  | 'unsupported'
  | 'too-long'
  | 'tokenizer'
  | 'aborted'
  | 'runtime';

/** A failure with its cause named (`kind`), and the URL or path it concerns when there is one. */
export class AttentionComputeError extends Error {
  override readonly name = 'AttentionComputeError';
  constructor(
    readonly kind: ComputeErrorKind,
    message: string,
    /** The file's URL (or local path) the failure concerns. */
    readonly url?: string,
  ) {
    super(message);
  }
}

export function cancelled(): AttentionComputeError {
  return new AttentionComputeError('aborted', 'computing attention was cancelled');
}

export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}

/**
 * `promise`, or a rejection with the `aborted` error as soon as `signal` fires: for work that takes
 * no signal of its own (transformers.js's loaders), so that Cancel ends the wait at once.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  checkAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(cancelled());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e as Error);
      },
    );
  });
}
