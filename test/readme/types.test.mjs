// The README's TypeScript blocks (ts, tsx, and the <script setup lang="ts"> of vue blocks, run
// or compile-only) type-check against the package's own typings: each is written to a file of
// its own under .cache/readme-types/ and tsc checks them with the strict settings of a new Vite
// app, resolving `attnviz/…` through package.json's exports to dist/*.d.ts (`npm test` builds
// dist/ first). Errors are reported at their README line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readmeSnippets } from './snippets.mjs';

const ROOT = process.cwd();
// Inside the repository, so that `attnviz` resolves to this package (its own name) and React's
// and Vue's types to node_modules.
const DIR = path.join(ROOT, '.cache', 'readme-types');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'bundler',
    moduleDetection: 'force',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    jsx: 'react-jsx',
    strict: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    noFallthroughCasesInSwitch: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  },
  include: ['*.ts', '*.tsx'],
};

/** The TypeScript of a block: the block itself, or a vue block's <script setup lang="ts">. */
function typescriptOf(snippet) {
  if (snippet.lang !== 'vue') return { code: snippet.code, offset: 1 };
  const match = /^([\s\S]*?<script setup lang="ts">\n)([\s\S]*?)<\/script>/.exec(snippet.code);
  if (!match) return null;
  return { code: match[2], offset: 1 + match[1].split('\n').length - 1 };
}

test('README TypeScript blocks type-check against the package typings', () => {
  const blocks = readmeSnippets(ROOT).filter(
    (s) => (s.mode === 'run' || s.mode === 'compile') && ['ts', 'tsx', 'vue'].includes(s.lang),
  );
  // The React and Vue blocks at least: a README without them is not what this test is for.
  assert.ok(
    blocks.some((s) => s.lang === 'tsx') && blocks.some((s) => s.lang === 'vue'),
    'tsx and vue blocks',
  );
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(path.join(DIR, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const files = new Map();
  for (const s of blocks) {
    const ts = typescriptOf(s);
    assert.ok(ts, `README.md:${s.line}: a vue block needs <script setup lang="ts">`);
    const name = `readme-${s.line}.${s.lang === 'tsx' ? 'tsx' : 'ts'}`;
    writeFileSync(path.join(DIR, name), ts.code);
    // The block's first code line is README line `s.line + ts.offset`.
    files.set(name, s.line + ts.offset);
  }
  let output = '';
  try {
    execFileSync(process.execPath, [TSC, '-p', DIR, '--pretty', 'false'], { encoding: 'utf8' });
  } catch (e) {
    output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  // "readme-122.tsx(5,3): error TS2322: …" → "README.md:127:3: error TS2322: …"
  const errors = output
    .split('\n')
    .filter((l) => l.trim())
    .map((l) =>
      l.replace(/^(?:.*[\\/])?(readme-\d+\.tsx?)\((\d+),(\d+)\)/, (_, file, line, col) =>
        files.has(file)
          ? `README.md:${files.get(file) + Number(line) - 1}:${col}`
          : `${file}(${line},${col})`,
      ),
    );
  assert.deepEqual(errors, [], `tsc found errors in README blocks:\n${errors.join('\n')}`);
  assert.equal(files.size, blocks.length);
});
