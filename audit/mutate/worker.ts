/** Child-process side of `vaultcheck mutate`: compiles and tests one mutant at a time. */
import { runMutantJob, type MutantJob } from './job.ts'

process.on('message', async (m: { type: string; job?: MutantJob }) => {
  if (m.type !== 'mutant' || !m.job) return
  const job = m.job
  try {
    const outcome = await runMutantJob(job)
    process.send!({ type: 'outcome', id: job.id, outcome })
  } catch (e) {
    const err = e as Error
    process.send!({ type: 'error', id: job.id, error: `${err.name}: ${err.message.split('\n')[0]}` })
  }
})

// The parent decides when to stop (it kills overrunning workers); Ctrl-C reaching the process group
// must not kill a worker in the middle of a mutant before the parent reports.
process.on('SIGINT', () => {})
process.on('disconnect', () => process.exit(0))
