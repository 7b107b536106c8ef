// Three tiers: unit (fakes, no services), integration (real MLflow, DVC and git, started by
// test/harness/global-setup.mjs) and dist (the bundles run as the Actions runner runs them).
const tsJest = {
  '^.+\\.ts$': [
    'ts-jest',
    { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
  ]
}
const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  resolver: 'ts-jest-resolver',
  transform: tsJest
}
export default {
  reporters: ['default'],
  // Real servers answer in milliseconds, but Python seeding and bundles take seconds.
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.mjs',
      globalTeardown: '<rootDir>/test/harness/global-teardown.mjs'
    },
    {
      ...common,
      displayName: 'dist',
      testMatch: ['<rootDir>/test/dist/**/*.test.ts'],
      globalSetup: '<rootDir>/test/harness/global-setup.mjs',
      globalTeardown: '<rootDir>/test/harness/global-teardown.mjs'
    }
  ]
}
