/** Registers every attnviz element. */
import './components/head-view/define.js';
import './components/model-view/define.js';
import './components/neuron-view/define.js';
import './components/explorer/define.js';

export { AttnHeadView } from './components/head-view/define.js';
export { AttnModelView } from './components/model-view/define.js';
export { AttnNeuronView } from './components/neuron-view/define.js';
export { AttnExplorer } from './components/explorer/define.js';
