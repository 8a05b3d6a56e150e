/**
 * The structure of an ONNX model, read from its bytes (see proto.ts): the main graph's nodes,
 * inputs, outputs and the names of its weights, each with the byte range it came from, so that a
 * rewrite can copy everything it does not change.
 */
import { fieldString, ProtoError, readFields, type Field } from './proto.js';

/** onnx.proto3 field numbers used here. */
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13, sparseInitializer: 15 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTRIBUTE = { name: 1, g: 6, t: 5 };
const NAMED = { name: 1 };
const TENSOR_NAME = 8;

export interface OnnxAttribute {
  readonly name: string;
  /** A subgraph attribute (e.g. an If node's branches). */
  readonly graph?: OnnxGraph;
  /** True when the attribute holds a tensor (a Constant node's value). */
  readonly tensor: boolean;
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
  /** Every field of the graph message, in order. */
  readonly fields: readonly Field[];
}

export interface OnnxModel {
  readonly buffer: Uint8Array;
  readonly graph: OnnxGraph;
  /** The model's fields; the graph is field 7. */
  readonly fields: readonly Field[];
}

function readName(buf: Uint8Array, f: Field): string {
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === NAMED.name && g.wireType === 2) return fieldString(buf, g);
  }
  return '';
}

function readAttribute(buf: Uint8Array, f: Field): OnnxAttribute {
  let name = '';
  let graph: OnnxGraph | undefined;
  let tensor = false;
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === ATTRIBUTE.name) name = fieldString(buf, g);
    else if (g.number === ATTRIBUTE.g) graph = readGraph(buf, g.valueStart, g.end);
    else if (g.number === ATTRIBUTE.t) tensor = true;
  }
  return graph ? { name, graph, tensor } : { name, tensor };
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
  for (const f of fields) {
    if (f.wireType !== 2) continue;
    if (f.number === GRAPH.node) nodes.push(readNode(buf, f));
    else if (f.number === GRAPH.input) inputs.push(readName(buf, f));
    else if (f.number === GRAPH.output) outputs.push(readName(buf, f));
    else if (f.number === GRAPH.initializer) initializers.add(tensorName(buf, f));
    else if (f.number === GRAPH.sparseInitializer) initializers.add(sparseName(buf, f));
  }
  return { buffer: buf, start, end, nodes, inputs, outputs, initializers, fields };
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
  return { buffer: buf, graph: readGraph(buf, graphField.valueStart, graphField.end), fields };
}

export const GRAPH_FIELDS = GRAPH;
export const MODEL_GRAPH_FIELD = MODEL_GRAPH;
export const NODE_FIELDS = NODE;
export const TENSOR_NAME_FIELD = TENSOR_NAME;
