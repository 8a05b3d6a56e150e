import { expect } from '@open-wc/testing';
import {
  decodeByteLevel,
  decodeSentencePiece,
  detectTokenStyle,
  displayToken,
  displayTokens,
  isSpecialToken,
  visibleWhitespace,
} from '../../src/core/tokens.js';

const word = (text: string, raw: string, wordStart: boolean) => ({ text, kind: 'word', wordStart, raw });

describe('detectTokenStyle', () => {
  it('detectTokenStyle(tokens with Ġ or Ċ) is byte-level', () => {
    expect(detectTokenStyle(['<|endoftext|>', 'Hello', 'Ġworld'])).to.equal('byte-level');
    expect(detectTokenStyle(['Hello', 'Ċ'])).to.equal('byte-level');
    expect(detectTokenStyle(['##ing', 'Ġx'])).to.equal('byte-level');
  });

  it('detectTokenStyle(tokens with ▁) is sentencepiece', () => {
    expect(detectTokenStyle(['<s>', '▁Hello', '▁world', '</s>'])).to.equal('sentencepiece');
  });

  it('detectTokenStyle(tokens with ##…) is wordpiece', () => {
    expect(detectTokenStyle(['[CLS]', 'play', '##ing', '[SEP]'])).to.equal('wordpiece');
    expect(detectTokenStyle(['##ing', 'low</w>'])).to.equal('wordpiece');
  });

  it('detectTokenStyle(tokens ending in </w>) is end-of-word', () => {
    expect(detectTokenStyle(['low</w>', 'er', 'new</w>'])).to.equal('end-of-word');
  });

  it('detectTokenStyle(tokens without markers) is plain', () => {
    expect(detectTokenStyle(['hello', 'world'])).to.equal('plain');
    expect(detectTokenStyle([])).to.equal('plain');
    expect(detectTokenStyle(['##'])).to.equal('plain');
    expect(detectTokenStyle(['[CLS]', '[SEP]'])).to.equal('plain');
  });
});

describe('isSpecialToken', () => {
  it('isSpecialToken(token) recognises BERT, T5/RoBERTa and GPT special tokens', () => {
    for (const t of [
      '[CLS]',
      '[SEP]',
      '[MASK]',
      '<s>',
      '</s>',
      '<pad>',
      '<unk>',
      '<extra_id_0>',
      '<|endoftext|>',
      '<|im_start|>',
    ]) {
      expect(isSpecialToken(t), t).to.equal(true);
    }
  });

  it('isSpecialToken(token) rejects words, byte pieces and markup with attributes', () => {
    for (const t of ['hello', 'Ġ[CLS]', '<0x0A>', '[cls]', '<>', '<img src=x onerror=alert(1)>', '<|a b|>']) {
      expect(isSpecialToken(t), t).to.equal(false);
    }
  });
});

