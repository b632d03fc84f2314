import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'model/**/*.test.ts', 'engine/**/*.test.ts', 'evm/**/*.test.ts', 'report/**/*.test.ts', 'runner/**/*.test.ts', 'audit/**/*.test.ts', 'properties/**/*.test.ts', 'cli/**/*.test.ts'],
    // Suites compile Solidity and run thousands of EVM calls; the defaults are too tight.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
