/**
 * One way to check attributes for every view: the error names the attribute, the values it takes
 * and the text the page wrote (a malformed number reaches a view as NaN; the message quotes the
 * attribute instead of saying "NaN").
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import { AttentionDataError } from '../../src/core/errors.js';
import {
  keyword,
  numberList,
  numberListConverter,
  optionalIndex,
  optionalNumber,
  received,
} from '../../src/components/shared/attributes.js';
import { SELF } from './fixtures.js';

function host(attributes: Record<string, string> = {}): Element {
  const el = document.createElement('div');
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
  return el;
}

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(AttentionDataError);
    return (e as Error).message;
  }
  throw new Error('expected an AttentionDataError');
}

describe('attribute checks', () => {
  it('received() quotes the attribute text for NaN, and describes other values', () => {
    expect(received(host({ layer: 'two' }), 'layer', NaN)).to.equal('"two"');
    expect(received(host({ heads: '1,x' }), 'heads', [1, NaN])).to.equal('"1,x"');
    expect(received(host(), 'layer', 7)).to.equal('7');
    expect(received(host(), 'layer', NaN)).to.equal('NaN');
  });

  it('keyword() returns an allowed value and lists the allowed ones otherwise', () => {
    expect(keyword(host(), 'sort', 'none', ['none', 'ascending'])).to.equal('none');
    expect(message(() => keyword(host(), 'mode', 'pie', ['lines', 'heatmap']))).to.equal(
      'invalid mode: expected "lines" or "heatmap", got "pie"',
    );
    expect(message(() => keyword(host(), 'theme', 3, ['light', 'dark', 'auto']))).to.equal(
      'invalid theme: expected "light", "dark" or "auto", got 3',
    );
  });

  it('numberList(), optionalNumber() and optionalIndex() quote what the page wrote', () => {
    const h = host({ heads: '0, 2,x', token: 'z', 'highlight-above': 'high' });
    expect(numberList(h, 'heads', [0, 2], 'head numbers')).to.deep.equal([0, 2]);
    expect(numberList(h, 'heads', undefined)).to.equal(undefined);
    const parsed = numberListConverter.fromAttribute!('0, 2,x', undefined);
    expect(message(() => numberList(h, 'heads', parsed, 'head numbers'))).to.equal(
      'invalid heads: expected comma-separated head numbers, got "0, 2,x"',
    );
    expect(message(() => optionalIndex(h, 'token', NaN))).to.equal(
      'invalid token: expected a whole number ≥ 0, got "z"',
    );
    expect(message(() => optionalIndex(host(), 'token', -1))).to.equal(
      'invalid token: expected a whole number ≥ 0, got -1',
    );
    expect(message(() => optionalNumber(h, 'highlight-above', NaN))).to.equal(
      'invalid highlight-above: expected a number, got "high"',
    );
    expect(optionalNumber(h, 'highlight-above', 0.5)).to.equal(0.5);
  });

  for (const [tag, attribute, text, expected] of [
    ['attn-head-view', 'layer', 'two', 'invalid layer: expected one of the layers [0, 1], got "two"'],
    ['attn-neuron-view', 'head', 'x', 'invalid head: expected one of the heads 0–2, got "x"'],
    [
      'attn-model-view',
      'selected-layer',
      'top',
      'invalid selected-layer: expected one of the layers [0, 1], got "top"',
    ],
  ] as const) {
    it(`<${tag} ${attribute}="${text}"> says what the page wrote, not NaN`, async () => {
      const el = await fixture<HTMLElement & { data: unknown; updateComplete: Promise<unknown> }>(
        html`<div></div>`,
      );
      const view = document.createElement(tag) as HTMLElement & {
        data: unknown;
        updateComplete: Promise<unknown>;
      };
      view.data = SELF;
      if (attribute === 'selected-layer') view.setAttribute('selected-head', '0');
      view.setAttribute(attribute, text);
      el.append(view);
      await view.updateComplete;
      const error = view.shadowRoot!.querySelector('[part="error"] .error-message')?.textContent ?? '';
      expect(error).to.include(expected);
      expect(error).not.to.include('NaN');
    });
  }
});
