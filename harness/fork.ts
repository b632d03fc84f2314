/** Child processes that run vaultcheck's TypeScript sources (workers of `run` and `mutate`). */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

// Resolved from vaultcheck's own location: `--import tsx` would resolve from the user's working
// directory, which need not have tsx (a global install, a project without it, a temp folder).
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

export function forkTypeScript(file: string): ChildProcess {
  return fork(file, [], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
}
