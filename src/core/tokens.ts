/**
 * Turning tokenizer output into readable labels: strip byte-level (`Ġ`), SentencePiece (`▁`) and
 * end-of-word (`</w>`) markers, keep WordPiece `##` continuations distinguishable, keep special
 * tokens recognisable, and show whitespace tokens as visible symbols. The result is plain text
 * for the views to render as text, never as HTML.
 */
import type { AttentionComponent } from './types.js';

/** How a token list marks word boundaries. */
export type TokenStyle = 'byte-level' | 'sentencepiece' | 'wordpiece' | 'end-of-word' | 'plain';

/** What a token is, for styling. */
export type TokenKind = 'word' | 'continuation' | 'special';

export interface DisplayToken {
  /** The label to show, markers removed (`##` is kept out of `text`; see `kind`). */
  readonly text: string;
  readonly kind: TokenKind;
  /** True when the token begins a new word (a stripped `Ġ`/`▁`/space). */
  readonly wordStart: boolean;
  /** The token as the tokenizer produced it. */
  readonly raw: string;
  /** True when the model generated the token (after the prompt); absent otherwise. */
  readonly generated?: boolean;
}

const SPECIAL_PATTERNS = [
  /^\[(?:[A-Z][A-Z_0-9]*|unused\d+)\]$/, // [CLS] [SEP] [PAD] [MASK] [UNK] [unused0]
  /^<\|[^|<>\s]{1,40}\|>$/, // <|endoftext|> <|im_start|>
  /^<\/?[A-Za-z][\w-]{0,30}>$/, // <s> </s> <pad> <unk> <mask> <extra_id_0>
];

/** True for special tokens such as `[CLS]`, `</s>` or `<|endoftext|>`. */
export function isSpecialToken(token: string): boolean {
  return SPECIAL_PATTERNS.some((p) => p.test(token));
}

/** Guesses a token list's marker convention from the markers it contains. */
export function detectTokenStyle(tokens: readonly string[]): TokenStyle {
  let wordpiece = false;
  let endOfWord = false;
  for (const t of tokens) {
    if (isSpecialToken(t)) continue;
    if (t.includes('\u0120') || t.includes('\u010a')) return 'byte-level';
    if (t.includes('\u2581')) return 'sentencepiece';
    if (t.startsWith('##') && t.length > 2) wordpiece = true;
    if (t.endsWith('</w>')) endOfWord = true;
  }
  if (wordpiece) return 'wordpiece';
  if (endOfWord) return 'end-of-word';
  return 'plain';
}

/** Labels for a token list; the style is detected once for the whole list unless given. */
export function displayTokens(
  tokens: readonly string[],
  style: TokenStyle = detectTokenStyle(tokens),
): DisplayToken[] {
  return tokens.map((t) => displayToken(t, style));
}

/**
 * Labels for one side of a component's tokens, those the model generated flagged (positions at or
 * after `generatedStart` in the whole input).
 */
export function componentTokens(c: AttentionComponent, side: 'query' | 'key'): DisplayToken[] {
  const list = displayTokens(side === 'query' ? c.queryTokens : c.keyTokens);
  const g = c.generatedStart;
  if (g === undefined || c.name !== 'self') return list;
  const start = side === 'query' ? c.queryStart : c.keyStart;
  return list.map((t, i) => (start + i >= g ? { ...t, generated: true } : t));
}

/** The label for one token under a marker convention. */
export function displayToken(raw: string, style: TokenStyle): DisplayToken {
  if (isSpecialToken(raw)) return { text: raw, kind: 'special', wordStart: true, raw };
  switch (style) {
    case 'byte-level':
      return spaced(decodeByteLevel(raw), raw);
    case 'sentencepiece':
      return spaced(decodeSentencePiece(raw), raw);
    case 'wordpiece':
      if (raw.startsWith('##') && raw.length > 2) {
        return { text: visibleWhitespace(raw.slice(2)), kind: 'continuation', wordStart: false, raw };
      }
      return { text: visibleWhitespace(raw), kind: 'word', wordStart: true, raw };
    case 'end-of-word':
      return {
        text: visibleWhitespace(raw.endsWith('</w>') ? raw.slice(0, -4) : raw),
        kind: 'word',
        wordStart: false,
        raw,
      };
    case 'plain':
      return spaced(raw, raw);
  }
}

function spaced(decoded: string, raw: string): DisplayToken {
  const wordStart = /^\s/.test(decoded);
  const trimmed = decoded.replace(/^ /, '');
  // A token of spaces only shows all its spaces: `ĠĠ` must not look like `Ġ`.
  return { text: visibleWhitespace(/^ +$/.test(decoded) ? decoded : trimmed), kind: 'word', wordStart, raw };
}

const WHITESPACE_SYMBOLS: Readonly<Record<string, string>> = {
  '\n': '↵',
  '\r': '↵',
  '\t': '⇥',
};

/** Replaces line breaks and tabs by symbols, and shows a token of spaces as `␣`s. */
export function visibleWhitespace(text: string): string {
  if (text === '') return '∅';
  if (/^ +$/.test(text)) return '␣'.repeat(text.length);
  return text.replace(/[\n\r\t]/g, (c) => WHITESPACE_SYMBOLS[c]!);
}

/**
 * GPT-2's byte-level alphabet maps each byte to a printable character: printable Latin-1 bytes
 * map to themselves, the others (controls, space, NBSP, soft hyphen) to U+0100 onwards in byte
 * order. The inverse table turns a token back into its bytes.
 */
const BYTE_OF_CHAR: ReadonlyMap<number, number> = (() => {
  const map = new Map<number, number>();
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    if (printable(b)) map.set(b, b);
    else map.set(next++, b);
  }
  return map;
})();

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a byte-level BPE token to text; tokens holding part of a UTF-8 character keep their raw form. */
export function decodeByteLevel(token: string): string {
  const bytes: number[] = [];
  for (const ch of token) {
    const b = BYTE_OF_CHAR.get(ch.codePointAt(0)!);
    if (b === undefined) return token.replace(/\u0120/g, ' ');
    bytes.push(b);
  }
  try {
    return utf8.decode(new Uint8Array(bytes));
  } catch {
    // A multi-byte character split across tokens: show the bytes rather than a replacement mark.
    return bytes.map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16)}`)).join('');
  }
}

/** Decodes a SentencePiece token: `▁` is a space; byte-fallback pieces `<0x0A>` become their byte. */
export function decodeSentencePiece(token: string): string {
  const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
  if (byte) {
    const b = parseInt(byte[1]!, 16);
    return b < 0x80 ? String.fromCharCode(b) : `\\x${byte[1]!.toLowerCase()}`;
  }
  return token.replace(/\u2581/g, ' ');
}
