/**
 * Token lists: each a non-empty list of strings, as long as its axis of the attention, and the
 * same on both sides of self-attention.
 */
import { AttentionDataError, count, describe } from '../errors.js';
import type { ComponentName } from '../types.js';
import type { AttentionSetInput } from './attnviz.js';

/** Names of the token fields as the input spells them, for error messages. */
export interface TokenNames {
  readonly query: string;
  readonly key: string;
}

/** Validates a token list: a non-empty array of strings. */
export function checkTokens(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) throw new AttentionDataError(field, 'a list of token strings', describe(value));
  if (value.length === 0) throw new AttentionDataError(field, 'at least 1 token', '0 tokens');
  value.forEach((t, i) => {
    if (typeof t !== 'string') throw new AttentionDataError(`${field}[${i}]`, 'a string', describe(t));
  });
  return value as string[];
}

/** The query and key token lists, `Q` and `K` long; self-attention's two lists must agree. */
export function tokenLists(
  name: ComponentName,
  set: AttentionSetInput,
  prefix: string,
  names: TokenNames,
  Q: number,
  K: number,
): [readonly string[], readonly string[]] {
  let queryTokens: readonly string[];
  let keyTokens: readonly string[];
  if (set.tokens !== undefined) {
    queryTokens = checkTokens(set.tokens, names.query);
    keyTokens = set.keyTokens !== undefined ? checkTokens(set.keyTokens, names.key) : queryTokens;
  } else if (set.queryTokens !== undefined && set.keyTokens !== undefined) {
    queryTokens = checkTokens(set.queryTokens, names.query);
    keyTokens = checkTokens(set.keyTokens, names.key);
  } else {
    throw new AttentionDataError(`${prefix}tokens`, 'a list of token strings', 'undefined');
  }
  if (queryTokens.length !== Q) {
    throw new AttentionDataError(
      names.query,
      `${count(Q, 'token')} (the attention has ${count(Q, 'query', 'queries')})`,
      count(queryTokens.length, 'token'),
    );
  }
  if (keyTokens.length !== K) {
    throw new AttentionDataError(
      names.key,
      `${count(K, 'token')} (the attention has ${count(K, 'key')})`,
      count(keyTokens.length, 'token'),
    );
  }
  if (name === 'self' && keyTokens !== queryTokens) {
    const mismatch = queryTokens.findIndex((t, i) => t !== keyTokens[i]);
    if (mismatch >= 0) {
      throw new AttentionDataError(
        `${names.key}[${mismatch}]`,
        `the same token as ${names.query}[${mismatch}] for self-attention (${JSON.stringify(queryTokens[mismatch])})`,
        describe(keyTokens[mismatch]),
      );
    }
  }
  return [queryTokens, keyTokens];
}
