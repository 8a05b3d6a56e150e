/**
 * Synthetic attention for demos and benchmarks, clearly labelled as such wherever it is shown.
 * Each head follows one pattern seen in real models (attention to the first token, to the
 * previous or next token, to itself, to delimiters, to a local window, broad attention), plus
 * seeded noise, through a row softmax, so that rows sum to 1 like a model's and the line density
 * resembles a real model's. Deterministic for a given seed.
 */
import type { AttentionSetInput } from '../../src/core/parse/index.js';
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
function patternOf(layer: number, head: number, causal: boolean): HeadPattern {
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

export interface SyntheticNeuronOptions extends SyntheticOptions {
  /** Dimension of each head's query, key and value vectors (default 64). */
  readonly dim?: number;
}

/**
 * Synthetic query, key and value vectors `[layers, heads, n, dim]` and the attention they make,
 * `softmax(q·k / √dim)` (causal when asked), so that the neuron view's softmax column equals the
 * attention exactly as in a real model. Each head's pattern (see `patternOf`) is carried by a few
 * dimensions, as in Vig (2019)'s distance-decay example: sinusoids of the position in two
 * dimensions per frequency make previous / next / self / local heads, one large dimension makes a
 * first-token or delimiter head; the other dimensions are seeded noise. Deterministic per seed.
 */
export function syntheticNeuron(o: SyntheticNeuronOptions): AttentionSetInput {
  const n = o.tokens.length;
  const d = o.dim ?? 64;
  const causal = o.causal ?? false;
  const random = rng(o.seed ?? 13);
  const L = o.layers;
  const H = o.heads;
  const q = new Float32Array(L * H * n * d);
  const k = new Float32Array(L * H * n * d);
  const v = new Float32Array(L * H * n * d);
  const attention = new Float32Array(L * H * n * n);
  const delimiter = o.tokens.map(isDelimiter);
  const frequencies = [0.35, 0.9, 1.7];
  const dots = new Float64Array(n);
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const pattern = patternOf(l, h, causal);
      const base = (l * H + h) * n * d;
      for (let i = 0; i < n * d; i++) {
        q[base + i] = 0.7 * gaussian(random);
        k[base + i] = 0.7 * gaussian(random);
        v[base + i] = gaussian(random);
      }
      // The dimensions that carry the pattern, at seeded places.
      const dims = Array.from({ length: d }, (_, i) => i)
        .sort(() => random() - 0.5)
        .slice(0, 2 * frequencies.length + 1);
      const shift = pattern === 'previous' ? 1 : pattern === 'next' ? -1 : 0;
      const amplitude = pattern === 'local' ? 2.2 : 3.6;
      for (let t = 0; t < n; t++) {
        const qi = base + t * d;
        if (pattern === 'previous' || pattern === 'next' || pattern === 'self' || pattern === 'local') {
          frequencies.forEach((w, f) => {
            q[qi + dims[2 * f]!] = amplitude * Math.cos(w * t);
            q[qi + dims[2 * f + 1]!] = amplitude * Math.sin(w * t);
            k[qi + dims[2 * f]!] = amplitude * Math.cos(w * (t + shift));
            k[qi + dims[2 * f + 1]!] = amplitude * Math.sin(w * (t + shift));
          });
        } else if (pattern === 'first' || pattern === 'delimiter') {
          const strong = pattern === 'first' ? t === 0 : delimiter[t]!;
          q[qi + dims[0]!] = 7;
          k[qi + dims[0]!] = strong ? 7 : 0;
        }
      }
      for (let t = 0; t < n; t++) {
        const limit = causal ? t + 1 : n;
        let max = -Infinity;
        for (let s = 0; s < limit; s++) {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += q[base + t * d + i]! * k[base + s * d + i]!;
          dots[s] = dot / Math.sqrt(d);
          if (dots[s]! > max) max = dots[s]!;
        }
        let sum = 0;
        for (let s = 0; s < limit; s++) sum += dots[s] = Math.exp(dots[s]! - max);
        const row = ((l * H + h) * n + t) * n;
        for (let s = 0; s < limit; s++) attention[row + s] = dots[s]! / sum;
      }
    }
  }
  const dims = [L, H, n, d];
  return {
    tokens: o.tokens,
    attention: { dims: [L, H, n, n], data: attention },
    queries: { dims, data: q },
    keys: { dims, data: k },
    values: { dims, data: v },
    causal,
    ...(o.sentenceBStart !== undefined ? { sentenceBStart: o.sentenceBStart } : {}),
  };
}
