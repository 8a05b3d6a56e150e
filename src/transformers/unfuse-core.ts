/**
 * What the unfused operators share (unfuse.ts, unfuse-gqa.ts): a fused node's attributes and
 * inputs, its refusal, and the attention core from the split heads to the joined context.
 */
import { type GraphBuilder, DATA_TYPE } from './graph-builder.js';
import type { OnnxNode } from './onnx.js';
import { FLOAT_TYPES, typeName } from './unfuse-types.js';

export const CONTRIB = 'com.microsoft';
export class UnfuseError extends Error {
  override readonly name = 'UnfuseError';
}

/** A fused node's view: its attributes by name, its inputs (missing ones as ''), its graph's ranks. */
export interface FusedNode {
  readonly node: OnnxNode;
  readonly input: (i: number) => string;
  readonly output: (i: number) => string;
  readonly int: (name: string, fallback: number) => number;
  readonly float: (name: string, fallback: number) => number;
  readonly ints: (name: string) => readonly number[] | undefined;
  readonly string: (name: string) => string | undefined;
  /** The declared rank of a value, through Cast and Identity nodes; undefined if not declared. */
  readonly rank: (name: string) => number | undefined;
  /** The element type the node computes in (its query's): float (1) or float16 (10). */
  readonly type: number;
  /** Throws the refusal for this node: `what` names the attribute or input and its value. */
  readonly refuse: (what: string, expected: string) => never;
}

/** What fusedNode reads from the graph around the node. */
export interface GraphContext {
  readonly ranks: ReadonlyMap<string, number>;
  readonly producer: ReadonlyMap<string, OnnxNode>;
  /** A value's element type (unfuse-types.ts). */
  readonly typeOf: (name: string) => number | undefined;
}

/** Integer and boolean TensorProto.DataType values: not what attention computes in. */
const NOT_FLOAT = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

export function fusedNode(node: OnnxNode, context: GraphContext): FusedNode {
  const attr = (name: string) => node.attributes.find((a) => a.name === name);
  const { ranks, producer, typeOf } = context;
  const rank = (name: string): number | undefined => {
    for (let x = name, hops = 0; hops < 8; hops++) {
      const known = ranks.get(x);
      if (known !== undefined) return known;
      const p = producer.get(x);
      if (!p || !['Cast', 'Identity'].includes(p.opType)) return undefined;
      x = p.inputs[0]!;
    }
    return undefined;
  };
  const label = `${CONTRIB}.${node.opType}${node.name ? ` node "${node.name}"` : ''}`;
  const refuse = (what: string, expected: string): never => {
    throw new UnfuseError(
      `${label} cannot be unfused: ${what}; the standard-operator rewrite needs ${expected}`,
    );
  };
  // The query's type; where the graph does not show it, that of an output or another float input.
  const query = node.inputs[0] ?? '';
  const type = [query, ...node.outputs, ...node.inputs.slice(1)]
    .map((name) => (name ? typeOf(name) : undefined))
    .find((t) => t !== undefined && !NOT_FLOAT.has(t));
  if (type === undefined) {
    refuse(
      `the element type of its query "${query}" is neither declared nor shown by the nodes that compute it`,
      'a query whose type the graph declares or its producers show (a weight, a Cast, a declared value)',
    );
  } else if (!FLOAT_TYPES.has(type)) {
    refuse(`its query "${query}" is ${typeName(type)}`, 'float or float16');
  }
  return {
    node,
    input: (i) => node.inputs[i] ?? '',
    output: (i) => node.outputs[i] ?? '',
    int: (name, fallback) => attr(name)?.int ?? fallback,
    float: (name, fallback) => attr(name)?.float ?? fallback,
    ints: (name) => attr(name)?.ints,
    string: (name) => attr(name)?.string,
    rank,
    type: type!,
    refuse,
  };
}

/**
 * `x` as float32, for the maths: a float16 node's products, softmax and rotations are computed in
 * float32, as ONNX Runtime's CPU kernels compute them (float16 inputs converted, float32 scores,
 * softmax and P·V, the result rounded to float16 once).
 */
export function toFloat(g: GraphBuilder, type: number, x: string): string {
  return type === DATA_TYPE.float ? x : g.op('Cast', [x], { to: DATA_TYPE.float });
}

