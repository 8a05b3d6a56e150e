/**
 * The structure of an ONNX model, read from its bytes (see proto.ts): the main graph's nodes,
 * inputs, outputs and the names of its weights, each with the byte range it came from, so that a
 * rewrite can copy everything it does not change.
 */
import { fieldString, ProtoError, readFields, type Field } from './proto.js';

/** onnx.proto3 field numbers used here. */
const MODEL_GRAPH = 7;
const MODEL_OPSET_IMPORT = 8;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13, sparseInitializer: 15 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8 };
const NAMED = { name: 1 };
const TENSOR_NAME = 8;

export interface OnnxAttribute {
  readonly name: string;
  /** A subgraph attribute (e.g. an If node's branches). */
  readonly graph?: OnnxGraph;
  /** True when the attribute holds a tensor (a Constant node's value). */
  readonly tensor: boolean;
  /** The value of an int, float, string or ints attribute, where it has one. */
  readonly int?: number;
  readonly float?: number;
  readonly string?: string;
  readonly ints?: readonly number[];
}

export interface OnnxNode {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
  /** The node's field in its graph's bytes. */
  readonly field: Field;
}

/** The part of a node that finding attention reads. */
export interface GraphNode {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** A graph's structure as finding attention reads it: an `OnnxGraph`, or one rewritten in memory. */
export interface GraphStructure {
  readonly nodes: readonly GraphNode[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly initializers: ReadonlySet<string>;
}

export interface OnnxGraph {
  /** The buffer the offsets refer to, and the graph message's extent in it. */
  readonly buffer: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Names of weights (initializers and sparse initializers). */
  readonly initializers: ReadonlySet<string>;
  /** The number of dimensions of the inputs, outputs and values whose type declares a shape. */
  readonly ranks: ReadonlyMap<string, number>;
  /** Every field of the graph message, in order. */
  readonly fields: readonly Field[];
}

export interface OnnxModel {
  readonly buffer: Uint8Array;
  readonly graph: OnnxGraph;
  /** The version of the default (ai.onnx) operator set the model imports (0 if none). */
  readonly opset: number;
  /** The model's fields; the graph is field 7. */
  readonly fields: readonly Field[];
}

/** A ValueInfoProto's rank: the dims of type (2) → tensor_type (1) → shape (2), if it has a shape. */
function readRank(buf: Uint8Array, f: Field): number | undefined {
  const sub = (start: number, end: number, n: number) =>
    readFields(buf, start, end).find((g) => g.number === n && g.wireType === 2);
  const type = sub(f.valueStart, f.end, 2);
  const tensor = type && sub(type.valueStart, type.end, 1);
  const shape = tensor && sub(tensor.valueStart, tensor.end, 2);
  return shape && readFields(buf, shape.valueStart, shape.end).filter((g) => g.number === 1).length;
}

function readName(buf: Uint8Array, f: Field): string {
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === NAMED.name && g.wireType === 2) return fieldString(buf, g);
  }
  return '';
}

/**
 * A varint field's value as a signed int64 (ONNX writes −1 as ten bytes, which `Field.varint`,
 * a double, cannot hold exactly).
 */
function signedVarint(buf: Uint8Array, start: number): number {
  let value = 0n;
  let shift = 0n;
  for (let pos = start; pos < buf.length; pos++, shift += 7n) {
    value |= BigInt(buf[pos]! & 0x7f) << shift;
    if (buf[pos]! < 0x80) break;
  }
  return Number(BigInt.asIntN(64, value));
}

/** The varints of a repeated int64 field, packed (one LENGTH field) or not. */
function int64s(buf: Uint8Array, g: Field, into: number[]): void {
  if (g.wireType === 0) {
    into.push(signedVarint(buf, g.valueStart));
    return;
  }
  let pos = g.valueStart;
  while (pos < g.end) {
    into.push(signedVarint(buf, pos));
    while (buf[pos]! >= 0x80) pos++;
    pos++;
  }
}

