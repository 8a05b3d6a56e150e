/**
 * What every view can show instead of the tokens as given: word-level attention (`words`) and
 * attention without some tokens (`hide`), derived from the parsed data by `attnviz/core`'s
 * `mergeWords` and `dropTokens` before the view picks its filter, layer and heads.
 */
import { html, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { aggregateHeads, attentionRollout, dropTokens, mergeWords } from '../../core/derived/index.js';
import { attentionData } from '../../core/brand.js';
import { AttentionDataError } from '../../core/errors.js';
import { isSpecialToken } from '../../core/tokens.js';
import type { AttentionComponent, AttentionData } from '../../core/types.js';

/** Tokens left out: none, the first (a decoder's attention sink), or the special ones ([CLS], <s>…). */
export type HideMode = 'none' | 'first' | 'special';
export const HIDE_MODES: readonly HideMode[] = ['none', 'first', 'special'];

/** Heads shown: each as it is, their mean or maximum per layer, or the rollout through each layer. */
export type AggregateMode = 'none' | 'mean' | 'max' | 'rollout';
export const AGGREGATE_MODES: readonly AggregateMode[] = ['none', 'mean', 'max', 'rollout'];
const AGGREGATE_LABELS: Record<AggregateMode, string> = {
  none: 'Each',
  mean: 'Mean',
  max: 'Max',
  rollout: 'Rollout',
};

/**
 * `data` with `hide` applied to each component, then `words`, then `aggregate` (rollout for
 * self-attention; cross attention, which has no rollout, gets the mean of its heads); `data`
 * itself when nothing is asked.
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
      const hiddenC = hidden(c, hide);
      const shown = words ? mergeWords(hiddenC) : hiddenC;
      if (aggregate === 'none') return shown;
      if (aggregate === 'rollout' && shown.name !== 'cross') return attentionRollout(checkRolloutCost(shown));
      return aggregateHeads(shown, aggregate === 'max' ? 'max' : 'mean');
    }),
    // Combined heads have no numbers of their own: a head hint (bertviz's `heads`) no longer applies.
    aggregate === 'none'
      ? data.hints
      : { ...(data.hints.layer !== undefined ? { layer: data.hints.layer } : {}) },
  );
}

/**
 * Multiply-adds (layers × tokens³) the views compute a rollout for on the page: ~1 s on a laptop
 * core, 512 tokens × 12 layers. Beyond, the view says so rather than freeze the page, until
 * rollout runs in a worker.
 */
export const MAX_ROLLOUT_WORK = 512 ** 3 * 12;

function checkRolloutCost(c: AttentionComponent): AttentionComponent {
  const [L, , T] = c.shape;
  if (L * T ** 3 > MAX_ROLLOUT_WORK) {
    throw new AttentionDataError(
      'aggregate',
      `a rollout of at most ${MAX_ROLLOUT_WORK.toExponential(1)} multiply-adds (layers × tokens³, e.g. 512 tokens × 12 layers) in the page`,
      `${L} layers × ${T} tokens (${(L * T ** 3).toExponential(1)}); call attentionRollout from attnviz/core in a worker and pass its result as data`,
    );
  }
  return c;
}

/** The head view's "Heads" selector: each head, their mean or maximum, or the rollout. */
export function renderAggregateChoice(
  value: AggregateMode,
  onChange: (mode: AggregateMode) => void,
): TemplateResult {
  return html`<label
    title="Mean and max combine the heads of each layer; rollout follows attention through the layers below (Abnar & Zuidema 2020)"
    >Heads
    <select
      part="aggregate-select"
      @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value as AggregateMode)}
    >
      ${AGGREGATE_MODES.map((m) => html`<option value=${m} .selected=${live(m === value)}>${AGGREGATE_LABELS[m]}</option>`)}
    </select></label
  >`;
}

function hidden(c: AttentionComponent, hide: HideMode): AttentionComponent {
  const positions =
    hide === 'first'
      ? [0]
      : hide === 'special'
        ? c.keyTokens.flatMap((t, i) => (isSpecialToken(t) ? [i] : []))
        : [];
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
