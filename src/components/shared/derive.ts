/**
 * What every view can show instead of the tokens as given: word-level attention (`words`) and
 * attention without some tokens (`hide`), derived from the parsed data by `attnviz/core`'s
 * `mergeWords` and `dropTokens` before the view picks its filter, layer and heads.
 */
import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  aggregateHeads,
  attentionFlow,
  attentionRollout,
  dropTokens,
  mergeWords,
  wordGroups,
} from '../../core/derived/index.js';
import { attentionData } from '../../core/brand.js';
import { isSpecialToken } from '../../core/tokens.js';
import type { AttentionComponent, AttentionData } from '../../core/types.js';

/** Tokens left out: none, the first (a decoder's attention sink), or the special ones ([CLS], <s>…). */
export type HideMode = 'none' | 'first' | 'special';
export const HIDE_MODES: readonly HideMode[] = ['none', 'first', 'special'];

/**
 * Heads shown: each as it is, their mean or maximum per layer, or the rollout or flow through
 * each layer.
 */
export type AggregateMode = 'none' | 'mean' | 'max' | 'rollout' | 'flow';
export const AGGREGATE_MODES: readonly AggregateMode[] = ['none', 'mean', 'max', 'rollout', 'flow'];
const AGGREGATE_LABELS: Record<AggregateMode, string> = {
  none: 'Each',
  mean: 'Mean',
  max: 'Max',
  rollout: 'Rollout',
  flow: 'Flow',
};

/**
 * `data` with `hide` applied to each component, then `words`, then `aggregate` (rollout or flow
 * for self-attention; cross attention, which has neither, gets the mean of its heads); `data`
 * itself when nothing is asked. Flow, and rollout beyond `IN_PAGE_ROLLOUT_WORK`, are for
 * `deriveOffThread` (see `offThreadKind`); asked here, they run in place.
 */
export function deriveShown(
  data: AttentionData,
  words: boolean,
  hide: HideMode,
  aggregate: AggregateMode = 'none',
): AttentionData {
  if (!words && hide === 'none' && aggregate === 'none') return data;
  return attentionData(
    data.components.map((c) => {
      const shown = tokensShown(c, words, hide);
      if (aggregate === 'none') return shown;
      if (aggregate === 'rollout' && shown.name !== 'cross') return attentionRollout(shown);
      if (aggregate === 'flow' && shown.name !== 'cross') return attentionFlow(shown);
      return aggregateHeads(shown, aggregate === 'max' ? 'max' : 'mean');
    }),
    shownHints(data, aggregate),
  );
}

/** The data's display hints, less the head hint (bertviz's `heads`) when heads are combined. */
export function shownHints(data: AttentionData, aggregate: AggregateMode): AttentionData['hints'] {
  return aggregate === 'none'
    ? data.hints
    : { ...(data.hints.layer !== undefined ? { layer: data.hints.layer } : {}) };
}

/** `c` with `hide`, then `words`, applied. */
export function tokensShown(c: AttentionComponent, words: boolean, hide: HideMode): AttentionComponent {
  const hiddenC = hidden(c, hide);
  return words ? mergeWords(hiddenC) : hiddenC;
}

/**
 * How many queries `tokensShown` leaves, from the tokens alone (no weights are made): those
 * `hide` keeps, or the words they make.
 */
export function queriesShown(c: AttentionComponent, words: boolean, hide: HideMode): number {
  const dropped = new Set(hiddenPositions(c, hide));
  const tokens = c.queryTokens.filter((_, i) => !dropped.has(i));
  return words ? wordGroups(tokens).length : tokens.length;
}

/**
 * Multiply-adds (layers × tokens³) of a rollout computed in the page: ~20 ms, 128 tokens × 12
 * layers. Longer rollouts go to the derivations' worker, as every flow does.
 */
export const IN_PAGE_ROLLOUT_WORK = 128 ** 3 * 12;

