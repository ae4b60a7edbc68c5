import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { pgliteTemplateFile } from '../../../test/database.ts'
import { openPglite } from './database.ts'
import { renderSchema, schemaFile } from './generate-types.ts'

describe('database types', () => {
  it('match the migrated schema (run `npm run db:types` after changing a migration)', async () => {
    // The run's embedded template is already migrated (test/global-setup.ts, on either database): rendering
    // from a copy of it spares a second migration from empty (migrations.test.ts does that once).
    const handle = await openPglite(undefined, new Blob([fs.readFileSync(pgliteTemplateFile)]))
    try {
      expect(fs.readFileSync(schemaFile, 'utf8')).toBe(await renderSchema(handle))
    } finally {
      await handle.close()
    }
  })
})
