/** Child-process side of `--workers`: runs the campaign chunks it is sent, one after another, until told to exit. */
import { ChunkRunner, type ChunkJob } from './chunk-runner.ts'
import type { WorkerError } from './run.ts'

const controller = new AbortController()
const runner = new ChunkRunner()

process.on('message', async (m: { type: string; job?: ChunkJob }) => {
  if (m.type === 'abort') {
    controller.abort()
    return
  }
  if (m.type === 'exit') {
    // Not synchronously: an 'exit' that was queued while this module loaded is delivered from
    // inside Node's own flush of queued messages, which then touches the channel that
    // disconnect() has just removed (a TypeError and exit code 1).
    setImmediate(() => process.disconnect())
    return
  }
  if (m.type !== 'chunk' || !m.job) return
  try {
    const result = await runner.run(m.job, controller.signal, (progress) => process.send!({ type: 'progress', progress }))
    process.send!({ type: 'result', result })
  } catch (e) {
    const err = e as Error & { kind?: string }
    const error: WorkerError = { name: err.name, message: err.message, kind: err.kind ?? 'harness', stack: err.stack }
    process.send!({ type: 'error', error })
  }
})

// Ctrl-C reaches the whole process group: the parent coordinates, the worker just stops exploring.
process.on('SIGINT', () => controller.abort())
