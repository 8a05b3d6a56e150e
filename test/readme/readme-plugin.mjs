// Serves the README's snippets to test/readme/readme.test.ts, each as a page of its own:
//   /test/readme/snippets.json          every fenced block (test/readme/snippets.mjs)
//   /test/readme/snippet-<id>.html      an html block as the page's body; a js, ts, tsx or vue
//                                        block as the page's module script, bundled
//   /test/readme/snippet-<id>.js        that bundle; a block that does not bundle becomes a module
//                                        that throws esbuild's messages
//   /test/readme/snippet-<id>.check.json  bundles a block marked `compile` without running it
// and, for the html blocks, the URLs a reader's page would have: /node_modules/attnviz/… (the
// package installed, i.e. this checkout's dist/) and /models/… (the demo models, where
// `npm start` serves them).
import { build } from 'esbuild';
import { parse, compileScript } from 'vue/compiler-sfc';
import { inlineModules, readmeSnippets } from './snippets.mjs';

const ROOT = process.cwd();

/** What a page records before any of its code runs: errors, failed scripts, console.error and .warn. */
export const PAGE_RECORDER = `<script>
  window.snippetErrors = [];
  addEventListener('error', (e) => {
    const t = e.target;
    snippetErrors.push(t instanceof HTMLScriptElement ? 'script failed to load: ' + t.src : String(e.error?.stack ?? e.message));
  }, true);
  addEventListener('unhandledrejection', (e) => snippetErrors.push('unhandled rejection: ' + String(e.reason?.stack ?? e.reason)));
  const error = console.error.bind(console);
  console.error = (...args) => { snippetErrors.push('console.error: ' + args.map(String).join(' ')); error(...args); };
  // Warnings too (Vue warns of a tag it cannot resolve), but Lit's note on its development build.
  const warn = console.warn.bind(console);
  console.warn = (...args) => {
    const message = args.map(String).join(' ');
    if (!message.includes('Lit is in dev mode')) snippetErrors.push('console.warn: ' + message);
    warn(...args);
  };
</script>`;

/** Vue's compiler is told that attn-* tags are custom elements, as the README says to. */
const isCustomElement = (tag) => tag.startsWith('attn-');

/** A Vue single-file component as the module Vite's plugin-vue would make of it, mounted on #app. */
function compileSfc(source, filename) {
  // The option applies when the template is parsed (as @vitejs/plugin-vue passes it) and compiled.
  const { descriptor, errors } = parse(source, { filename, templateParseOptions: { isCustomElement } });
  if (errors.length) throw new Error(errors.map(String).join('\n'));
  const script = compileScript(descriptor, {
    id: 'readme',
    inlineTemplate: true,
    templateOptions: { compilerOptions: { isCustomElement } },
  });
  return script.content;
}

const LOADERS = { js: 'js', ts: 'ts', tsx: 'tsx', vue: 'ts', html: 'js' };

/** Bundles a snippet's code (an html block: its module scripts) against the package, as an app's bundler would. */
export async function bundleSnippet(snippet) {
  const sourcefile = `README.md:${snippet.line}`;
  let contents = snippet.lang === 'html' ? inlineModules(snippet.code).join('\n;\n') : snippet.code;
  const plugins = [];
  if (snippet.lang === 'vue') {
    const sfc = compileSfc(contents, 'App.vue');
    contents = `import { createApp } from 'vue';\nimport App from 'readme:App.vue';\ncreateApp(App).mount('#app');\n`;
    plugins.push({
      name: 'readme-sfc',
      setup(b) {
        b.onResolve({ filter: /^readme:App\.vue$/ }, () => ({ path: 'App.vue', namespace: 'readme' }));
        b.onLoad({ filter: /.*/, namespace: 'readme' }, () => ({
          contents: sfc,
          loader: 'ts',
          resolveDir: ROOT,
        }));
      },
    });
  }
  const result = await build({
    stdin: { contents, loader: LOADERS[snippet.lang], resolveDir: ROOT, sourcefile },
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    jsx: 'automatic',
    sourcemap: 'inline',
    // A snippet names the package as a reader's app does: `attnviz/…` resolves through
    // package.json's exports to dist/ (esbuild resolves a package's own name from inside it).
    absWorkingDir: ROOT,
    plugins,
    define: {
      'process.env.NODE_ENV': '"development"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** esbuild's messages, one line each. */
function messages(e) {
  return (e.errors ?? [{ text: e.message }]).map(
    (m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`,
  );
}

function page(snippet) {
  const body =
    snippet.lang === 'html'
      ? snippet.code
      : `<div id="root"></div>\n<div id="app"></div>\n<script type="module" src="./snippet-${snippet.id}.js"></script>`;
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>README.md:${snippet.line}</title>${PAGE_RECORDER}</head>
  <body>
${body}
  </body>
</html>`;
}

export function readmeSnippetsPlugin() {
  return {
    name: 'readme-snippets',
    async serve(context) {
      if (!context.path.startsWith('/test/readme/')) return undefined;
      if (context.path === '/test/readme/snippets.json')
        return { body: JSON.stringify(readmeSnippets(ROOT)), type: 'json' };
      const match = /^\/test\/readme\/snippet-(\d+)(\.html|\.js|\.check\.json)$/.exec(context.path);
      if (!match) return undefined;
      const snippet = readmeSnippets(ROOT)[Number(match[1])];
      if (!snippet) return undefined;
      if (match[2] === '.html') return { body: page(snippet), type: 'html' };
      try {
        const code = await bundleSnippet(snippet);
        if (match[2] === '.js') return { body: code, type: 'js' };
        return { body: JSON.stringify({ errors: [], bytes: code.length }), type: 'json' };
      } catch (e) {
        const errors = messages(e);
        if (match[2] === '.js')
          return { body: `throw new Error(${JSON.stringify(errors.join('\n'))});`, type: 'js' };
        return { body: JSON.stringify({ errors }), type: 'json' };
      }
    },
  };
}

/**
 * The URLs an html snippet's page uses: the installed package's files, from this checkout's
 * dist/, and the demo models, from demo/models.
 */
export function readmeMiddleware() {
  return async (ctx, next) => {
    if (ctx.path.startsWith('/node_modules/attnviz/'))
      ctx.path = ctx.path.slice('/node_modules/attnviz'.length);
    else if (ctx.path.startsWith('/models/')) ctx.path = '/demo' + ctx.path;
    return next();
  };
}
