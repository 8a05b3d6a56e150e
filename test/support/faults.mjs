// A model server that misbehaves on purpose, for the adapter's fault tests (browser and Node).
// It serves the real tiny models of test/fixtures/models under
//
//   /faults/<fault>/<session>/<model>/<file>   (<model>.<name>: a copy of <model>)
//
// answering the files a fault concerns wrongly (see FAULTS) and every other file as it is, until
// the test heals the session: GET /faults/<fault>/<session>/_heal. GET …/_state answers
// { healed, open, log }: `open` counts the connections the server is holding (a stall), `log` the
// files asked for and how each was answered. A session is one test's state: a fresh name per
// test keeps URLs (and the browser's caches) apart.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve('test/fixtures/models');
const STALL_LIMIT_MS = 60_000;

const SIGN_IN =
  '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>\n';

const onnx = (file) => file.endsWith('.onnx');
const named = (name) => (file) => path.basename(file) === name;

/** What each fault does to the files it concerns. */
const FAULTS = {
  // The connection drops halfway through the file; the body is chunked (no Content-Length).
  drop: { concerns: onnx, serve: drop },
  // Content-Length says the whole file; half arrives, then the server closes the connection.
  short: { concerns: onnx, serve: short },
  // No Content-Length; the body is 60% of the file and ends normally.
  unsized: { concerns: onnx, serve: unsized },
  // The whole file, with 12 bytes at the start of the graph overwritten.
  corrupt: { concerns: onnx, serve: corrupt },
  500: { concerns: onnx, serve: plainStatus(500, 'Internal Server Error') },
  403: { concerns: () => true, serve: plainStatus(403, 'Forbidden') },
  // A sign-in page with status 200, labelled as the file's type (only its bytes say HTML).
  'html-onnx': { concerns: onnx, serve: htmlPage('application/octet-stream') },
  // A maintenance page with status 200 as text/html, cacheable (as a CDN would serve it); only
  // its Content-Type says HTML (it does not start with a tag).
  'html-json': {
    concerns: named('config.json'),
    serve: htmlPage('text/html; charset=utf-8', 'Down for maintenance.<br>Back soon.\n'),
  },
  // A Git LFS pointer where tokenizer.json should be.
  'not-json': { concerns: named('tokenizer.json'), serve: lfsPointer },
  // A quarter of the file, then nothing: the connection stays open.
  stall: { concerns: onnx, serve: stallBody },
  // No answer at all, not even headers.
  'stall-headers': { concerns: named('tokenizer.json'), serve: stallHeaders },
  // The first request answered, every later one left without an answer (a second reader of the
  // file, such as transformers.js in Node after the adapter's own check, stalls).
  'stall-later': { concerns: named('tokenizer.json'), serve: stallLater },
};

export const FAULT_NAMES = Object.keys(FAULTS);

const TYPES = { '.json': 'application/json', '.onnx': 'application/octet-stream' };

/** A request handler for node:http (also used by the test runner's middleware): true when it answered. */
export function createFaultHandler() {
  const sessions = new Map();
  const sessionOf = (key) => {
    if (!sessions.has(key)) sessions.set(key, { healed: false, open: new Set(), log: [] });
    return sessions.get(key);
  };
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    const match = /^\/faults\/([^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!match) return false;
    const [, fault, session, rest] = match;
    const spec = FAULTS[fault];
    if (!spec) {
      res
        .writeHead(400, { 'Content-Type': 'text/plain' })
        .end(`unknown fault ${fault}: ${FAULT_NAMES.join(', ')}`);
      return true;
    }
    const state = sessionOf(`${fault}/${session}`);
    if (rest === '_heal' || rest === '_state') {
      if (rest === '_heal') state.healed = true;
      const body = JSON.stringify({ healed: state.healed, open: state.open.size, log: state.log });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body);
      return true;
    }
    const file = decodeURIComponent(rest);
    // <model>.<anything> is a copy of the fixture <model> under a name of its own (a name
    // transformers.js has not seen in this page, which it remembers some answers by).
    const full = path.resolve(ROOT, file.replace(/^([^/.]+)\.[^/]*\//, '$1/'));
    if (!full.startsWith(ROOT + path.sep) || !isFile(full)) {
      state.log.push({ file, answer: 'missing' });
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }).end('not found');
      return true;
    }
    const bytes = readFileSync(full);
    if (state.healed || !spec.concerns(file)) {
      state.log.push({ file, answer: 'ok' });
      res
        .writeHead(200, {
          'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'Content-Length': bytes.length,
          'Cache-Control': 'no-store',
        })
        .end(bytes);
      return true;
    }
    state.log.push({ file, answer: fault });
    spec.serve(req, res, bytes, state);
    return true;
  };
}

