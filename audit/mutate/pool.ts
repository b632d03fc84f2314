/** The pool of mutate workers (worker.ts): child processes that run one mutant at a time. */
import type { ChildProcess } from 'node:child_process'
import { forkWorker } from '../../engine/fork.ts'
import type { JobOutcome, MutantJob } from './job.ts'

/** Long-lived child processes, one mutant at a time each; a child that overruns its budget is killed and replaced. */
export class WorkerPool {
  private idle: ChildProcess[] = []
  private all = new Set<ChildProcess>()
  constructor(private readonly timeoutMs: number) {}

  private spawn(): ChildProcess {
    const child = forkWorker('audit/mutate/worker')
    this.all.add(child)
    child.on('exit', () => this.all.delete(child))
    return child
  }

  run(job: MutantJob): Promise<JobOutcome> {
    const child = this.idle.pop() ?? this.spawn()
    return new Promise((resolve) => {
      let settled = false
      const settle = (o: JobOutcome, reuse: boolean) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
        if (reuse) this.idle.push(child)
        else child.kill('SIGKILL')
        resolve(o)
      }
      const timer = setTimeout(() => settle({ status: 'timeout', detail: `no verdict within ${this.timeoutMs} ms` }, false), this.timeoutMs)
      const onMessage = (m: { type: string; id: string; outcome?: JobOutcome; error?: string }) => {
        if (m.id !== job.id) return
        if (m.type === 'outcome' && m.outcome) settle(m.outcome, true)
        if (m.type === 'error') settle({ status: 'error', detail: m.error }, true)
      }
      const onExit = (code: number | null) => settle({ status: 'error', detail: `worker exited with code ${code}` }, false)
      child.on('message', onMessage)
      child.on('exit', onExit)
      child.send({ type: 'mutant', job })
    })
  }

  close(): void {
    for (const c of this.all) c.kill()
    this.idle = []
  }
}
