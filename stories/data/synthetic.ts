/**
 * Synthetic attention for demos and benchmarks, clearly labelled as such wherever it is shown.
 * Each head follows one pattern seen in real models (attention to the first token, to the
 * previous or next token, to itself, to delimiters, to a local window, broad attention), plus
 * seeded noise, through a row softmax, so that rows sum to 1 like a model's and the line density
 * resembles a real model's. Deterministic for a given seed.
 */
import type { AttentionSetInput } from '../../src/core/parse.js';
import { isSpecialToken } from '../../src/core/tokens.js';

export type HeadPattern = 'first' | 'previous' | 'next' | 'self' | 'delimiter' | 'local' | 'broad';

export interface SyntheticOptions {
  readonly tokens: readonly string[];
  readonly layers: number;
  readonly heads: number;
  readonly seed?: number;
  readonly causal?: boolean;
  readonly sentenceBStart?: number;
}

const BIDIRECTIONAL: readonly HeadPattern[] = [
  'first',
  'previous',
  'next',
  'delimiter',
  'self',
  'local',
  'broad',
];
const CAUSAL: readonly HeadPattern[] = ['first', 'previous', 'delimiter', 'self', 'local', 'broad'];

/** The pattern a head follows. */
export function patternOf(layer: number, head: number, causal: boolean): HeadPattern {
  const list = causal ? CAUSAL : BIDIRECTIONAL;
  return list[(layer * 5 + head * 3) % list.length]!;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function isDelimiter(token: string): boolean {
  return isSpecialToken(token) || /^(Ġ|▁)?[.,;:!?]$/.test(token);
}

/** Synthetic attention `[layers, heads, n, n]` as an attnviz input set with a float32 tensor. */
export function syntheticAttention(o: SyntheticOptions): AttentionSetInput {
  const n = o.tokens.length;
  const causal = o.causal ?? false;
  const random = rng(o.seed ?? 7);
  const data = new Float32Array(o.layers * o.heads * n * n);
  const logits = new Float64Array(n);
  const delimiter = o.tokens.map(isDelimiter);
  for (let l = 0; l < o.layers; l++) {
    for (let h = 0; h < o.heads; h++) {
      const pattern = patternOf(l, h, causal);
      const strength = 4 + 2 * random();
      for (let q = 0; q < n; q++) {
        const limit = causal ? q + 1 : n;
        let max = -Infinity;
        for (let k = 0; k < limit; k++) {
          let z = 0.8 * gaussian(random);
          if (pattern === 'first' && k === 0) z += strength + 2;
          if (pattern === 'previous' && k === q - 1) z += strength;
          if (pattern === 'next' && k === q + 1) z += strength;
          if (pattern === 'self' && k === q) z += strength;
          if (pattern === 'delimiter' && delimiter[k]) z += strength - 1;
          if (pattern === 'local') z += strength - 0.5 * Math.abs(k - q);
          if (pattern === 'broad') z *= 0.5;
          logits[k] = z;
          if (z > max) max = z;
        }
        let sum = 0;
        for (let k = 0; k < limit; k++) sum += logits[k] = Math.exp(logits[k]! - max);
        const row = ((l * o.heads + h) * n + q) * n;
        for (let k = 0; k < limit; k++) data[row + k] = logits[k]! / sum;
      }
    }
  }
  return {
    tokens: o.tokens,
    attention: { dims: [o.layers, o.heads, n, n], data },
    causal,
    ...(o.sentenceBStart !== undefined ? { sentenceBStart: o.sentenceBStart } : {}),
  };
}

/**
 * A synthetic translation pair ("The house is wonderful." → "Das Haus ist wunderbar."), 6 layers
 * × 8 heads: encoder self-attention, causal decoder self-attention, and cross attention in which
 * each target token attends mostly (0.7) to a source token near its aligned one.
 */
export function syntheticEncoderDecoder() {
  const encoderTokens = ['▁The', '▁house', '▁is', '▁wonderful', '.', '</s>'];
  const decoderTokens = ['<pad>', '▁Das', '▁Haus', '▁ist', '▁wunderbar', '.'];
  const enc = syntheticAttention({ tokens: encoderTokens, layers: 6, heads: 8, seed: 5 });
  const dec = syntheticAttention({ tokens: decoderTokens, layers: 6, heads: 8, causal: true, seed: 6 });
  const n = decoderTokens.length;
  const m = encoderTokens.length;
  const cross = new Float32Array(6 * 8 * n * m);
  for (let lh = 0; lh < 48; lh++) {
    for (let q = 0; q < n; q++) {
      const peak = Math.min(m - 1, Math.max(0, q - 1 + ((lh % 3) - 1)));
      for (let k = 0; k < m; k++) cross[(lh * n + q) * m + k] = k === peak ? 0.7 : 0.3 / (m - 1);
    }
  }
  return {
    encoderTokens,
    decoderTokens,
    encoder: { attention: enc.attention },
    decoder: { attention: dec.attention },
    cross: { attention: { dims: [6, 8, n, m], data: cross } },
  };
}
