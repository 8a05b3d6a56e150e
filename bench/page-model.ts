/** Bench page, model view: its own figures, and the comparison with bertviz's model view. */
import '../src/components/model-view/define.js';
import type { AttnHeadView } from '../src/components/head-view/head-view.js';
import type { AttnModelView, ThumbnailMode } from '../src/components/model-view/model-view.js';
import { parseAttention } from '../src/core/parse/index.js';
import { syntheticAttention } from '../stories/data/synthetic.js';
import { longBertTokens } from '../stories/data/texts.js';
import { median, nextFrame } from './page-common.js';
import { versusModel } from './versus.js';

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

/** The cases this part offers `window.bench`. */
export const cases = { modelView, versusModel };
