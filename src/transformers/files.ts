/**
 * A model's files: where they are (a Hub id, a folder URL, a local folder in Node), fetching them
 * through the browser cache transformers.js uses, and the checks that keep a bad download out of
 * that cache. A file is cached only once all of it has arrived, its length matches the server's
 * Content-Length, and it is what it should be (JSON that parses; an ONNX model whose top-level
 * message is whole); a cached entry that fails those checks is deleted and fetched again. Each
 * failure is an `AttentionComputeError` naming the URL, what came back and what to do.
 */
import { AttentionComputeError, checkAborted } from './errors.js';
import { ProtoError, readFields } from './proto.js';

/** The parts of transformers.js's `env` read or set here. */
export interface TransformersEnv {
  version?: string;
  remoteHost: string;
  remotePathTemplate: string;
  localModelPath: string;
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  /** Whether transformers.js caches in the browser's Cache Storage (both packages; default true). */
  useBrowserCache?: boolean;
  /** The Cache Storage name (transformers.js 3+; 2.x always uses `transformers-cache`). */
  cacheKey?: string;
  /** Whether transformers.js caches downloads on disk in Node. */
  useFSCache?: boolean;
}

export const isNode =
  !!(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node &&
  typeof window === 'undefined';

/** Where a model's files live: a Hub URL, a folder URL, or a local folder. */
export interface ModelLocation {
  /** What to pass to transformers.js's from_pretrained, with `env` set as `envPatch` says. */
  readonly id: string;
  readonly envPatch: Partial<TransformersEnv>;
  /** The URL or path of the folder, with a trailing separator. */
  readonly base: string;
  readonly local: boolean;
  /** The Cache Storage transformers.js reads, or undefined where it caches nothing there. */
  readonly cache: string | undefined;
}

export function locate(model: string, env: TransformersEnv): ModelLocation {
  const trimmed = model.replace(/\/+$/, '');
  const cache = env.useBrowserCache === false ? undefined : (env.cacheKey ?? 'transformers-cache');
  const isUrl =
    /^(https?:|blob:|data:)/.test(model) ||
    model.startsWith('/') ||
    model.startsWith('./') ||
    model.startsWith('../');
  if (isUrl || (isNode && /^[./~]|^[A-Za-z]:\\/.test(model))) {
    const slash = trimmed.lastIndexOf('/');
    const parent = slash >= 0 ? trimmed.slice(0, slash + 1) : './';
    const id = trimmed.slice(slash + 1);
    const envPatch: Partial<TransformersEnv> = /^https?:/.test(model)
      ? // An absolute URL is a remote host for transformers.js: as a "local" path it is not
        // fetched by transformers.js 4's file checks (its tokenizer then finds no files). Its
        // disk cache in Node would key the files by folder name alone, mixing two servers'
        // folders of the same name: it is off for these loads.
        {
          remoteHost: parent,
          remotePathTemplate: '{model}/',
          allowRemoteModels: true,
          allowLocalModels: false,
          ...(isNode ? { useFSCache: false } : {}),
        }
      : { localModelPath: parent, allowLocalModels: true, allowRemoteModels: false };
    return {
      id,
      envPatch,
      base: absolute(`${trimmed}/`),
      local: isNode && !/^https?:/.test(model),
      cache,
    };
  }
  const path = env.remotePathTemplate.replaceAll('{model}', trimmed).replaceAll('{revision}', 'main');
  return {
    id: trimmed,
    envPatch: {},
    base: `${env.remoteHost.replace(/\/?$/, '/')}${path}`,
    local: false,
    cache,
  };
}

/** A page-relative folder URL made absolute, so that messages name the address in full. */
function absolute(url: string): string {
  if (isNode || typeof location === 'undefined') return url;
  try {
    return new URL(url, location.href).href;
  } catch {
    return url;
  }
}

/** Runs `fn` with transformers.js's env patched, restoring it afterwards. */
export async function withEnv<T>(
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

export interface FetchOptions {
  readonly signal?: AbortSignal | undefined;
  /** Bytes so far, and in all when the server says. */
  readonly onProgress?: ((loaded: number, total: number | undefined) => void) | undefined;
}

/** What a file must be: its check throws an `AttentionComputeError` for anything else. */
type Check = (bytes: Uint8Array, url: string, file: string, contentType: string | null) => void;

/**
 * An ONNX file of the model folder, checked whole (see `checkOnnx`) before it is cached, or null
 * when the folder does not have it (404, no such file).
 */
export function fetchModelFile(
  loc: ModelLocation,
  file: string,
  o: FetchOptions,
): Promise<Uint8Array | null> {
  return getFile(loc, file, checkOnnx, 'application/octet-stream', o);
}

/** A JSON file of the model folder, checked to parse before it is cached; false when it is missing. */
export async function fetchJsonFile(loc: ModelLocation, file: string, o: FetchOptions): Promise<boolean> {
  return (await getFile(loc, file, checkJson, 'application/json', o)) !== null;
}

/** Deletes a file's cached copy (one found damaged after it was cached). */
export async function forgetFile(loc: ModelLocation, file: string): Promise<void> {
  const cache = await openCache(loc);
  await cache?.delete(`${loc.base}${file}`).catch(() => false);
}

async function openCache(loc: ModelLocation): Promise<Cache | undefined> {
  if (loc.local || !loc.cache || typeof caches === 'undefined') return undefined;
  // Cache Storage can be refused (an opaque origin, some private modes): then nothing is cached.
  return caches.open(loc.cache).catch(() => undefined);
}

async function getFile(
  loc: ModelLocation,
  file: string,
  check: Check,
  type: string,
  o: FetchOptions,
): Promise<Uint8Array | null> {
  if (loc.local) return readLocal(`${loc.base}${file}`, file, check);
  const url = `${loc.base}${file}`;
  const cache = await openCache(loc);
  const cached = await cache?.match(url);
  if (cached) {
    try {
      const bytes = await readBody(cached, url, o);
      check(bytes, url, file, cached.headers.get('content-type'));
      return bytes;
    } catch {
      checkAborted(o.signal);
      // A copy cut short or damaged (cached by an older version, or by transformers.js before
      // this check): dropped, and the file fetched again.
      await cache!.delete(url).catch(() => false);
    }
  }
  const response = await request(url, o.signal);
  if (response.status === 404) {
    await response.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw httpError(response, url);
  }
  const contentType = response.headers.get('content-type');
  if (/^\s*(text\/html|application\/xhtml)/i.test(contentType ?? '')) {
    await response.body?.cancel().catch(() => undefined);
    throw htmlInstead(url, file, response.status, contentType);
  }
  const bytes = await readBody(response, url, o);
  check(bytes, url, file, contentType);
  if (cache) await cache.put(url, cacheable(bytes, contentType ?? type)).catch(() => undefined);
  return bytes;
}

async function readLocal(path: string, file: string, check: Check): Promise<Uint8Array | null> {
  const fsName = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ fsName)) as { readFile(path: string): Promise<Uint8Array> };
  let bytes: Uint8Array;
  try {
    // A Buffer is a Uint8Array: used as it is, not copied (a model can be hundreds of MB).
    bytes = await fs.readFile(path);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw new AttentionComputeError('network', `cannot read ${path}: ${(e as Error).message}`, path);
  }
  check(bytes, path, file, null);
  return bytes;
}

