/**
 * JSX typings for React 19, which passes properties and `on<event-name>` listeners to custom
 * elements natively. Import once for its types: `import type {} from 'attnviz/react';`.
 *
 * ```tsx
 * <attn-head-view data={attention} layer={3} onattn-heads-change={(e) => console.log(e.detail.heads)} />
 * ```
 */
import type { HTMLAttributes, RefAttributes } from 'react';
import type { AttnHeadView } from '../components/head-view/head-view.js';
import type { AttnModelView } from '../components/model-view/model-view.js';
import type { AttnNeuronView } from '../components/neuron-view/neuron-view.js';
import type { AttnExplorer } from '../components/explorer/explorer.js';
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

/** Listeners React 19 attaches with `addEventListener` (the prop name is `on` + the event name). */
export interface AttnViewEventProps {
  'onattn-layer-change'?: (event: CustomEvent<AttnLayerChangeDetail>) => void;
  'onattn-heads-change'?: (event: CustomEvent<AttnHeadsChangeDetail>) => void;
  'onattn-filter-change'?: (event: CustomEvent<AttnFilterChangeDetail>) => void;
  'onattn-token-focus'?: (event: CustomEvent<AttnTokenFocusDetail>) => void;
  'onattn-head-select'?: (event: CustomEvent<AttnHeadSelectDetail>) => void;
  'onattn-neuron-change'?: (event: CustomEvent<AttnNeuronChangeDetail>) => void;
  'onattn-load'?: (event: CustomEvent<AttnLoadDetail>) => void;
  'onattn-words-change'?: (event: CustomEvent<AttnWordsChangeDetail>) => void;
  'onattn-hide-change'?: (event: CustomEvent<AttnHideChangeDetail>) => void;
  'onattn-aggregate-change'?: (event: CustomEvent<AttnAggregateChangeDetail>) => void;
}

/** The adapter's attributes under their HTML names (React sets unknown names as attributes). */
interface ModelAttributes {
  'text-pair'?: string;
  'target-text'?: string;
  'compute-layers'?: string;
  'compute-heads'?: string;
  'layers-on-demand'?: boolean;
}

type ElementProps<E extends HTMLElement> = Omit<HTMLAttributes<E>, 'children'> &
  RefAttributes<E> & { class?: string; children?: never };

export type AttnHeadViewProps = ElementProps<AttnHeadView> &
  AttnViewEventProps &
  ModelAttributes &
  AttnHeadViewProperties & {
    'line-opacity'?: AttnHeadView['lineOpacity'];
    'include-layers'?: string;
  };

export type AttnModelViewProps = ElementProps<AttnModelView> &
  AttnViewEventProps &
  ModelAttributes &
  AttnModelViewProperties & {
    'include-layers'?: string;
    'include-heads'?: string;
    'highlight-above'?: number;
    'highlight-below'?: number;
    'selected-layer'?: number;
    'selected-head'?: number;
    'no-detail'?: boolean;
  };

export type AttnNeuronViewProps = ElementProps<AttnNeuronView> &
  AttnViewEventProps &
  ModelAttributes &
  AttnNeuronViewProperties & { 'dimension-order'?: AttnNeuronView['dimensionOrder'] };

export type AttnExplorerProps = ElementProps<AttnExplorer> &
  AttnViewEventProps &
  ModelAttributes &
  AttnExplorerProperties & {
    'highlight-above'?: number;
    'highlight-below'?: number;
  };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'attn-head-view': AttnHeadViewProps;
      'attn-model-view': AttnModelViewProps;
      'attn-neuron-view': AttnNeuronViewProps;
      'attn-explorer': AttnExplorerProps;
    }
  }
}
