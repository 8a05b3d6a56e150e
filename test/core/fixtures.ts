import { parseAttention } from '../../src/core/parse/index.js';
import type { AttentionComponent } from '../../src/core/types.js';

/** 2 layers × heads numbered 2, 4, 6; one query, two keys. */
export function threeHeads(): AttentionComponent {
  return parseAttention({
    queryTokens: ['q'],
    keyTokens: ['k0', 'k1'],
    heads: [2, 4, 6],
    attention: [
      [[[1, 0]], [[0.5, 0.5]], [[0, 1]]],
      [[[1, 0]], [[0, 1]], [[0, 1]]],
    ],
  }).components[0]!;
}
