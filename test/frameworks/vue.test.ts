import { expect } from '@open-wc/testing';
import { createApp, h, type App, type GlobalComponents } from 'vue';
// The full build compiles templates in the browser, as an app using in-DOM templates would.
import { createApp as createAppWithCompiler } from 'vue/dist/vue.esm-bundler.js';
import '../../src/components/head-view/define.js';
import '../../src/components/model-view/define.js';
import '../../src/components/explorer/define.js';
import type { AttnExplorer } from '../../src/components/explorer/explorer.js';
import type { AttnModelView } from '../../src/components/model-view/model-view.js';
import type { AttnExplorerVueProps, AttnHeadViewVueProps } from '../../src/frameworks/vue.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { SELF } from '../components/fixtures.js';

// Type-level check of the Vue typings: the element is a global component with typed events.
type Declared = GlobalComponents['attn-head-view'];
const typedProps: AttnHeadViewVueProps = {
  data: SELF,
  heads: [0],
  onAttnHeadsChange: (e) => void e.detail.heads.length,
};
const declared: Declared | undefined = undefined;
const explorerProps: AttnExplorerVueProps = {
  data: SELF,
  layer: 1,
  head: 0,
  hide: 'first',
  aggregate: 'mean',
  summary: 'entropy',
  highlightAbove: 0.5,
};

describe('Vue 3', () => {
  let container: HTMLDivElement;
  let app: App | undefined;

  beforeEach(() => {
    container = document.createElement('div');
    container.style.width = '600px';
    document.body.append(container);
  });

  afterEach(() => {
    app?.unmount();
    container.remove();
  });

  it('passes data as a property from a render function and receives attn-heads-change', async () => {
    const seen: (readonly number[])[] = [];
    app = createApp({
      render: () =>
        h('attn-head-view', {
          ...typedProps,
          onAttnHeadsChange: (e: CustomEvent) => seen.push(e.detail.heads),
        }),
    });
    app.mount(container);
    const el = container.querySelector('attn-head-view') as AttnHeadView;
    await el.updateComplete;
    expect(el.data).to.equal(SELF);
    expect(el.hasAttribute('data')).to.equal(false);
    expect(declared).to.equal(undefined);
    el.shadowRoot!.querySelector<HTMLButtonElement>('.swatch[data-head="1"]')!.click();
    await el.updateComplete;
    expect(seen).to.deep.equal([[0, 1]]);
  });

  it('works from a template with :data and @attn-layer-change', async () => {
    const seen: number[] = [];
    const compiled = createAppWithCompiler({
      template: `<attn-head-view :data="data" @attn-layer-change="(e) => onLayer(e.detail.layer)"></attn-head-view>`,
      data: () => ({ data: SELF }),
      methods: { onLayer: (layer: number) => seen.push(layer) },
    });
    compiled.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('attn-');
    app = compiled as unknown as App;
    compiled.mount(container);
    const el = container.querySelector('attn-head-view') as AttnHeadView;
    await el.updateComplete;
    expect(el.data).to.deep.equal(SELF);
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('select[part="layer-select"]')!;
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(seen).to.deep.equal([1]);
  });

  it('mounts the model view from a template and receives attn-head-select', async () => {
    const seen: (number | null)[] = [];
    const compiled = createAppWithCompiler({
      template: `<attn-model-view :data="data" summary="first" @attn-head-select="(e) => seen.push(e.detail.head)"></attn-model-view>`,
      data: () => ({ data: SELF, seen }),
    });
    compiled.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('attn-');
    app = compiled as unknown as App;
    compiled.mount(container);
    const el = container.querySelector('attn-model-view') as AttnModelView;
    await el.updateComplete;
    expect(el.summary).to.equal('first');
    el.shadowRoot!.querySelector<HTMLElement>('#cell-0-1')!.click();
    expect(seen).to.deep.equal([1]);
  });

  it('mounts the explorer with h(), its layer and head as properties, and receives attn-head-select', async () => {
    const seen: (number | null)[] = [];
    app = createApp({
      render: () =>
        h('attn-explorer', {
          ...explorerProps,
          aggregate: 'none',
          onAttnHeadSelect: (e: CustomEvent<{ head: number | null }>) => seen.push(e.detail.head),
        }),
    });
    app.mount(container);
    const el = container.querySelector('attn-explorer') as AttnExplorer;
    await el.updateComplete;
    expect(el.layer).to.equal(1);
    expect(el.head).to.equal(0);
    expect(el.hide).to.equal('first');
    const grid = el.shadowRoot!.querySelector<AttnModelView>('attn-model-view')!;
    await grid.updateComplete;
    grid.shadowRoot!.querySelector<HTMLElement>('#cell-0-2')!.click();
    await el.updateComplete;
    expect(seen).to.deep.equal([2]);
    expect(el.head).to.equal(2);
    expect(el.shadowRoot!.querySelector('attn-head-view')).to.not.equal(null);
  });

  it('mounts the explorer in compare mode with dataB: the grid shows A − B', async () => {
    const other = { ...SELF, attention: SELF.attention.map((layer) => [...layer].reverse()) };
    const props: AttnExplorerVueProps = { data: SELF, dataB: other, layer: 0, head: 1 };
    app = createApp({ render: () => h('attn-explorer', props) });
    app.mount(container);
    const el = container.querySelector('attn-explorer') as AttnExplorer;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="difference-view"]')).to.not.equal(null);
    expect(el.shadowRoot!.querySelector('[part="head-view-b"]')).to.not.equal(null);
  });
});
