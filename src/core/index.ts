/**
 * `attnviz/core`: the data model and everything derived from it, as pure functions with no DOM.
 * Components and adapters import from here; this layer imports neither.
 */
export type * from './types.js';
export { AttentionDataError } from './errors.js';
export {
  parseAttention,
  isAttentionData,
  checkTokens,
  type AttentionInput,
  type AttentionSetInput,
  type EncoderDecoderInput,
  type BertvizViewParams,
  type BertvizAttentionEntry,
  type BertvizNeuronParams,
  type BertvizNeuronBlock,
  type ParseOptions,
} from './parse/index.js';
export {
  readTensor,
  halfToFloat,
  MAX_TENSOR_VALUES,
  type TensorInput,
  type TensorLike,
  type DenseTensor,
} from './tensor.js';
export { ROW_SUM_TOLERANCE, ROW_SUM_TOLERANCE_HALF } from './validate.js';
export {
  applyFilter,
  availableFilters,
  sentencePairBlock,
  selectSubset,
  headMatrix,
  layerIndexOf,
  rangeText,
  FILTER_LABELS,
  PAIR_BLOCKS,
  type AttentionFilter,
  type PairBlock,
  type SubsetOptions,
} from './filters.js';
export { meanOverHeads, layerMax } from './aggregate.js';
export {
  aggregateHeads,
  aggregateLayers,
  attentionRollout,
  attentionFlow,
  attentionDifference,
  alignTokens,
  mergeWords,
  wordGroups,
  dropTokens,
  type Aggregation,
  type RolloutOptions,
  type FlowOptions,
  type Alignment,
  type DropOptions,
} from './derived/index.js';
export { layerName, headName, headShort, layerShort } from './labels.js';
export { attentionData } from './brand.js';
export {
  displayToken,
  displayTokens,
  detectTokenStyle,
  isSpecialToken,
  decodeByteLevel,
  decodeSentencePiece,
  visibleWhitespace,
  type DisplayToken,
  type TokenKind,
  type TokenStyle,
} from './tokens.js';
export {
  headPalette,
  paletteSequence,
  toHex,
  parseColor,
  contrastRatio,
  relativeLuminance,
  visionDistances,
  VISIONS,
  MIN_CONTRAST,
  type Rgb,
  type PaletteTheme,
} from './palette.js';
export { formatExact, formatWeight } from './format.js';
export { toggleHead, soloHead } from './heads.js';
export {
  headSummary,
  headSummaries,
  isDelimiter,
  delimiterMask,
  SUMMARY_NAMES,
  SUMMARY_LABELS,
  type SummaryName,
  type HeadSummary,
  type HeadSummaries,
} from './summaries.js';
export {
  neuronRow,
  checkSoftmax,
  valueMix,
  dimensionContributions,
  dimensionOrder,
  hasVectors,
  SOFTMAX_TOLERANCE,
  type NeuronRow,
  type SoftmaxCheck,
  type ValueMix,
} from './neuron.js';
export {
  registerAttentionLoader,
  attentionLoader,
  type AttentionLoader,
  type SourceRequest,
  type SourceProgress,
} from './loader.js';
