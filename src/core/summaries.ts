/**
 * Per-head summary statistics, one number per head for the model view's badges, sorting and
 * tooltips: how spread out a head's attention is, and how much of it goes to the first token, the
 * previous token, the token itself or delimiters (the "null attention" that many heads park on
 * `[CLS]`, `[SEP]` or punctuation when they have nothing to do).
 */
import { AttentionDataError, describe } from './errors.js';
import { headMatrix } from './filters.js';
import { decodeByteLevel, decodeSentencePiece, isSpecialToken } from './tokens.js';
import type { AttentionComponent } from './types.js';

/** The summaries computed for every head. */
export type SummaryName = 'entropy' | 'first' | 'previous' | 'self' | 'delimiters';

/** Every summary name, in display order. */
export const SUMMARY_NAMES: readonly SummaryName[] = ['entropy', 'first', 'previous', 'self', 'delimiters'];

/** Human labels for the summaries, as badges, sort menus and tooltips show them. */
export const SUMMARY_LABELS: Readonly<Record<SummaryName, string>> = {
  entropy: 'Entropy (bits)',
  first: 'On first token',
  previous: 'On previous token',
  self: 'On itself',
  delimiters: 'On delimiters',
};

/**
 * The summaries of one head.
 *
 * Positions are the model's own: query `q` is at position `p = queryStart + q` and key `k` at
 * `keyStart + k`, so that sentence-pair blocks keep their meaning. For each query row, `s` is the
 * sum of its weights. Rows with `s = 0` (e.g. a row of a causal block that sees none of the keys)
 * are skipped. Every share is `weight / s`, a share of what the row shows, so that sentence-pair
 * blocks and unnormalised data read like softmax rows. Each summary is the arithmetic mean, over
 * the rows that contribute to it, of a per-row value, accumulated in double precision:
 * - `entropy`: `−Σ_k (w/s)·log2(w/s)` in bits, zero weights adding 0; 0 for a row on one key,
 *   `log2(K)` for a uniform row over `K` keys.
 * - `first`: the share on the key at model position 0; NaN when that key is not shown (e.g. a
 *   sentence B → sentence B block).
 * - `previous`: the share on the key at position `p − 1`, over the rows whose position `p − 1` is
 *   a shown key; NaN when no row qualifies, and for `cross` attention, whose query and key
 *   positions belong to different sequences.
 * - `self`: the share on the key at position `p`, over the rows whose position `p` is a shown key;
 *   NaN when no row qualifies, and for `cross` attention.
 * - `delimiters`: the share on the keys that are delimiters (see `isDelimiter`); NaN when no key
 *   is one.
 *
 * Every summary is NaN when every row sums to 0.
 */
export type HeadSummary = Readonly<Record<SummaryName, number>>;

/** The summaries of every head of a component, one array per summary. */
export interface HeadSummaries {
  readonly shape: readonly [layers: number, heads: number];
  /** Per summary, `layers × heads` values; layer index `l`, head index `h` is at `l * heads + h`. */
  readonly values: Readonly<Record<SummaryName, Float64Array>>;
}

/** At least one punctuation mark or line break... */
const HAS_DELIMITER = /[\p{P}\n\r\u2028\u2029]/u;
/** ...and nothing but punctuation and whitespace. */
const ONLY_DELIMITERS = /^[\p{P}\s]+$/u;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * True for a token that separates rather than carries meaning: a special token (`[CLS]`, `[SEP]`,
 * `<s>`, `</s>`, `<|endoftext|>`, …), or one that, once its word markers are removed (`Ġ`, `▁`, a
 * leading `##`, a trailing `</w>`), holds only Unicode punctuation (`\p{P}`: `. , ; : ! ? - – —
 * … ' " “ ” ( ) [ ] { } / & * % @ #`) and whitespace, with at least one punctuation mark or line
 * break (so `Ċ`, a byte-level newline, and `<0x0A>` count; a token of spaces does not). Anything
 * with a letter or digit is not a delimiter; neither are symbols such as `$ + = < > | ~ ^` or
 * emoji. Byte-level tokens are also read as the text they encode, so GPT-2's `âĢĻ` (`’`) counts.
 */
