// examples/data/demo.js is generated from demo/data (scripts/examples.mjs): it must be what the
// generator writes from the demo data now, so that the examples show the demo models as shipped.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exampleData } from '../../scripts/examples.mjs';

test('examples/data is generated from the current demo/data', () => {
  for (const [file, text] of Object.entries(exampleData())) {
    const saved = readFileSync(path.join('examples', 'data', file), 'utf8');
    assert.ok(saved === text, `examples/data/${file} is out of date: run \`npm run examples-data\``);
  }
});
