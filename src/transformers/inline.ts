/**
 * Inlining a merged decoder's branch without a past. Optimum's merged decoders
 * (`decoder_model_merged.onnx`) hold the model twice, in the two branches of one
 * `If(use_cache_branch)`: then = with a past, else = without. Graph outputs cannot name a
 * subgraph's values, so before its attention can be tapped, the else branch (the one a whole
 * text runs, `use_cache_branch = false`) takes the If's place in the main graph: its nodes where
 * the If was, its weights beside the main graph's, its outputs as the If's outputs. A name the
 * branch defines that the rest of the model also defines is renamed; every other byte, weights
 * included, is copied as it is. `use_cache_branch` stays an input, now unused.
 */
import {
  GRAPH_FIELDS,
  NODE_FIELDS,
  sparseName,
  tensorName,
  TENSOR_NAME_FIELD,
  type GraphNode,
  type GraphStructure,
  type OnnxGraph,
  type OnnxNode,
} from './onnx.js';
import { fieldString, readFields, Writer, type Field } from './proto.js';

/** The input that selects a merged decoder's branch (Optimum's name). */
export const USE_CACHE_BRANCH = 'use_cache_branch';

/** A graph with its merged decoders' If nodes inlined. */
export interface InlinedGraph {
  /** The new GraphProto's fields (pieces of the original buffer and new fields). */
  readonly body: Writer;
  /** Its structure, for finding attention. */
  readonly graph: GraphStructure;
}

/** A merged decoder's If: its condition is the graph input `use_cache_branch`. */
function isMergedIf(node: OnnxNode, graph: OnnxGraph): boolean {
  return (
    node.opType === 'If' &&
    node.domain === '' &&
    node.inputs[0] === USE_CACHE_BRANCH &&
    graph.inputs.includes(USE_CACHE_BRANCH)
  );
}

/** Every name a graph and its subgraphs define (values) and use, into `names`. */
function collectNames(graph: OnnxGraph, names: Set<string>): void {
  for (const n of graph.inputs) names.add(n);
  for (const n of graph.initializers) names.add(n);
  for (const node of graph.nodes) {
    for (const n of node.inputs) names.add(n);
    for (const n of node.outputs) names.add(n);
    for (const a of node.attributes) if (a.graph) collectNames(a.graph, names);
  }
}

