import { expect } from '@open-wc/testing';
import { contrastRatio, headPalette, parseColor, type Rgb } from '../../src/core/palette.js';
import { THEME_TOKENS } from '../../src/components/shared/theme.js';
import { focusAlpha, restAlpha, restThreshold } from '../../src/render/line-alpha.js';
import { MIN_VISIBLE_ALPHA } from '../../src/render/raster.js';

/** A colour drawn at `alpha` over a background, as the canvas composites it. */
const over = (color: Rgb, background: Rgb, alpha: number): Rgb =>
  color.map((c, i) => alpha * c + (1 - alpha) * background[i]!) as unknown as Rgb;

const THEMES = [
  ['light', parseColor(THEME_TOKENS['--attn-background'][0])!],
  ['dark', parseColor(THEME_TOKENS['--attn-background'][1])!],
] as const;

describe('line opacity', () => {
  for (const [theme, background] of THEMES) {
    it(`focusAlpha: a 0.5 line of one head has ≥ 3:1 contrast in every head colour, a 0.2 line ≥ 1.5:1 (${theme})`, () => {
      for (const color of headPalette(16, theme)) {
        // Only a colour with 3:1 on its own can reach it; the palette promises that.
        expect(contrastRatio(over(color, background, focusAlpha(0.5)), background)).to.be.at.least(
          Math.min(3, contrastRatio(color, background)),
        );
        expect(contrastRatio(over(color, background, focusAlpha(0.2)), background)).to.be.at.least(1.5);
      }
    });
  }

  it('focusAlpha(w) is opaque from 0.5, increasing, never fainter than w from 0.01, and 0 near 0', () => {
    expect(focusAlpha(0.5)).to.equal(1);
    expect(focusAlpha(1)).to.equal(1);
    expect(focusAlpha(0)).to.equal(0);
    let last = 0;
    for (let w = 0.001; w <= 1; w += 0.001) {
      const a = focusAlpha(w);
      if (w >= 0.01) expect(a).to.be.at.least(Math.min(1, w));
      if (w < 0.5) expect(a).to.be.greaterThan(last);
      last = a;
    }
    // A 512-token row of near-uniform weights in one of 12 heads (shared): left out, so that
    // thousands of such lines do not add up to a dark wedge.
    expect(focusAlpha(0.002 / 12)).to.be.below(MIN_VISIBLE_ALPHA);
  });

  it('restAlpha(0.9, heads) is at least 50 times restAlpha(0.05, heads) (bertviz: 18)', () => {
    for (const heads of [1, 4, 12, 16]) {
      expect(restAlpha(0.9, heads) / restAlpha(0.05, heads), `${heads} heads`).to.be.at.least(50);
    }
    expect(restAlpha(1, 1)).to.equal(1);
    expect(restAlpha(0.25, 4)).to.equal(0.0625);
  });

  it('restThreshold(heads) is where the opacity at rest reaches MIN_VISIBLE_ALPHA', () => {
    for (const heads of [1, 12])
      expect(restAlpha(restThreshold(heads), heads)).to.be.closeTo(MIN_VISIBLE_ALPHA, 1e-12);
  });
});
