/** This package's version, as reports and shard files record it. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { PACKAGE_ROOT } from './package-root.ts'

export const VERSION = (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
