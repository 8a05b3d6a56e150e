/**
 * Vue 3 typings: the elements as global components, for type-checked templates (Volar / vue-tsc)
 * and `h()`. Import once for its types: `import type {} from 'attnviz/vue';`. Tell Vue's compiler
 * that `attn-*` tags are custom elements (`compilerOptions.isCustomElement`), bind `data` as a
 * property (`:data` or `.data`), and listen with `@attn-heads-change`.
 */
import type { DefineComponent } from 'vue';
import type {
  AttnHeadViewProperties,
  AttnModelViewProperties,
  AttnNeuronViewProperties,
  AttnExplorerProperties,
} from './properties.js';
import type {
  AttnFilterChangeDetail,
  AttnHeadsChangeDetail,
  AttnHeadSelectDetail,
  AttnNeuronChangeDetail,
  AttnLayerChangeDetail,
  AttnTokenFocusDetail,
  AttnLoadDetail,
  AttnWordsChangeDetail,
  AttnHideChangeDetail,
  AttnAggregateChangeDetail,
} from '../components/shared/events.js';

/** Vue's names for the `attn-*` events' listeners. */
export interface AttnViewEventProps {
  onAttnLayerChange?: (event: CustomEvent<AttnLayerChangeDetail>) => void;
  onAttnHeadsChange?: (event: CustomEvent<AttnHeadsChangeDetail>) => void;
  onAttnFilterChange?: (event: CustomEvent<AttnFilterChangeDetail>) => void;
  onAttnTokenFocus?: (event: CustomEvent<AttnTokenFocusDetail>) => void;
  onAttnHeadSelect?: (event: CustomEvent<AttnHeadSelectDetail>) => void;
  onAttnNeuronChange?: (event: CustomEvent<AttnNeuronChangeDetail>) => void;
  onAttnLoad?: (event: CustomEvent<AttnLoadDetail>) => void;
  onAttnWordsChange?: (event: CustomEvent<AttnWordsChangeDetail>) => void;
  onAttnHideChange?: (event: CustomEvent<AttnHideChangeDetail>) => void;
  onAttnAggregateChange?: (event: CustomEvent<AttnAggregateChangeDetail>) => void;
}

export type AttnHeadViewVueProps = AttnViewEventProps & AttnHeadViewProperties;

export type AttnModelViewVueProps = AttnViewEventProps & AttnModelViewProperties;

export type AttnNeuronViewVueProps = AttnViewEventProps & AttnNeuronViewProperties;

export type AttnExplorerVueProps = AttnViewEventProps & AttnExplorerProperties;

declare module 'vue' {
  interface GlobalComponents {
    'attn-head-view': DefineComponent<AttnHeadViewVueProps>;
    AttnHeadView: DefineComponent<AttnHeadViewVueProps>;
    'attn-model-view': DefineComponent<AttnModelViewVueProps>;
    AttnModelView: DefineComponent<AttnModelViewVueProps>;
    'attn-neuron-view': DefineComponent<AttnNeuronViewVueProps>;
    AttnNeuronView: DefineComponent<AttnNeuronViewVueProps>;
    'attn-explorer': DefineComponent<AttnExplorerVueProps>;
    AttnExplorer: DefineComponent<AttnExplorerVueProps>;
  }
}
