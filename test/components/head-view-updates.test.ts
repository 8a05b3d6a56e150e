/**
 * What the head view redoes, and when: each update costs a render and a frame, so sizes that
 * change nothing the view shows must not cause one.
 */
import { expect } from '@open-wc/testing';
import '../../src/components/head-view/define.js';
import type { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { syntheticAttention } from '../../stories/data/synthetic.js';
import { longBertTokens } from '../../stories/data/texts.js';
import { dropBuffers } from '../../src/render/buffers.js';
import { SELF } from './fixtures.js';

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
async function frames(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextFrame();
}

/** A head view in a box `width` wide, counting its updates from the first. */
function mount(width: number): { el: AttnHeadView; box: HTMLElement; updates: () => number } {
  const box = document.createElement('div');
  box.style.width = `${width}px`;
  document.body.append(box);
  const el = document.createElement('attn-head-view') as AttnHeadView;
  let updates = 0;
  el.addController({ hostUpdated: () => updates++ });
  el.data = SELF;
  box.append(el);
  return { el, box, updates: () => updates };
}

describe('attn-head-view updates', () => {
  it('draws its first picture in one update: the host height and the measured viewport change nothing', async () => {
    const { el, box, updates } = mount(600);
    await el.drawComplete;
    await frames(4);
    expect(updates()).to.equal(1);
    box.remove();
  });

  it('updates once for a hover (the readout changing height does not resize the view)', async () => {
    const { el, box, updates } = mount(600);
    await el.drawComplete;
    await frames(4);
    const before = updates();
    el.shadowRoot!.querySelector('#query-1')!.dispatchEvent(
      new PointerEvent('pointerover', { bubbles: true, composed: true }),
    );
    await el.updateComplete;
    await frames(4);
    expect(updates() - before).to.equal(1);
    box.remove();
  });

  it('keeps its height when a token is hovered, so that nothing below it moves', async () => {
    const { el, box } = mount(600);
    await el.drawComplete;
    const height = () => el.getBoundingClientRect().height;
    const atRest = height();
    const hover = (id: string) =>
      el
        .shadowRoot!.querySelector(id)!
        .dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    hover('#query-1');
    await el.updateComplete;
    expect(height()).to.equal(atRest);
    hover('#key-3');
    await el.updateComplete;
    expect(height()).to.equal(atRest);
    // A pinned query and a hovered key: the pair's weight gets a column.
    el.shadowRoot!.querySelector<HTMLElement>('#query-1')!.click();
    hover('#key-2');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('[part="readout"] thead th').length).to.equal(3);
    expect(height()).to.equal(atRest);
    box.remove();
  });

  it('hovering fills in the readout table rather than building it', async () => {
    const { el, box } = mount(600);
    await el.drawComplete;
    const readout = el.shadowRoot!.querySelector('[part="readout"]')!;
    const table = readout.querySelector('table')!;
    let added = 0;
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        if (table.contains(r.target) || r.target === readout) {
          added += [...r.addedNodes].filter((n) => n instanceof Element).length;
        }
      }
    });
    observer.observe(readout, { childList: true, subtree: true });
    for (const id of ['#query-1', '#query-2', '#key-0']) {
      el.shadowRoot!.querySelector(id)!.dispatchEvent(
        new PointerEvent('pointerover', { bubbles: true, composed: true }),
      );
      await el.updateComplete;
    }
    observer.disconnect();
    expect(el.shadowRoot!.querySelector('[part="readout"] table')).to.equal(table);
    expect(table.querySelectorAll('tbody td').length).to.equal(3 * 3);
    expect(added).to.equal(0);
    box.remove();
  });

  it('lays out again when its width changes', async () => {
    const { el, box, updates } = mount(600);
    await el.drawComplete;
    await frames(4);
    const before = updates();
    const lines = () => el.shadowRoot!.querySelector<HTMLElement>('.lines')!.getBoundingClientRect().left;
    const left = lines();
    box.style.width = '900px';
    await frames(4);
    await el.updateComplete;
    expect(updates() - before).to.equal(1);
    expect(lines()).to.be.greaterThan(left);
    box.remove();
  });
});

