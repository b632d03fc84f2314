#!/usr/bin/env node
// The CLI from the TypeScript sources, for working on vaultcheck itself (`npm run vaultcheck`, the
// tests): register tsx's loader, then hand over. Installed users run dist/cli/bin.js instead.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('./main.ts')
process.exitCode = await main(process.argv)
