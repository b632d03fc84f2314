import fs from 'node:fs'
import { renderPropertiesMarkdown } from '../properties/table.ts'

fs.writeFileSync(new URL('../PROPERTIES.md', import.meta.url), renderPropertiesMarkdown())
console.log('wrote PROPERTIES.md')