/** `flow` or `rollout` when `aggregate` on `data` is work for the derivations' worker. */
export function offThreadKind(data: AttentionData, aggregate: AggregateMode): 'flow' | 'rollout' | undefined {
  if (aggregate === 'flow') return 'flow';
  if (aggregate !== 'rollout') return undefined;
  const heavy = data.components.some(
    (c) => c.name !== 'cross' && c.shape[0] * c.shape[2] ** 3 > IN_PAGE_ROLLOUT_WORK,
  );
  return heavy ? 'rollout' : undefined;
}

/** The "Heads" selector: each head, their mean or maximum, or the rollout or flow. */
export function renderAggregateChoice(
  value: AggregateMode,
  onChange: (mode: AggregateMode) => void,
): TemplateResult {
  return html`<label
    title="Mean and max combine the heads of each layer; rollout and flow follow attention through the layers below (Abnar & Zuidema 2020)"
    >Heads
    <select
      part="aggregate-select"
      @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value as AggregateMode)}
    >
      ${AGGREGATE_MODES.map((m) => html`<option value=${m} .selected=${live(m === value)}>${AGGREGATE_LABELS[m]}</option>`)}
    </select></label
  >`;
}

/** While a flow or a long rollout is computed off the main thread: what and how far. */
export function renderDeriveProgress(aggregate: AggregateMode, progress: number, of = ''): TemplateResult {
  const what = aggregate === 'flow' ? 'attention flow' : 'attention rollout';
  return html`<div class="loading" part="loading" role="status">
    <span>Computing ${what}${of}: ${Math.round(progress * 100)}%…</span>
    <progress max="1" .value=${progress} aria-label="Progress"></progress>
  </div>`;
}

/** The positions `hide` drops. */
function hiddenPositions(c: AttentionComponent, hide: HideMode): number[] {
  if (hide === 'first') return [0];
  return hide === 'special' ? c.keyTokens.flatMap((t, i) => (isSpecialToken(t) ? [i] : [])) : [];
}

function hidden(c: AttentionComponent, hide: HideMode): AttentionComponent {
  const positions = hiddenPositions(c, hide);
  return positions.length > 0 ? dropTokens(c, positions) : c;
}

export interface TokenChoices {
  readonly words: boolean;
  readonly hide: HideMode;
  /** False for a view that cannot show word-level attention: only the hide choices are offered. */
  readonly wordsOffered: boolean;
  readonly onChange: (words: boolean, hide: HideMode) => void;
}

const HIDE_LABELS: Record<HideMode, string> = { none: '', first: 'no first', special: 'no special' };

/** A label for a words/hide pair: "As given", "Words", "No first", "Words, no special"… */
function choiceLabel(words: boolean, hide: HideMode): string {
  const parts = [words ? 'Words' : '', HIDE_LABELS[hide]].filter(Boolean).join(', ');
  return parts ? parts[0]!.toUpperCase() + parts.slice(1) : 'As given';
}

/**
 * The toolbar's one "Tokens" selector for `words` and `hide` together (one control, so that
 * toolbars stay two rows at half a page): as given, words, without the first or the special
 * tokens, and words without them.
 */
export function renderTokenChoices(o: TokenChoices): TemplateResult {
  const choices = (o.wordsOffered ? [false, true] : [false]).flatMap((words) =>
    HIDE_MODES.map((hide) => ({ words, hide, value: `${words ? 'words' : 'tokens'}:${hide}` })),
  );
  const onChange = (e: Event) => {
    const chosen = choices.find((c) => c.value === (e.target as HTMLSelectElement).value)!;
    o.onChange(chosen.words, chosen.hide);
  };
  return html`<label title="Words: attention to a split word is the sum over its pieces, from it their mean"
    >Tokens
    <select part="tokens-select" @change=${onChange}>
      ${choices.map(
        (c) =>
          html`<option value=${c.value} .selected=${live(c.words === o.words && c.hide === o.hide)}>
            ${choiceLabel(c.words, c.hide)}
          </option>`,
      )}
    </select></label
  >`;
}
