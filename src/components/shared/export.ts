/**
 * Exporting a view: the scene the view draws, rendered whole (every token, not only the rows
 * scrolled into view) to a PNG at device-pixel resolution or to an SVG document. bertviz users
 * asked for this for years (its issues #13 and #33); every view uses this one helper.
 */
import { create, select } from 'd3-selection';
import { toHex } from '../../core/palette.js';
import { LinesRaster, paintRects, paintTexts, type Scene, type SceneImage } from '../../render/scene.js';

/** Largest canvas side and area Chromium accepts; bigger exports are scaled down to fit. */
const MAX_CANVAS_SIDE = 32_767;
const MAX_CANVAS_AREA = 268_435_456;
/** Lines are rasterised in horizontal strips to bound the float buffer (~1 MB per 256 rows). */
const STRIP_HEIGHT = 1024;

/** The scale an export of this size can use: `requested`, reduced to fit canvas limits. */
export function exportScale(width: number, height: number, requested: number): number {
  return Math.min(
    requested,
    MAX_CANVAS_SIDE / width,
    MAX_CANVAS_SIDE / height,
    Math.sqrt(MAX_CANVAS_AREA / (width * height)),
  );
}

/** Renders the whole scene on a new canvas at `scale` device pixels per CSS pixel. */
export function sceneToCanvas(scene: Scene, scale: number): HTMLCanvasElement {
  const s = exportScale(scene.width, scene.height, scale);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(scene.width * s);
  canvas.height = Math.ceil(scene.height * s);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('export: a 2D canvas context is unavailable');
  if (scene.background) {
    ctx.fillStyle = scene.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  ctx.save();
  ctx.scale(s, s);
  for (const image of scene.images ?? []) {
    ctx.drawImage(imageCanvas(image), image.x, image.y, image.width, image.height);
  }
  paintRects(ctx, scene.rects, 0, scene.height);
  paintTexts(ctx, scene.texts, 0);
  ctx.restore();
  // Lines: raster strips, each drawn through a small canvas so that it composites over the
  // background rather than replacing it (putImageData would).
  const strip = document.createElement('canvas');
  const stripCtx = strip.getContext('2d')!;
  const raster = new LinesRaster();
  for (let top = 0; top < scene.height; top += STRIP_HEIGHT / s) {
    const height = Math.min(STRIP_HEIGHT / s, scene.height - top);
    const image = raster.draw(top, scene, top, height, s);
    strip.width = image.width;
    strip.height = image.height;
    stripCtx.putImageData(image, 0, 0);
    ctx.drawImage(strip, Math.round(scene.linesX0 * s), Math.round(top * s));
  }
  return canvas;
}

/** A scene image on a canvas of its own pixel size. */
function imageCanvas(image: SceneImage): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.pixelWidth;
  canvas.height = image.pixelHeight;
  const data = new ImageData(image.pixelWidth, image.pixelHeight);
  data.data.set(image.pixels);
  canvas.getContext('2d')?.putImageData(data, 0, 0);
  return canvas;
}

/** The scene as a PNG blob. */
export function sceneToPng(scene: Scene, scale: number): Promise<Blob> {
  const canvas = sceneToCanvas(scene, scale);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('export: PNG encoding failed'))),
      'image/png',
    ),
  );
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The scene as a standalone SVG document. Tokens are set with `textContent` (d3's `text`), so a
 * token such as `<img onerror=…>` stays text.
 */
export function sceneToSvg(scene: Scene): string {
  const svg = create('svg')
    .attr('xmlns', SVG_NS)
    .attr('width', scene.width)
    .attr('height', scene.height)
    .attr('viewBox', `0 0 ${scene.width} ${scene.height}`);
  if (scene.background) {
    svg.append('rect').attr('width', '100%').attr('height', '100%').attr('fill', scene.background);
  }
  svg
    .append('g')
    .attr('class', 'images')
    .selectAll('image')
    .data(scene.images ?? [])
    .join('image')
    .attr('x', (m) => round(m.x))
    .attr('y', (m) => round(m.y))
    .attr('width', (m) => round(m.width))
    .attr('height', (m) => round(m.height))
    .attr('preserveAspectRatio', 'none')
    .attr('image-rendering', 'pixelated')
    .attr('href', (m) => imageCanvas(m).toDataURL('image/png'))
    .each(function (m) {
      if (m.title) select(this).append('title').text(m.title);
    });
  svg
    .append('g')
    .attr('class', 'rects')
    .selectAll('rect')
    .data(scene.rects.filter((r) => r.opacity > 0))
    .join('rect')
    .attr('x', (r) => round(r.x))
    .attr('y', (r) => round(r.y))
    .attr('width', (r) => round(r.width))
    .attr('height', (r) => round(r.height))
    .attr('fill', (r) => r.color)
    .attr('fill-opacity', (r) => round(Math.min(1, r.opacity), 4))
    .filter((r) => r.title !== undefined)
    .append('title')
    .text((r) => r.title!);
  const { lines } = scene;
  const colors = scene.palette.map(toHex);
  const lineData = Array.from({ length: lines.count }, (_, i) => i).filter((i) => lines.alpha[i]! > 0);
  svg
    .append('g')
    .attr('class', 'lines')
    .attr('stroke-width', scene.lineWidth)
    .selectAll('line')
    .data(lineData)
    .join('line')
    .attr('x1', (i) => round(lines.x0[i]!))
    .attr('y1', (i) => round(lines.y0[i]!))
    .attr('x2', (i) => round(lines.x1[i]!))
    .attr('y2', (i) => round(lines.y1[i]!))
    .attr('stroke', (i) => colors[lines.color[i]!]!)
    .attr('stroke-opacity', (i) => round(lines.alpha[i]!, 5));
  svg
    .append('g')
    .attr('class', 'texts')
    .attr('dominant-baseline', 'central')
    .selectAll('text')
    .data(scene.texts)
    .join('text')
    .attr('x', (t) => round(t.x))
    .attr('y', (t) => round(t.y))
    .attr('text-anchor', (t) => t.anchor)
    .attr('fill', (t) => t.color)
    .attr('font-family', (t) => fontParts(t.font).family)
    .attr('font-size', (t) => fontParts(t.font).size)
    .attr('font-weight', (t) => fontParts(t.font).weight)
    .text((t) => t.text);
  const node = svg.node()!;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(node)}`;
}

/** Offers a blob or text to the user as a file download. */
export function download(content: Blob | string, filename: string, type = 'image/svg+xml'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * A canvas font shorthand (`bold 13px system-ui, sans-serif`) as SVG presentation attributes:
 * a `style` attribute is inline style, which a strict Content Security Policy refuses.
 */
function fontParts(font: string): { family: string; size: string; weight: string | null } {
  const m = /^(?:(bold|normal|[1-9]00)\s+)?([\d.]+px)\s+(.+)$/.exec(font.trim());
  if (!m) return { family: font, size: '13px', weight: null };
  return { weight: m[1] ?? null, size: m[2]!, family: m[3]! };
}

function round(v: number, digits = 2): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
