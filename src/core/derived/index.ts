/** Derived attention: pure functions from one `AttentionComponent` to another that every view can show. */
export { aggregateHeads, aggregateLayers } from './aggregate.js';
export { attentionRollout, type RolloutOptions } from './rollout.js';
export { attentionFlow, type FlowOptions } from './flow.js';
export { mergeWords, wordGroups } from './words.js';
export { dropTokens, type DropOptions } from './drop.js';
export { attentionDifference, alignTokens, type Alignment } from './difference.js';
export type { Aggregation } from './common.js';
