// The README's esbuild setup: esbuild bundles the page's code but does not copy files that code
// finds with `new URL(…, import.meta.url)`, so two go beside the bundle by hand: attnviz's graph
// rewriting worker (an entry point of its own) and onnxruntime-web's .wasm.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

await esbuild.build({
  entryPoints: [
    { in: 'src/main.ts', out: 'main' },
    { in: require.resolve('attnviz/transformers/tap-worker.js'), out: 'tap-worker' },
  ],
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  outdir: 'dist',
  logLevel: 'warning',
});
copyFileSync(
  require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
  'dist/ort-wasm-simd-threaded.wasm',
);
copyFileSync('index.html', 'dist/index.html');