async function request(url: string, signal: AbortSignal | undefined): Promise<Response> {
  checkAborted(signal);
  try {
    // The HTTP cache may hold a failed answer (a login page served with max-age): a retry must
    // ask the server again. `no-cache` revalidates, so a file that did not change costs a 304.
    const init: RequestInit = { signal: signal ?? null };
    if (!isNode) init.cache = 'no-cache';
    return await fetch(url, init);
  } catch (e) {
    checkAborted(signal);
    throw new AttentionComputeError(
      'network',
      `network failure fetching ${url}: ${(e as Error).message}. Check the connection and that the server is up (and, on another origin, that it allows this page through CORS), then retry`,
      url,
    );
  }
}

/**
 * The whole body, read chunk by chunk (progress, and a page that stays responsive). Cancel ends
 * a read that waits on a stalled server at once: the fetch's signal errors its body, and the
 * pending read with it.
 */
async function readBody(response: Response, url: string, o: FetchOptions): Promise<Uint8Array> {
  const total = announcedLength(response);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (e) {
      checkAborted(o.signal);
      throw cutShort(url, loaded, total, (e as Error).message);
    }
    checkAborted(o.signal);
    if (step.done) break;
    chunks.push(step.value);
    loaded += step.value.length;
    o.onProgress?.(loaded, total);
  }
  if (total !== undefined && loaded < total) throw cutShort(url, loaded, total, 'the body ended early');
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * The body's length as the server announced it, when the body arrives as sent: with a
 * Content-Encoding, Content-Length counts the compressed bytes, not those read here.
 */
function announcedLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isInteger(length) && length >= 0 ? length : undefined;
}

