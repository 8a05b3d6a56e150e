/**
 * `src/render`: how pixels are made, with no DOM and no Lit. Layouts place tokens, grid cells
 * and neuron columns; rasters draw attention lines and thumbnails into RGBA buffers; scenes are
 * the shapes an export or a canvas paints; buffers.ts keeps large pixel buffers for reuse. Views
 * call these with already-derived numbers (the core's) and a canvas-like target; tests run them on
 * plain arrays.
 */
export {
  headLayout,
  rowCenter,
  rowAt,
  visibleRows,
  type HeadLayout,
  type HeadLayoutOptions,
} from './head-layout.js';
export { gridLayout, cellX, cellY, type GridLayout, type GridLayoutOptions } from './grid-layout.js';
export {
  neuronLayout,
  type NeuronLayout,
  type NeuronLayoutOptions,
  type NeuronColumn,
  type NeuronColumnId,
} from './neuron-layout.js';
export { binEdges, poolMax, poolMean, type PooledMatrix } from './pooling.js';
export { type LineOpacity } from './head-scene.js';
