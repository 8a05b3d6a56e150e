/**
 * Bench page for derived attention: attention flow and a long rollout computed in the
 * derivations' worker and shown by the model view, and <attn-explorer>'s first render and head
 * switch. Served over HTTP by bench/derive.mjs (the worker is started by URL).
 */
import '../src/components/explorer/define.js';
import type { AttnExplorer } from '../src/components/explorer/explorer.js';
import type { AttnModelView } from '../src/components/model-view/model-view.js';
import { lastDeriveThread } from '../src/components/shared/derive-job.js';
import { parseAttention } from '../src/core/parse/index.js';
import { syntheticAttention } from '../stories/data/synthetic.js';
import { longBertTokens } from '../stories/data/texts.js';
import { nextFrame } from './page-common.js';

export interface DeriveFigures {
  tokens: number;
  /** From setting `aggregate` until the model view has drawn the result. */
  ms: number;
  thread: string;
}

/** The model view switched to `aggregate` on synthetic attention (a decoder's, `causal`): the time until it is drawn. */
async function derived(
  aggregate: 'flow' | 'rollout',
  tokens: number,
  layers: number,
  heads: number,
  causal = false,
): Promise<DeriveFigures> {
  document.body.innerHTML = '';
  const data = parseAttention(
    syntheticAttention({ tokens: longBertTokens(tokens), layers, heads, seed: 5, causal }),
  );
  const el = document.createElement('attn-model-view') as AttnModelView;
  el.thumbnail = 'heatmap';
  el.data = data;
  document.body.append(el);
  await el.drawComplete;
  await nextFrame();
  const start = performance.now();
  el.aggregate = aggregate;
  await el.drawComplete;
  const ms = performance.now() - start;
  el.remove();
  return { tokens, ms, thread: lastDeriveThread };
}

export interface ExplorerFigures {
  tokens: number;
  firstRenderMs: number;
  headSwitchMs: number;
}

/** <attn-explorer> on synthetic attention: data set until every view is drawn; then another head. */
async function explorer(tokens: number, layers: number, heads: number): Promise<ExplorerFigures> {
  document.body.innerHTML = '';
  const data = parseAttention(syntheticAttention({ tokens: longBertTokens(tokens), layers, heads, seed: 9 }));
  await nextFrame();
  const el = document.createElement('attn-explorer') as AttnExplorer;
  el.style.width = '1200px';
  document.body.append(el);
  let start = performance.now();
  el.data = data;
  el.layer = 0;
  el.head = 0;
  await el.drawComplete;
  const firstRenderMs = performance.now() - start;
  await nextFrame();
  start = performance.now();
  el.layer = layers - 1;
  el.head = heads - 1;
  await el.drawComplete;
  const headSwitchMs = performance.now() - start;
  el.remove();
  return { tokens, firstRenderMs, headSwitchMs };
}

Object.assign(window, { bench: { derived, explorer } });
