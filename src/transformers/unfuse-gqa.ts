/**
 * GroupQueryAttention in standard operators (see unfuse.ts), as ONNX Runtime's contrib-operator
 * specification defines it: query, key and value `[b, s, heads·d]` (or one packed input of
 * `(heads + 2·kv_num_heads)·d` per token); with `do_rotary`, q and k of the new tokens rotated with
 * rows of `cos_cache` / `sin_cache` `[positions, rotary/2]` (rotate-half, or pairs with
 * `rotary_interleaved`; the dimensions past the cache's width pass through), at `position_ids` (on
 * a first prompt, the first id counted on) or else at seqlens_k + 1 − s + i; then `past_key` /
 * `past_value` `[b, kv_num_heads, past, d]` concatenated (the `present_*` outputs), each key/value
 * head repeated for its query heads, the
 * scores scaled, soft-capped (`softcap`: cap·tanh(x/cap)), `attention_bias` added, and hidden where
 * a key comes after the query (`causal`, default 1; onnxruntime 1.30's kernel reads it), lies past
 * seqlens_k (padding), or is `local_window_size` positions or more before it (the window holds that
 * many keys, the query's own included).
 */
import { DATA_TYPE, SLICE_END, type GraphBuilder } from './graph-builder.js';
import { attend, fromFloat, splitHeads, toFloat, type FusedNode } from './unfuse-core.js';

/** Inputs by position (ContribOperators.md). */
const INPUT = {
  query: 0,
  key: 1,
  value: 2,
  pastKey: 3,
  pastValue: 4,
  seqlensK: 5,
  cosCache: 7,
  sinCache: 8,
  positionIds: 9,
  attentionBias: 10,
  headSink: 11,
  kScale: 12,
  vScale: 13,
  qNorm: 14,
  kNorm: 15,
};

/** Attributes and inputs with no standard-operator rewrite here: each refused when used. */
function refuseUnsupported(f: FusedNode): void {
  for (const name of ['smooth_softmax', 'qk_output', 'sliding_window_cache']) {
    const value = f.int(name, 0);
    if (value !== 0) f.refuse(`attribute ${name} = ${value}`, `${name} = 0`);
  }
  for (const name of ['k_quant_type', 'v_quant_type']) {
    const value = f.string(name);
    if (value !== undefined && value !== 'NONE')
      f.refuse(`attribute ${name} = "${value}"`, `${name} = "NONE" (a float cache)`);
  }
  for (const [name, i] of [
    ['head_sink', INPUT.headSink],
    ['k_scale', INPUT.kScale],
    ['v_scale', INPUT.vScale],
    ['q_norm_weight', INPUT.qNorm],
    ['k_norm_weight', INPUT.kNorm],
  ] as const) {
    if (f.input(i)) f.refuse(`input ${name} "${f.input(i)}"`, `no ${name} input`);
  }
  if (f.output(3)) f.refuse(`output output_qk "${f.output(3)}"`, 'no output_qk output');
  if (f.int('do_rotary', 0) !== 0 && (!f.input(INPUT.cosCache) || !f.input(INPUT.sinCache))) {
    f.refuse('do_rotary = 1 without cos_cache and sin_cache inputs', 'both caches to rotate with');
  }
  if (!f.input(INPUT.seqlensK)) f.refuse('no seqlens_k input', 'seqlens_k (the operator requires it)');
}

/**
 * x `[b, h, s, d]` rotated at positions `pos` `[b, s]` (see the module comment); in float32, the
 * result rounded to the node's type once (as ONNX Runtime's kernel writes float16 rotations).
 */
function rotate(g: GraphBuilder, f: FusedNode, input: string, pos: string): string {
  const x = toFloat(g, f.type, input);
  const table = (cache: string) => {
    const rows = g.op('Gather', [cache, pos], { axis: 0 }); // [b, s, rotary/2]
    return g.insertAxis(toFloat(g, f.type, rows), 1); // [b, 1, s, rotary/2]
  };
  const cos = table(f.input(INPUT.cosCache));
  const sin = table(f.input(INPUT.sinCache));
  const half = g.dim(f.input(INPUT.cosCache), 1);
  const width = g.op('Mul', [half, g.ints([2])]);
  const rotated = g.slice(x, 0, width, 3);
  const passed = g.slice(x, width, SLICE_END, 3);
  // (a, b) → (a·cos − b·sin, b·cos + a·sin), for each pair (a, b) of the rotated dimensions.
  const turn = (a: string, b: string, c: string, s: string) => [
    g.op('Sub', [g.op('Mul', [a, c]), g.op('Mul', [b, s])]),
    g.op('Add', [g.op('Mul', [b, c]), g.op('Mul', [a, s])]),
  ];
  if (f.int('rotary_interleaved', 0) === 0) {
    const [a, b] = turn(g.slice(rotated, 0, half, 3), g.slice(rotated, half, width, 3), cos, sin);
    return fromFloat(g, f.type, g.concat([a!, b!, passed], 3));
  }
  const pairs = g.reshape(rotated, [0, 0, 0, -1, 2]);
  const [c5, s5] = [g.reshape(cos, [0, 0, 0, -1, 1]), g.reshape(sin, [0, 0, 0, -1, 1])];
  const [a, b] = turn(g.slice(pairs, 0, 1, 4), g.slice(pairs, 1, 2, 4), c5, s5);
  return fromFloat(g, f.type, g.concat([g.reshape(g.concat([a!, b!], 4), [0, 0, 0, -1]), passed], 3));
}

