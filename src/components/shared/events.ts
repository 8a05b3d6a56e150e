/**
 * The events views fire on user actions. All are `CustomEvent`s named `attn-*` that bubble and
 * cross shadow roots (composed), so a page can listen on any ancestor.
 */

import type { TokenSide } from '../../core/types.js';

export type { TokenSide };

export interface AttnLayerChangeDetail {
  /** The model's own number of the layer now shown. */
  readonly layer: number;
}

export interface AttnHeadsChangeDetail {
  /** The model's own numbers of the heads now active, in model order. */
  readonly heads: readonly number[];
}

export interface AttnFilterChangeDetail {
  readonly filter: string;
}

export interface AttnTokenFocusDetail {
  /** The focused column, or null when no token is focused any more. */
  readonly side: TokenSide | null;
  /** Index of the token in its column as shown, or null. */
  readonly index: number | null;
  /** Position of the token in the model's input (differs from `index` in sentence-pair blocks). */
  readonly position: number | null;
  /** The token as the tokenizer produced it, or null. */
  readonly token: string | null;
  /** True when the token is pinned (click or Enter) rather than hovered. */
  readonly pinned: boolean;
}

export interface AttnHeadSelectDetail {
  /** The model's number of the opened head's layer, or null when the detail view closed. */
  readonly layer: number | null;
  /** The model's number of the opened head, or null when the detail view closed. */
  readonly head: number | null;
}

export interface AttnNeuronChangeDetail {
  /** The highlighted dimension (neuron) index, or null when the highlight was cleared. */
  readonly neuron: number | null;
}

export interface AttnWordsChangeDetail {
  /** True when the view now shows word-level attention. */
  readonly words: boolean;
}

export interface AttnHideChangeDetail {
  /** The tokens now left out: `none`, `first` or `special`. */
  readonly hide: 'none' | 'first' | 'special';
}

export interface AttnAggregateChangeDetail {
  /** The heads now shown: each (`none`), `mean`, `max`, `rollout` or `flow`. */
  readonly aggregate: 'none' | 'mean' | 'max' | 'rollout' | 'flow';
}

export interface AttnLoadDetail {
  /** The model whose attention was computed from `model` and `text`. */
  readonly model: string;
}

declare global {
  interface HTMLElementEventMap {
    'attn-layer-change': CustomEvent<AttnLayerChangeDetail>;
    'attn-heads-change': CustomEvent<AttnHeadsChangeDetail>;
    'attn-filter-change': CustomEvent<AttnFilterChangeDetail>;
    'attn-token-focus': CustomEvent<AttnTokenFocusDetail>;
    'attn-head-select': CustomEvent<AttnHeadSelectDetail>;
    'attn-neuron-change': CustomEvent<AttnNeuronChangeDetail>;
    'attn-load': CustomEvent<AttnLoadDetail>;
    'attn-words-change': CustomEvent<AttnWordsChangeDetail>;
    'attn-hide-change': CustomEvent<AttnHideChangeDetail>;
    'attn-aggregate-change': CustomEvent<AttnAggregateChangeDetail>;
  }
}

/** Dispatches a bubbling, composed `CustomEvent`. */
export function fire<K extends keyof HTMLElementEventMap>(
  host: HTMLElement,
  name: K,
  detail: HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never,
): void {
  host.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