function readAttribute(buf: Uint8Array, f: Field): OnnxAttribute {
  let name = '';
  let graph: OnnxGraph | undefined;
  let tensor = false;
  const value: { int?: number; float?: number; string?: string; ints?: number[] } = {};
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === ATTRIBUTE.name) name = fieldString(buf, g);
    else if (g.number === ATTRIBUTE.g) graph = readGraph(buf, g.valueStart, g.end);
    else if (g.number === ATTRIBUTE.t) tensor = true;
    else if (g.number === ATTRIBUTE.i && g.wireType === 0) value.int = signedVarint(buf, g.valueStart);
    else if (g.number === ATTRIBUTE.f && g.wireType === 5) {
      value.float = new DataView(buf.buffer, buf.byteOffset + g.valueStart, 4).getFloat32(0, true);
    } else if (g.number === ATTRIBUTE.s && g.wireType === 2) value.string = fieldString(buf, g);
    else if (g.number === ATTRIBUTE.ints) int64s(buf, g, (value.ints ??= []));
  }
  return graph ? { name, graph, tensor, ...value } : { name, tensor, ...value };
}

function readNode(buf: Uint8Array, f: Field): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const attributes: OnnxAttribute[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.wireType !== 2) continue;
    if (g.number === NODE.input) inputs.push(fieldString(buf, g));
    else if (g.number === NODE.output) outputs.push(fieldString(buf, g));
    else if (g.number === NODE.name) name = fieldString(buf, g);
    else if (g.number === NODE.opType) opType = fieldString(buf, g);
    else if (g.number === NODE.domain) domain = fieldString(buf, g);
    else if (g.number === NODE.attribute) attributes.push(readAttribute(buf, g));
  }
  return { opType, domain, name, inputs, outputs, attributes, field: f };
}

/** Reads the graph message in `buf[start, end)`. Weights are skipped, not decoded. */
export function readGraph(buf: Uint8Array, start: number, end: number): OnnxGraph {
  const fields = readFields(buf, start, end);
  const nodes: OnnxNode[] = [];
  const inputs: string[] = [];
  const outputs: string[] = [];
  const initializers = new Set<string>();
  const ranks = new Map<string, number>();
  for (const f of fields) {
    if (f.wireType !== 2) continue;
    if (f.number === GRAPH.input || f.number === GRAPH.output || f.number === GRAPH.valueInfo) {
      const rank = readRank(buf, f);
      if (rank !== undefined) ranks.set(readName(buf, f), rank);
    }
    if (f.number === GRAPH.node) nodes.push(readNode(buf, f));
    else if (f.number === GRAPH.input) inputs.push(readName(buf, f));
    else if (f.number === GRAPH.output) outputs.push(readName(buf, f));
    else if (f.number === GRAPH.initializer) initializers.add(tensorName(buf, f));
    else if (f.number === GRAPH.sparseInitializer) initializers.add(sparseName(buf, f));
  }
  return { buffer: buf, start, end, nodes, inputs, outputs, initializers, ranks, fields };
}

/** A TensorProto's name, read from its fields without touching its data. */
export function tensorName(buf: Uint8Array, f: Field): string {
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === TENSOR_NAME && g.wireType === 2) return fieldString(buf, g);
  }
  return '';
}

/** A SparseTensorProto's name: that of its values tensor (field 1). */
export function sparseName(buf: Uint8Array, f: Field): string {
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === 1 && g.wireType === 2) return tensorName(buf, g);
  }
  return '';
}

/** Reads a model's structure from its bytes. */
export function readModel(buf: Uint8Array): OnnxModel {
  const fields = readFields(buf);
  const graphField = fields.find((f) => f.number === MODEL_GRAPH && f.wireType === 2);
  if (!graphField) throw new ProtoError('not an ONNX model: no graph (field 7)');
  let opset = 0;
  for (const f of fields) {
    if (f.number !== MODEL_OPSET_IMPORT || f.wireType !== 2) continue;
    const parts = readFields(buf, f.valueStart, f.end);
    const domain = parts.find((g) => g.number === 1 && g.wireType === 2);
    const name = domain ? fieldString(buf, domain) : '';
    const version = parts.find((g) => g.number === 2 && g.wireType === 0);
    if ((name === '' || name === 'ai.onnx') && version) opset = version.varint;
  }
  return { buffer: buf, graph: readGraph(buf, graphField.valueStart, graphField.end), fields, opset };
}

export const GRAPH_FIELDS = GRAPH;
export const MODEL_GRAPH_FIELD = MODEL_GRAPH;
export const NODE_FIELDS = NODE;
export const ATTRIBUTE_FIELDS = ATTRIBUTE;
export const TENSOR_NAME_FIELD = TENSOR_NAME;
