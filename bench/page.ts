/**
 * Benchmark page: runs in headless Chromium (bench/run.mjs bundles it). Each case mounts a view
 * on synthetic attention of 12 heads and measures what a user waits for.
 */
import '../src/components/head-view/define.js';
import '../src/components/model-view/define.js';
import '../src/components/neuron-view/define.js';
import type { AttnNeuronView } from '../src/components/neuron-view/neuron-view.js';
import type { AttnHeadView } from '../src/components/head-view/head-view.js';
import type { AttnModelView, ThumbnailMode } from '../src/components/model-view/model-view.js';
import { parseAttention } from '../src/core/parse/index.js';
import { syntheticAttention, syntheticNeuron } from '../stories/data/synthetic.js';
import { longBertTokens } from '../stories/data/texts.js';
import { versusHead, versusModel } from './versus.js';

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

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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

export interface ModelViewFigures {
  tokens: number;
  mode: ThumbnailMode;
  firstRenderMs: number;
  firstFrameMs: number;
  completeMs: number;
  openDetailMs: number;
  filterSwitchMs: number;
  modeSwitchMs: number;
  summariesMs: number;
  heapMB: number;
}

/**
 * The model view on a sentence pair (so that the pair filters apply): first render until every
 * thumbnail is drawn, opening a cell's detail view until its lines are drawn, switching the
 * filter to a pair block and back, switching the thumbnail mode, and computing every summary.
 */
async function modelView(
  tokens: number,
  layers: number,
  heads: number,
  mode: ThumbnailMode,
): Promise<ModelViewFigures> {
  document.body.innerHTML = '';
  const toks = longBertTokens(tokens);
  const input = syntheticAttention({ tokens: toks, layers, heads, seed: 11, sentenceBStart: tokens >> 1 });
  const data = parseAttention(input);
  await nextFrame();
  const el = document.createElement('attn-model-view') as AttnModelView;
  el.style.width = '1000px';
  el.theme = 'dark';
  el.thumbnail = mode;
  let t = performance.now();
  el.data = data;
  document.body.append(el);
  await el.updateComplete;
  const firstFrameMs = performance.now() - t;
  await el.drawComplete;
  const completeMs = performance.now() - t;
  const firstRenderMs = completeMs;
  await nextFrame();
  await new Promise((r) => setTimeout(r, 200));

  const openTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const cell = el.shadowRoot!.querySelector<HTMLElement>(`#cell-${(i + 2) % layers}-${(i + 3) % heads}`)!;
    t = performance.now();
    cell.click();
    await el.updateComplete;
    const detail = el.shadowRoot!.querySelector('attn-head-view') as AttnHeadView;
    await detail.updateComplete;
    await detail.drawComplete;
    openTimes.push(performance.now() - t);
    cell.click();
    await el.updateComplete;
  }

  const filterTimes: number[] = [];
  for (const filter of ['ab', 'all', 'bb', 'all'] as const) {
    t = performance.now();
    el.filter = filter;
    await el.updateComplete;
    await el.drawComplete;
    filterTimes.push(performance.now() - t);
  }

  t = performance.now();
  el.thumbnail = mode === 'lines' ? 'heatmap' : 'lines';
  await el.updateComplete;
  await el.drawComplete;
  const modeSwitchMs = performance.now() - t;

  t = performance.now();
  el.getSummaries();
  const summariesMs = performance.now() - t;

  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return {
    tokens,
    mode,
    firstRenderMs,
    firstFrameMs,
    completeMs,
    openDetailMs: median(openTimes),
    filterSwitchMs: median(filterTimes),
    modeSwitchMs,
    summariesMs,
    heapMB: memory ? memory.usedJSHeapSize / 2 ** 20 : NaN,
  };
}

export interface NeuronViewFigures {
  tokens: number;
  firstRenderMs: number;
  tokenChangeMs: number;
  tokenChangeMaxMs: number;
  hoverMs: number;
  headSwitchMs: number;
  heapMB: number;
}

/**
 * The neuron view on 1 layer × 12 heads of 64-dimensional vectors (queries, keys and values):
 * first render, changing the selected query (median and worst of 20), previewing a query by
 * hover, and switching head.
 */
async function neuronView(tokens: number, heads: number, dim: number): Promise<NeuronViewFigures> {
  document.body.innerHTML = '';
  const data = parseAttention(
    syntheticNeuron({ tokens: longBertTokens(tokens), layers: 1, heads, dim, seed: 5 }),
  );
  await nextFrame();
  const el = document.createElement('attn-neuron-view') as AttnNeuronView;
  el.style.width = '1200px';
  el.theme = 'light';
  let t = performance.now();
  el.data = data;
  document.body.append(el);
  await el.updateComplete;
  const firstRenderMs = performance.now() - t;
  await nextFrame();
  await new Promise((r) => setTimeout(r, 200));

  const changes: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    el.token = (i * 7 + 3) % Math.min(tokens, 20);
    await el.updateComplete;
    changes.push(performance.now() - t);
  }
  const hovers: number[] = [];
  for (let i = 0; i < 10; i++) {
    const option = el.shadowRoot!.querySelector<HTMLElement>(`#query-${(i * 3) % 12}`)!;
    t = performance.now();
    option.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    await el.updateComplete;
    hovers.push(performance.now() - t);
  }
  const switches: number[] = [];
  for (let i = 1; i <= 4; i++) {
    t = performance.now();
    el.head = i % heads;
    await el.updateComplete;
    switches.push(performance.now() - t);
  }
  const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return {
    tokens,
    firstRenderMs,
    tokenChangeMs: median(changes),
    tokenChangeMaxMs: Math.max(...changes),
    hoverMs: median(hovers),
    headSwitchMs: median(switches),
    heapMB: memory ? memory.usedJSHeapSize / 2 ** 20 : NaN,
  };
}

Object.assign(window, { bench: { headView, modelView, neuronView, versusHead, versusModel } });
