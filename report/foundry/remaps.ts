/** Remappings and import paths of a Foundry reproducer (see index.ts). */
import path from 'node:path'

/** The remappings every reproducers directory declares (see renderFoundryToml). */
export function standardRemaps(p: { projectRoot: string; packageRoot: string }): { prefix: string; dir: string }[] {
  return [
    { prefix: 'project/', dir: path.resolve(p.projectRoot) },
    { prefix: 'vaultcheck/', dir: path.join(path.resolve(p.packageRoot), 'contracts') },
  ]
}

export function importPath(fromFile: string, to: string, remaps: readonly { prefix: string; dir: string }[]): string {
  // The most specific remapping holding the file.
  for (const m of [...remaps].sort((a, b) => b.dir.length - a.dir.length)) {
    const r = path.relative(m.dir, to)
    if (!r.startsWith('..') && !path.isAbsolute(r)) return m.prefix + r.split(path.sep).join('/')
  }
  const r = path.relative(path.dirname(fromFile), to).split(path.sep).join('/')
  return r.startsWith('.') ? r : `./${r}`
}