export function isDelimiter(token: string): boolean {
  if (isSpecialToken(token)) return true;
  let text = token;
  if (text.length > 2 && text.startsWith('##')) text = text.slice(2);
  if (text.length > 4 && text.endsWith('</w>')) text = text.slice(0, -4);
  if (isPunctuation(decodeSentencePiece(text))) return true;
  // Pure ASCII reads the same in GPT-2's byte-level alphabet; only other text needs decoding.
  return NON_ASCII.test(text) && isPunctuation(decodeByteLevel(text));
}

function isPunctuation(text: string): boolean {
  return ONLY_DELIMITERS.test(text) && HAS_DELIMITER.test(text);
}

/** `1` for each token that `isDelimiter`, else `0`. */
export function delimiterMask(tokens: readonly string[]): Uint8Array {
  return Uint8Array.from(tokens, (t) => (isDelimiter(t) ? 1 : 0));
}

/**
 * The summaries of one head, by layer and head index (see `HeadSummary` for the definitions).
 * @param delimiters A mask over the key tokens, non-zero for delimiters; computed from
 *   `c.keyTokens` with `delimiterMask` when omitted. Pass it when summarising many heads.
 * @throws AttentionDataError for an index out of range or a mask of the wrong length.
 */
export function headSummary(
  c: AttentionComponent,
  layerIndex: number,
  headIndex: number,
  delimiters?: Uint8Array,
): HeadSummary {
  const [L, H, , K] = c.shape;
  checkIndex('layerIndex', layerIndex, L);
  checkIndex('headIndex', headIndex, H);
  if (delimiters !== undefined && delimiters.length !== K) {
    throw new AttentionDataError(
      'delimiters',
      `a Uint8Array of length ${K} (one entry per key token)`,
      describe(delimiters),
    );
  }
  return summarise(headMatrix(c, layerIndex, headIndex), plan(c, delimiters ?? delimiterMask(c.keyTokens)));
}

/** The summaries of every head of a component, in one pass over its weights. */
export function headSummaries(c: AttentionComponent): HeadSummaries {
  const [L, H] = c.shape;
  const p = plan(c, delimiterMask(c.keyTokens));
  const values = {} as Record<SummaryName, Float64Array>;
  for (const name of SUMMARY_NAMES) values[name] = new Float64Array(L * H);
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const s = summarise(headMatrix(c, l, h), p);
      for (const name of SUMMARY_NAMES) values[name][l * H + h] = s[name];
    }
  }
  return { shape: [L, H], values };
}

function checkIndex(field: string, index: number, size: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new AttentionDataError(field, `an integer from 0 to ${size - 1}`, describe(index));
  }
}

/** What every head of a component shares: its size, key positions and delimiters. */
interface Plan {
  readonly queries: number;
  readonly keys: number;
  /** Key index at model position 0, or -1 when it is not shown. */
  readonly firstKey: number;
  /** Key index of query `q`'s own position is `q + selfOffset`. */
  readonly selfOffset: number;
  /** False for cross attention, whose query and key positions are not comparable. */
  readonly positional: boolean;
  /** 1 for delimiter keys, else 0, as doubles so that the hot loop multiplies instead of branching. */
  readonly delimiters: Float64Array;
  readonly anyDelimiter: boolean;
}

function plan(c: AttentionComponent, mask: Uint8Array): Plan {
  const [, , Q, K] = c.shape;
  const delimiters = new Float64Array(K);
  let anyDelimiter = false;
  for (let k = 0; k < K; k++) {
    if (mask[k] !== 0) {
      delimiters[k] = 1;
      anyDelimiter = true;
    }
  }
  return {
    queries: Q,
    keys: K,
    firstKey: c.keyStart === 0 ? 0 : -1,
    selfOffset: c.queryStart - c.keyStart,
    positional: c.name !== 'cross',
    delimiters,
    anyDelimiter,
  };
}

