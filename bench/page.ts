/**
 * Benchmark page: runs in headless Chromium. Each case mounts a view on synthetic attention of 12
 * heads and measures what a user waits for. bench/run.mjs bundles an entry like this one that
 * imports only the parts its BENCH_VIEWS need.
 */
import { cases as head } from './page-head.js';
import { cases as model } from './page-model.js';
import { cases as neuron } from './page-neuron.js';

Object.assign(window, { bench: { ...head, ...model, ...neuron } });
