/** Registers every attnviz element. */
import './components/head-view/define.js';

export { AttnHeadView } from './components/head-view/define.js';
