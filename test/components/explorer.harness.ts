/** Test harness for <attn-explorer>: mounts one on WITH_VECTORS and finds the views inside it. */
import { fixture, html } from '@open-wc/testing';
import '../../src/components/explorer/define.js';
import type { AttnExplorer } from '../../src/components/explorer/explorer.js';
import { WITH_VECTORS } from './fixtures.js';

const frame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

/**
 * An explorer 1000 px wide with `attrs`, WITH_VECTORS as its data (and `dataB` for compare mode
 * when given), once every view inside has drawn.
 */
export async function mountExplorer(
  attrs: Record<string, string> = {},
  dataB?: unknown,
): Promise<AttnExplorer> {
  const wrapper = await fixture<HTMLElement>(
    html`<div style="width: 1000px"><attn-explorer></attn-explorer></div>`,
  );
  const el = wrapper.querySelector('attn-explorer')! as AttnExplorer;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.data = WITH_VECTORS;
  if (dataB !== undefined) el.dataB = dataB as AttnExplorer['dataB'];
  await el.updateComplete;
  await frame();
  await el.drawComplete;
  return el;
}

/** The element inside the explorer with part `name` (a view, a note). */
export const part = <T extends Element>(el: AttnExplorer, name: string) =>
  el.shadowRoot!.querySelector<T>(`[part="${name}"]`);
