import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // bench/bertviz/ holds bertviz's views as published, for the benchmark only.
    ignores: [
      'dist/',
      'storybook-static/',
      'node_modules/',
      'custom-elements.json',
      'coverage/',
      '.scratch/',
      'bench/bertviz/',
      // Generated: the README's blocks as files for tsc (test/readme/types.test.mjs), bench models.
      '.cache/',
      // The consumer apps' builds (test/consumers/run.mjs).
      'test/consumers/*/dist/',
      // The bundle copied into the Python package by `npm run build:python`, and pip's copies.
      'python/attnviz/static/attnviz.js',
      'python/build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Node scripts that also hand functions to the browser (page.evaluate).
    files: ['**/*.mjs', 'bench/**', 'scripts/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { 'no-console': 'off' },
  },
  {
    // Plain scripts of test pages and of the examples, run in the browser as they are.
    files: ['test/**/*.js', 'examples/**/*.js', 'python/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['test/**', 'stories/**', 'bench/**'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
