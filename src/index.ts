/**
 * attnviz: web components that show how Transformer language models attend.
 *
 * - `attnviz/core`: the data model: `parseAttention` and pure derivations (filters, aggregation,
 *   token labels, palette, layout). No DOM.
 * - `attnviz` (this module): the element classes and the core, without registering tags.
 * - `attnviz/define`: registers every element; `attnviz/head-view`, `attnviz/model-view`,
 *   `attnviz/neuron-view` and `attnviz/explorer` register one (the model view also registers the head view its detail panel uses).
 * - `attnviz/attnviz.min.js`: one self-contained file for a plain `<script type="module">`.
 */
export * from './core/index.js';
export { AttnHeadView } from './components/head-view/head-view.js';
export * from './render/index.js';
export { AttnModelView, type ThumbnailMode, type SortOrder } from './components/model-view/model-view.js';
export { AttnNeuronView, type DimensionOrder } from './components/neuron-view/neuron-view.js';
export { AttnExplorer } from './components/explorer/explorer.js';
export type {
  TokenSide,
  AttnLayerChangeDetail,
  AttnHeadsChangeDetail,
  AttnFilterChangeDetail,
  AttnTokenFocusDetail,
  AttnHeadSelectDetail,
  AttnNeuronChangeDetail,
  AttnLoadDetail,
  AttnWordsChangeDetail,
  AttnHideChangeDetail,
  AttnAggregateChangeDetail,
} from './components/shared/events.js';
export type { ThemeName } from './components/shared/theme.js';
export { THEME_TOKENS } from './components/shared/theme.js';
