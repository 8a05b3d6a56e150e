/**
 * The properties a framework may set on each element, shared by the React and Vue typings so
 * that both list the same ones.
 */
import type { AttnHeadView } from '../components/head-view/head-view.js';
import type { AttnModelView } from '../components/model-view/model-view.js';
import type { AttnNeuronView } from '../components/neuron-view/neuron-view.js';
import type { AttnExplorer } from '../components/explorer/explorer.js';

/**
 * What every view computes attention from, with the transformers.js adapter, and the derived
 * attention every view can show instead of the heads and tokens as given.
 */
type ModelProperty =
  | 'model'
  | 'text'
  | 'textPair'
  | 'targetText'
  | 'generate'
  | 'computeLayers'
  | 'computeHeads'
  | 'layersOnDemand'
  | 'words'
  | 'hide'
  | 'aggregate'
  | 'choicesApplied';

export type AttnHeadViewProperties = Partial<
  Pick<
    AttnHeadView,
    'data' | 'layer' | 'heads' | 'filter' | 'theme' | 'lineOpacity' | 'includeLayers' | ModelProperty
  >
>;

export type AttnModelViewProperties = Partial<
  Pick<
    AttnModelView,
    | 'data'
    | 'filter'
    | 'theme'
    | 'thumbnail'
    | 'summary'
    | 'sort'
    | 'highlightAbove'
    | 'highlightBelow'
    | 'selectedLayer'
    | 'selectedHead'
    | 'includeLayers'
    | 'includeHeads'
    | 'noDetail'
    | ModelProperty
  >
>;

export type AttnNeuronViewProperties = Partial<
  Pick<
    AttnNeuronView,
    'data' | 'filter' | 'theme' | 'layer' | 'head' | 'token' | 'neuron' | 'dimensionOrder' | ModelProperty
  >
>;

export type AttnExplorerProperties = Partial<
  Pick<
    AttnExplorer,
    | 'data'
    | 'dataB'
    | 'textB'
    | 'filter'
    | 'theme'
    | 'layer'
    | 'head'
    | 'token'
    | 'thumbnail'
    | 'summary'
    | 'sort'
    | 'highlightAbove'
    | 'highlightBelow'
    | ModelProperty
  >
>;
