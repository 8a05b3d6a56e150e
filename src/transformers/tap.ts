/**
 * The ONNX tap: finds every attention Softmax in a model's graph by its structure and adds the
 * attention probabilities, queries, keys and values as extra graph outputs, so that one run of
 * the model returns them. Nothing else in the graph changes, so the model's own outputs stay
 * bit-identical.
 *
 * An attention Softmax is one whose probabilities feed a MatMul (P·V) and whose input comes, through
 * element-wise ops (scale, mask, causal Where), from a MatMul of two activations (Q·Kᵀ). Its query
 * is that MatMul's first input `[b, h, s, d]`, its keys the second `[b, h, d, s]` (transposed),
 * its values the other input of P·V.
 */
import { inlineNoPastBranch, USE_CACHE_BRANCH } from './inline.js';
import {
  readModel,
  GRAPH_FIELDS,
  MODEL_GRAPH_FIELD,
  type GraphNode,
  type GraphStructure,
  type OnnxGraph,
  type OnnxModel,
} from './onnx.js';
import { Writer } from './proto.js';
import { unfuseGraph, UNFUSED_OPS } from './unfuse.js';

/** Operators that fuse attention into one node: no Softmax to tap. */
export const FUSED_ATTENTION_OPS = [
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'DecoderMaskedMultiHeadAttention',
  'SparseAttention',
];

/** Ops allowed between the scores MatMul and the Softmax, and between the Softmax and P·V. */
const PATH_OPS = new Set([
  'Div',
  'Mul',
  'Add',
  'Sub',
  'Where',
  'Cast',
  'Reshape',
  'Max',
  'Min',
  'Clip',
  'Dropout',
  'Identity',
  // A soft cap on the scores (Gemma 2, GroupQueryAttention's softcap): cap · tanh(x / cap).
  'Tanh',
]);
const SCALE_OPS = new Set(['Div', 'Mul']);
/** Ops whose output depends on their input's shape only, not on its values. */
const SHAPE_OPS = new Set(['Shape', 'Size']);

export interface AttentionTap {
  /** Tensor names: the Softmax output `[b, h, q, k]`, the scores MatMul's inputs, P·V's other input. */
  readonly probs: string;
  readonly query: string;
  readonly keyT: string;
  readonly value: string;
  /**
   * True when nothing scales the scores between Q·Kᵀ and the Softmax: the model either scaled q
   * and k beforehand (SDPA-style, d^-¼ each; BART-style, q by 1/√d) or does not scale at all (T5),
   * so the tapped vectors' dot product is the score itself.
   */
  readonly vectorsScaled: boolean;
  /**
   * The graph inputs whose values the keys are computed from (shapes aside), sorted. In a
   * seq2seq decoder, cross attention's keys come from `encoder_hidden_states` alone; self
   * attention's from `input_ids` (and, past the first layer, the encoder's states too).
   */
  readonly keySources: readonly string[];
}

export class UnsupportedModelError extends Error {
  override readonly name = 'UnsupportedModelError';
}

interface GraphIndex {
  readonly producer: Map<string, GraphNode>;
  readonly consumers: Map<string, GraphNode[]>;
  readonly constants: Set<string>;
}

function index(graph: GraphStructure): GraphIndex {
  const producer = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  const constants = new Set(graph.initializers);
  for (const node of graph.nodes) {
    for (const out of node.outputs) producer.set(out, node);
    if (node.opType === 'Constant') for (const out of node.outputs) constants.add(out);
    for (const input of node.inputs) {
      const list = consumers.get(input);
      if (list) list.push(node);
      else consumers.set(input, [node]);
    }
  }
  return { producer, consumers, constants };
}

/**
 * True when a tensor is a weight or computed from weights and shapes only (a scale, 1/√d from the
 * head size, a constant mask).
 */
function isConstant(name: string, ix: GraphIndex, depth = 0): boolean {
  if (name === '' || ix.constants.has(name)) return true;
  const node = ix.producer.get(name);
  if (node && SHAPE_OPS.has(node.opType)) return true;
  if (!node || depth > 4) return false;
  return node.inputs.every((i) => isConstant(i, ix, depth + 1));
}

