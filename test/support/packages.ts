/** Both transformers.js packages the adapter supports, as the browser suites run each test on them. */
import * as hf from '@huggingface/transformers';
// The package's own browser build (its src imports Node modules the test server cannot stub).
import * as xenova from '@xenova/transformers/dist/transformers.min.js';
import type { TransformersModule } from '../../src/transformers/index.js';

export const PACKAGES: [string, TransformersModule][] = [
  ['@huggingface/transformers 4', hf],
  ['@xenova/transformers 2.17', xenova],
];
