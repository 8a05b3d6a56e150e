import { expect } from '@open-wc/testing';
import { readModel } from '../../src/transformers/onnx.js';
import { fieldString, ProtoError, readFields, Writer } from '../../src/transformers/proto.js';
import { addGraphOutputs, findAttention, fusedOperators, tapModel } from '../../src/transformers/tap.js';

/** An ONNX NodeProto. */
function node(opType: string, inputs: string[], outputs: string[], domain = ''): Writer {
  const w = new Writer();
  for (const i of inputs) w.lengthField(1, i);
  for (const o of outputs) w.lengthField(2, o);
  w.lengthField(4, opType);
  if (domain) w.lengthField(7, domain);
  return w;
}

const named = (name: string) => new Writer().lengthField(1, name);

/** A TensorProto with a name and 4 bytes of raw data. */
const weight = (name: string) =>
  new Writer()
    .varintField(1, 1)
    .varintField(2, 1)
    .lengthField(8, name)
    .lengthField(9, new Uint8Array([0, 0, 128, 63]));

/** A ModelProto: ir_version, an opset, and a graph of classic attention (scale, mask, softmax). */
function attentionModel(extra: Writer[] = []): Uint8Array {
  const graph = new Writer()
    .lengthField(1, node('MatMul', ['q', 'kt'], ['scores']))
    .lengthField(1, node('Div', ['scores', 'sqrt_d'], ['scaled']))
    .lengthField(1, node('Add', ['scaled', 'mask'], ['masked']))
    .lengthField(1, node('Softmax', ['masked'], ['probs']))
    .lengthField(1, node('MatMul', ['probs', 'v'], ['context']));
  for (const e of extra) graph.lengthField(1, e);
  graph
    .lengthField(2, 'g')
    .lengthField(5, weight('sqrt_d'))
    .lengthField(11, named('q'))
    .lengthField(11, named('kt'))
    .lengthField(11, named('v'))
    .lengthField(11, named('mask'))
    .lengthField(12, named('context'));
  return new Writer()
    .varintField(1, 8)
    .lengthField(8, new Writer().lengthField(1, '').varintField(2, 17))
    .lengthField(7, graph)
    .finish();
}

/** The ProtoError `fn` throws. */
function caught(fn: () => unknown): ProtoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtoError) return e;
    throw e;
  }
  throw new Error('expected a ProtoError');
}

describe('protobuf wire format', () => {
  it('reads back what it writes: varints past 2³¹, strings and nested messages', () => {
    const bytes = new Writer()
      .varintField(1, 2 ** 40 + 5)
      .lengthField(2, 'héllo')
      .lengthField(3, new Writer().varintField(1, 300))
      .finish();
    const fields = readFields(bytes);
    expect(fields.map((f) => f.number)).to.deep.equal([1, 2, 3]);
    expect(fields[0]!.varint).to.equal(2 ** 40 + 5);
    expect(fieldString(bytes, fields[1]!)).to.equal('héllo');
    const inner = readFields(bytes, fields[2]!.valueStart, fields[2]!.end);
    expect(inner[0]!.varint).to.equal(300);
  });

  it('names truncated input, and tells it from a damaged length inside the data', () => {
    const cut = () => readFields(new Uint8Array([0x12, 0x05, 0x61]));
    expect(cut).to.throw(/^field 2 at byte 0 runs to byte 7, past the end of the data \(3 bytes\)$/);
    expect(caught(cut)).to.include({ name: 'ProtoError', truncated: true });
    expect(caught(() => readFields(new Uint8Array([0x08]))).truncated).to.equal(true);
    // A 3-byte message whose inner field claims 5: the data goes on, the message's length is wrong.
    const inner = new Uint8Array([0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65]);
    const nested = () => readFields(inner, 0, 3);
    expect(nested).to.throw(/^field 2 at byte 0 runs past its message$/);
    expect(caught(nested).truncated).to.equal(false);
  });
});

describe('the ONNX tap', () => {
  it('reads nodes, inputs, outputs and weight names', () => {
    const model = readModel(attentionModel());
    expect(model.graph.nodes.map((n) => n.opType)).to.deep.equal([
      'MatMul',
      'Div',
      'Add',
      'Softmax',
      'MatMul',
    ]);
    expect(model.graph.inputs).to.deep.equal(['q', 'kt', 'v', 'mask']);
    expect(model.graph.outputs).to.deep.equal(['context']);
    expect([...model.graph.initializers]).to.deep.equal(['sqrt_d']);
  });

  it('finds the softmax of Q·Kᵀ through scale and mask, and its value input', () => {
    const taps = findAttention(readModel(attentionModel()).graph);
    expect(taps).to.deep.equal([
      { probs: 'probs', query: 'q', keyT: 'kt', value: 'v', vectorsScaled: false, keySources: ['kt'] },
    ]);
  });

  it('adds graph outputs and copies every other byte', () => {
    const bytes = attentionModel();
    const model = readModel(bytes);
    const tapped = addGraphOutputs(model, ['probs', 'q', 'context']);
    const again = readModel(tapped);
    expect(again.graph.outputs).to.deep.equal(['context', 'probs', 'q']);
    expect(again.graph.nodes.map((n) => n.opType)).to.deep.equal(model.graph.nodes.map((n) => n.opType));
    // The original graph's bytes are a prefix of the new graph's.
    const oldGraph = bytes.subarray(model.graph.start, model.graph.end);
    const newGraph = tapped.subarray(again.graph.start, again.graph.start + oldGraph.length);
    expect([...newGraph]).to.deep.equal([...oldGraph]);
  });

  it('refuses fused attention operators it does not unfuse, by name', () => {
    // (unfuse.test.ts has the refusals of Attention, MultiHeadAttention and GroupQueryAttention.)
    const bytes = attentionModel([node('PackedAttention', ['x', 'w', 'b'], ['y'], 'com.microsoft')]);
    expect(fusedOperators(readModel(bytes).graph)).to.deep.equal(['com.microsoft.PackedAttention']);
    expect(() => tapModel(bytes, 'tiny-fused')).to.throw(
      /^tiny-fused: attention is fused into one operator \(com\.microsoft\.PackedAttention\)/,
    );
  });
});
