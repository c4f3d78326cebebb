/**
 * Three projects: `unit` runs pure and mocked tests with no network; `infra` synthesizes the CDK
 * app; `integration` starts the local twin's real Kafka broker and DynamoDB Local, so it runs
 * serially with long timeouts.
 */
const transform = {
  '^.+\\.ts$': 'ts-jest',
  // Dependencies published as ES modules only (below), compiled to CommonJS for jest's runtime,
  // which cannot load them as they are before Node.js 24.9.
  '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
};
/** `@platformatic/wasm-utils` (the snappy and lz4 codecs) and its `@platformatic/dynamic-buffer`. */
const transformIgnorePatterns = ['/node_modules/(?!@platformatic/)'];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      // The CDK app: synthesizes stacks (bundling the functions with esbuild) and runs cdk-nag and cfn-lint.
      displayName: 'infra',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // One Kafka broker and one DynamoDB Local for the whole run, on free ports; jest transforms
      // these TypeScript hooks with the project's ts-jest transform.
      globalSetup: '<rootDir>/test/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/test/integration/globalTeardown.ts',
      // 120 s per test: a project-level `testTimeout` is ignored by jest-circus, hence the setup file.
      setupFilesAfterEnv: ['<rootDir>/test/integration/setupTimeout.ts'],
    },
  ],
};
