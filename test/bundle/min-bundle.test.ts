/**
 * The self-contained bundle (dist/attnviz.min.js, built by `npm run build`, which `npm test`
 * runs first) works from a plain module script: no bare imports left, every element registered.
 */
import { expect } from '@open-wc/testing';
import { SELF } from '../components/fixtures.js';

const BUNDLE = '/dist/attnviz.min.js';

describe('dist/attnviz.min.js', () => {
  it('imports nothing: lit and d3 are inlined', async () => {
    const text = await (await fetch(BUNDLE)).text();
    expect(text.length).to.be.greaterThan(10_000);
    // No static or dynamic import of a bare specifier (a package name) is left.
    const bare = text.match(/\b(?:from|import)\s*\(?\s*["'](?![./])[^"']*["']/g) ?? [];
    expect(bare, 'bare imports').to.deep.equal([]);
    for (const tag of ['attn-head-view', 'attn-model-view', 'attn-neuron-view']) {
      expect(
        new RegExp(`customElements\\.define\\(\\s*["']${tag}["']`).test(text),
        `defines ${tag}`,
      ).to.equal(true);
    }
  });

  it('registers every element when loaded by a plain <script type="module">', async () => {
    const script = document.createElement('script');
    script.type = 'module';
    script.src = BUNDLE;
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
    });
    document.head.append(script);
    await loaded;
    await customElements.whenDefined('attn-head-view');
    const el = document.createElement('attn-head-view') as HTMLElement & {
      data: unknown;
      updateComplete: Promise<unknown>;
    };
    el.data = SELF;
    document.body.append(el);
    await el.updateComplete;
    const labels = [...el.shadowRoot!.querySelectorAll('.column.query [role="option"]')].map((o) =>
      o.textContent!.trim(),
    );
    expect(labels).to.deep.equal(SELF.tokens);
    el.remove();

    await customElements.whenDefined('attn-model-view');
    const grid = document.createElement('attn-model-view') as HTMLElement & {
      data: unknown;
      updateComplete: Promise<unknown>;
    };
    grid.data = SELF;
    document.body.append(grid);
    await grid.updateComplete;
    expect(grid.shadowRoot!.querySelectorAll('[role="gridcell"]')).to.have.length(6);
    grid.remove();
  });
});