/** The first of `name_no_past`, `name_no_past_2`, … that `taken` does not hold. */
function freshName(name: string, taken: ReadonlySet<string>): string {
  let candidate = `${name}_no_past`;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}_no_past_${i}`;
  return candidate;
}

/** `name` if `taken` does not hold it, else a fresh one. */
function uniqueName(name: string, taken: ReadonlySet<string>): string {
  return taken.has(name) ? freshName(name, taken) : name;
}

/** A message's fields re-encoded with the string fields `rename` maps replaced, the others copied. */
function rewriteStrings(
  buf: Uint8Array,
  field: Field,
  rename: (fieldNumber: number, value: string) => string | undefined,
): Uint8Array {
  const out = new Writer();
  for (const f of readFields(buf, field.valueStart, field.end)) {
    const renamed = f.wireType === 2 ? rename(f.number, fieldString(buf, f)) : undefined;
    if (renamed === undefined) out.bytes(buf.subarray(f.start, f.end));
    else out.lengthField(f.number, renamed);
  }
  return out.finish();
}

/**
 * The graph with each merged decoder's `If(use_cache_branch)` replaced by its else branch, or null
 * when it has none.
 * @throws Error when a renamed value is used inside a nested subgraph of the branch (not handled).
 */
export function inlineNoPastBranch(graph: OnnxGraph): InlinedGraph | null {
  const merged = graph.nodes.filter((n) => isMergedIf(n, graph));
  if (merged.length === 0) return null;
  const buf = graph.buffer;

  // Names defined outside the branches to inline, and every name inside other subgraphs, which a
  // new main-graph name could otherwise shadow. The Ifs' outputs are defined anew by the branches.
  const taken = new Set<string>([...graph.inputs, ...graph.initializers]);
  const nodeNames = new Set<string>();
  const ifOutputs = new Set<string>();
  for (const node of graph.nodes) {
    if (merged.includes(node)) {
      for (const o of node.outputs) ifOutputs.add(o);
      continue;
    }
    for (const o of node.outputs) taken.add(o);
    nodeNames.add(node.name);
    for (const a of node.attributes) if (a.graph) collectNames(a.graph, taken);
  }

  const replacements = new Map<OnnxNode, { fields: Writer; nodes: GraphNode[] }>();
  const extraFields = new Writer();
  const initializers = new Set(graph.initializers);
  for (const node of merged) {
    const branch = node.attributes.find((a) => a.name === 'else_branch')?.graph;
    if (!branch || branch.inputs.length > 0 || branch.outputs.length !== node.outputs.length) {
      throw new Error(`the merged decoder's If node "${node.name}" has no else branch of its outputs`);
    }
    const defined = [...branch.initializers, ...branch.nodes.flatMap((n) => n.outputs)].filter((n) => n);
    const rename = new Map<string, string>();
    const used = new Set([...taken, ...ifOutputs, ...defined]);
    for (const name of defined) {
      const j = node.outputs.indexOf(name);
      const keep = j >= 0 ? branch.outputs[j] === name : !taken.has(name) && !ifOutputs.has(name);
      if (keep) continue;
      const fresh = freshName(name, used);
      used.add(fresh);
      rename.set(name, fresh);
    }
    const renamed = (n: string) => rename.get(n) ?? n;
    for (const name of defined) taken.add(renamed(name));

    const fields = new Writer();
    const nodes: GraphNode[] = [];
    for (const n of branch.nodes) {
      const nested = new Set<string>();
      for (const a of n.attributes) if (a.graph) collectNames(a.graph, nested);
      const clash = [...nested].find((x) => rename.has(x));
      if (clash !== undefined) {
        throw new Error(
          `cannot inline the merged decoder: "${clash}" needs a new name but a nested subgraph of node "${n.name}" uses it`,
        );
      }
      const name = n.name && uniqueName(n.name, nodeNames);
      nodeNames.add(name);
      const inputs = n.inputs.map(renamed);
      const outputs = n.outputs.map(renamed);
      nodes.push({ opType: n.opType, domain: n.domain, name, inputs, outputs });
      if (
        name === n.name &&
        n.inputs.every((x) => !rename.has(x)) &&
        n.outputs.every((x) => !rename.has(x))
      ) {
        fields.bytes(buf.subarray(n.field.start, n.field.end));
        continue;
      }
      const message = rewriteStrings(buf, n.field, (number, value) => {
        if (number === NODE_FIELDS.input || number === NODE_FIELDS.output) return rename.get(value);
        return number === NODE_FIELDS.name && value === n.name && name !== n.name ? name : undefined;
      });
      fields.lengthField(GRAPH_FIELDS.node, message);
    }
    // The If's outputs: the branch's outputs, through an Identity where their names differ.
    node.outputs.forEach((target, j) => {
      const source = renamed(branch.outputs[j]!);
      if (target === '' || source === target) return;
      const name = uniqueName(`${node.name || 'If'}/${target}`, nodeNames);
      nodeNames.add(name);
      nodes.push({ opType: 'Identity', domain: '', name, inputs: [source], outputs: [target] });
      fields.lengthField(
        GRAPH_FIELDS.node,
        new Writer()
          .lengthField(NODE_FIELDS.input, source)
          .lengthField(NODE_FIELDS.output, target)
          .lengthField(NODE_FIELDS.name, name)
          .lengthField(NODE_FIELDS.opType, 'Identity'),
      );
    });
    replacements.set(node, { fields, nodes });

    // The branch's weights, and the types it knows of its values, join the main graph's.
    for (const f of branch.fields) {
      if (f.wireType !== 2) continue;
      if (f.number === GRAPH_FIELDS.initializer) {
        const name = tensorName(buf, f);
        initializers.add(renamed(name));
        if (!rename.has(name)) extraFields.bytes(buf.subarray(f.start, f.end));
        else extraFields.lengthField(f.number, renameTensor(buf, f, rename));
      } else if (f.number === GRAPH_FIELDS.sparseInitializer) {
        initializers.add(renamed(sparseName(buf, f)));
        extraFields.lengthField(
          f.number,
          rewriteNested(buf, f, 1, (values) => renameTensor(buf, values, rename)),
        );
      } else if (f.number === GRAPH_FIELDS.valueInfo) {
        const message = rewriteStrings(buf, f, (number, value) =>
          number === 1 ? rename.get(value) : undefined,
        );
        const name = readFields(message).find((g) => g.number === 1);
        if (name && !ifOutputs.has(fieldString(message, name))) extraFields.lengthField(f.number, message);
      }
    }
  }

  const body = new Writer();
  const nodes: GraphNode[] = [];
  const nodeStarts = new Map(graph.nodes.map((n) => [n.field.start, n]));
  for (const f of graph.fields) {
    const node = f.number === GRAPH_FIELDS.node ? nodeStarts.get(f.start) : undefined;
    const replacement = node && replacements.get(node);
    if (replacement) {
      body.append(replacement.fields);
      nodes.push(...replacement.nodes);
    } else {
      body.bytes(buf.subarray(f.start, f.end));
      if (node) nodes.push(node);
    }
  }
  body.append(extraFields);
  return { body, graph: { nodes, inputs: graph.inputs, outputs: graph.outputs, initializers } };
}

/** A TensorProto with its name renamed; its data copied as bytes. */
function renameTensor(buf: Uint8Array, f: Field, rename: ReadonlyMap<string, string>): Uint8Array {
  return rewriteStrings(buf, f, (number, value) =>
    number === TENSOR_NAME_FIELD ? rename.get(value) : undefined,
  );
}

/** A message with its field `number` (a nested message) replaced by `rewrite` of it. */
function rewriteNested(
  buf: Uint8Array,
  f: Field,
  number: number,
  rewrite: (nested: Field) => Uint8Array,
): Uint8Array {
  const out = new Writer();
  for (const g of readFields(buf, f.valueStart, f.end)) {
    if (g.number === number && g.wireType === 2) out.lengthField(number, rewrite(g));
    else out.bytes(buf.subarray(g.start, g.end));
  }
  return out.finish();
}
