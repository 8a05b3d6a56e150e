import { expect } from '@open-wc/testing';
import { allLines, focusLines } from '../../src/render/head-scene.js';
import { RasterTarget, rasterizeLines, MIN_VISIBLE_ALPHA } from '../../src/render/raster.js';
import { headLayout } from '../../src/render/head-layout.js';
import { headPalette } from '../../src/core/palette.js';
import { parseAttention } from '../../src/core/parse/index.js';

/** A 60-token, 3-head layer with seeded, peaky random attention. */
function fixture(causal: boolean) {
  const n = 60;
  const heads = 3;
  let seed = 42;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const data = new Float32Array(heads * n * n);
  for (let h = 0; h < heads; h++) {
    for (let q = 0; q < n; q++) {
      const limit = causal ? q + 1 : n;
      let sum = 0;
      const row = (h * n + q) * n;
      for (let k = 0; k < limit; k++) sum += data[row + k] = random() ** 6;
      for (let k = 0; k < limit; k++) data[row + k] = data[row + k]! / sum;
    }
  }
  const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
  const component = parseAttention({ tokens, attention: { dims: [1, heads, n, n], data } }).components[0]!;
  const layout = headLayout({
    width: 500,
    queryCount: n,
    keyCount: n,
    rowHeight: 10,
    minTokenWidth: 60,
    maxTokenWidth: 120,
    minLinesWidth: 60,
    maxLinesWidth: 200,
    gap: 6,
    padding: 4,
  });
  return {
    component,
    layout,
    src: { component, layerIndex: 0, heads: [0, 1, 2], layout, top: 0, weightScale: 1 },
  };
}

function raster(
  lines: ReturnType<typeof allLines>,
  layout: ReturnType<typeof headLayout>,
  top: number,
  height: number,
) {
  const target = new RasterTarget(Math.ceil(layout.linesX1 - layout.linesX0), height);
  rasterizeLines(target, lines, headPalette(3, 'light'), 2, {
    scale: 1,
    originX: layout.linesX0,
    originY: top,
  });
  return target.data;
}

describe('head view scene', () => {
  for (const causal of [false, true]) {
    it(`allLines(band) draws exactly the pixels of every line in that band (${causal ? 'causal' : 'bidirectional'})`, () => {
      const { src, layout } = fixture(causal);
      const every = allLines(src);
      for (const [top, height] of [
        [0, 120],
        [250, 120],
        [500, 108],
      ] as const) {
        const banded = allLines(src, undefined, { top, bottom: top + height });
        expect(banded.count, `band at ${top}`).to.be.lessThan(every.count);
        expect(raster(banded, layout, top, height)).to.deep.equal(raster(every, layout, top, height));
      }
    });
  }

  it('allLines leaves out only lines fainter than MIN_VISIBLE_ALPHA and respects the causal mask', () => {
    const { src, component } = fixture(true);
    const lines = allLines(src);
    let expected = 0;
    for (let i = 0; i < component.weights.length; i++)
      if (component.weights[i]! / 3 >= MIN_VISIBLE_ALPHA) expected++;
    expect(lines.count).to.equal(expected);
    for (let i = 0; i < lines.count; i++) expect(lines.y1[i]).to.be.at.most(lines.y0[i]!);
  });

  it('focusLines of a query draws its weights, divided by active heads unless "full"', () => {
    const { src, component } = fixture(false);
    const shared = focusLines(src, 'query', 7, 'shared');
    const full = focusLines(src, 'query', 7, 'full');
    const n = 60;
    const alphas = (l: typeof shared) => Array.from(l.alpha.subarray(0, l.count));
    const weights = [0, 1, 2].flatMap((h) =>
      Array.from(component.weights.subarray((h * n + 7) * n, (h * n + 8) * n)).filter(
        (w) => w >= MIN_VISIBLE_ALPHA,
      ),
    );
    expect(alphas(full)).to.deep.equal(weights.map((w) => Math.fround(w)));
    expect(shared.count).to.be.at.most(full.count);
  });
});
