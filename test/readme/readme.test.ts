/**
 * Every code block of README.md runs as written (test/readme/snippets.mjs says how blocks are
 * marked). Each html block is the body of a page of its own, with the package at
 * /node_modules/attnviz/ and the demo models at /models/; each js, ts, tsx and vue block is
 * bundled against the package (`attnviz/…` through package.json's exports to dist/) and run as
 * a page's module script. A page passes when it threw nothing, logged no error, and each of its
 * attn-* elements rendered with no error box and no warning. Blocks marked `compile` are bundled
 * but not run (they fetch a model from the Hugging Face Hub). test/readme/types.test.mjs
 * type-checks the ts, tsx and vue blocks.
 */
import { expect } from '@open-wc/testing';
import { frames, openFrame, problemOf, settle, viewsOf, type RecordingWindow } from '../support/frame.js';

interface Snippet {
  id: number;
  line: number;
  lang: string;
  code: string;
  mode: 'run' | 'compile' | 'skip' | 'unmarked';
  reason: string;
}

interface PageReport {
  errors: string[];
  views: { tag: string; problem: string | null }[];
}

const snippets = (await (await fetch('/test/readme/snippets.json')).json()) as Snippet[];

const where = (s: Snippet) => `README.md:${s.line} (${s.lang})`;

/** Loads a snippet's page in an iframe, waits for its views to compute and draw, and reports. */
async function runPage(s: Snippet): Promise<PageReport> {
  const frame = await openFrame(`/test/readme/snippet-${s.id}.html`);
  try {
    const win = frame.contentWindow as RecordingWindow;
    const report: PageReport = { errors: win.snippetErrors!, views: [] };
    for (const view of viewsOf(frame.contentDocument!)) {
      await settle(win, view);
      report.views.push({ tag: view.localName, problem: problemOf(view) });
    }
    await frames(win, 2);
    return report;
  } finally {
    frame.remove();
  }
}

describe('README.md code blocks', () => {
  it('are all run, compiled, or marked as skipped with a reason', () => {
    expect(snippets.length, 'blocks found').to.be.greaterThan(10);
    const unmarked = snippets.filter((s) => s.mode === 'unmarked').map(where);
    expect(
      unmarked,
      'blocks of a language the tests cannot run need <!-- snippet: skip (why) -->',
    ).to.deep.equal([]);
    const skipped = snippets.filter((s) => s.mode !== 'run');
    expect(skipped.every((s) => s.reason.trim().length > 0)).to.equal(true);
  });

  for (const s of snippets.filter((s) => s.mode === 'run')) {
    it(`${where(s)} runs as written`, async function () {
      this.timeout(120_000);
      const report = await runPage(s);
      expect(report.errors, `${where(s)}: errors`).to.deep.equal([]);
      const problems = report.views.filter((v) => v.problem).map((v) => `<${v.tag}>: ${v.problem}`);
      expect(problems, `${where(s)}: views`).to.deep.equal([]);
      if (s.lang !== 'js' && s.lang !== 'ts')
        expect(report.views.length, `${where(s)}: attn-* elements rendered`).to.be.greaterThan(0);
    });
  }

  for (const s of snippets.filter((s) => s.mode === 'compile')) {
    it(`${where(s)} bundles against the package (not run: ${s.reason})`, async function () {
      this.timeout(60_000);
      const check = (await (await fetch(`/test/readme/snippet-${s.id}.check.json`)).json()) as {
        errors: string[];
        bytes?: number;
      };
      expect(check.errors, where(s)).to.deep.equal([]);
      expect(check.bytes).to.be.greaterThan(0);
    });
  }
});
