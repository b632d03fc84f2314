/**
 * vaultcheck's layers, lowest first. A module may import its own layer and the layers below it,
 * never one above: the engine knows nothing of kinds, the EVM knows nothing of campaigns.
 * Tests (*.test.ts) may import anything. Checked by test/layers.test.ts, also on a planted
 * upward import, so the check itself is shown to fail.
 */
const LAYERS = ['model', 'evm', 'engine', 'properties', 'report', 'runner', 'audit', 'cli']

const upward = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `${layer}-imports-upward`,
  comment: `${layer}/ may import only ${LAYERS.slice(0, i + 1).join(', ')} (layers, lowest first: ${LAYERS.join(' < ')})`,
  severity: 'error',
  from: { path: `^${layer}/`, pathNot: '\\.test\\.ts$' },
  to: { path: `^(${LAYERS.slice(i + 1).join('|')}|index\\.ts$)` },
}))

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'model-imports-a-runtime',
      comment: 'model/ is pure bigint arithmetic: no EVM, ABI or generator libraries',
      severity: 'error',
      from: { path: '^model/', pathNot: '\\.test\\.ts$' },
      to: { path: 'node_modules/(viem|fast-check|@ethereumjs|@fast-check|solc)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)\\.bundle-|^dist/' },
    tsPreCompilationDeps: true,
    moduleSystems: ['es6'],
  },
}