/** A response for the cache, streaming the bytes already in memory rather than copying them. */
function cacheable(bytes: Uint8Array, contentType: string): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return new Response(body, {
    headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

function cutShort(
  url: string,
  loaded: number,
  total: number | undefined,
  cause: string,
): AttentionComputeError {
  if (total !== undefined) {
    return new AttentionComputeError(
      'truncated',
      `the download of ${url} stopped after ${loaded} of its ${total} bytes (${cause}): the connection closed before the end. Nothing was cached: retry`,
      url,
    );
  }
  return new AttentionComputeError(
    'network',
    `the connection dropped while downloading ${url}, after ${kb(loaded)} (${cause}). Nothing was kept: check the connection, then retry`,
    url,
  );
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function httpError(response: Response, url: string): AttentionComputeError {
  const { status } = response;
  const answer =
    `the server answered ${status} ${response.statusText || STATUS_TEXT[status] || ''}`.trimEnd();
  const fix =
    status === 401 || status === 403
      ? 'check access: a private or gated model needs a signed-in request or a token, and a self-hosted folder must be readable by this page'
      : status === 429
        ? 'the server limits how often it answers: wait, then retry'
        : status >= 500
          ? 'the server failed: retry later (its logs say why)'
          : 'check the URL';
  return new AttentionComputeError('http', `${answer} for ${url}: ${fix}`, url);
}

function htmlInstead(
  url: string,
  file: string,
  status: number,
  contentType: string | null,
): AttentionComputeError {
  const expected = file.endsWith('.onnx') ? 'the ONNX model' : `${file} (JSON)`;
  return new AttentionComputeError(
    'html-instead',
    `${url} returned a web page (HTML, status ${status}${contentType ? `, ${contentType}` : ''}) instead of ${expected}: the address serves a page (a login, error or listing page, or a file's web view) rather than the file. Check that the model's URL is a folder of the raw files (on the Hub, /resolve/main/, not /blob/), then retry`,
    url,
  );
}

/** The first characters of a body, for telling a web page or a Git LFS pointer from the file. */
function opening(bytes: Uint8Array): string {
  return new TextDecoder()
    .decode(bytes.subarray(0, 200))
    .replace(/^\uFEFF/, '')
    .trimStart();
}

// Neither JSON nor an ONNX model (whose first byte is a field tag, never 0x3c) starts with `<`.
const looksLikeHtml = (text: string) => text.startsWith('<');
const LFS_POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\//;
const LFS_FIX =
  'it is a Git LFS pointer, not the file: the server holds the pointer that git checks out without Git LFS. Fetch the real files (git lfs pull) and serve those';

/** A body's opening, quoted as one line of text (other control characters shown as �), for a message. */
function quote(text: string): string {
  const line = text
    .slice(0, 60)
    .replace(/\s+/g, ' ')
    .replace(/\p{Cc}/gu, '�');
  return `"${line}${text.length > 60 ? '…' : ''}"`;
}

function checkJson(bytes: Uint8Array, url: string, file: string, contentType: string | null): void {
  const text = new TextDecoder().decode(bytes);
  const start = text.replace(/^\uFEFF/, '').trimStart();
  if (looksLikeHtml(start)) throw htmlInstead(url, file, 200, contentType);
  try {
    JSON.parse(text);
  } catch (e) {
    const fix = LFS_POINTER.test(start)
      ? LFS_FIX
      : `check that the folder has the model's own ${file}, whole (bytes: ${bytes.length})`;
    throw new AttentionComputeError(
      'not-json',
      `${file} at ${url} is not JSON (${(e as Error).message}); it begins ${quote(start)}: ${fix}, then retry`,
      url,
    );
  }
}

/**
 * A cheap check of an ONNX file before it is cached: not a web page or LFS pointer, and a
 * ModelProto whose top-level fields (a handful, the graph one of them) all end inside the file.
 * A file cut short fails here; damage inside the graph shows when the tap reads it (`onnxError`).
 */
export function checkOnnx(bytes: Uint8Array, url: string, file: string, contentType: string | null): void {
  const start = opening(bytes);
  if (looksLikeHtml(start)) throw htmlInstead(url, file, 200, contentType);
  if (LFS_POINTER.test(start)) {
    throw new AttentionComputeError(
      'corrupt-model',
      `${url} is not an ONNX model: ${LFS_FIX}, then retry`,
      url,
    );
  }
  if (bytes.length === 0) {
    throw new AttentionComputeError(
      'truncated',
      `${url} is empty (0 bytes): upload ${file} again, then retry`,
      url,
    );
  }
  let fields;
  try {
    fields = readFields(bytes);
  } catch (e) {
    if (e instanceof ProtoError) throw onnxError(e, url, file);
    throw e;
  }
  if (!fields.some((f) => f.number === 7 && f.wireType === 2)) {
    throw onnxError(new ProtoError('no graph (field 7) in the model'), url, file);
  }
}

/** The error for an ONNX file whose bytes do not read as a model (see `ProtoError.truncated`). */
export function onnxError(e: ProtoError, url: string, file: string): AttentionComputeError {
  if (e.truncated) {
    return new AttentionComputeError(
      'truncated',
      `${url} ends in the middle of the model (${e.message}): the file was cut short, in the download or on the server. Nothing of it is cached: retry, and if it persists, upload ${file} again`,
      url,
    );
  }
  return new AttentionComputeError(
    'corrupt-model',
    `${url} is not a valid ONNX model (${e.message}): the file is damaged, on the server or in transit. Nothing of it is cached: check that ${file} is the exported model (export or upload it again), then retry`,
    url,
  );
}