/** The scores MatMul behind a Softmax input, through element-wise ops; and whether they scale. */
function scoresMatMul(name: string, ix: GraphIndex, depth = 0): { node: GraphNode; scaled: boolean } | null {
  const node = ix.producer.get(name);
  if (!node || depth > 8) return null;
  if (node.opType === 'MatMul') {
    const [a, b] = node.inputs;
    return a && b && !isConstant(a, ix) && !isConstant(b, ix) ? { node, scaled: false } : null;
  }
  if (!PATH_OPS.has(node.opType)) return null;
  for (const input of node.inputs) {
    if (isConstant(input, ix)) continue;
    const found = scoresMatMul(input, ix, depth + 1);
    if (found) {
      const scales = SCALE_OPS.has(node.opType) && node.inputs.some((i) => i !== input && isConstant(i, ix));
      return { node: found.node, scaled: found.scaled || scales };
    }
  }
  return null;
}

/** The P·V MatMul a Softmax output reaches through element-wise ops, and its other input. */
function valueInput(name: string, ix: GraphIndex, depth = 0): string | null {
  for (const node of ix.consumers.get(name) ?? []) {
    if (node.opType === 'MatMul' && node.inputs[0] === name && node.inputs[1]) return node.inputs[1];
    if (PATH_OPS.has(node.opType) && depth < 3) {
      const v = valueInput(node.outputs[0]!, ix, depth + 1);
      if (v) return v;
    }
  }
  return null;
}

/**
 * The graph inputs whose values a tensor is computed from, through every op but those that read
 * shapes only; memoised across calls, and iterative so that a deep graph cannot overflow the stack.
 */
function inputSources(graph: GraphStructure, ix: GraphIndex): (name: string) => ReadonlySet<string> {
  const inputs = new Set(graph.inputs);
  const none: ReadonlySet<string> = new Set();
  const memo = new Map<string, ReadonlySet<string>>();
  const visiting = new Set<string>();
  return (root) => {
    const stack = [root];
    while (stack.length > 0) {
      const name = stack[stack.length - 1]!;
      if (memo.has(name)) {
        stack.pop();
        continue;
      }
      const node = ix.producer.get(name);
      if (inputs.has(name) || !node || SHAPE_OPS.has(node.opType) || ix.constants.has(name)) {
        memo.set(name, inputs.has(name) ? new Set([name]) : none);
        stack.pop();
        continue;
      }
      visiting.add(name);
      const pending = node.inputs.filter((i) => i !== '' && !memo.has(i) && !visiting.has(i));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      const sets = node.inputs.map((i) => memo.get(i) ?? none).filter((set) => set.size > 0);
      // One source set is shared rather than copied (most ops have one non-constant input).
      memo.set(name, sets.length === 1 ? sets[0]! : new Set(sets.flatMap((set) => [...set])));
      visiting.delete(name);
      stack.pop();
    }
    return memo.get(root)!;
  };
}

/** Every attention in a graph, in graph (topological, i.e. layer) order. */
export function findAttention(graph: GraphStructure): AttentionTap[] {
  const ix = index(graph);
  const sources = inputSources(graph, ix);
  const taps: AttentionTap[] = [];
  for (const node of graph.nodes) {
    if (node.opType !== 'Softmax') continue;
    const scores = scoresMatMul(node.inputs[0]!, ix);
    const value = valueInput(node.outputs[0]!, ix);
    if (!scores || !value) continue;
    taps.push({
      probs: node.outputs[0]!,
      query: scores.node.inputs[0]!,
      keyT: scores.node.inputs[1]!,
      value,
      vectorsScaled: !scores.scaled,
      keySources: [...sources(scores.node.inputs[1]!)].sort(),
    });
  }
  return taps;
}

/**
 * Fused attention nodes that unfuse.ts does not rewrite: other fused operators, and any fused
 * node inside a subgraph; by operator name.
 */
export function unfusableOperators(graph: OnnxGraph): string[] {
  const found = new Set<string>();
  const visit = (g: OnnxGraph, nested: boolean) => {
    for (const node of g.nodes) {
      const rewritten = !nested && node.domain === 'com.microsoft' && UNFUSED_OPS.includes(node.opType);
      if (
        FUSED_ATTENTION_OPS.includes(node.opType) &&
        !rewritten &&
        (node.domain === 'com.microsoft' || node.domain === '')
      ) {
        found.add(`${node.domain || 'ai.onnx'}.${node.opType}${nested ? ' (inside a subgraph)' : ''}`);
      }
      for (const a of node.attributes) if (a.graph) visit(a.graph, true);
    }
  };
  visit(graph, false);
  return [...found];
}

