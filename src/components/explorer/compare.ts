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
import { errorMessage } from '../shared/attn-view.js';
import type { AggregateMode, HideMode } from '../shared/derive.js';
import { deriveChoices, type Derivation } from '../shared/derive-job.js';

/** What the explorer compares: the difference of both inputs as the views show them. */
export interface Comparison {
  readonly difference: AttentionData;
  /** Tokens compared, and those of A and of B left out (marked under the grid). */
  readonly compared: number;
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
}

/** The choices both inputs are shown with, and so compared with. */
export interface Choices {
  readonly words: boolean;
  readonly hide: HideMode;
  readonly aggregate: AggregateMode;
}

/**
 * A − B for each component the two inputs share (by position: the same model gives the same
 * components), each as shown (`words`, `hide` and `aggregate` applied).
 * @throws AttentionDataError when the two are not attention of the same model, or share no position.
 */
function compare(a: AttentionData, shownA: AttentionData, shownB: AttentionData): Comparison {
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

/**
 * The grid of A − B for the explorer's choices: computed at once, or, when A and B need a flow or
 * a long rollout, once the derivations' worker has them (the same computations the head and
 * neuron views of A and B ask for, so done once).
 */
export class Difference {
  comparison: Comparison | undefined;
  error: string | undefined;
  /** A computation was dropped while the explorer was away: compute again when it is back. */
  stale = false;
  /** Settles once A's and B's derivations are done and compared (undefined when none is under way). */
  pending: Promise<void> | undefined;
  private jobs: Derivation[] = [];

  constructor(private readonly changed: () => void) {}

  /** The share of A's and B's derivations done while they are computed, else undefined. */
  get progress(): number | undefined {
    const { jobs } = this;
    if (this.comparison || this.error || jobs.length === 0) return undefined;
    return jobs.reduce((sum, j) => sum + (j.result ? 1 : j.progress), 0) / jobs.length;
  }

  /** Compares `a` and `b` (none when either is missing) as shown with `choices`. */
  update(a: AttentionData | undefined, b: AttentionData | undefined, choices: Choices): void {
    this.release();
    this.comparison = this.error = this.pending = undefined;
    this.stale = false;
    if (!a || !b) return;
    const jobs: Derivation[] = (this.jobs = []);
    const derive = (d: AttentionData) => {
      const derived = deriveChoices(d, choices.words, choices.hide, choices.aggregate);
      if ('shown' in derived) return () => derived.shown;
      jobs.push(derived.job);
      return () => derived.job.result!;
    };
    try {
      const [shownA, shownB] = [derive(a), derive(b)];
      const finish = () => {
        const failed = jobs.find((j) => j.error);
        if (failed) throw new AttentionDataError('aggregate', 'a derivation that completes', failed.error!);
        this.comparison = compare(a, shownA(), shownB());
      };
      if (jobs.every((j) => j.result || j.error)) return finish();
      for (const j of jobs) j.onProgress(this.changed);
      this.pending = Promise.all(jobs.map((j) => j.done)).then(() => {
        if (this.jobs !== jobs) return;
        this.pending = undefined;
        try {
          finish();
        } catch (e) {
          this.error = errorMessage(e);
        }
        this.changed();
      });
    } catch (e) {
      this.error = errorMessage(e);
    }
  }

  /** The explorer left the page: work still to do stops, and is done again on return. */
  pause(): void {
    if (this.progress === undefined) return;
    this.release();
    this.pending = undefined;
    this.stale = true;
  }

  private release(): void {
    for (const j of this.jobs) j.release();
    this.jobs = [];
  }
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