describe('displayToken: byte-level', () => {
  it('displayToken("Ġworld") strips the space marker and starts a word', () => {
    expect(displayToken('Ġworld', 'byte-level')).to.deep.equal(word('world', 'Ġworld', true));
    expect(displayToken('Hello', 'byte-level')).to.deep.equal(word('Hello', 'Hello', false));
  });

  it('displayToken("Ċ") shows line breaks and tabs as symbols', () => {
    expect(displayToken('Ċ', 'byte-level').text).to.equal('↵');
    expect(displayToken('ĊĊ', 'byte-level').text).to.equal('↵↵');
    expect(displayToken('ĉ', 'byte-level').text).to.equal('⇥');
    expect(displayToken('ĠĊ', 'byte-level').text).to.equal('↵');
  });

  it('displayToken("Ġ" | "ĠĠ" | "ĠĠĠ") shows every space', () => {
    expect(displayToken('Ġ', 'byte-level')).to.deep.equal(word('␣', 'Ġ', true));
    expect(displayToken('ĠĠ', 'byte-level')).to.deep.equal(word('␣␣', 'ĠĠ', true));
    expect(displayToken('ĠĠĠ', 'byte-level')).to.deep.equal(word('␣␣␣', 'ĠĠĠ', true));
  });

  it('displayToken("Ã©") decodes multi-byte UTF-8', () => {
    expect(displayToken('Ã©', 'byte-level')).to.deep.equal(word('é', 'Ã©', false));
    expect(displayToken('ĠcafÃ©', 'byte-level')).to.deep.equal(word('café', 'ĠcafÃ©', true));
    expect(displayToken('âĤ¬', 'byte-level').text).to.equal('€');
    expect(displayToken('ðŁĺĢ', 'byte-level').text).to.equal('😀');
  });

  it('displayToken(part of a multi-byte character) shows its bytes', () => {
    expect(displayToken('Ã', 'byte-level')).to.deep.equal(word('\\xc3', 'Ã', false));
    expect(displayToken('âĤ', 'byte-level').text).to.equal('\\xe2\\x82');
    expect(displayToken('Ġâ', 'byte-level')).to.deep.equal(word('\\xe2', 'Ġâ', true));
  });

  it('displayToken(characters outside the byte alphabet) keeps them', () => {
    expect(displayToken('你好', 'byte-level').text).to.equal('你好');
  });

  it('displayToken(special token) keeps it whole and marks it special', () => {
    expect(displayToken('<|endoftext|>', 'byte-level')).to.deep.equal({
      text: '<|endoftext|>',
      kind: 'special',
      wordStart: true,
      raw: '<|endoftext|>',
    });
  });
});

describe('displayToken: sentencepiece', () => {
  it('displayToken("▁Hello") strips the space marker and starts a word', () => {
    expect(displayToken('▁Hello', 'sentencepiece')).to.deep.equal(word('Hello', '▁Hello', true));
    expect(displayToken('llo', 'sentencepiece')).to.deep.equal(word('llo', 'llo', false));
  });

  it('displayToken("▁" | "▁▁") shows every space', () => {
    expect(displayToken('▁', 'sentencepiece').text).to.equal('␣');
    expect(displayToken('▁▁', 'sentencepiece').text).to.equal('␣␣');
  });

  it('displayToken("<0x0A>") decodes byte-fallback pieces', () => {
    expect(displayToken('<0x0A>', 'sentencepiece').text).to.equal('↵');
    expect(displayToken('<0x09>', 'sentencepiece').text).to.equal('⇥');
    expect(displayToken('<0x41>', 'sentencepiece')).to.deep.equal(word('A', '<0x41>', false));
    expect(displayToken('<0xE2>', 'sentencepiece').text).to.equal('\\xe2');
  });

  it('displayToken("</s>") marks it special', () => {
    expect(displayToken('</s>', 'sentencepiece')).to.deep.equal({
      text: '</s>',
      kind: 'special',
      wordStart: true,
      raw: '</s>',
    });
  });
});

describe('displayToken: wordpiece and end-of-word', () => {
  it('displayToken("##ing") is a continuation without the ## in its text', () => {
    expect(displayToken('##ing', 'wordpiece')).to.deep.equal({
      text: 'ing',
      kind: 'continuation',
      wordStart: false,
      raw: '##ing',
    });
  });

  it('displayToken("play" | "##") is a word', () => {
    expect(displayToken('play', 'wordpiece')).to.deep.equal(word('play', 'play', true));
    expect(displayToken('##', 'wordpiece')).to.deep.equal(word('##', '##', true));
  });

  it('displayToken("[CLS]") marks it special', () => {
    expect(displayToken('[CLS]', 'wordpiece')).to.deep.equal({
      text: '[CLS]',
      kind: 'special',
      wordStart: true,
      raw: '[CLS]',
    });
  });

  it('displayToken("low</w>") strips the end-of-word marker', () => {
    expect(displayToken('low</w>', 'end-of-word')).to.include({ text: 'low', kind: 'word', raw: 'low</w>' });
    expect(displayToken('er', 'end-of-word')).to.include({ text: 'er', kind: 'word', raw: 'er' });
  });
});

