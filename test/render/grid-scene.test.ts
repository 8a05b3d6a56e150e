import { expect } from '@open-wc/testing';
import { gridLayout } from '../../src/render/grid-layout.js';
import { gridScene, ring, type GridSceneInput } from '../../src/render/grid-scene.js';

const layout = gridLayout({
  width: 200,
  rows: 1,
  columns: 2,
  rowLabelWidth: 64,
  columnLabelHeight: 20,
  gap: 4,
  minCell: 28,
  maxCell: 60,
  aspect: 1,
});

const colors = {
  background: '#000000',
  foreground: '#ffffff',
  muted: '#888888',
  accent: '#0000ff',
  highlight: '#ff8800',
};

const cell = (col: number, extra: Partial<GridSceneInput['cells'][number]> = {}) => ({
  row: 0,
  col,
  pixels: new Uint8ClampedArray(2 * 2 * 4),
  pixelWidth: 2,
  pixelHeight: 2,
  title: `Layer 3, head ${col}: entropy 1`,
  selected: false,
  hit: false,
  dim: false,
  ...extra,
});

const input = (cells: GridSceneInput['cells']): GridSceneInput => ({
  layout,
  title: '1 layer × 2 heads',
  corner: 'Head',
  rowLabels: ['Layer 3'],
  columnLabels: ['0', '1'],
  cells,
  colors,
  fontFamily: 'sans-serif',
  monoFontFamily: 'monospace',
});

describe('gridScene', () => {
  it('places a title line, the labels and one image per cell with its title, within margins', () => {
    const scene = gridScene(input([cell(0), cell(1)]));
    // Cells of 60 px: 64 + 2 × 64 wide, 20 + 64 tall, plus 8 px margins and a 24-px title line.
    expect([scene.width, scene.height]).to.deep.equal([64 + 128 + 16, 24 + 84 + 8]);
    expect(scene.background).to.equal('#000000');
    expect(scene.texts.map((t) => t.text)).to.deep.equal(['1 layer × 2 heads', 'Head', '0', '1', 'Layer 3']);
    expect(scene.texts[0]!.font).to.equal('bold 13px sans-serif');
    expect(scene.images!.map((m) => [m.x, m.y, m.width, m.height, m.title])).to.deep.equal([
      [8 + 68, 24 + 24, 60, 60, 'Layer 3, head 0: entropy 1'],
      [8 + 132, 24 + 24, 60, 60, 'Layer 3, head 1: entropy 1'],
    ]);
    expect(scene.rects).to.deep.equal([]);
  });

  it('outlines the opened and highlighted cells, dims the others, and draws badges and notes', () => {
    const scene = gridScene(
      input([
        cell(0, { selected: true, badge: '0.50', headBadge: '7' }),
        cell(1, { hit: true, note: 'no weights' }),
      ]),
    );
    const byColor = (c: string) => scene.rects.filter((r) => r.color === c);
    expect(byColor('#0000ff')).to.deep.equal(ring({ x: 76, y: 48, width: 60, height: 60 }, 2, 2, '#0000ff'));
    expect(byColor('#ff8800')).to.deep.equal(ring({ x: 140, y: 48, width: 60, height: 60 }, 0, 2, '#ff8800'));
    expect(scene.texts.slice(5).map((t) => t.text)).to.deep.equal(['7', '0.50', 'no weights']);
    const dimmed = gridScene(input([cell(0, { dim: true })]));
    expect(dimmed.rects).to.deep.equal([
      { x: 76, y: 48, width: 60, height: 60, color: '#000000', opacity: 0.72 },
    ]);
  });
});

describe('ring', () => {
  it('is four rectangles `thickness` wide, `offset` outside the box', () => {
    expect(
      ring({ x: 10, y: 10, width: 20, height: 10 }, 1, 2, 'red').map((r) => [r.x, r.y, r.width, r.height]),
    ).to.deep.equal([
      [7, 7, 26, 2],
      [7, 21, 26, 2],
      [7, 9, 2, 12],
      [31, 9, 2, 12],
    ]);
  });
});
