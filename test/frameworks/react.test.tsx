import { expect } from '@open-wc/testing';
import { createRoot, type Root } from 'react-dom/client';
import { flushSync } from 'react-dom';
import '../../src/components/head-view/define.js';
import '../../src/components/model-view/define.js';
import '../../src/components/explorer/define.js';
import type { AttnExplorer } from '../../src/components/explorer/explorer.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import type {} from '../../src/frameworks/react.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { SELF } from '../components/fixtures.js';

describe('React 19', () => {
  let container: HTMLDivElement;
  let root: Root;

  beforeEach(() => {
    container = document.createElement('div');
    container.style.width = '600px';
    document.body.append(container);
    root = createRoot(container);
  });

  afterEach(() => {
    root.unmount();
    container.remove();
  });

  it('passes data as a property and receives attn-heads-change', async () => {
    const seen: (readonly number[])[] = [];
    flushSync(() =>
      root.render(
        <attn-head-view
          data={SELF}
          heads={[0, 1]}
          theme="dark"
          onattn-heads-change={(e) => seen.push(e.detail.heads)}
        />,
      ),
    );
    const el = container.querySelector('attn-head-view') as AttnHeadView;
    await el.updateComplete;
    expect(el.data).to.equal(SELF);
    expect(el.hasAttribute('data')).to.equal(false);
    expect(el.getAttribute('theme')).to.equal('dark');
    const swatch = el.shadowRoot!.querySelector<HTMLButtonElement>('.swatch[data-head="0"]')!;
    expect(swatch.getAttribute('aria-pressed')).to.equal('true');
    swatch.click();
    await el.updateComplete;
    expect(seen).to.deep.equal([[1]]);
  });

  it('sets words, hide and aggregate as properties and receives their events', async () => {
    const seen: string[] = [];
    flushSync(() =>
      root.render(
        <attn-head-view
          data={SELF}
          hide="special"
          aggregate="mean"
          onattn-hide-change={(e) => seen.push(`hide ${e.detail.hide}`)}
          onattn-words-change={(e) => seen.push(`words ${e.detail.words}`)}
          onattn-aggregate-change={(e) => seen.push(`aggregate ${e.detail.aggregate}`)}
        />,
      ),
    );
    const el = container.querySelector('attn-head-view') as AttnHeadView;
    await el.updateComplete;
    expect(el.getAttribute('hide')).to.equal('special');
    expect(el.shadowRoot!.querySelectorAll('.column.query [part~="token"]')).to.have.length(2);
    const choose = (part: string, value: string) => {
      const select = el.shadowRoot!.querySelector<HTMLSelectElement>(`[part="${part}"]`)!;
      select.value = value;
      select.dispatchEvent(new Event('change'));
    };
    choose('tokens-select', 'words:none');
    choose('aggregate-select', 'max');
    await el.updateComplete;
    expect(seen).to.deep.equal(['words true', 'hide none', 'aggregate max']);
  });

  it('mounts the explorer, deep-linked to a head with a summary for its grid, and receives the grid’s attn-head-select', async () => {
    const seen: (number | null)[] = [];
    flushSync(() =>
      root.render(
        <attn-explorer
          data={SELF}
          layer={1}
          head={0}
          summary="entropy"
          onattn-head-select={(e) => seen.push(e.detail.head)}
        />,
      ),
    );
    const el = container.querySelector('attn-explorer') as AttnExplorer;
    await el.updateComplete;
    expect(el.getAttribute('layer')).to.equal('1');
    const head = el.shadowRoot!.querySelector<AttnHeadView>('attn-head-view')!;
    await head.updateComplete;
    expect(head.heads).to.deep.equal([0]);
    const grid = el.shadowRoot!.querySelector<AttnModelView>('attn-model-view')!;
    await grid.updateComplete;
    expect(grid.summary, 'the grid’s summary, set on the explorer').to.equal('entropy');
    grid.shadowRoot!.querySelector<HTMLElement>('#cell-1-2')!.click();
    await el.updateComplete;
    expect(seen).to.deep.equal([2]);
    expect(el.head).to.equal(2);
  });

  it('mounts the explorer in compare mode with dataB: the grid shows A − B', async () => {
    const other = { ...SELF, attention: SELF.attention.map((layer) => [...layer].reverse()) };
    flushSync(() => root.render(<attn-explorer data={SELF} dataB={other} layer={0} head={1} />));
    const el = container.querySelector('attn-explorer') as AttnExplorer;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="difference-view"]')).to.not.equal(null);
    expect(el.shadowRoot!.querySelector('[part="head-view-b"]')).to.not.equal(null);
  });

  it('re-renders with new data', async () => {
    const tokens = ['x', 'y'];
    flushSync(() => root.render(<attn-head-view data={SELF} />));
    flushSync(() =>
      root.render(
        <attn-head-view
          data={{
            tokens,
            attention: [
              [
                [
                  [1, 0],
                  [0, 1],
                ],
              ],
            ],
          }}
        />,
      ),
    );
    const el = container.querySelector('attn-head-view') as AttnHeadView;
    await el.updateComplete;
    const labels = [...el.shadowRoot!.querySelectorAll('.column.query [role="option"]')].map((o) =>
      o.textContent!.trim(),
    );
    expect(labels).to.deep.equal(tokens);
  });

  it('mounts the model view with data and receives attn-head-select', async () => {
    const seen: { layer: number | null; head: number | null }[] = [];
    flushSync(() =>
      root.render(
        <attn-model-view data={SELF} thumbnail="heatmap" onattn-head-select={(e) => seen.push(e.detail)} />,
      ),
    );
    const el = container.querySelector('attn-model-view') as AttnModelView;
    await el.updateComplete;
    expect(el.data).to.equal(SELF);
    expect(el.thumbnail).to.equal('heatmap');
    el.shadowRoot!.querySelector<HTMLElement>('#cell-1-2')!.click();
    expect(seen).to.deep.equal([{ layer: 1, head: 2 }]);
  });
});
