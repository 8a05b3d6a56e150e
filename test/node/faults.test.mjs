// computeAttention in Node against a model server that misbehaves on purpose (a node:http server
// on 127.0.0.1 running test/support/faults.mjs over the tiny fixture models): each fault's error
// kind and message (the URL, what to do), a load that works once the server behaves, and Cancel
// ending a stalled download or a stalled transformers.js at once. Uses the built library (dist/).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as hf from '@huggingface/transformers';
import { AttentionComputeError, computeAttention } from '../../dist/transformers/index.js';
import { createFaultHandler } from '../support/faults.mjs';

const ONNX = 'onnx/model.onnx';
const SIZE = 116_900;
const { text: TEXT, tokens: TOKENS } = JSON.parse(
  readFileSync('test/fixtures/models/tiny-gpt2/reference.json', 'utf8'),
).examples[0];

let server;
let origin;
let sessions = 0;

before(async () => {
  const handle = createFaultHandler();
  server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function faultServer(fault) {
  const root = `${origin}/faults/${fault}/s${sessions++}`;
  return {
    model: `${root}/tiny-gpt2`,
    heal: () => fetch(`${root}/_heal`),
    state: async () => (await fetch(`${root}/_state`)).json(),
  };
}

const run = (model, signal) =>
  computeAttention({ model, text: TEXT, transformers: hf, dtype: 'fp32', ...(signal ? { signal } : {}) });

const failure = (promise) =>
  promise.then(
    () => assert.fail('expected an error'),
    (e) => e,
  );

async function until(what, probe, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const U = (file) => `http://127\\.0\\.0\\.1:\\d+/faults/[^ ]+/tiny-gpt2/${file.replaceAll('.', '\\.')}`;

const FAULTS = [
  [
    'drop',
    'network',
    `^the connection dropped while downloading ${U(ONNX)}, after \\d+\\.\\d KB \\(.+\\)\\. Nothing was kept`,
  ],
  [
    'short',
    'truncated',
    `^the download of ${U(ONNX)} stopped after \\d+ of its ${SIZE} bytes \\(.+\\): the connection closed before the end`,
  ],
  [
    'unsized',
    'truncated',
    `^${U(ONNX)} ends in the middle of the model \\(field 7 at byte \\d+ runs to byte \\d+, past the end of the data \\(70140 bytes\\)\\)`,
  ],
  [
    'corrupt',
    'corrupt-model',
    `^${U(ONNX)} is not a valid ONNX model \\(varint longer than 10 bytes at byte \\d+\\): the file is damaged`,
  ],
  [
    '500',
    'http',
    `^the server answered 500 Internal Server Error for ${U(ONNX)}: the server failed: retry later`,
  ],
  ['403', 'http', `^the server answered 403 Forbidden for ${U('config.json')}: check access`],
  [
    'html-onnx',
    'html-instead',
    `^${U(ONNX)} returned a web page \\(HTML, status 200, application/octet-stream\\) instead of the ONNX model`,
  ],
  [
    'html-json',
    'html-instead',
    `^${U('config.json')} returned a web page \\(HTML, status 200, text/html; charset=utf-8\\) instead of config\\.json \\(JSON\\)`,
  ],
  [
    'not-json',
    'not-json',
    `^tokenizer\\.json at ${U('tokenizer.json')} is not JSON \\(.+\\); it begins "version https://git-lfs\\.github\\.com/spec/v1 oid sha256:4d7a4d…": it is a Git LFS pointer`,
  ],
];

describe('Node: computeAttention against a misbehaving server', () => {
  for (const [fault, kind, message] of FAULTS) {
    it(`${fault}: a ${kind} error naming the URL; works once the server behaves`, async () => {
      const server = faultServer(fault);
      const e = await failure(run(server.model));
      assert.ok(e instanceof AttentionComputeError, String(e));
      assert.equal(e.kind, kind, e.message);
      assert.match(e.message, new RegExp(message));
      assert.match(e.url, new RegExp(`${U('')}`));
      await server.heal();
      const data = await run(server.model);
      assert.deepEqual(data.components[0].queryTokens, TOKENS);
    });
  }

  for (const [fault, what] of [
    ['stall', 'a download that stalls after a quarter of the file'],
    ['stall-headers', 'a request the server never answers'],
    ['stall-later', "transformers.js's own request, which the server never answers"],
  ]) {
    it(`Cancel ends ${what} at once, and the connection closes`, async () => {
      const server = faultServer(fault);
      const controller = new AbortController();
      const pending = failure(run(server.model, controller.signal));
      await until('the server to hold the connection', async () => (await server.state()).open === 1);
      const t0 = performance.now();
      controller.abort();
      const e = await pending;
      assert.ok(performance.now() - t0 < 200, `${performance.now() - t0} ms from Cancel to the rejection`);
      assert.equal(e.kind, 'aborted', e.message);
      if (fault !== 'stall-later') {
        // Our own fetch is aborted; transformers.js's (which takes no signal) is left to the server.
        await until(
          'the server to see the connection close',
          async () => (await server.state()).open === 0,
          2_000,
        );
      }
    });
  }
});
