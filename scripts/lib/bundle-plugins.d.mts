// Types for the tests that read what the build promises (test/dist/bundle-layout.test.ts).
export const NO_SIMD_MESSAGE: string
