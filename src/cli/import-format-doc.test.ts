import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importKinds } from '../modules.ts'
import { parseBatch } from '../platform/import/importer.ts'

// docs/import-format.md is what an integrator writes their export from: every kind Kestrel accepts has a
// section with an example line, and every example line is one the kind's checks accept.
const doc = fs.readFileSync(new URL('../../docs/import-format.md', import.meta.url), 'utf8')
const examples = doc
  .split('\n')
  .map((line) => line.trim())
  // The introduction's sketch of a line ends in "..." and is no example.
  .filter((line) => line.startsWith('{"kind"') && !line.endsWith('...}'))
const byKind = new Map(importKinds.map((definition) => [definition.kind, { definition }]))

describe('docs/import-format.md', () => {
  it('gives an example line for every import kind', () => {
    const shown = new Set(examples.map((line) => (JSON.parse(line) as { kind: string }).kind))
    expect(importKinds.map((k) => k.kind).filter((kind) => !shown.has(kind))).toEqual([])
  })

  it.each(examples.map((line) => [(JSON.parse(line) as { kind: string }).kind, line]))(
    'an example %s line passes its kind’s checks',
    (_kind, line) => {
      expect(() => parseBatch(line, byKind)).not.toThrow()
    },
  )
})
