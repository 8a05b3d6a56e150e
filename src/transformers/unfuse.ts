/**
 * Unfusing attention: ONNX Runtime's `com.microsoft` Attention, MultiHeadAttention and
 * GroupQueryAttention compute softmax(q·kᵀ·scale + mask)·v inside one node, so there is no
 * Softmax for the tap to read. Each is replaced by the standard operators that compute the same
 * thing (as ONNX Runtime's contrib-operator specification defines it): the projections' split
 * into heads, rotary positions (GroupQueryAttention's `do_rotary`), the past keys and values
 * concatenated (and returned as `present`), key/value heads repeated for their query heads,
 * MatMul(Q, Kᵀ) → Mul(scale) → [softcap: Div, Tanh, Mul] → [Add(attention_bias)] →
 * [Where(masked, float32 min)] → Softmax → MatMul(P, V), heads joined again. The tap then finds
 * that Softmax as any other.
 *
 * Masked scores become float32's lowest value rather than the operators' `mask_filter_value`
 * added to them: both give a probability of exactly 0 whenever a row has one key it may see.
 * A float16 node (fp16 and q4f16 files) keeps its projections, rotated q and k, and present keys
 * and values in float16, and computes scores, softmax and P·V in float32 between Casts, as ONNX
 * Runtime's CPU kernels do (unfuse-core.ts `toFloat`); the tap then reads float32 probabilities.
 * The node's type is found from the graph (unfuse-types.ts).
 *
 * What has no standard-operator equivalent here (a smoothed softmax, quantized caches, shared
 * past/present buffers, beam-search cache indirection, mask formats given as sequence lengths) is
 * refused by `UnfuseError`, naming the operator, the attribute or input, and its value.
 */
import { GraphBuilder, DATA_TYPE, SLICE_END } from './graph-builder.js';
import {
  GRAPH_FIELDS,
  type GraphNode,
  type GraphStructure,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
} from './onnx.js';
import { Writer } from './proto.js';
import {
  attend,
  causalMask,
  CONTRIB,
  fusedNode,
  splitHeads,
  UnfuseError,
  type FusedNode,
} from './unfuse-core.js';
import { unfuseGroupQuery } from './unfuse-gqa.js';
import { elementTypes } from './unfuse-types.js';

export { UnfuseError };

/** The oldest default opset whose operators the rewrite uses (Range came in 11). */
const MIN_OPSET = 11;

/** The fused operators unfused here. */
export const UNFUSED_OPS = ['Attention', 'MultiHeadAttention', 'GroupQueryAttention'];

/** A 0/1 key mask `[b, t]` or `[b, s, t]` as "hidden" `[b, 1, 1 or s, t]`. */
function rawMask(g: GraphBuilder, f: FusedNode, mask: string, input: string): string {
  const rank = f.rank(mask);
  if (rank !== 2 && rank !== 3) {
    f.refuse(
      `its ${input} has ${rank === undefined ? 'no declared rank' : `${rank} dimension${rank === 1 ? '' : 's'}`}${rank === 1 ? ' (sequence lengths or start/end positions)' : ''}`,
      `a 0/1 mask of 2 dimensions (batch, keys) or 3 (batch, queries, keys) whose rank the graph declares`,
    );
  }
  const hidden = g.op('Not', [g.op('Cast', [mask], { to: DATA_TYPE.bool })]);
  return rank === 2 ? g.reshape(hidden, [0, 1, 1, -1]) : g.insertAxis(hidden, 1);
}

const either = (g: GraphBuilder, a: string, b: string) => (a && b ? g.op('Or', [a, b]) : a || b);

/** `[b, heads, t, d]` stacked under a new first axis of 1 (to join key and value into one present). */
function leading(g: GraphBuilder, x: string): string {
  return g.reshape(x, g.concat([g.ints([1]), g.op('Shape', [x])], 0));
}

