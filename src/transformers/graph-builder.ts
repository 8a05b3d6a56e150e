/**
 * Writing new nodes into a graph being rewritten: each node both as NodeProto bytes (for the
 * model's new GraphProto) and as a `GraphNode` (for finding attention in it), with fresh value
 * names that cannot clash with the graph's own. Constants are `Constant` nodes, which every opset
 * has, so that the rewrite never touches the weights.
 */
import { ATTRIBUTE_FIELDS, GRAPH_FIELDS, NODE_FIELDS, type GraphNode } from './onnx.js';
import { Writer } from './proto.js';

/** An attribute value: an int, a float (`{ float }`), or a list of ints. */
export type AttributeValue = number | { readonly float: number } | readonly number[];

/** onnx.proto3's AttributeProto.AttributeType and TensorProto.DataType values used here. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, tensor: 4, ints: 7 };
const ATTRIBUTE_TYPE_FIELD = 20;
const TENSOR = { dims: 1, dataType: 2, rawData: 9 };
export const DATA_TYPE = { float: 1, int32: 6, int64: 7, bool: 9, float16: 10 };
/** Past every end a Slice can have (int64's largest value, as exporters write it). */
export const SLICE_END = Number.MAX_SAFE_INTEGER;

function attribute(name: string, value: AttributeValue): Writer {
  const w = new Writer().lengthField(ATTRIBUTE_FIELDS.name, name);
  if (typeof value === 'number') {
    return w.int64Field(ATTRIBUTE_FIELDS.i, value).varintField(ATTRIBUTE_TYPE_FIELD, ATTRIBUTE_TYPE.int);
  }
  if ('float' in value) {
    return w
      .floatField(ATTRIBUTE_FIELDS.f, value.float)
      .varintField(ATTRIBUTE_TYPE_FIELD, ATTRIBUTE_TYPE.float);
  }
  for (const v of value) w.int64Field(ATTRIBUTE_FIELDS.ints, v);
  return w.varintField(ATTRIBUTE_TYPE_FIELD, ATTRIBUTE_TYPE.ints);
}

/** A TensorProto of `dims` holding `raw` (little-endian values of `dataType`). */
function tensor(dims: readonly number[], dataType: number, raw: Uint8Array): Writer {
  const w = new Writer();
  for (const d of dims) w.int64Field(TENSOR.dims, d);
  return w.varintField(TENSOR.dataType, dataType).lengthField(TENSOR.rawData, raw);
}

export class GraphBuilder {
  /** The new nodes, in order, as bytes (GraphProto node fields) and as structure. */
  readonly fields = new Writer();
  readonly nodes: GraphNode[] = [];
  private count = 0;

  /**
   * @param prefix what new names start with (the fused node's name)
   * @param taken every name the graph already uses; new names are added to it
   */
  constructor(
    private readonly prefix: string,
    private readonly taken: Set<string>,
  ) {}

  private fresh(hint: string): string {
    let name = `${this.prefix}/${hint}_${this.count++}`;
    while (this.taken.has(name)) name = `${this.prefix}/${hint}_${this.count++}`;
    this.taken.add(name);
    return name;
  }

  /** One node; returns its output, named `output` when given. */
  op(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(opType);
    const name = this.fresh(`${opType}_node`);
    const node = new Writer();
    for (const i of inputs) node.lengthField(NODE_FIELDS.input, i);
    node.lengthField(NODE_FIELDS.output, out).lengthField(NODE_FIELDS.name, name);
    node.lengthField(NODE_FIELDS.opType, opType);
    for (const [key, value] of Object.entries(attrs))
      node.lengthField(NODE_FIELDS.attribute, attribute(key, value));
    this.fields.lengthField(GRAPH_FIELDS.node, node);
    this.nodes.push({ opType, domain: '', name, inputs, outputs: [out] });
    return out;
  }

  private constant(dims: readonly number[], dataType: number, raw: Uint8Array): string {
    const out = this.fresh('Constant');
    const name = this.fresh('Constant_node');
    const value = new Writer()
      .lengthField(ATTRIBUTE_FIELDS.name, 'value')
      .lengthField(ATTRIBUTE_FIELDS.t, tensor(dims, dataType, raw))
      .varintField(ATTRIBUTE_TYPE_FIELD, ATTRIBUTE_TYPE.tensor);
    const node = new Writer()
      .lengthField(NODE_FIELDS.output, out)
      .lengthField(NODE_FIELDS.name, name)
      .lengthField(NODE_FIELDS.opType, 'Constant')
      .lengthField(NODE_FIELDS.attribute, value);
    this.fields.lengthField(GRAPH_FIELDS.node, node);
    this.nodes.push({ opType: 'Constant', domain: '', name, inputs: [], outputs: [out] });
    return out;
  }

  /** A 1-D int64 constant. */
  ints(values: readonly number[]): string {
    const raw = new Uint8Array(8 * values.length);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    return this.constant([values.length], DATA_TYPE.int64, raw);
  }

  /** An int64 scalar constant. */
  scalar(value: number): string {
    const raw = new Uint8Array(8);
    new DataView(raw.buffer).setBigInt64(0, BigInt(value), true);
    return this.constant([], DATA_TYPE.int64, raw);
  }

  /** A float32 scalar constant. */
  float(value: number): string {
    const raw = new Uint8Array(4);
    new DataView(raw.buffer).setFloat32(0, value, true);
    return this.constant([], DATA_TYPE.float, raw);
  }

  // --- shapes, without Unsqueeze, Squeeze or Split (whose signatures changed at opset 13) ---

  /** Dimension `axis` of `x`, as a 1-D tensor of one int64. */
  dim(x: string, axis: number): string {
    return this.op('Gather', [this.op('Shape', [x]), this.ints([axis])], { axis: 0 });
  }

  /** Dimension `axis` of `x`, as an int64 scalar. */
  scalarDim(x: string, axis: number): string {
    return this.op('Gather', [this.op('Shape', [x]), this.scalar(axis)], { axis: 0 });
  }

  /** `x[start:end]` along `axis`; bounds are numbers or 1-D int64 tensors of one value. */
  slice(x: string, start: number | string, end: number | string, axis: number): string {
    const bound = (b: number | string) => (typeof b === 'number' ? this.ints([b]) : b);
    return this.op('Slice', [x, bound(start), bound(end), this.ints([axis])]);
  }

  reshape(x: string, shape: readonly number[] | string): string {
    return this.op('Reshape', [x, typeof shape === 'string' ? shape : this.ints(shape)]);
  }

  concat(inputs: readonly string[], axis: number): string {
    return this.op('Concat', inputs, { axis });
  }

  /** `x` with a new axis of size 1 at `axis` (an Unsqueeze through Reshape). */
  insertAxis(x: string, axis: number): string {
    const shape = this.op('Shape', [x]);
    const before = this.slice(shape, 0, axis, 0);
    const after = this.slice(shape, axis, SLICE_END, 0);
    return this.reshape(x, this.concat([before, this.ints([1]), after], 0));
  }
}
