// Two builds: the ES module library (one file per module, dependencies external, .d.ts beside
// each file) and one self-contained file that registers every element for a plain
// <script type="module"> with no bundler.
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const entries = {
  index: 'src/index.ts',
  define: 'src/define.ts',
  'core/index': 'src/core/index.ts',
  'components/head-view/define': 'src/components/head-view/define.ts',
  'components/model-view/define': 'src/components/model-view/define.ts',
  'components/neuron-view/define': 'src/components/neuron-view/define.ts',
  'components/explorer/define': 'src/components/explorer/define.ts',
  'transformers/index': 'src/transformers/index.ts',
  // Started by URL (new Worker), imported by nothing: an entry of its own.
  'transformers/tap-worker': 'src/transformers/tap-worker.ts',
  'components/shared/derive-worker': 'src/components/shared/derive-worker.ts',
  'frameworks/react': 'src/frameworks/react.ts',
  'frameworks/vue': 'src/frameworks/vue.ts',
};

const isExternal = (id) =>
  /^(lit|@lit\/|d3-|react|vue|onnxruntime-|@huggingface\/transformers|@xenova\/transformers|node:)/.test(id);

export default [
  {
    input: entries,
    external: isExternal,
    // The framework entries hold only typings: their JS is empty by design.
    onwarn(warning, warn) {
      if (warning.code !== 'EMPTY_BUNDLE') warn(warning);
    },
    output: {
      dir: 'dist',
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: 'src',
      // tslib's helpers (decorators) are bundled as a module of their own: under dist/vendor/, not
      // a node_modules folder inside dist (which npm and bundlers treat as installed packages).
      entryFileNames: (chunk) => `${chunk.name.replace(/^(?:.*\/)?node_modules\//, 'vendor/')}.js`,
      sourcemap: true,
    },
    plugins: [
      typescript({
        tsconfig: 'tsconfig.json',
        outDir: 'dist',
        declaration: true,
        declarationMap: true,
        sourceMap: true,
        exclude: ['src/**/*.test.ts'],
      }),
    ],
  },
  singleFile('src/define.ts', 'dist/attnviz.min.js'),
  // The single file's views start the derivations' worker as ./derive-worker.js beside it.
  singleFile('src/components/shared/derive-worker.ts', 'dist/derive-worker.js'),
];

/** One self-contained, minified file from `input` (its dependencies bundled in). */
function singleFile(input, file) {
  return {
    input,
    output: { file, format: 'es', sourcemap: true },
    plugins: [
      nodeResolve({ exportConditions: ['production'] }),
      typescript({
        tsconfig: 'tsconfig.json',
        outDir: 'dist',
        declaration: false,
        declarationMap: false,
        sourceMap: true,
      }),
      terser({ format: { comments: false } }),
    ],
  };
}
