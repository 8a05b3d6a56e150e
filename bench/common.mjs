// What the benchmarks share: Debian's headless Chromium with one set of flags, medians, tables.
import os from 'node:os';
import puppeteer from 'puppeteer-core';
import { CHROMIUM_ARGS as BASE_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

/** The shared flags, plus what measuring needs: precise heap figures and a callable gc(). */
export const CHROMIUM_ARGS = [...BASE_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'];

export function launchChromium(options = {}) {
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The smallest and largest value, as "min–max" (whole numbers from 100 up). */
export function spread(xs) {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const d = hi >= 100 ? 0 : 1;
  return `${lo.toFixed(d)}–${hi.toFixed(d)}`;
}

/** The machine, for table captions: CPU count and model. */
export function machine() {
  const cpu = os.cpus();
  return `${cpu.length} × ${cpu[0]?.model}`;
}

/** Right-aligned columns; `cols` are [heading, key, decimals or null for text]. */
export function printTable(cols, rows) {
  const cell = (r, k, d) => (d === null || typeof r[k] !== 'number' ? String(r[k] ?? '–') : r[k].toFixed(d));
  const table = [cols.map((c) => c[0]), ...rows.map((r) => cols.map(([, k, d]) => cell(r, k, d)))];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) console.log(row.map((v, i) => v.padStart(widths[i])).join('  '));
}
