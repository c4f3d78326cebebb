/**
 * `@platformatic/wasm-utils/bundled` is the same API as the package root with the WebAssembly
 * inlined, so that esbuild's Lambda bundles need no `.wasm` file beside them (the root reads one
 * through `import.meta.url`, which a CommonJS bundle lacks). The package declares the subpath in
 * its `exports` only, which this project's `node` module resolution does not read.
 */
declare module '@platformatic/wasm-utils/bundled' {
  export * from '@platformatic/wasm-utils';
}
