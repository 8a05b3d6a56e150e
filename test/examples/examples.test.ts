/**
 * The pages of examples/ in Chromium, as `npm start` serves them (the React and Vue pages bundled
 * by scripts/examples.mjs, the plain page loading dist/attnviz.min.js): each starts without an
 * error, its views render the embedded data with no error box, it opens on the previous-token
 * head that the data names, and clicking a cell of the model view (its `attn-head-select` event)
 * updates the page's state, which moves the head view (and in the plain page the neuron view).
 * Nothing is fetched from another origin.
 */
import { expect } from '@open-wc/testing';
import { data, previousTokenHead } from '../../examples/data/demo.js';
import {
  frames,
  openFrame,
  problemOf,
  settle,
  until,
  viewsOf,
  type RecordingWindow,
} from '../support/frame.js';

type HeadView = HTMLElement & { layer?: number; heads?: readonly number[] };
type NeuronView = HTMLElement & { layer?: number; head?: number; token?: number };

const PAGES: { name: string; views: string[] }[] = [
  { name: 'plain', views: ['attn-model-view', 'attn-head-view', 'attn-neuron-view'] },
  { name: 'react', views: ['attn-model-view', 'attn-head-view'] },
  { name: 'vue', views: ['attn-model-view', 'attn-head-view'] },
];

/** A cell other than the one the page opens on. */
const OTHER =
  previousTokenHead.layer === 1 && previousTokenHead.head === 3
    ? { layer: 2, head: 1 }
    : { layer: 1, head: 3 };

describe('examples/', () => {
  it('has an index linking every example', async () => {
    const html = await (await fetch('/examples/index.html')).text();
    for (const name of [...PAGES.map((p) => p.name), 'explorer'])
      expect(html).to.include(`href="./${name}/"`);
  });

  it('explorer: opens on the previous-token head, keeps its state in the address, and computes flow in the worker beside the bundle', async function () {
    this.timeout(60_000);
    const frame = await openFrame('/examples/explorer/index.html');
    try {
      const win = frame.contentWindow as RecordingWindow;
      const doc = frame.contentDocument!;
      const explorer = doc.querySelector<HTMLElement & { aggregate: string }>('attn-explorer')!;
      await settle(win, explorer);
      const inner = () => [...explorer.shadowRoot!.querySelectorAll<HTMLElement>('[part$="-view"]')];
      expect(inner().map((v) => v.localName)).to.deep.equal([
        'attn-model-view',
        'attn-head-view',
        'attn-neuron-view',
      ]);
      for (const view of inner()) await settle(win, view);
      expect(inner().map((v) => problemOf(v))).to.deep.equal([null, null, null]);
      const { layer, head } = previousTokenHead;
      expect(win.location.search).to.equal(`?layer=${layer}&head=${head}`);

      explorer.aggregate = 'flow';
      const grid = inner()[0]!;
      const rowLabels = () =>
        [...grid.shadowRoot!.querySelectorAll('.row-label')].map((r) => r.textContent!.trim());
      await until(() => rowLabels()[0]?.startsWith('Flow') === true, 20_000, `no flow rows: ${rowLabels()}`);
      for (const view of inner()) await settle(win, view);
      expect(
        inner().map((v) => problemOf(v)),
        'flow shown without an error',
      ).to.deep.equal([null, null, null]);
      await frames(win, 2);
      expect(win.snippetErrors, 'errors').to.deep.equal([]);
      const worker = win.performance
        .getEntriesByType('resource')
        .some((e) => e.name.endsWith('/derive-worker.js'));
      expect(worker, 'the flow ran in dist/derive-worker.js').to.equal(true);
    } finally {
      frame.remove();
    }
  });

  for (const { name, views: tags } of PAGES) {
    it(`${name}: renders, opens on the previous-token head, and follows a click on the model view`, async function () {
      this.timeout(60_000);
      const frame = await openFrame(`/examples/${name}/index.html`);
      try {
        const win = frame.contentWindow as RecordingWindow;
        const doc = frame.contentDocument!;
        const views = viewsOf(doc);
        expect(views.map((v) => v.localName)).to.deep.equal(tags);
        for (const view of views) await settle(win, view);
        expect(
          views.map((v) => problemOf(v)),
          'problems',
        ).to.deep.equal(tags.map(() => null));
        expect(win.snippetErrors, 'errors').to.deep.equal([]);

        const status = doc.querySelector('[role="status"]')!;
        const head = doc.querySelector<HeadView>('attn-head-view')!;
        const showing = (l: number, h: number) => `Showing layer ${l}, head ${h}`;
        expect(status.textContent!.trim()).to.equal(showing(previousTokenHead.layer, previousTokenHead.head));
        expect(head.layer).to.equal(previousTokenHead.layer);
        expect(head.heads).to.deep.equal([previousTokenHead.head]);

        const grid = doc.querySelector('attn-model-view')!;
        const cell = grid.shadowRoot!.querySelector<HTMLElement>(`#cell-${OTHER.layer}-${OTHER.head}`)!;
        cell.click();
        await until(
          () => status.textContent!.trim() === showing(OTHER.layer, OTHER.head),
          5_000,
          `the status did not become "${showing(OTHER.layer, OTHER.head)}" (it says "${status.textContent!.trim()}")`,
        );
        await settle(win, head);
        expect(head.layer).to.equal(OTHER.layer);
        expect(head.heads).to.deep.equal([OTHER.head]);
        expect(problemOf(head)).to.equal(null);
        if (name === 'plain') {
          const neuron = doc.querySelector<NeuronView>('attn-neuron-view')!;
          await settle(win, neuron);
          expect([neuron.layer, neuron.head, neuron.token]).to.deep.equal([
            OTHER.layer,
            OTHER.head,
            data.tokens.length - 1,
          ]);
          expect(problemOf(neuron)).to.equal(null);
        }
        await frames(win, 2);
        expect(win.snippetErrors, 'errors after the click').to.deep.equal([]);

        // Offline: every resource the page loaded came from its own server.
        const foreign = win.performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((url) => new URL(url).origin !== win.location.origin);
        expect(foreign, 'resources from other origins').to.deep.equal([]);
      } finally {
        frame.remove();
      }
    });
  }
});
