import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url))

export default defineConfig({
  // The examples import the package by name, as users do; in this repository that is the source.
  resolve: {
    alias: [
      { find: /^vaultcheck$/, replacement: here('./index.ts') },
      { find: /^vaultcheck\/vitest$/, replacement: here('./runner/vitest.ts') },
    ],
  },
  test: {
    include: ['examples/**/*.test.ts', 'test/**/*.test.ts', 'model/**/*.test.ts', 'engine/**/*.test.ts', 'evm/**/*.test.ts', 'report/**/*.test.ts', 'runner/**/*.test.ts', 'audit/**/*.test.ts', 'properties/**/*.test.ts', 'cli/**/*.test.ts'],
    // Suites compile Solidity and run thousands of EVM calls; the defaults are too tight.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default leaves one core idle (cores - 1); test files are independent, single-threaded EVM
    // work, so on a 2-core CI machine two at a time nearly halves the wall time.
    maxWorkers: 2,
  },
})
