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
  // Two workers on CI's two cores (jest's default there is one): the integration and dist files
  // mostly wait on MLflow, DVC, git, act and bundle processes, so a second file runs in that
  // waiting time (serial, the files took 1,100-1,400 s). The basic-auth clients' budgets allow
  // for the queueing this adds on that server (AUTH_RETRY in test/integration/promote-model).
  maxWorkers: 2,
  // Longest files first, also on a fresh clone with no timings cached (see the file).
  testSequencer: '<rootDir>/test/harness/sequencer.mjs',
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
