#!/usr/bin/env node
// The installed `vaultcheck` command (compiled to dist/cli/bin.js).
import { main } from './main.ts'

process.exitCode = await main(process.argv)