function unfuseAttention(g: GraphBuilder, f: FusedNode): void {
  const heads = f.int('num_heads', 0);
  if (heads <= 0) f.refuse(`num_heads = ${heads}`, 'num_heads > 0');
  if (f.int('do_rotary', 0) !== 0)
    f.refuse(`attribute do_rotary = ${f.int('do_rotary', 0)}`, 'do_rotary = 0');
  const shared = f.int('past_present_share_buffer', 0);
  if (shared !== 0)
    f.refuse(`attribute past_present_share_buffer = ${shared}`, 'past_present_share_buffer = 0');
  if (f.input(6)) f.refuse(`input past_sequence_length "${f.input(6)}"`, 'no past_sequence_length input');
  let qkv = g.op('MatMul', [f.input(0), f.input(1)]);
  if (f.input(2)) qkv = g.op('Add', [qkv, f.input(2)]);
  const sizes = f.ints('qkv_hidden_sizes');
  let qEnd: number | string;
  let kEnd: number | string;
  if (sizes) {
    if (sizes.length !== 3) f.refuse(`qkv_hidden_sizes = [${sizes.join(', ')}]`, 'three sizes');
    qEnd = sizes[0]!;
    kEnd = sizes[0]! + sizes[1]!;
  } else {
    const size = g.op('Div', [g.dim(f.input(1), 1), g.ints([3])]);
    qEnd = size;
    kEnd = g.op('Mul', [size, g.ints([2])]);
  }
  const q = splitHeads(g, g.slice(qkv, 0, qEnd, 2), heads);
  let k = splitHeads(g, g.slice(qkv, qEnd, kEnd, 2), heads);
  let v = splitHeads(g, g.slice(qkv, kEnd, SLICE_END, 2), heads);
  if (f.input(4)) {
    k = g.concat([g.op('Gather', [f.input(4), g.scalar(0)], { axis: 0 }), k], 2);
    v = g.concat([g.op('Gather', [f.input(4), g.scalar(1)], { axis: 0 }), v], 2);
  }
  if (f.output(1)) g.op('Concat', [leading(g, k), leading(g, v)], { axis: 0 }, f.output(1));
  const causal = f.int('unidirectional', 0) !== 0 ? causalMask(g, q, k) : '';
  const padding = f.input(3) ? rawMask(g, f, f.input(3), 'mask_index') : '';
  const masked = either(g, causal, padding);
  const options = { type: f.type, scale: f.float('scale', 0), bias: f.input(5), masked };
  attend(g, q, k, v, heads, heads, options, f.output(0));
}

function unfuseMultiHead(g: GraphBuilder, f: FusedNode): void {
  const heads = f.int('num_heads', 0);
  if (heads <= 0) f.refuse(`num_heads = ${heads}`, 'num_heads > 0');
  for (const [i, name] of [
    [8, 'past_sequence_length'],
    [9, 'cache_indirection'],
  ] as const) {
    if (f.input(i)) f.refuse(`input ${name} "${f.input(i)}"`, `no ${name} input`);
  }
  if (f.output(3)) f.refuse(`output qk "${f.output(3)}"`, 'no qk output');
  const [query, key, value, bias] = [f.input(0), f.input(1), f.input(2), f.input(3)];
  // Packed QKV [b, s, heads, 3, d] or KV [b, t, heads, 2, d]: onnxruntime's CPU kernel (the one
  // onnxruntime-web runs) does not implement them, so no runnable model has them.
  if (!key || !value)
    f.refuse(
      `${key ? 'no value input (packed KV)' : 'no key input (packed QKV)'}`,
      'separate query, key and value inputs',
    );
  const rank = f.rank(key);
  if (rank !== undefined && rank !== 3) {
    f.refuse(`its key has ${rank} dimensions`, 'a key of 3 (batch, keys, hidden)');
  }
  let [q3, k3, v3] = [query, key, value];
  if (bias) {
    const qSize = g.dim(query, 2);
    const kEnd = g.op('Add', [qSize, g.dim(key, 2)]);
    q3 = g.op('Add', [q3, g.slice(bias, 0, qSize, 0)]);
    k3 = g.op('Add', [k3, g.slice(bias, qSize, kEnd, 0)]);
    v3 = g.op('Add', [v3, g.slice(bias, kEnd, SLICE_END, 0)]);
  }
  const q = splitHeads(g, q3, heads);
  let k = splitHeads(g, k3, heads);
  let v = splitHeads(g, v3, heads);
  if (f.input(6)) k = g.concat([f.input(6), k], 2);
  if (f.input(7)) v = g.concat([f.input(7), v], 2);
  if (f.output(1)) g.op('Identity', [k], {}, f.output(1));
  if (f.output(2)) g.op('Identity', [v], {}, f.output(2));
  const causal = f.int('unidirectional', 0) !== 0 ? causalMask(g, q, k) : '';
  const padding = f.input(4) ? rawMask(g, f, f.input(4), 'key_padding_mask') : '';
  const masked = either(g, causal, padding);
  const options = { type: f.type, scale: f.float('scale', 0), bias: f.input(5), masked };
  attend(g, q, k, v, heads, heads, options, f.output(0));
}

