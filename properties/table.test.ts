import fs from 'node:fs'
import { describe, expect, test } from 'vitest'
import { PROPERTIES } from './registry.ts'
import { FIXTURES } from './fixtures.ts'
import { renderPropertiesMarkdown } from './table.ts'

describe('the property registry', () => {
  test('PROPERTIES.md is up to date with the registry (run npm run properties)', () => {
    const onDisk = fs.readFileSync(new URL('../PROPERTIES.md', import.meta.url), 'utf8')
    expect(onDisk).toBe(renderPropertiesMarkdown())
  })

  test('property IDs are unique and follow KIND-THEME-NNN', () => {
    const ids = PROPERTIES.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^(RESERVE|NATIVE|ERC4626|CDP|LENDING)-[A-Z]+-\d{3}$/)
  })

  test('every fixture trips only properties of its own kind that exist', () => {
    for (const f of FIXTURES) {
      for (const id of [...f.trips, ...(f.alsoTrips ?? [])]) expect(PROPERTIES.find((p) => p.id === id)?.kind, `${f.contract}: ${id}`).toBe(f.kind)
    }
  })

  test('every default-on property is tripped by some fixture at the default budget', () => {
    // alsoTrips do not count: a property shown failing only on some seeds is not shown failing.
    const untripped = PROPERTIES.filter((p) => !p.optIn && !FIXTURES.some((f) => f.trips.includes(p.id))).map((p) => p.id)
    expect(untripped, 'default-on properties no fixture in properties/fixtures.ts lists in `trips`').toEqual([])
  })
})
