// Copies the single-file bundle into the Python package (python/attnviz/static/attnviz.js),
// which inlines it into every notebook output. A build output: gitignored, made by
// `npm run build:python`.
import { copyFileSync, existsSync } from 'node:fs';

const from = 'dist/attnviz.min.js';
const to = 'python/attnviz/static/attnviz.js';
if (!existsSync(from)) {
  console.error(`${from} is missing: run \`npm run build\` first`);
  process.exit(1);
}
copyFileSync(from, to);
console.log(`${from} → ${to}`);
