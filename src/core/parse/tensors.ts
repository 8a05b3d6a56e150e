/**
 * The ranks a component's tensors must have once read (`readTensor` in ../tensor.ts takes every
 * tensor shape): attention `[layers, heads, queries, keys]` and per-head vectors
 * `[layers, heads, tokens, dim]`. Either may come as a per-layer list of tensors with a batch
 * axis of 1 (as `output_attentions` returns them), which stacks to rank 5.
 */
import { AttentionDataError } from '../errors.js';
import { readTensor, type DenseTensor, type TensorInput } from '../tensor.js';
import type { AttentionShape, VectorShape, VectorTensor } from '../types.js';
import { checkFinite } from '../validate.js';

/**
 * Drops the batch axis of a stacked per-layer list: `[L, 1, a, b, c]` becomes `[L, a, b, c]`.
 * Other ranks are returned as they are, for the caller's rank check. `perLayerAxes` names the
 * axes of one per-layer tensor in the error, when given.
 */
function dropBatchAxis(shape: readonly number[], field: string, perLayerAxes?: string): readonly number[] {
  if (shape.length !== 5) return shape;
  if (shape[1] !== 1) {
    throw new AttentionDataError(
      `${field}[0]`,
      `batch size 1 in each per-layer tensor${perLayerAxes ? ` ${perLayerAxes}` : ''}`,
      `batch size ${shape[1]}`,
    );
  }
  return [shape[0]!, shape[2]!, shape[3]!, shape[4]!];
}

/** Accepts rank 4 `[L, H, Q, K]`, or rank 5 `[L, 1, H, Q, K]` (a stacked per-layer list). */
export function toAttentionShape(t: DenseTensor, field: string): DenseTensor & { shape: AttentionShape } {
  const shape = dropBatchAxis(t.shape, field, '[batch, heads, queries, keys]');
  if (shape.length !== 4) {
    throw new AttentionDataError(
      field,
      '4 dimensions [layers, heads, queries, keys] (or a per-layer list of [1, heads, queries, keys])',
      `${shape.length} dimension${shape.length === 1 ? '' : 's'} [${shape.join(', ')}]`,
    );
  }
  const names = ['layers', 'heads', 'queries', 'keys'];
  shape.forEach((d, i) => {
    if (d === 0)
      throw new AttentionDataError(field, `at least 1 of ${names[i]}`, `shape [${shape.join(', ')}]`);
  });
  return { ...t, shape: shape as unknown as AttentionShape };
}

/**
 * Reads optional per-head vectors, which must match the attention in layers, heads and tokens
 * (`expected`); `tokenSide` names the token axis in errors.
 */
export function readVectors(
  input: TensorInput | undefined,
  field: string,
  expected: readonly [number, number, number],
  tokenSide: string,
): VectorTensor | undefined {
  if (input === undefined || input === null) return undefined;
  const t = readTensor(input, field);
  const shape = dropBatchAxis(t.shape, field);
  if (shape.length !== 4) {
    throw new AttentionDataError(
      field,
      '4 dimensions [layers, heads, tokens, dim]',
      `${shape.length} [${shape.join(', ')}]`,
    );
  }
  const [L, H, T] = expected;
  const labels = ['layers', 'heads', tokenSide, 'dim'];
  for (let i = 0; i < 3; i++) {
    if (shape[i] !== expected[i]) {
      throw new AttentionDataError(
        field,
        `[${L}, ${H}, ${T}, dim] to match the attention (${labels[i]} = ${expected[i]})`,
        `[${shape.join(', ')}]`,
      );
    }
  }
  if (shape[3] === 0) throw new AttentionDataError(field, 'vectors of dimension ≥ 1', 'dimension 0');
  const vshape = shape as unknown as VectorShape;
  checkFinite(t.data, vshape, field);
  return { data: t.data, shape: vshape };
}
