import { expect } from '@open-wc/testing';
import {
  allLines,
  boxGrid,
  fanOffset,
  focusBoxes,
  focusLines,
  STRONG_ALPHA,
} from '../../src/render/head-scene.js';
import { focusAlpha, restAlpha } from '../../src/render/line-alpha.js';
import { RasterTarget, rasterizeLines, MIN_VISIBLE_ALPHA } from '../../src/render/raster.js';
import { headLayout, HEAD_VIEW_LAYOUT } from '../../src/render/head-layout.js';
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
      if (restAlpha(component.weights[i]!, 3) >= MIN_VISIBLE_ALPHA) expected++;
    // A weight at the threshold may round either way in float32.
    expect(lines.count).to.be.within(expected - 1, expected + 1);
    for (let i = 0; i < lines.count; i++) expect(lines.y1[i]).to.be.at.most(lines.y0[i]!);
  });

  it('allLines draws every strong line after every faint one, at opacity restAlpha(weight, heads)', () => {
    // Two heads over four tokens, each query attending 0.9 / 0.05 / 0.05 / 0 in turn.
    const row = (q: number) => [0, 1, 2, 3].map((k) => [0.9, 0.05, 0.05, 0][(k - q + 4) % 4]!);
    const head = [0, 1, 2, 3].map(row);
    const component = parseAttention({ tokens: ['a', 'b', 'c', 'd'], attention: [[head, head]] })
      .components[0]!;
    const { layout } = fixture(false);
    const lines = allLines({ component, layerIndex: 0, heads: [0, 1], layout, top: 0, weightScale: 1 });
    const alphas = Array.from(lines.alpha.subarray(0, lines.count)).map((a) => a.toFixed(4));
    const strong = restAlpha(0.9, 2).toFixed(4);
    const weak = restAlpha(0.05, 2).toFixed(4);
    expect(restAlpha(0.9, 2)).to.be.at.least(STRONG_ALPHA);
    expect(alphas).to.deep.equal([...Array<string>(16).fill(weak), ...Array<string>(8).fill(strong)]);
  });

  it('focusLines of a query draws its weights, divided by active heads unless "full"', () => {
    const { src, component } = fixture(false);
    const shared = focusLines(src, 'query', 7, 'shared');
    const full = focusLines(src, 'query', 7, 'full');
    const n = 60;
    const alphas = (l: typeof shared) => Array.from(l.alpha.subarray(0, l.count));
    const weights = [0, 1, 2].flatMap((h) =>
      Array.from(component.weights.subarray((h * n + 7) * n, (h * n + 8) * n)),
    );
    const drawn = (ws: number[]) =>
      ws.map((w) => Math.fround(focusAlpha(w))).filter((a) => a >= MIN_VISIBLE_ALPHA);
    expect(alphas(full)).to.deep.equal(drawn(weights));
    expect(alphas(shared)).to.deep.equal(drawn(weights.map((w) => w / 3)));
  });

  it('fanOffset(slot, heads, rowHeight) spreads the heads over 60% of the row, at most 3 px apart', () => {
    expect(fanOffset(0, 1, 22)).to.equal(0);
    expect([0, 1, 2].map((s) => fanOffset(s, 3, 22))).to.deep.equal([-3, 0, 3]);
    expect(fanOffset(0, 16, 22)).to.be.closeTo(-6.6, 1e-12);
    expect(fanOffset(15, 16, 22)).to.be.closeTo(6.6, 1e-12);
  });

  describe('focusBoxes', () => {
    /** `heads` heads over 6 tokens, each attending uniformly, in a view with a 36 px box band. */
    function boxes(heads: number, side: 'query' | 'key') {
      const n = 6;
      const data = new Float32Array(heads * n * n).fill(1 / n);
      const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
      const component = parseAttention({ tokens, attention: { dims: [1, heads, n, n], data } })
        .components[0]!;
      const layout = headLayout({
        width: 640,
        queryCount: n,
        keyCount: n,
        rowHeight: 22,
        ...HEAD_VIEW_LAYOUT,
      });
      const all = Array.from({ length: heads }, (_, h) => h);
      const src = { component, layout, layerIndex: 0, heads: all, top: 0, weightScale: 1 };
      const colors = all.map(() => '#000000');
      return { layout, rects: focusBoxes(src, side, 1, colors, 0, n) };
    }
    // Boxes side by side may share an edge; 1e-9 keeps float rounding from counting as overlap.
    const e = 1e-9;
    const overlap = (a: Box, b: Box) =>
      a.x + e < b.x + b.width &&
      b.x + e < a.x + a.width &&
      a.y + e < b.y + b.height &&
      b.y + e < a.y + a.height;
    interface Box {
      x: number;
      y: number;
      width: number;
      height: number;
    }

    for (const heads of [3, 16, 32]) {
      it(`focusBoxes with ${heads} heads: no box meets a label, a line or another box`, () => {
        for (const side of ['query', 'key'] as const) {
          const { layout, rects } = boxes(heads, side);
          expect(rects.length).to.equal(heads * 6);
          const labels: Box[] = [];
          for (let row = 0; row < 6; row++) {
            for (const x of [layout.leftX, layout.rightX]) {
              labels.push({ x, y: layout.padding + row * 22, width: layout.tokenWidth, height: 22 });
            }
          }
          const lines = {
            x: layout.linesX0,
            y: 0,
            width: layout.linesX1 - layout.linesX0,
            height: layout.height,
          };
          for (const r of rects) {
            expect(labels.some((l) => overlap(r, l))).to.equal(false);
            expect(overlap(r, lines)).to.equal(false);
            expect(r.width).to.be.at.least(3);
          }
          for (let i = 0; i < rects.length; i++) {
            for (let j = i + 1; j < rects.length; j++) expect(overlap(rects[i]!, rects[j]!)).to.equal(false);
          }
        }
      });
    }

    it('boxGrid(heads, width) wraps heads onto more lines when they would be narrower than 4 px', () => {
      expect(boxGrid(3, 36)).to.deep.equal({ columns: 3, rows: 1 });
      expect(boxGrid(16, 36)).to.deep.equal({ columns: 8, rows: 2 });
      expect(boxGrid(32, 36)).to.deep.equal({ columns: 8, rows: 4 });
      expect(boxGrid(12, 0)).to.deep.equal({ columns: 1, rows: 12 });
    });
  });
});
