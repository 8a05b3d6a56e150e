/**
 * Word-level attention (Clark et al. 2019): a word split into several tokens becomes one
 * position. Attention to a split word is the sum over its pieces (what the pieces receive
 * together); attention from a split word is the mean over its pieces (so rows still sum to 1).
 */
import { AttentionDataError, describe } from '../errors.js';
import { detectTokenStyle, isSpecialToken, type TokenStyle } from '../tokens.js';
import { markComponent } from '../brand.js';
import type { AttentionComponent } from '../types.js';
import { checkComponent, checkWhole, withoutVectors } from './common.js';

/**
 * `c` with its tokens grouped into words. `groups` lists each word's positions, in order,
 * covering every position once (`[[0], [1, 2], [3]]`); without it, words come from the tokens:
 * WordPiece's `##` continues a word, byte-level BPE starts one at `Ġ` (or a newline `Ċ`),
 * SentencePiece at `▁`, `…</w>` ends one; special tokens stand alone. Given groups apply to both
 * axes of self-attention; cross attention is grouped by its own tokens on each side. The words'
 * tokens are their pieces joined (`play` + `##ing` → `playing`).
 * @throws AttentionDataError for a sentence-pair block, groups that do not cover the positions
 * in order, groups given for cross attention, or a word across the sentence-pair boundary.
 */
export function mergeWords(
  c: AttentionComponent,
  groups?: readonly (readonly number[])[],
): AttentionComponent {
  checkComponent(c, 'mergeWords');
  const [L, H, Q, K] = c.shape;
  checkWhole(c, 'mergeWords', 'merge words');
  const self = c.name !== 'cross';
  if (groups !== undefined && !self) {
    throw new AttentionDataError(
      'mergeWords: groups',
      'no groups for cross attention (each side is grouped by its tokens)',
      describe(groups),
    );
  }
  const queryGroups = groups !== undefined ? checkGroups(groups, Q) : wordGroups(c.queryTokens);
  const keyGroups = groups !== undefined ? queryGroups : self ? queryGroups : wordGroups(c.keyTokens);
  const W = queryGroups.length;
  const V = keyGroups.length;
  const weights = new Float32Array(L * H * W * V);
  const row = new Float64Array(V);
  for (let lh = 0; lh < L * H; lh++) {
    const src = c.weights.subarray(lh * Q * K, (lh + 1) * Q * K);
    for (let w = 0; w < W; w++) {
      row.fill(0);
      const pieces = queryGroups[w]!;
      for (const q of pieces) {
        for (let v = 0; v < V; v++) for (const k of keyGroups[v]!) row[v]! += src[q * K + k]!;
      }
      const out = (lh * W + w) * V;
      for (let v = 0; v < V; v++) weights[out + v] = row[v]! / pieces.length;
    }
  }
  const sentenceBStart = c.sentenceBStart === undefined ? undefined : wordAt(queryGroups, c.sentenceBStart);
  // A word the continuation finishes counts as prompt: generated tokens start at the next word.
  const generatedStart =
    c.generatedStart === undefined ? undefined : wordAfter(queryGroups, c.generatedStart);
  const { generatedStart: _g, ...rest } = withoutVectors(c);
  return markComponent({
    ...rest,
    queryTokens: joinWords(c.queryTokens, queryGroups),
    keyTokens: self ? joinWords(c.queryTokens, queryGroups) : joinWords(c.keyTokens, keyGroups),
    weights,
    shape: [L, H, W, V],
    ...(sentenceBStart === undefined ? {} : { sentenceBStart }),
    ...(generatedStart !== undefined && generatedStart > 0 && generatedStart < W ? { generatedStart } : {}),
  });
}

/** The positions of each word of `tokens`, from their markers. */
export function wordGroups(tokens: readonly string[]): number[][] {
  const style = detectTokenStyle(tokens);
  const groups: number[][] = [];
  let open = false;
  tokens.forEach((t, i) => {
    const special = isSpecialToken(t);
    if (!special && open && continues(t, style)) groups[groups.length - 1]!.push(i);
    else groups.push([i]);
    open = !special && !endsWord(t, style);
  });
  return groups;
}

function continues(token: string, style: TokenStyle): boolean {
  switch (style) {
    case 'wordpiece':
      return token.startsWith('##') && token.length > 2;
    case 'byte-level':
      return !token.startsWith('\u0120') && !token.startsWith('\u010a');
    case 'sentencepiece':
      return !token.startsWith('\u2581');
    case 'end-of-word':
      return true;
    case 'plain':
      return false;
  }
}

function endsWord(token: string, style: TokenStyle): boolean {
  return style === 'end-of-word' ? token.endsWith('</w>') : false;
}

function joinWords(tokens: readonly string[], groups: readonly (readonly number[])[]): string[] {
  return groups.map((g) =>
    g.map((p, i) => (i > 0 && tokens[p]!.startsWith('##') ? tokens[p]!.slice(2) : tokens[p]!)).join(''),
  );
}

/** Checks that `groups` lists 0 … n−1 once each, in order, in non-empty runs of consecutive positions. */
function checkGroups(groups: unknown, n: number): number[][] {
  if (!Array.isArray(groups))
    throw new AttentionDataError('mergeWords: groups', 'a list of position lists', describe(groups));
  let next = 0;
  groups.forEach((g: unknown, w) => {
    if (!Array.isArray(g) || g.length === 0) {
      throw new AttentionDataError(`mergeWords: groups[${w}]`, 'a non-empty list of positions', describe(g));
    }
    g.forEach((p: unknown, i) => {
      if (p !== next) {
        throw new AttentionDataError(
          `mergeWords: groups[${w}][${i}]`,
          `position ${next} (groups list every position 0–${n - 1} once, in order)`,
          describe(p),
        );
      }
      next++;
    });
  });
  if (next !== n) {
    throw new AttentionDataError(
      'mergeWords: groups',
      `groups covering all ${n} positions`,
      `groups covering ${next}`,
    );
  }
  return groups as number[][];
}

/** The word that starts at `position`; a word across it is an error (it would straddle a sentence boundary). */
function wordAt(groups: readonly (readonly number[])[], position: number): number {
  const w = groups.findIndex((g) => g.includes(position));
  if (w < 0 || groups[w]![0] !== position) {
    throw new AttentionDataError(
      'mergeWords: groups',
      `words that do not straddle the start of sentence B (position ${position})`,
      `a word of positions [${groups[w]?.join(', ')}]`,
    );
  }
  return w;
}

/** The first word that starts at or after `position`, or the number of words if none does. */
function wordAfter(groups: readonly (readonly number[])[], position: number): number {
  const w = groups.findIndex((g) => g[0]! >= position);
  return w < 0 ? groups.length : w;
}
