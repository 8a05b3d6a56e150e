/** A text's tokens and ids through the model's tokenizer, and the numbers read from its config. */
import { abortable, AttentionComputeError } from './errors.js';
import { fetchJsonFile, withEnv, type ModelLocation } from './files.js';
import type { PastSize } from './feeds.js';
import type { Encoded, Tokenizer, ModelConfig, ComputeOptions } from './types.js';

export function toNumbers(v: Encoded['input_ids'] | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const list =
    Array.isArray(v) || ArrayBuffer.isView(v)
      ? (v as ArrayLike<number | bigint>)
      : (v as { data: ArrayLike<number | bigint> }).data;
  return Array.from(list, (x) => Number(x));
}

/** A text's token ids (and token types) as the model takes them, special tokens included. */
export function encode(
  tokenizer: Tokenizer,
  config: ModelConfig,
  text: string,
  pair?: string,
): { ids: number[]; typeIds: number[] | undefined } {
  const encoded = tokenizer(text, {
    ...(pair !== undefined ? { text_pair: pair } : {}),
    add_special_tokens: true,
    return_tensor: false,
    padding: false,
    truncation: false,
  });
  const ids = toNumbers(encoded.input_ids)!;
  const vocab = numberOf(config, 'vocab_size');
  if (vocab !== undefined && ids.some((id) => id >= vocab)) {
    throw new AttentionComputeError(
      'tokenizer',
      `tokenizer mismatch: token id ${Math.max(...ids)} is outside the model's vocabulary of ${vocab}`,
    );
  }
  return { ids, typeIds: toNumbers(encoded.token_type_ids) };
}

export function idsToTokens(tokenizer: Tokenizer, ids: number[]): string[] {
  if (tokenizer.model?.convert_ids_to_tokens) return tokenizer.model.convert_ids_to_tokens(ids);
  const inner = tokenizer._tokenizer;
  if (inner?.id_to_token) return ids.map((id) => inner.id_to_token!(id) ?? `[${id}]`);
  throw new AttentionComputeError(
    'tokenizer',
    'this transformers.js version exposes no way to turn token ids into tokens',
  );
}

export const numberOf = (config: ModelConfig, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof config[k] === 'number') return config[k] as number;
  return undefined;
};

/**
 * A decoder cache's heads and head size from the config: key/value heads where grouped- or
 * multi-query attention has fewer than `heads`, and `head_dim` where it is not hidden / heads.
 */
export function pastSize(config: ModelConfig, heads: number): PastSize {
  const hidden = numberOf(config, 'hidden_size', 'n_embd', 'd_model') ?? 0;
  return {
    heads: numberOf(config, 'num_key_value_heads', 'n_head_kv', 'num_kv_heads') ?? heads,
    dim: numberOf(config, 'head_dim') ?? (heads > 0 ? hidden / heads : 0),
  };
}

/**
 * The model's tokenizer and config through transformers.js, once config.json and the tokenizer's
 * files are checked here: the same errors for both packages (one fails obscurely on a missing
 * config), and a web page or broken file never reaches transformers.js, which would cache it. In
 * the browser transformers.js then reads the checked files from the shared cache.
 */
export async function loadTokenizer(
  o: ComputeOptions,
  loc: ModelLocation,
): Promise<[Tokenizer, ModelConfig]> {
  const files = { signal: o.signal };
  if (!(await fetchJsonFile(loc, 'config.json', files))) {
    throw new AttentionComputeError(
      'not-found',
      `model "${o.model}" not found: no config.json at ${loc.base}: check the model's id or its folder's URL`,
      `${loc.base}config.json`,
    );
  }
  // Either may be missing (transformers.js says which it needs); a bad one fails in folder order.
  const checked = await Promise.allSettled(
    ['tokenizer.json', 'tokenizer_config.json'].map((file) => fetchJsonFile(loc, file, files)),
  );
  for (const c of checked) if (c.status === 'rejected') throw c.reason;
  const t = o.transformers;
  const loaded = withEnv(t.env, loc.envPatch, () =>
    Promise.all([t.AutoTokenizer.from_pretrained(loc.id), t.AutoConfig.from_pretrained(loc.id)]),
  );
  try {
    // transformers.js takes no signal: Cancel stops waiting for it.
    const [tokenizer, config] = await abortable(loaded, o.signal);
    // config.json, as transformers.js parsed it: a JSON object, read field by field below.
    return [tokenizer, config as ModelConfig];
  } catch (e) {
    if (e instanceof AttentionComputeError) throw e;
    const message = (e as Error).message ?? String(e);
    const missing = /404|not found|could not locate|unable to load|ENOENT/i.test(message);
    throw new AttentionComputeError(
      missing ? 'not-found' : 'tokenizer',
      missing
        ? `model "${o.model}" not found: no config.json / tokenizer.json at ${loc.base} (${message})`
        : `transformers.js could not load the tokenizer of "${o.model}" from ${loc.base}: ${message}`,
    );
  }
}