/** A float32 result back in the node's type (into `output` when given). */
export function fromFloat(g: GraphBuilder, type: number, x: string, output?: string): string {
  if (type === DATA_TYPE.float) return output ? g.op('Identity', [x], {}, output) : x;
  return g.op('Cast', [x], { to: type }, output);
}

/** Options of the shared core: what the scores get before the Softmax. */
export interface AttendOptions {
  /** The node's element type: q, k, v and the bias are of it, and so is the output. */
  readonly type: number;
  /** The `scale` attribute; 0 (its default) means 1/√head_size. */
  readonly scale: number;
  readonly softcap?: number;
  /** An input added to the scores (`attention_bias`), or ''. */
  readonly bias: string;
  /** A boolean tensor broadcasting to `[b, heads, s, t]`, true where a key is hidden; or ''. */
  readonly masked: string;
}

/** Query `[b, s, heads·d]` → `[b, heads, s, d]`. */
export function splitHeads(g: GraphBuilder, x: string, heads: number): string {
  return g.op('Transpose', [g.reshape(x, [0, 0, heads, -1])], { perm: [0, 2, 1, 3] });
}

/** `[b, kvHeads, t, d]` → `[b, heads, t, d]`: key/value head h read by query heads h·g … h·g + g − 1. */
function repeatHeads(g: GraphBuilder, x: string, heads: number, kvHeads: number): string {
  const shape = g.op('Shape', [x]);
  const batchKv = g.slice(shape, 0, 2, 0);
  const rest = g.slice(shape, 2, 4, 0);
  const grouped = g.reshape(x, g.concat([batchKv, g.ints([1]), rest], 0));
  const expanded = g.op('Expand', [grouped, g.concat([batchKv, g.ints([heads / kvHeads]), rest], 0)]);
  return g.reshape(expanded, g.concat([g.slice(shape, 0, 1, 0), g.ints([heads]), rest], 0));
}

/**
 * softmax(q·kᵀ·scale …)·v for q `[b, heads, s, d]`, k and v `[b, kvHeads, t, d]`, into `output`
 * `[b, s, heads·d]`.
 */
export function attend(
  g: GraphBuilder,
  q: string,
  k: string,
  v: string,
  heads: number,
  kvHeads: number,
  o: AttendOptions,
  output: string,
): void {
  const [qf, kf, vf] = [q, k, v].map((x) => toFloat(g, o.type, x)) as [string, string, string];
  const keys = kvHeads === heads ? kf : repeatHeads(g, kf, heads, kvHeads);
  const values = kvHeads === heads ? vf : repeatHeads(g, vf, heads, kvHeads);
  let scores = g.op('MatMul', [qf, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]);
  // The default scale from the head size, through Shape: the tap counts it as a constant.
  const scale =
    o.scale !== 0
      ? g.float(o.scale)
      : g.op('Div', [
          g.float(1),
          g.op('Sqrt', [g.op('Cast', [g.scalarDim(qf, 3)], { to: DATA_TYPE.float })]),
        ]);
  scores = g.op('Mul', [scores, scale]);
  if (o.softcap !== undefined && o.softcap > 0) {
    const cap = g.float(o.softcap);
    scores = g.op('Mul', [g.op('Tanh', [g.op('Div', [scores, cap])]), cap]);
  }
  if (o.bias) scores = g.op('Add', [scores, toFloat(g, o.type, o.bias)]);
  if (o.masked) scores = g.op('Where', [o.masked, g.float(-3.4028234663852886e38), scores]);
  const probs = g.op('Softmax', [scores], { axis: -1 });
  const context = g.op('Transpose', [g.op('MatMul', [probs, values])], { perm: [0, 2, 1, 3] });
  if (o.type === DATA_TYPE.float) g.op('Reshape', [context, g.ints([0, 0, -1])], {}, output);
  else fromFloat(g, o.type, g.reshape(context, [0, 0, -1]), output);
}

/** True (hidden) where key j comes after query i, the queries being the last `s` of `t` positions. */
export function causalMask(g: GraphBuilder, q: string, k: string): string {
  const s = g.scalarDim(q, 2);
  const t = g.scalarDim(k, 2);
  const rows = g.reshape(g.op('Range', [g.op('Sub', [t, s]), t, g.scalar(1)]), [-1, 1]);
  return g.op('Greater', [g.op('Range', [g.scalar(0), t, g.scalar(1)]), rows]);
}