describe('displayToken: plain and whitespace', () => {
  it('displayToken(whitespace token, "plain") shows symbols', () => {
    expect(displayToken(' ', 'plain')).to.deep.equal(word('␣', ' ', true));
    expect(displayToken('  ', 'plain').text).to.equal('␣␣');
    expect(displayToken('\t', 'plain').text).to.equal('⇥');
    expect(displayToken('\r\n', 'plain').text).to.equal('↵↵');
    expect(displayToken('', 'plain')).to.deep.equal(word('∅', '', false));
  });

  it('displayToken(" hello", "plain") strips one leading space', () => {
    expect(displayToken(' hello', 'plain')).to.deep.equal(word('hello', ' hello', true));
  });

  it('displayToken(markup) returns it as plain text, unchanged', () => {
    const markup = '<img src=x onerror=alert(1)>';
    expect(displayToken(markup, 'plain')).to.deep.equal(word(markup, markup, false));
    expect(displayToken(markup, 'byte-level').text).to.equal(markup);
    expect(displayToken(markup, 'wordpiece').text).to.equal(markup);
    expect(displayTokens([markup, '<script>'])).to.deep.equal([
      word(markup, markup, false),
      { text: '<script>', kind: 'special', wordStart: true, raw: '<script>' },
    ]);
  });
});

describe('displayTokens', () => {
  it('displayTokens(tokens) detects the style once for the list', () => {
    expect(displayTokens(['[CLS]', 'un', '##believ', '##able', '[SEP]'])).to.deep.equal([
      { text: '[CLS]', kind: 'special', wordStart: true, raw: '[CLS]' },
      word('un', 'un', true),
      { text: 'believ', kind: 'continuation', wordStart: false, raw: '##believ' },
      { text: 'able', kind: 'continuation', wordStart: false, raw: '##able' },
      { text: '[SEP]', kind: 'special', wordStart: true, raw: '[SEP]' },
    ]);
    // '<0x0A>' is only a byte piece in a SentencePiece list.
    expect(displayTokens(['▁a', '<0x0A>']).map((t) => t.text)).to.deep.equal(['a', '↵']);
    expect(displayTokens(['a', '<0x0A>']).map((t) => t.text)).to.deep.equal(['a', '<0x0A>']);
  });

  it('displayTokens(tokens, style) uses the given style', () => {
    expect(displayTokens(['▁a', 'Ġb'], 'plain').map((t) => t.text)).to.deep.equal(['▁a', 'Ġb']);
  });
});

describe('decoders', () => {
  it('decodeByteLevel(token) maps the byte alphabet back to text', () => {
    expect(decodeByteLevel('ĠHello')).to.equal(' Hello');
    expect(decodeByteLevel('ĊĠ')).to.equal('\n ');
    expect(decodeByteLevel('Ã©')).to.equal('é');
  });

  it('decodeSentencePiece(token) turns ▁ into spaces and decodes byte pieces', () => {
    expect(decodeSentencePiece('▁a▁b')).to.equal(' a b');
    expect(decodeSentencePiece('<0x0a>')).to.equal('\n');
    expect(decodeSentencePiece('<0xFF>')).to.equal('\\xff');
    expect(decodeSentencePiece('<0x7F>')).to.equal('\x7f');
    expect(decodeSentencePiece('<0x80>')).to.equal('\\x80');
  });

  it('visibleWhitespace(text) replaces breaks and tabs, and shows empty and all-space text', () => {
    expect(visibleWhitespace('a\tb\nc')).to.equal('a⇥b↵c');
    expect(visibleWhitespace('a b')).to.equal('a b');
    expect(visibleWhitespace('   ')).to.equal('␣␣␣');
    expect(visibleWhitespace('')).to.equal('∅');
  });
});
