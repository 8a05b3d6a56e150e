// A static file server for built output (the Storybook build, dist/, the examples), with the
// content types a browser needs (module scripts, .wasm for onnxruntime).
//   node scripts/serve.mjs <folder> [port]      serves <folder> until stopped
// Also imported by scripts/screenshots.mjs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.onnx': 'application/octet-stream',
};

/** Serves `folder` on 127.0.0.1 (`port` 0 picks a free one); resolves to the server and its base URL. */
export async function serveStatic(folder, port = 0) {
  const root = path.resolve(folder);
  const server = createServer((req, res) => {
    let file = path.join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (file.startsWith(root) && existsSync(file) && statSync(file).isDirectory()) {
      file = path.join(file, 'index.html');
    }
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [folder = '.', port = '6006'] = process.argv.slice(2);
  const { base } = await serveStatic(folder, Number(port));
  const url = base.replace('127.0.0.1', 'localhost');
  console.log(`Serving ${folder} at ${url} (Ctrl+C stops)`);
  // `npm start` builds the examples beside the demos (scripts/examples.mjs).
  if (existsSync(path.join(folder, 'examples', 'index.html'))) console.log(`Examples: ${url}/examples/`);
}
