/**
 * Every `--attn-*` token a view uses must be defined with defaults for both themes, every defined
 * token must be used, and each element must document exactly the tokens it uses (@cssprop).
 */
import { expect } from '@open-wc/testing';
import type { CSSResultOrNative } from 'lit';
import { AttnHeadView } from '../../src/components/head-view/head-view.js';
import { AttnModelView } from '../../src/components/model-view/model-view.js';
import { AttnNeuronView } from '../../src/components/neuron-view/neuron-view.js';
import { THEME_TOKENS } from '../../src/components/shared/theme.js';

const TOKEN = /--attn-[a-z-]+/g;

/** Component sources, read from the test server, for tokens read from script (canvas colours). */
async function source(path: string): Promise<string> {
  const response = await fetch(path);
  expect(response.ok, path).to.equal(true);
  return response.text();
}

function cssText(styles: CSSResultOrNative | CSSResultOrNative[] | undefined): string {
  const list = Array.isArray(styles) ? styles : styles ? [styles] : [];
  return list.map((s) => ('cssText' in s ? s.cssText : '')).join('\n');
}

const defined = Object.keys(THEME_TOKENS).sort();

describe('theme tokens', () => {
  /** Tokens an element uses in its styles and its script (canvas colours), sorted. */
  async function usedTokens(styles: CSSResultOrNative[], sourcePath: string): Promise<string[]> {
    const css = cssText(styles);
    const usedInCss = new Set([...css.matchAll(/var\((--attn-[a-z-]+)/g)].map((m) => m[1]!));
    const script = await source(sourcePath);
    const usedInScript = new Set([...script.matchAll(/['"`](--attn-[a-z-]+)['"`]/g)].map((m) => m[1]!));
    return [...new Set([...usedInCss, ...usedInScript])].sort();
  }

  /** The `@cssprop`s of an element in the manifest generated from doc comments (`npm run manifest`). */
  async function documentedTokens(tagName: string): Promise<string[]> {
    const manifest = JSON.parse(await source('/custom-elements.json')) as {
      modules: { declarations?: { tagName?: string; cssProperties?: { name: string }[] }[] }[];
    };
    const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === tagName);
    return (element?.cssProperties ?? []).map((p) => p.name).sort();
  }

  const VIEWS = [
    ['attn-head-view', AttnHeadView, '/src/components/head-view/head-view.ts'],
    ['attn-model-view', AttnModelView, '/src/components/model-view/model-view.ts'],
    ['attn-neuron-view', AttnNeuronView, '/src/components/neuron-view/neuron-view.ts'],
  ] as const;

  for (const [tag, View, path] of VIEWS) {
    it(`${tag} uses only defined tokens and documents exactly those it uses`, async () => {
      // The model view's detail head view inherits every token; that forwarding is not a use.
      const styles = (View.styles as CSSResultOrNative[]).filter(
        (s) => !cssText(s).includes('--attn-background: inherit'),
      );
      const used = await usedTokens(styles, path);
      for (const token of used) expect(defined, token).to.include(token);
      expect(await documentedTokens(tag)).to.deep.equal(used);
    });
  }

  it('every defined token is used by some view', async () => {
    const used = new Set<string>();
    for (const [, View, path] of VIEWS) {
      for (const t of await usedTokens(View.styles as CSSResultOrNative[], path)) used.add(t);
    }
    expect([...used].sort()).to.deep.equal(defined);
  });

  it('has no token typos in styles (every var(--attn-…) resolves)', () => {
    const styles = cssText(
      [AttnHeadView.styles, AttnModelView.styles, AttnNeuronView.styles].flat() as CSSResultOrNative[],
    );
    const all = new Set(styles.match(TOKEN) ?? []);
    for (const token of all) expect(defined, token).to.include(token);
  });
});