/**
 * The positions `position_ids` gives, `[b, s]`, or '' without it. On a first prompt (no past keys)
 * onnxruntime reads only each row's first id and counts on from it; with a past, every id as given
 * (measured with onnxruntime-web 1.30: tiny-fused-gqa/nodes/position-ids*.onnx).
 */
function positionIds(g: GraphBuilder, f: FusedNode, s: string): string {
  const ids = f.input(INPUT.positionIds);
  if (!ids) return '';
  const ids64 = g.op('Cast', [ids], { to: DATA_TYPE.int64 });
  const counted = g.op('Add', [
    g.slice(ids64, 0, 1, 1),
    g.reshape(g.op('Range', [g.scalar(0), s, g.scalar(1)]), [1, -1]),
  ]);
  const past = f.input(INPUT.pastKey);
  if (!past) return counted;
  const prompt = g.op('Equal', [g.scalarDim(past, 2), g.scalar(0)]);
  return g.op('Where', [prompt, counted, ids64]);
}

export function unfuseGroupQuery(g: GraphBuilder, f: FusedNode): void {
  const heads = f.int('num_heads', 0);
  const kvHeads = f.int('kv_num_heads', 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0) {
    f.refuse(
      `num_heads = ${heads}, kv_num_heads = ${kvHeads}`,
      'num_heads a positive multiple of kv_num_heads',
    );
  }
  refuseUnsupported(f);
  const query = f.input(INPUT.query);
  let q3 = query;
  let k3 = f.input(INPUT.key);
  let v3 = f.input(INPUT.value);
  if (!k3) {
    // Packed: q, k and v side by side in each token's (heads + 2·kv_num_heads)·d values.
    const size = g.op('Div', [g.dim(query, 2), g.ints([heads + 2 * kvHeads])]);
    const qEnd = g.op('Mul', [size, g.ints([heads])]);
    const kEnd = g.op('Mul', [size, g.ints([heads + kvHeads])]);
    [q3, k3, v3] = [
      g.slice(query, 0, qEnd, 2),
      g.slice(query, qEnd, kEnd, 2),
      g.slice(query, kEnd, SLICE_END, 2),
    ];
  } else if (!v3) {
    f.refuse('a key input without a value input', 'both, or neither (packed QKV)');
  }
  let q = splitHeads(g, q3, heads);
  let k = splitHeads(g, k3, kvHeads);
  let v = splitHeads(g, v3, kvHeads);

  // Each new token's position: seqlens_k + 1 (the keys in all) − s + i, per batch row: [b, s].
  const s = g.scalarDim(q3, 1);
  const total = g.op('Add', [g.op('Cast', [f.input(INPUT.seqlensK)], { to: DATA_TYPE.int64 }), g.scalar(1)]);
  const first = g.reshape(g.op('Sub', [total, s]), [-1, 1]);
  const positions = g.op('Add', [first, g.reshape(g.op('Range', [g.scalar(0), s, g.scalar(1)]), [1, -1])]);
  if (f.int('do_rotary', 0) !== 0) {
    const pos = positionIds(g, f, s) || positions;
    q = rotate(g, f, q, pos);
    k = rotate(g, f, k, pos);
  }
  if (f.input(INPUT.pastKey)) k = g.concat([f.input(INPUT.pastKey), k], 2);
  if (f.input(INPUT.pastValue)) v = g.concat([f.input(INPUT.pastValue), v], 2);
  if (f.output(1)) g.op('Identity', [k], {}, f.output(1));
  if (f.output(2)) g.op('Identity', [v], {}, f.output(2));

  // Hidden keys, [b, 1, s, t]: after the query (causal) or past the row's length, and outside the window.
  const t = g.scalarDim(k, 2);
  const keys = g.op('Range', [g.scalar(0), t, g.scalar(1)]);
  const causal = f.int('causal', 1) !== 0;
  const limit = causal
    ? g.insertAxis(g.insertAxis(positions, 1), 3)
    : g.reshape(g.op('Sub', [total, g.scalar(1)]), [-1, 1, 1, 1]);
  let masked = g.op('Greater', [keys, limit]);
  const window = f.int('local_window_size', -1);
  if (window > 0) {
    if (!causal)
      f.refuse(`local_window_size = ${window} with causal = 0`, 'local_window_size = -1 when not causal');
    // `window` keys in all, the query's own position included (as onnxruntime's kernel counts).
    masked = g.op('Or', [masked, g.op('Less', [keys, g.op('Sub', [limit, g.scalar(window - 1)])])]);
  }
  const options = {
    type: f.type,
    scale: f.float('scale', 0),
    softcap: f.float('softcap', 0),
    bias: f.input(INPUT.attentionBias),
    masked,
  };
  attend(g, q, k, v, heads, kvHeads, options, f.output(0));
}
