/**
 * The explorer's compare mode: a second input (B) beside the first (A), and the model view's grid
 * of their difference A − B per head, over the positions where their tokens line up
 * (`alignTokens`); what is left out is said under the grid.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { attentionData } from '../../core/brand.js';
import { alignTokens, attentionDifference } from '../../core/derived/index.js';
import { AttentionDataError } from '../../core/errors.js';
import { attentionLoader } from '../../core/loader.js';
import { parseAttention, type AttentionInput } from '../../core/parse/index.js';
import type { AttentionData } from '../../core/types.js';
import { deriveShown, type HideMode } from '../shared/derive.js';

/** What the explorer compares: both inputs with `words` and `hide` applied, and their difference. */
export interface Comparison {
  readonly difference: AttentionData;
  /** Tokens compared, and those of A and of B left out (marked under the grid). */
  readonly compared: number;
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
}

/**
 * A − B for each component the two inputs share (by position: the same model gives the same
 * components), after `words` and `hide`.
 * @throws AttentionDataError when the two are not attention of the same model, or share no position.
 */
export function compare(a: AttentionData, b: AttentionData, words: boolean, hide: HideMode): Comparison {
  const shownA = deriveShown(a, words, hide);
  const shownB = deriveShown(b, words, hide);
  if (shownA.components.length !== shownB.components.length) {
    throw new AttentionDataError(
      'data-b',
      `attention of the same model as data (${shownA.components.map((c) => c.name).join(', ')})`,
      shownB.components.map((c) => c.name).join(', '),
    );
  }
  const first = alignTokens(shownA.components[0]!.queryTokens, shownB.components[0]!.queryTokens);
  return {
    difference: attentionData(
      shownA.components.map((c, i) => attentionDifference(c, shownB.components[i]!)),
      { ...(a.hints.layer !== undefined ? { layer: a.hints.layer } : {}) },
    ),
    ...first,
  };
}

/** What the second input is: parsed `data-b`, or a load of `text-b` through the adapter. */
export class SecondInput {
  data: AttentionData | undefined;
  error: string | undefined;
  loading = false;
  private controller: AbortController | undefined;

  constructor(private readonly changed: () => void) {}

  /** Parses `input` (undefined: no second input). */
  set(input: AttentionInput | undefined): void {
    this.data = undefined;
    this.error = undefined;
    if (input === undefined || input === null) return;
    try {
      this.data = parseAttention(input);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** Computes `text` with `model` through the adapter; `done` gets the result (as `data-b`). */
  load(model: string | undefined, text: string | undefined, done: (data: AttentionData) => void): void {
    this.cancel();
    const loader = attentionLoader();
    if (!model || !text || !loader) return;
    const controller = (this.controller = new AbortController());
    this.loading = true;
    this.error = undefined;
    loader({ model, text, signal: controller.signal, onProgress: () => {} }).then(
      (data) => {
        if (this.controller !== controller) return;
        this.loading = false;
        done(data);
      },
      (e: unknown) => {
        if (this.controller !== controller || controller.signal.aborted) return;
        this.loading = false;
        this.error = e instanceof Error ? e.message : String(e);
        this.changed();
      },
    );
  }

  /** Stops a load in flight (data changed, or the explorer left the page). */
  cancel(): void {
    this.controller?.abort();
    this.controller = undefined;
    this.loading = false;
  }
}

/** Under the difference grid: what was compared, and what was not. */
export function renderCompareNote(c: Comparison): TemplateResult {
  const rest = (label: string, tokens: readonly string[]) =>
    tokens.length ? html` · not compared in ${label}: <mark>${tokens.join(' ')}</mark>` : nothing;
  return html`<p class="hint" part="compare-note">
    A − B over ${c.compared} token${c.compared === 1 ? '' : 's'}${rest('A', c.onlyA)}${rest('B', c.onlyB)}
  </p>`;
}