/** Every name a graph (and its subgraphs) uses, so that new names cannot clash. */
function names(graph: OnnxGraph, into: Set<string>): Set<string> {
  for (const n of [...graph.inputs, ...graph.outputs, ...graph.initializers]) into.add(n);
  for (const node of graph.nodes) {
    into.add(node.name);
    for (const n of [...node.inputs, ...node.outputs]) into.add(n);
    for (const a of node.attributes) if (a.graph) names(a.graph, into);
  }
  return into;
}

const isUnfused = (node: OnnxNode) => node.domain === CONTRIB && UNFUSED_OPS.includes(node.opType);

/** The graph with its fused attention nodes written out, or null when it has none. */
export interface UnfusedGraph {
  readonly body: Writer;
  readonly graph: GraphStructure;
}

/**
 * The main graph with each Attention, MultiHeadAttention and GroupQueryAttention node replaced by
 * standard operators; null when it has none.
 * @throws UnfuseError for what cannot be unfused (see the module comment).
 */
export function unfuseGraph(model: OnnxModel): UnfusedGraph | null {
  const { graph } = model;
  const fused = graph.nodes.filter(isUnfused);
  if (fused.length === 0) return null;
  if (model.opset < MIN_OPSET) {
    const node = fused[0]!;
    throw new UnfuseError(
      `${CONTRIB}.${node.opType} cannot be unfused: the model imports ai.onnx opset ${model.opset}; the standard-operator rewrite needs opset ${MIN_OPSET} or later (Range)`,
    );
  }
  const taken = names(graph, new Set());
  const context = {
    ranks: graph.ranks,
    producer: new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const))),
    typeOf: elementTypes(graph),
  };
  const replacements = new Map<number, GraphBuilder>();
  fused.forEach((node, i) => {
    const g = new GraphBuilder(`${node.name || `${node.opType}_${i}`}/unfused`, taken);
    const f = fusedNode(node, context);
    if (node.opType === 'Attention') unfuseAttention(g, f);
    else if (node.opType === 'MultiHeadAttention') unfuseMultiHead(g, f);
    else unfuseGroupQuery(g, f);
    replacements.set(node.field.start, g);
  });
  const body = new Writer();
  const nodes: GraphNode[] = [];
  const byStart = new Map(graph.nodes.map((n) => [n.field.start, n]));
  for (const f of graph.fields) {
    const replacement = f.number === GRAPH_FIELDS.node ? replacements.get(f.start) : undefined;
    if (replacement) {
      body.append(replacement.fields);
      nodes.push(...replacement.nodes);
      continue;
    }
    body.bytes(graph.buffer.subarray(f.start, f.end));
    const node = f.number === GRAPH_FIELDS.node ? byStart.get(f.start) : undefined;
    if (node) nodes.push(node);
  }
  return {
    body,
    graph: { nodes, inputs: graph.inputs, outputs: graph.outputs, initializers: graph.initializers },
  };
}
