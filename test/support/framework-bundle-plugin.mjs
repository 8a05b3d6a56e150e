// React ships CommonJS only, which the browser cannot import as is. Framework tests are
// therefore bundled whole by esbuild (the same compiler the other tests use per file) and served
// as one ES module.
import { build } from 'esbuild';
import path from 'node:path';

export function frameworkBundlePlugin() {
  return {
    name: 'framework-bundle',
    async serve(context) {
      if (!context.path.startsWith('/test/frameworks/') || !/\.test\.tsx?$/.test(context.path))
        return undefined;
      const entry = path.join(process.cwd(), context.path);
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        write: false,
        target: 'es2022',
        jsx: 'automatic',
        tsconfig: 'tsconfig.json',
        sourcemap: 'inline',
        define: {
          'process.env.NODE_ENV': '"development"',
          __VUE_OPTIONS_API__: 'true',
          __VUE_PROD_DEVTOOLS__: 'false',
          __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
        },
        logLevel: 'silent',
      });
      return { body: result.outputFiles[0].text, type: 'js' };
    },
  };
}
