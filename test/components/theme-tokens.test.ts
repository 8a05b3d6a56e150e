/**
 * Every `--attn-*` token a view uses must be defined with defaults for both themes, every defined
 * token must be used, and each element must document exactly the tokens it uses (@cssprop).
 */
import { expect } from '@open-wc/testing';
import type { CSSResultOrNative } from 'lit';
import { AttnHeadView } from '../../src/components/head-view/head-view.js';
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
  it('defines a light and a dark default for every token', () => {
    for (const [name, [light, dark]] of Object.entries(THEME_TOKENS)) {
      expect(light, name).to.be.a('string').and.not.equal('');
      expect(dark, name).to.be.a('string').and.not.equal('');
    }
  });

  it('attn-head-view uses exactly the defined tokens and documents each', async () => {
    const styles = cssText(AttnHeadView.styles);
    const usedInCss = new Set([...styles.matchAll(/var\((--attn-[a-z-]+)/g)].map((m) => m[1]!));
    const script = await source('/src/components/head-view/head-view.ts');
    const usedInScript = new Set([...script.matchAll(/['"`](--attn-[a-z-]+)['"`]/g)].map((m) => m[1]!));
    const used = [...new Set([...usedInCss, ...usedInScript])].sort();
    expect(used).to.deep.equal(defined);
    // Documentation: the manifest generated from the element's doc comments (`npm run manifest`).
    const manifest = JSON.parse(await source('/custom-elements.json')) as {
      modules: { declarations?: { tagName?: string; cssProperties?: { name: string }[] }[] }[];
    };
    const element = manifest.modules
      .flatMap((m) => m.declarations ?? [])
      .find((d) => d.tagName === 'attn-head-view');
    const documented = (element?.cssProperties ?? []).map((p) => p.name).sort();
    expect(documented).to.deep.equal(defined);
  });

  it('has no token typos in styles (every var(--attn-…) resolves)', () => {
    const styles = cssText(AttnHeadView.styles);
    const all = new Set(styles.match(TOKEN) ?? []);
    for (const token of all) expect(defined, token).to.include(token);
  });
});