/** Fused attention nodes in a graph and its subgraphs, by operator name. */
export function fusedOperators(graph: OnnxGraph): string[] {
  const found = new Set<string>();
  const visit = (g: OnnxGraph) => {
    for (const node of g.nodes) {
      if (
        FUSED_ATTENTION_OPS.includes(node.opType) &&
        (node.domain === 'com.microsoft' || node.domain === '')
      ) {
        found.add(`${node.domain || 'ai.onnx'}.${node.opType}`);
      }
      for (const a of node.attributes) if (a.graph) visit(a.graph);
    }
  };
  visit(graph);
  return [...found];
}

/**
 * The model with `names` added as graph outputs (ValueInfoProto with a name only, which ONNX
 * Runtime accepts and types by inference). Every other byte is copied unchanged; `body`, when
 * given, replaces the graph's own fields (an inlined graph, which this call appends to).
 */
export function addGraphOutputs(model: OnnxModel, names: readonly string[], body?: Writer): Uint8Array {
  const { buffer: buf, graph } = model;
  const existing = new Set(graph.outputs);
  const graphWriter = body ?? new Writer().bytes(buf.subarray(graph.start, graph.end));
  for (const name of names) {
    if (existing.has(name)) continue;
    existing.add(name);
    graphWriter.lengthField(GRAPH_FIELDS.output, new Writer().lengthField(1, name));
  }
  const out = new Writer();
  for (const f of model.fields) {
    if (f.number === MODEL_GRAPH_FIELD && f.wireType === 2) out.lengthField(MODEL_GRAPH_FIELD, graphWriter);
    else out.bytes(buf.subarray(f.start, f.end));
  }
  return out.finish();
}

/** What tapping a model found and produced. */
export interface TappedModel {
  readonly bytes: Uint8Array;
  readonly taps: readonly AttentionTap[];
  /** The model's number of each tap's layer (its index among every attention of the graph). */
  readonly layers: readonly number[];
}

/**
 * Reads a model and returns it with its attention tapped; a merged decoder's branch without a
 * past is inlined first (inline.ts), and fused attention nodes are written out in standard
 * operators (unfuse.ts). With `layers` (the model's numbers, from 0, of the attentions in graph
 * order), only those are tapped: the others' tensors stay inside onnxruntime's run.
 * @throws UnsupportedModelError for fused attention that cannot be unfused, when no attention is
 * found, or for a layer the graph does not have.
 */
export function tapModel(bytes: Uint8Array, modelName: string, layers?: readonly number[]): TappedModel {
  const model = readModel(bytes);
  const fused = unfusableOperators(model.graph);
  if (fused.length > 0) {
    throw new UnsupportedModelError(
      `${modelName}: attention is fused into one operator (${fused.join(', ')}), which has no softmax to read; export the model without fused attention (e.g. without ONNX Runtime's transformer optimisations)`,
    );
  }
  let inlined;
  try {
    inlined = unfuseGraph(model) ?? inlineNoPastBranch(model.graph);
  } catch (e) {
    // An UnfuseError (what cannot be unfused) or an If that cannot be inlined.
    throw new UnsupportedModelError(`${modelName}: ${(e as Error).message}`);
  }
  const graph = inlined?.graph ?? model.graph;
  const taps = findAttention(graph);
  if (taps.length === 0) {
    const subgraphs = model.graph.nodes.some(
      (n) => n.attributes.some((a) => a.graph) && !(inlined && n.inputs[0] === USE_CACHE_BRANCH),
    );
    throw new UnsupportedModelError(
      `${modelName}: no attention softmax found in the graph${subgraphs ? ' (its nodes hold subgraphs, and only a merged decoder’s If(use_cache_branch) is inlined)' : ''}`,
    );
  }
  const numbers = layers ?? taps.map((_, i) => i);
  const bad = numbers.findIndex((l) => !(l >= 0 && l < taps.length));
  if (bad >= 0) {
    throw new UnsupportedModelError(
      `${modelName}: layers[${bad}]: expected a layer number from 0 to ${taps.length - 1} (the graph has ${taps.length} attention layers), received ${numbers[bad]}`,
    );
  }
  const chosen = numbers.map((l) => taps[l]!);
  const names = chosen.flatMap((t) => [t.probs, t.query, t.keyT, t.value]);
  return { bytes: addGraphOutputs(model, names, inlined?.body), taps: chosen, layers: numbers };
}
