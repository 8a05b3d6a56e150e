/**
 * What the derived-attention functions share: checking their arguments (every misuse is an
 * `AttentionDataError` naming the argument, the expected and the received value) and building
 * the new component.
 */
import { AttentionDataError, describe } from '../errors.js';
import type { AttentionComponent } from '../types.js';

/** How heads or layers are combined. */
export type Aggregation = 'mean' | 'max';

/** A Float32Array, or a Float16Array where the platform has one (float16 weights). */
function isWeightArray(w: unknown): boolean {
  const Half = (globalThis as { Float16Array?: new () => unknown }).Float16Array;
  return w instanceof Float32Array || (Half !== undefined && w instanceof Half);
}

/** Throws unless `c` looks like a parsed `AttentionComponent` (from `parseAttention`). */
export function checkComponent(c: unknown, fn: string, name = 'c'): asserts c is AttentionComponent {
  const ok =
    typeof c === 'object' &&
    c !== null &&
    isWeightArray((c as AttentionComponent).weights) &&
    Array.isArray((c as AttentionComponent).shape) &&
    (c as AttentionComponent).shape.length === 4;
  if (!ok) {
    throw new AttentionDataError(
      `${fn}: ${name}`,
      'an attention component (one of parseAttention(...).components)',
      describe(c),
    );
  }
}

export function checkAggregation(how: unknown, fn: string): asserts how is Aggregation {
  if (how !== 'mean' && how !== 'max') {
    throw new AttentionDataError(`${fn}: how`, '"mean" or "max"', describe(how));
  }
}

/** Throws unless `value` is a number in [0, 1]. */
export function checkUnitNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new AttentionDataError(name, 'a number from 0 to 1', describe(value));
  }
}

/**
 * Indices of the listed numbers among `available` (the model's own head or layer numbers), in
 * the order given; all of them when `numbers` is undefined.
 */
export function indicesOf(
  available: readonly number[],
  numbers: unknown,
  name: string,
  noun: string,
): number[] {
  if (numbers === undefined) return available.map((_, i) => i);
  if (!Array.isArray(numbers)) {
    throw new AttentionDataError(name, `a list of ${noun} numbers`, describe(numbers));
  }
  if (numbers.length === 0) throw new AttentionDataError(name, `at least one ${noun}`, 'an empty list');
  const seen = new Set<number>();
  return numbers.map((n: unknown, i) => {
    const index = typeof n === 'number' ? available.indexOf(n) : -1;
    if (index < 0) {
      throw new AttentionDataError(
        `${name}[${i}]`,
        `one of the ${noun}s [${available.join(', ')}]`,
        describe(n),
      );
    }
    if (seen.has(n as number)) {
      throw new AttentionDataError(`${name}[${i}]`, `a ${noun} not listed before`, describe(n));
    }
    seen.add(n as number);
    return index;
  });
}

/** `0–11` for a run of three or more, else `0, 3`. */
export function numbersText(numbers: readonly number[]): string {
  const run = numbers.length > 2 && numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
  return run ? `${numbers[0]}–${numbers[numbers.length - 1]}` : numbers.join(', ');
}

/** "mean of heads 0–11", "max of head 3". */
export function aggregateLabel(how: Aggregation, noun: string, numbers: readonly number[]): string {
  return `${how} of ${noun}${numbers.length === 1 ? '' : 's'} ${numbersText(numbers)}`;
}

/**
 * Throws unless `c` is the whole self-attention of one sequence: what rollout, flow and word
 * merging need (one token list on both axes, not a sentence-pair block).
 */
export function checkSelfAttention(c: AttentionComponent, fn: string): void {
  if (c.name === 'cross') {
    throw new AttentionDataError(`${fn}: c`, 'self-attention (encoder, decoder or self)', 'cross attention');
  }
  const [, , Q, K] = c.shape;
  if (Q !== K || c.queryStart !== c.keyStart) {
    throw new AttentionDataError(
      `${fn}: c`,
      'the whole self-attention (queries and keys the same tokens)',
      `a block of ${Q} queries from position ${c.queryStart} × ${K} keys from position ${c.keyStart}`,
    );
  }
}

/**
 * Throws unless `c` is a whole attention, not a sentence-pair block: `fn` (a verb phrase such as
 * "merge words") must run first and the block be taken after it.
 */
export function checkWhole(c: AttentionComponent, fn: string, first: string): void {
  if (c.queryStart !== 0 || c.keyStart !== 0) {
    throw new AttentionDataError(
      `${fn}: c`,
      `whole attention (${first} first, then take a sentence-pair block)`,
      `a block starting at query ${c.queryStart}, key ${c.keyStart}`,
    );
  }
}

/** `c` without its per-head vectors (and which key/value head each reads), which a combination of heads no longer has. */
export function withoutVectors(c: AttentionComponent): AttentionComponent {
  const { queries: _q, keys: _k, values: _v, vectorsScaled: _s, kvHeads: _kv, ...rest } = c;
  return rest;
}
