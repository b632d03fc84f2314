/** Child-process side of `--workers`: runs one target and sends its result back. */
import { runOne, type RunTarget } from './run.ts'
import type { CampaignOptions } from './campaign.ts'

const controller = new AbortController()

process.on('message', async (m: { type: string; root?: string; target?: RunTarget; options?: CampaignOptions }) => {
  if (m.type === 'abort') {
    controller.abort()
    return
  }
  if (m.type !== 'run') return
  try {
    const result = await runOne(m.root!, m.target!, {
      ...m.options,
      signal: controller.signal,
      onRun: (progress) => process.send!({ type: 'progress', progress }),
    })
    process.send!({ type: 'result', result }, () => process.exit(0))
  } catch (e) {
    const err = e as Error & { kind?: string }
    process.send!({ type: 'error', error: { name: err.name, message: err.message, kind: err.kind ?? 'harness', stack: err.stack } }, () => process.exit(0))
  }
})

// Ctrl-C reaches the whole process group: the parent coordinates, the worker just stops exploring.
process.on('SIGINT', () => controller.abort())
