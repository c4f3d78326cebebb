/**
 * A handler bundled the way AWS runs it: esbuild with the settings CDK's NodejsFunction applies
 * under the app's `FUNCTION_BUNDLING` (`lib/defaults.ts`: CommonJS, minified, Node.js 22, source
 * map without sources, the AWS SDK bundled in rather than taken from the runtime). Used by the
 * Lambda bundle test and by `npm run bench:query`, so both measure the same artefact.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { build } from 'esbuild';

/** The built handler: its code and source map, as the function's zip holds them. */
export interface LambdaBundle {
  readonly code: string;
  readonly map: string;
}

/** Bundles `entry` (a handler module) as NodejsFunction would. */
export async function bundleLambda(entry: string): Promise<LambdaBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: 'external',
    sourcesContent: false,
    outfile: 'index.js',
    write: false,
    logLevel: 'silent',
  });
  const textOf = (suffix: string) => result.outputFiles.find((file) => file.path.endsWith(suffix))?.text ?? '';
  return { code: textOf('index.js'), map: textOf('index.js.map') };
}

/**
 * The exports of bundled `code`, loaded from memory as if it were `filename`: nothing is external,
 * so `require` only ever sees Node.js's own modules.
 */
export function loadBundle<T>(code: string, filename: string): T {
  const module = { exports: {} as T };
  new Function('module', 'exports', 'require', '__filename', '__dirname', code)(module, module.exports, createRequire(filename), filename, path.dirname(filename));
  return module.exports;
}
