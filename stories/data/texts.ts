/**
 * Token lists for the synthetic example data: hand-tokenised in the style of each tokenizer
 * (WordPiece with [CLS]/[SEP] and ## continuations; GPT-2's byte-level BPE with Ġ), written for
 * this project.
 */

export const BERT_PAIR = {
  tokens: [
    '[CLS]',
    'the',
    'cat',
    'sat',
    'on',
    'the',
    'mat',
    '.',
    '[SEP]',
    'it',
    'was',
    'purr',
    '##ing',
    'happily',
    '.',
    '[SEP]',
  ],
  sentenceBStart: 9,
};

const PARAGRAPH =
  'the river ran wide and slow past the mill , and the miller watched it turn the wheel . ' +
  'each morning he counted the sacks of grain , wrote the numbers in a book , and walked to the village . ' +
  'the children followed him to the bridge ; they asked about the wheel , the water and the stones . ' +
  'he told them that the river never stops , that it carries the rain from the hills to the sea , ' +
  'and that the mill only borrows its strength for a while .';

/** A GPT-2-style token list of exactly `n` tokens, cycling through the paragraph. */
export function longGpt2Tokens(n: number): string[] {
  const words = PARAGRAPH.split(' ');
  return Array.from({ length: n }, (_, i) => {
    const w = words[i % words.length]!;
    return i === 0 || /^[,.;]$/.test(w) ? w : `Ġ${w}`;
  });
}

/** A BERT-style token list of exactly `n` tokens: [CLS] … [SEP]. */
export function longBertTokens(n: number): string[] {
  const words = PARAGRAPH.split(' ');
  const body = Array.from({ length: Math.max(0, n - 2) }, (_, i) => words[i % words.length]!);
  return ['[CLS]', ...body, '[SEP]'].slice(0, n);
}