/** The handler as web-test-runner (koa) middleware. */
export function faultMiddleware() {
  const handle = createFaultHandler();
  return async (ctx, next) => {
    if (!handle(ctx.req, ctx.res)) return next();
    // The handler wrote (or holds) the response: koa must not touch it. A held request has no
    // status yet; the runner would report koa's default (404) as a missing file.
    ctx.respond = false;
    if (!ctx.res.headersSent) ctx.status = 200;
  };
}

function isFile(full) {
  try {
    return statSync(full).isFile();
  } catch {
    return false;
  }
}

const NO_STORE = { 'Cache-Control': 'no-store' };

function drop(req, res, bytes) {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...NO_STORE });
  res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket.destroy());
}

function short(req, res, bytes) {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': bytes.length,
    ...NO_STORE,
  });
  res.write(bytes.subarray(0, bytes.length >> 1), () => res.socket.end());
}

function unsized(req, res, bytes) {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', ...NO_STORE });
  res.end(bytes.subarray(0, Math.floor(bytes.length * 0.6)));
}

function corrupt(req, res, bytes) {
  const damaged = Uint8Array.from(bytes);
  const start = graphStart(damaged);
  damaged.fill(0xff, start, start + 12);
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': damaged.length,
    ...NO_STORE,
  });
  res.end(damaged);
}

function plainStatus(status, text) {
  return (req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain', ...NO_STORE }).end(`${status} ${text}`);
  };
}

function htmlPage(type, body = SIGN_IN) {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'max-age=600' }).end(body);
  };
}

function lfsPointer(req, res, bytes) {
  const body = `version https://git-lfs.github.com/spec/v1\noid sha256:${'4d7a'.repeat(16)}\nsize ${bytes.length}\n`;
  res.writeHead(200, { 'Content-Type': 'application/json', ...NO_STORE }).end(body);
}

/** Keeps the connection open (until the client goes, or a minute passes), counted in `open`. */
function hold(socket, state) {
  state.open.add(socket);
  const limit = setTimeout(() => socket.destroy(), STALL_LIMIT_MS);
  socket.once('close', () => {
    clearTimeout(limit);
    state.open.delete(socket);
  });
}

function stallBody(req, res, bytes, state) {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': bytes.length,
    ...NO_STORE,
  });
  res.write(bytes.subarray(0, bytes.length >> 2));
  hold(res.socket, state);
}

function stallHeaders(req, res, bytes, state) {
  hold(req.socket, state);
}

function stallLater(req, res, bytes, state) {
  state.served = (state.served ?? 0) + 1;
  if (state.served > 1) return stallHeaders(req, res, bytes, state);
  res
    .writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, ...NO_STORE })
    .end(bytes);
}

/** Where the graph's bytes (ModelProto field 7) start: a walk over the model's top-level fields. */
function graphStart(buf) {
  let pos = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    let b;
    do {
      b = buf[pos++];
      value += (b & 0x7f) * scale;
      scale *= 128;
    } while (b >= 0x80);
    return value;
  };
  while (pos < buf.length) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      if (tag >> 3 === 7) return pos;
      pos += length;
    } else throw new Error(`wire type ${wire} at byte ${pos}`);
  }
  throw new Error('no graph in the model');
}
