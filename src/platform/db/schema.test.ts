import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderSchema, schemaFile } from './generate-types.ts'

describe('database types', () => {
  it('match the migrated schema (run `npm run db:types` after changing a migration)', async () => {
    expect(fs.readFileSync(schemaFile, 'utf8')).toBe(await renderSchema())
  })
})
