/**
 * The element type a fused attention node computes in (float32, or float16 in the fp16 and q4f16
 * files), which the unfused subgraph must match: its present keys and values and its output are
 * of that type, and so are the inputs it Casts.
 *
 * ONNX files rarely declare the types of intermediate values, so a value's type is found where it
 * is written down: a declared input, output or value_info, a weight, a Constant, a Cast's `to`;
 * otherwise it is the type of its producer's first input (true of every operator that sits
 * between a weight and an attention input: MatMul, MatMulNBits, Add, Gather, the norms, Reshape,
 * Transpose, Slice, Concat), or of a DequantizeLinear's scale.
 */
import { ATTRIBUTE_FIELDS, GRAPH_FIELDS, NODE_FIELDS, TENSOR_NAME_FIELD, type OnnxGraph } from './onnx.js';
import { fieldString, readFields, type Field } from './proto.js';

/** onnx.proto3 TensorProto.DataType values the rewrite computes in, and their names for messages. */
export const FLOAT_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'float'],
  [10, 'float16'],
]);
/** Every TensorProto.DataType's name, for messages. */
const TYPE_NAMES = [
  'undefined',
  'float',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  'string',
  'bool',
  'float16',
  'double',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
];
export const typeName = (t: number) => TYPE_NAMES[t] ?? `data type ${t}`;

const VALUE_INFO = { name: 1, type: 2 };
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM = 1;
const TENSOR_DATA_TYPE = 2;
const CAST_TO = 'to';

const sub = (buf: Uint8Array, f: Field, n: number, wireType = 2) =>
  readFields(buf, f.valueStart, f.end).find((g) => g.number === n && g.wireType === wireType);

/** A ValueInfoProto's name and elem_type (type → tensor_type → elem_type), if it has one. */
function valueInfoType(buf: Uint8Array, f: Field): [string, number | undefined] {
  const name = sub(buf, f, VALUE_INFO.name);
  const type = sub(buf, f, VALUE_INFO.type);
  const tensor = type && sub(buf, type, TYPE_TENSOR);
  const elem = tensor && sub(buf, tensor, TENSOR_TYPE_ELEM, 0);
  return [name ? fieldString(buf, name) : '', elem?.varint];
}

/** A TensorProto's name and data_type. */
function tensorType(buf: Uint8Array, f: Field): [string, number | undefined] {
  const name = sub(buf, f, TENSOR_NAME_FIELD);
  return [name ? fieldString(buf, name) : '', sub(buf, f, TENSOR_DATA_TYPE, 0)?.varint];
}

/** The types written down in a graph: declared values, weights, Constants' values. */
function writtenTypes(graph: OnnxGraph): Map<string, number> {
  const types = new Map<string, number>();
  const buf = graph.buffer;
  for (const f of graph.fields) {
    if (f.wireType !== 2) continue;
    const declared = [GRAPH_FIELDS.input, GRAPH_FIELDS.output, GRAPH_FIELDS.valueInfo].includes(f.number);
    const [name, type] = declared
      ? valueInfoType(buf, f)
      : f.number === GRAPH_FIELDS.initializer
        ? tensorType(buf, f)
        : ['', undefined];
    if (name && type) types.set(name, type);
  }
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant' || node.domain !== '') continue;
    for (const a of readFields(buf, node.field.valueStart, node.field.end)) {
      if (a.number !== NODE_FIELDS.attribute || a.wireType !== 2) continue;
      const t = sub(buf, a, ATTRIBUTE_FIELDS.t);
      const type = t && sub(buf, t, TENSOR_DATA_TYPE, 0)?.varint;
      if (type) types.set(node.outputs[0]!, type);
    }
  }
  return types;
}

/** A graph's value → element type lookup (undefined where it cannot be told). */
export function elementTypes(graph: OnnxGraph): (name: string) => number | undefined {
  const written = writtenTypes(graph);
  const producer = new Map(graph.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  // A deep model's query is some hundred nodes below the embedding it is typed by: as many hops as
  // the graph has nodes (it has no cycles).
  return (name) => {
    for (let x = name, hops = 0; x && hops <= graph.nodes.length; hops++) {
      const known = written.get(x);
      if (known !== undefined) return known;
      const p = producer.get(x);
      if (!p) return undefined;
      if (p.opType === 'Cast') return p.attributes.find((a) => a.name === CAST_TO)?.int;
      x = (p.opType === 'DequantizeLinear' ? p.inputs[1] : p.inputs[0]) ?? '';
    }
    return undefined;
  };
}
