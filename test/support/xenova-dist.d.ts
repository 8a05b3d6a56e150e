// @xenova/transformers' own browser build has the types of the package's main entry.
declare module '@xenova/transformers/dist/transformers.min.js' {
  export * from '@xenova/transformers';
}
