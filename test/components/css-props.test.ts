import { expect } from '@open-wc/testing';
import { html, render } from 'lit';
import { cssProps, type CssProps } from '../../src/components/shared/css-props.js';

describe('cssProps', () => {
  const show = (host: HTMLElement, props: CssProps) => render(html`<div ${cssProps(props)}></div>`, host);

  it('sets CSS properties through the CSSOM, and on a later render writes only what changed', () => {
    const host = document.createElement('div');
    document.body.append(host);
    show(host, { top: '4px', lineHeight: '2px', '--swatch': 'red' });
    const div = host.querySelector('div')!;
    expect([div.style.top, div.style.lineHeight, div.style.getPropertyValue('--swatch')]).to.deep.equal([
      '4px',
      '2px',
      'red',
    ]);
    // Record the writes from now on.
    const writes: string[] = [];
    const { style } = div;
    const set = style.setProperty.bind(style);
    const remove = style.removeProperty.bind(style);
    style.setProperty = (name: string, value: string | null) => {
      writes.push(`set ${name} ${value}`);
      set(name, value);
    };
    style.removeProperty = (name: string) => {
      writes.push(`remove ${name}`);
      return remove(name);
    };
    show(host, { top: '4px', lineHeight: '2px', '--swatch': 'red' });
    expect(writes, 'the same values again').to.deep.equal([]);
    show(host, { top: '6px', lineHeight: undefined });
    expect(writes.sort()).to.deep.equal(['remove --swatch', 'remove line-height', 'set top 6px']);
    expect([div.style.top, div.style.lineHeight, div.style.getPropertyValue('--swatch')]).to.deep.equal([
      '6px',
      '',
      '',
    ]);
    host.remove();
  });
});
