/** Bench page, neuron view. */
import '../src/components/neuron-view/define.js';
import type { AttnNeuronView } from '../src/components/neuron-view/neuron-view.js';
import { parseAttention } from '../src/core/parse/index.js';
import { syntheticNeuron } from '../stories/data/synthetic.js';
import { longBertTokens } from '../stories/data/texts.js';
import { median, nextFrame } from './page-common.js';

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

/** The cases this part offers `window.bench`. */
export const cases = { neuronView };
