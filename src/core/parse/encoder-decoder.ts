/**
 * An encoder-decoder model's attention in attnviz's own format: up to three sets (encoder,
 * decoder, cross) over two token lists, sharing one layout of layers and heads.
 */
import { AttentionDataError } from '../errors.js';
import type { AttentionComponent, AttentionData } from '../types.js';
import type { AttentionSetInput, ParseOptions } from './attnviz.js';
import { checkSameLayout } from './checks.js';
import { checkTokens } from './tokens.js';
import { buildComponent } from './component.js';

/** An encoder-decoder model's attention in attnviz's own format. */
export interface EncoderDecoderInput {
  readonly encoderTokens: readonly string[];
  readonly decoderTokens: readonly string[];
  readonly encoder?: Omit<AttentionSetInput, 'tokens' | 'queryTokens' | 'keyTokens' | 'sentenceBStart'>;
  readonly decoder?: Omit<AttentionSetInput, 'tokens' | 'queryTokens' | 'keyTokens' | 'sentenceBStart'>;
  readonly cross?: Omit<AttentionSetInput, 'tokens' | 'queryTokens' | 'keyTokens' | 'sentenceBStart'>;
}

export function parseEncoderDecoder(input: EncoderDecoderInput, options: ParseOptions): AttentionData {
  const components: AttentionComponent[] = [];
  if (input.encoder !== undefined) {
    const tokens = checkTokens(input.encoderTokens, 'encoderTokens');
    const names = { query: 'encoderTokens', key: 'encoderTokens' };
    components.push(
      buildComponent('encoder', { ...input.encoder, tokens }, 'encoder.', options, 'attention', names),
    );
  }
  if (input.decoder !== undefined) {
    const tokens = checkTokens(input.decoderTokens, 'decoderTokens');
    const names = { query: 'decoderTokens', key: 'decoderTokens' };
    components.push(
      buildComponent('decoder', { ...input.decoder, tokens }, 'decoder.', options, 'attention', names),
    );
  }
  if (input.cross !== undefined) {
    const queryTokens = checkTokens(input.decoderTokens, 'decoderTokens');
    const keyTokens = checkTokens(input.encoderTokens, 'encoderTokens');
    components.push(
      buildComponent('cross', { ...input.cross, queryTokens, keyTokens }, 'cross.', options, 'attention', {
        query: 'decoderTokens',
        key: 'encoderTokens',
      }),
    );
  }
  if (components.length === 0) {
    throw new AttentionDataError('data', 'at least one of encoder, decoder, cross', 'none');
  }
  checkSameLayout(components);
  return { components, hints: {} };
}
