/** Coverage of a run's targets: their raw block hits mapped onto their own sources, then written as reports. */
import path from 'node:path'
import type { CoverageData } from '../evm/coverage.ts'
import { mapCoverage, type SourceCoverage, type SourceFilter } from '../evm/source-coverage.ts'
import { loadTarget } from '../engine/target.ts'
import { PACKAGE_ROOT } from '../engine/bundled.ts'
import { mergeSources, summarize, writeCoverageReports, type CoverageSummary } from '../report/coverage.ts'
import type { RunTarget } from './run.ts'

export async function targetCoverage(spec: RunTarget, data: CoverageData, filter: SourceFilter = {}): Promise<SourceCoverage> {
  // Compiled again: a hit in the compile cache, and nothing large travels back from workers.
  const loaded = await loadTarget(spec)
  if (!loaded.output) return { files: {}, revertedOnly: {}, unmatched: Object.keys(data).length }
  // A bundled vault's source unit names are relative to the package, not to the user's project.
  const root = spec.source || spec.artifact ? path.resolve(spec.root ?? process.cwd()) : PACKAGE_ROOT
  return mapCoverage([loaded.output], data, { ...filter, root })
}

/** Maps every target's coverage, writes lcov.info and the HTML report under `<root>/.vaultcheck/coverage`. */
export async function writeRunCoverage(
  root: string,
  targets: readonly RunTarget[],
  results: readonly { target: string; coverage?: CoverageData }[],
  filter: SourceFilter = {},
): Promise<CoverageSummary> {
  const parts: SourceCoverage[] = []
  for (const r of results) {
    // A result is named after its target (its name, else its contract).
    const spec = targets.find((t) => (t.name ?? t.contract) === r.target)
    if (r.coverage && spec) parts.push(await targetCoverage(spec, r.coverage, filter))
  }
  const merged = mergeSources(parts)
  const written = writeCoverageReports(merged, path.join(root, '.vaultcheck', 'coverage'))
  return summarize(merged, root, written)
}