describe('attn-head-view first frame', () => {
  let dpr: PropertyDescriptor | undefined;
  beforeEach(() => {
    dpr = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
    Object.defineProperty(window, 'devicePixelRatio', { value: 2, configurable: true });
  });
  afterEach(() => {
    if (dpr) Object.defineProperty(window, 'devicePixelRatio', dpr);
    else delete (window as { devicePixelRatio?: number }).devicePixelRatio;
  });

  for (const tokens of [16, 32, 64]) {
    it(`draws every line of 12 heads × ${tokens} tokens in its first frame at devicePixelRatio 2`, async () => {
      const box = document.createElement('div');
      box.style.width = '900px';
      document.body.append(box);
      const el = document.createElement('attn-head-view') as AttnHeadView;
      el.data = syntheticAttention({ tokens: longBertTokens(tokens), layers: 1, heads: 12, seed: 11 });
      box.append(el);
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('canvas')!.width, 'device pixels').to.be.greaterThan(800);
      const first = await Promise.race([
        el.drawComplete.then(() => 'drawn'),
        new Promise((r) => setTimeout(() => r('later'), 0)),
      ]);
      expect(first).to.equal('drawn');
      box.remove();
    });
  }
});

describe('attn-head-view leaving the page', () => {
  const snapshot = (el: AttnHeadView) => {
    const c = el.shadowRoot!.querySelector('canvas')!;
    return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
  };
  /** Resolves `p`, or fails after `ms` (a drawing that never completes would hang the test). */
  const within = <T>(p: Promise<T>, ms = 2000) =>
    Promise.race([
      p,
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`not within ${ms} ms`)), ms)),
    ]);

  it('gives its buffers to the next view, and draws again, hover included, when it comes back', async () => {
    dropBuffers();
    const a = mount(600);
    await a.el.drawComplete;
    const before = snapshot(a.el).slice();
    a.box.remove();
    // The next view draws other attention on the buffers `a` gave back.
    const b = mount(600);
    b.el.data = syntheticAttention({ tokens: longBertTokens(12), layers: 1, heads: 3, seed: 4 });
    await within(b.el.drawComplete);
    const other = snapshot(b.el).slice();
    document.body.append(a.box);
    await a.el.updateComplete;
    await within(a.el.drawComplete);
    expect(snapshot(a.el).findIndex((v, i) => v !== before[i])).to.equal(-1);
    expect(snapshot(b.el).findIndex((v, i) => v !== other[i])).to.equal(-1);
    a.el
      .shadowRoot!.querySelector('#query-1')!
      .dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await a.el.updateComplete;
    expect(snapshot(a.el).findIndex((v, i) => v !== before[i])).to.be.greaterThan(-1);
    a.box.remove();
    b.box.remove();
    dropBuffers();
  });
});

describe('attn-head-view between hovers', () => {
  const snapshot = (el: AttnHeadView) => {
    const c = el.shadowRoot!.querySelector('canvas')!;
    return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.slice();
  };
  /** Idle time: the view readies its rasters for the next picture then. */
  const idle = async () => {
    await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => requestIdleCallback(() => r(undefined), { timeout: 1000 }));
    await frames(1);
  };
  const hover = async (el: AttnHeadView, index: number) => {
    el.shadowRoot!.querySelector(`#query-${index}`)!.dispatchEvent(
      new PointerEvent('pointerover', { bubbles: true, composed: true }),
    );
    await el.updateComplete;
  };

  it('draws each hovered token as a new view does, with idle time between hovers and after a pin', async () => {
    const data = syntheticAttention({ tokens: longBertTokens(24), layers: 1, heads: 4, seed: 9 });
    const a = mount(600);
    a.el.data = data;
    await a.el.drawComplete;
    await hover(a.el, 1);
    await idle();
    await hover(a.el, 5);
    const five = snapshot(a.el);
    await idle();
    // Pinning the hovered token shows the same picture, kept through the idle time.
    a.el.shadowRoot!.querySelector<HTMLElement>('#query-5')!.click();
    await a.el.updateComplete;
    expect(
      snapshot(a.el).findIndex((v, i) => v !== five[i]),
      'pinned after idle time',
    ).to.equal(-1);
    const b = mount(600);
    b.el.data = data;
    await b.el.drawComplete;
    await hover(b.el, 5);
    const fresh = snapshot(b.el);
    expect(fresh.some((v) => v > 0)).to.equal(true);
    expect(
      five.findIndex((v, i) => v !== fresh[i]),
      'after another hover and idle time',
    ).to.equal(-1);
    a.box.remove();
    b.box.remove();
  });
});