/**
 * One pass over a `[queries, keys]` matrix. Per row it sums `w`, `w·log2 w` and the delimiter
 * weights, so that the entropy needs no division per weight:
 * `−Σ (w/s)·log2(w/s) = log2 s − (Σ w·log2 w) / s`.
 *
 * `log2 w` is computed from the float32's bits, as Math.log2 alone would take most of the time
 * budget on 12×12 heads of 512×512. With `w = 2^e·m`, `m` in [1, 2), and `m0` the mantissa cut to
 * its top 10 bits: `log2 w = e + log2 m0 + ln(1 + δ)/ln 2`, where `δ = (m − m0)/m0 < 2^-10` and four
 * terms of the series for `ln(1 + δ)` err by less than `δ^5/5 < 2e-16`. The `ln(1 + δ)` terms are
 * summed apart so that the row, not each weight, pays for the conversion to bits. Powers of two
 * are exact (`δ = 0`, `m0 = 1`). Zero, subnormal, negative and non-finite weights take Math.log2.
 */
function summarise(m: Float32Array, p: Plan): HeadSummary {
  const { queries: Q, keys: K, firstKey, selfOffset, positional, delimiters: isDelim } = p;
  const bits = new Int32Array(m.buffer, m.byteOffset, m.length);
  // Locals, so that the hot loop reads registers rather than module variables.
  const table = LOG_TABLE;
  const prefixShift = MANTISSA_BITS - TABLE_BITS - 1;
  const prefixMask = (TABLE_SIZE - 1) << 1;
  const lowMask = (1 << (MANTISSA_BITS - TABLE_BITS)) - 1;
  let rows = 0;
  let entropy = 0;
  let first = 0;
  let delimiters = 0;
  let previous = 0;
  let previousRows = 0;
  let self = 0;
  let selfRows = 0;
  for (let q = 0, row = 0; q < Q; q++, row += K) {
    let s = 0;
    let d = 0;
    let wLog2 = 0; // Σ w·(e + log2 m0)
    let wLn1p = 0; // Σ w·ln(1 + δ)
    for (let k = 0; k < K; k++) {
      const w = m[row + k]!;
      s += w;
      d += w * isDelim[k]!;
      const b = bits[row + k]!;
      const e = b >> 23; // sign and biased exponent
      if (e >= 1 && e <= 254) {
        const j = (b >> prefixShift) & prefixMask; // 2 × the mantissa's top bits
        const delta = (b & lowMask) * table[j + 1]!;
        wLog2 += w * (e - 127 + table[j]!);
        wLn1p += w * (delta * (1 - delta * (1 / 2 - delta * (1 / 3 - delta * (1 / 4)))));
      } else if (w !== 0) {
        wLog2 += w * Math.log2(w);
      }
    }
    if (s === 0) continue;
    rows++;
    // Rounding can leave a one-key row a hair below 0 bits.
    entropy += Math.max(0, Math.log2(s) - (wLog2 + wLn1p * Math.LOG2E) / s);
    delimiters += d / s;
    if (firstKey >= 0) first += m[row + firstKey]! / s;
    if (!positional) continue;
    const own = q + selfOffset;
    if (own >= 0 && own < K) {
      self += m[row + own]! / s;
      selfRows++;
    }
    if (own >= 1 && own <= K) {
      previous += m[row + own - 1]! / s;
      previousRows++;
    }
  }
  return {
    entropy: entropy / rows,
    first: firstKey >= 0 ? first / rows : NaN,
    previous: previous / previousRows,
    self: self / selfRows,
    delimiters: p.anyDelimiter ? delimiters / rows : NaN,
  };
}

const MANTISSA_BITS = 23;
const TABLE_BITS = 10;
const TABLE_SIZE = 1 << TABLE_BITS;
/**
 * For each 10-bit mantissa prefix `j`, side by side so that one cache line serves both:
 * `log2 m0` and `2^-23 / m0`, which turns the remaining mantissa bits into `δ`.
 */
const LOG_TABLE: Float64Array = (() => {
  const table = new Float64Array(2 * TABLE_SIZE);
  for (let j = 0; j < TABLE_SIZE; j++) {
    const m0 = 1 + j / TABLE_SIZE;
    table[2 * j] = Math.log2(m0);
    table[2 * j + 1] = 2 ** -MANTISSA_BITS / m0;
  }
  return table;
})();
