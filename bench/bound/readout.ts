/**
 * The head view's readout for `BENCH_BOUND=1` (bench/versus.mjs swaps it in for the view's own):
 * always the readout at rest, so that a hover changes no text. Timing the views with it bounds
 * what any cheaper readout could give.
 */
import {
  renderReadout as readout,
  type ReadoutOptions,
} from '../../src/components/head-view/head-readout.js';

export type { ReadoutOptions } from '../../src/components/head-view/head-readout.js';

export function renderReadout(o: ReadoutOptions) {
  return readout({ ...o, focus: null, partner: null });
}
