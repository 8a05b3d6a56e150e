import { expect } from '@open-wc/testing';
import { mergeWords, wordGroups } from '../../../src/core/derived/index.js';
import { sentencePairBlock } from '../../../src/core/filters.js';
import { expectDataError } from '../expect-error.js';
import { crossComponent, f32, matrix, parse } from './support.js';

const ROWS = [
  [1, 0, 0, 0, 0],
  [0.5, 0.5, 0, 0, 0],
  [0.2, 0.3, 0.5, 0, 0],
  [0.1, 0.2, 0.3, 0.4, 0],
  [0.1, 0.1, 0.1, 0.2, 0.5],
];
const wordpiece = () => parse({ tokens: ['[CLS]', 'play', '##ing', 'now', '[SEP]'], attention: [[ROWS]] });

describe('mergeWords', () => {
  it('sums attention to a split word over its pieces and averages attention from it (Clark et al.)', () => {
    const w = mergeWords(wordpiece());
    expect(w.queryTokens).to.deep.equal(['[CLS]', 'playing', 'now', '[SEP]']);
    expect(w.keyTokens).to.deep.equal(w.queryTokens);
    expect(w.shape).to.deep.equal([1, 1, 4, 4]);
    expect(matrix(w)).to.deep.equal(
      f32([
        [1, 0, 0, 0],
        [0.35, 0.65, 0, 0],
        [0.1, 0.5, 0.4, 0],
        [0.1, 0.2, 0.2, 0.5],
      ]),
    );
    expect(w.causal).to.equal(true);
    expect(w.normalized).to.equal(true);
  });

  it('takes the groups given, and keeps sentence B at the word where it starts', () => {
    const c = parse({
      tokens: ['[CLS]', 'a', '##b', '[SEP]', 'c', '[SEP]'],
      sentenceBStart: 4,
      attention: [[randomRows(6)]],
    });
    const w = mergeWords(c, [[0], [1, 2, 3], [4], [5]]);
    expect(w.queryTokens).to.deep.equal(['[CLS]', 'ab[SEP]', 'c', '[SEP]']);
    expect(w.sentenceBStart).to.equal(2);
    expect(mergeWords(c).sentenceBStart).to.equal(3);
  });

  it('groups byte-level BPE at Ġ, SentencePiece at ▁, WordPiece at ##; special tokens stand alone', () => {
    expect(wordGroups(['<s>', 'Hello', 'Ġpl', 'ay', 'ing', ',', 'Ġnow'])).to.deep.equal([
      [0],
      [1],
      [2, 3, 4, 5],
      [6],
    ]);
    expect(wordGroups(['▁The', '▁pl', 'ay', '</s>', 'x'])).to.deep.equal([[0], [1, 2], [3], [4]]);
    expect(wordGroups(['[CLS]', '##a', 'b', '##c', '##d', '[SEP]'])).to.deep.equal([
      [0],
      [1],
      [2, 3, 4],
      [5],
    ]);
    expect(wordGroups(['the', 'cat'])).to.deep.equal([[0], [1]]);
  });

  it('groups each side of cross attention by its own tokens', () => {
    const w = mergeWords(crossComponent());
    expect(w.shape).to.deep.equal([1, 1, 2, 3]);
    expect(matrix(w)).to.deep.equal(matrix(crossComponent()));
  });

  it('names each misuse', () => {
    const c = wordpiece();
    expectDataError(
      () => mergeWords(c, [[0], [2], [1], [3], [4]]),
      'mergeWords: groups[1][0]',
      'position 1 (groups list every position 0–4 once, in order)',
      '2',
    );
    expectDataError(
      () => mergeWords(c, [[0], [1, 2], [3]]),
      'mergeWords: groups',
      'groups covering all 5 positions',
      'groups covering 4',
    );
    expectDataError(
      () => mergeWords(c, [[0], [], [1, 2, 3, 4]]),
      'mergeWords: groups[1]',
      'a non-empty list of positions',
      'an array of length 0',
    );
    expectDataError(
      () => mergeWords(crossComponent(), [[0], [1]]),
      'mergeWords: groups',
      'no groups for cross attention (each side is grouped by its tokens)',
      'an array of length 2',
    );
    const pair = parse({ tokens: ['a', 'b', 'c', 'd'], sentenceBStart: 2, attention: [[randomRows(4)]] });
    expectDataError(
      () => mergeWords(pair, [[0], [1, 2], [3]]),
      'mergeWords: groups',
      'words that do not straddle the start of sentence B (position 2)',
      'a word of positions [1, 2]',
    );
    expectDataError(
      () => mergeWords(sentencePairBlock(pair, 'bb')),
      'mergeWords: c',
      'whole attention (merge words first, then take a sentence-pair block)',
      'a block starting at query 2, key 2',
    );
  });
});

/** Causal rows of `n` tokens: row i spread evenly over keys 0…i. */
function randomRows(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j <= i ? 1 / (i + 1) : 0)));
}
