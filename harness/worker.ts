/** Child-process side of `--workers`: runs the targets it is sent, one after another, until told to exit. */
import { runOne, type RunTarget } from './run.ts'
import type { CampaignOptions } from './campaign.ts'

const controller = new AbortController()

process.on('message', async (m: { type: string; root?: string; target?: RunTarget; options?: CampaignOptions }) => {
  if (m.type === 'abort') {
    controller.abort()
    return
  }
  if (m.type === 'exit') {
    process.disconnect()
    return
  }
  if (m.type !== 'run') return
  try {
    const result = await runOne(m.root!, m.target!, {
      ...m.options,
      signal: controller.signal,
      onRun: (progress) => process.send!({ type: 'progress', progress }),
    })
    process.send!({ type: 'result', result })
  } catch (e) {
    const err = e as Error & { kind?: string }
    process.send!({ type: 'error', error: { name: err.name, message: err.message, kind: err.kind ?? 'harness', stack: err.stack } })
  }
})

// Ctrl-C reaches the whole process group: the parent coordinates, the worker just stops exploring.
process.on('SIGINT', () => controller.abort())
