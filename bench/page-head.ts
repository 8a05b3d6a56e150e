/**
 * Bench page, head view: the view's own figures up to long inputs, and the comparison with
 * bertviz's head view. bench/run.mjs bundles only the parts its BENCH_VIEWS need.
 */
import '../src/components/head-view/define.js';
import type { AttnHeadView } from '../src/components/head-view/head-view.js';
import { parseAttention } from '../src/core/parse/index.js';
import { syntheticAttention } from '../stories/data/synthetic.js';
import { longBertTokens } from '../stories/data/texts.js';
import { median, nextFrame } from './page-common.js';
import { versusHead } from './versus.js';

export interface HeadViewFigures {
  tokens: number;
  layers: number;
  heads: number;
  attentionMB: number;
  parseMs: number;
  firstRenderMs: number;
  firstFrameMs: number;
  completeMs: number;
  hoverMs: number;
  hoverMaxMs: number;
  unhoverMs: number;
  layerSwitchMs: number;
  layerSwitchCompleteMs: number;
  scrollMs: number;
  heapMB: number;
  renderedTokenNodes: number;
}

async function headView(tokens: number, layers: number, heads: number): Promise<HeadViewFigures> {
  document.body.innerHTML = '';
  const input = syntheticAttention({ tokens: longBertTokens(tokens), layers, heads, seed: 11 });
  await nextFrame();
  let t = performance.now();
  const data = parseAttention(input);
  const parseMs = performance.now() - t;

  const el = document.createElement('attn-head-view') as AttnHeadView;
  el.style.width = '900px';
  el.theme = 'light';
  t = performance.now();
  el.data = data;
  document.body.append(el);
  await el.updateComplete;
  const firstRenderMs = performance.now() - t;
  await nextFrame();
  const firstFrameMs = performance.now() - t;
  await el.drawComplete;
  const completeMs = performance.now() - t;
  await nextFrame();
  await el.updateComplete;

  // A user's first hover comes after the view has settled (idle work included).
  await new Promise((r) => setTimeout(r, 300));
  const root = el.shadowRoot!;
  const hoverTimes: number[] = [];
  let unhover = 0;
  for (let i = 0; i < 15; i++) {
    const option = root.querySelector<HTMLElement>(`#query-${(i * 7) % Math.min(20, tokens)}`)!;
    t = performance.now();
    option.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await el.updateComplete;
    hoverTimes.push(performance.now() - t);
    t = performance.now();
    root.querySelector('.column.query')!.dispatchEvent(new PointerEvent('pointerleave'));
    await el.updateComplete;
    unhover = performance.now() - t;
  }

  const layerTimes: number[] = [];
  const layerCompleteTimes: number[] = [];
  for (let i = 1; i <= 4; i++) {
    t = performance.now();
    el.layer = i % layers;
    await el.updateComplete;
    layerTimes.push(performance.now() - t);
    await el.drawComplete;
    layerCompleteTimes.push(performance.now() - t);
  }

  const viewport = root.querySelector<HTMLElement>('.viewport')!;
  const scrollTimes: number[] = [];
  for (let i = 1; i <= 5; i++) {
    viewport.scrollTop = (i * viewport.scrollHeight) / 7;
    t = performance.now();
    viewport.dispatchEvent(new Event('scroll'));
    await el.updateComplete;
    await nextFrame();
    await el.drawComplete;
    scrollTimes.push(performance.now() - t);
  }

  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return {
    tokens,
    layers,
    heads,
    attentionMB: data.components[0]!.weights.byteLength / 2 ** 20,
    parseMs,
    firstRenderMs,
    firstFrameMs,
    completeMs,
    hoverMs: median(hoverTimes),
    hoverMaxMs: Math.max(...hoverTimes),
    unhoverMs: unhover,
    layerSwitchMs: median(layerTimes),
    layerSwitchCompleteMs: median(layerCompleteTimes),
    scrollMs: median(scrollTimes),
    heapMB: memory ? memory.usedJSHeapSize / 2 ** 20 : NaN,
    renderedTokenNodes: root.querySelectorAll('[role="option"]').length,
  };
}

/** The cases this part offers `window.bench`. */
export const cases = { headView, versusHead };
