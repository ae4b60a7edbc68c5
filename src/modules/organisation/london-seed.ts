import fs from 'node:fs'
import path from 'node:path'
import type { Database } from '../../platform/db/database.ts'
import { projectRoot } from '../../platform/views/render.ts'
import { defaultMergedOn, type LondonBcu, londonBcus, londonForce, pathfinderMergedOn } from './london.ts'

/** Where the shared reference copy of the structure lives, beside the repository; optional. */
export const londonCsvPath = path.resolve(projectRoot, '../shared/reference/london-bcus.csv')

/** Reads `bcu,bcu_name,borough` lines into BCUs; pathfinder flags come from the built-in list. */
export function parseLondonCsv(text: string): LondonBcu[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim())
  const header = lines.shift()?.trim()
  if (header !== 'bcu,bcu_name,borough') throw new Error(`Unexpected header in london-bcus.csv: ${header}`)
  const byCode = new Map<string, LondonBcu>()
  for (const line of lines) {
    const [code, name, borough] = line.split(',').map((cell) => cell.trim())
    if (!code || !name || !borough) throw new Error(`Incomplete line in london-bcus.csv: ${line}`)
    const bcu = byCode.get(code) ?? {
      code,
      name,
      boroughs: [],
      ...(londonBcus.find((b) => b.code === code)?.pathfinder ? { pathfinder: true } : {}),
    }
    bcu.boroughs.push(borough)
    byCode.set(code, bcu)
  }
  return [...byCode.values()]
}

/** The reference file when it is there (it is the source), otherwise the copy kept in london.ts. */
export function londonStructure(csvPath = londonCsvPath): LondonBcu[] {
  if (!fs.existsSync(csvPath)) return londonBcus
  return parseLondonCsv(fs.readFileSync(csvPath, 'utf8'))
}

export interface SeedOptions {
  /** When the non-pathfinder boroughs joined their BCU; default 2019-02-01. */
  mergedOn?: string
  /** When the pathfinder boroughs (Central North, East Area) joined; default 2017-01-01. */
  pathfinderMergedOn?: string
  structure?: LondonBcu[]
}

/**
 * Creates the Metropolitan Police Service with its 32 boroughs and 12 BCUs, each borough a member of its
 * BCU from the day it merged (before that it was its own borough command). Safe to run again: whatever
 * exists is left as it is, so an admin's later reorganisations are never undone.
 */
export async function seedLondon(db: Database, options: SeedOptions = {}): Promise<{ created: boolean }> {
  const structure = options.structure ?? londonStructure()
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('force')
      .select('id')
      .where('code', '=', londonForce.code)
      .executeTakeFirst()
    const forceId =
      existing?.id ??
      (await trx.insertInto('force').values(londonForce).returning('id').executeTakeFirstOrThrow()).id
    let created = !existing
    for (const entry of structure) {
      await trx
        .insertInto('bcu')
        .values({ force_id: forceId, code: entry.code, name: entry.name })
        .onConflict((oc) => oc.columns(['force_id', 'code']).doNothing())
        .execute()
      const bcu = await trx
        .selectFrom('bcu')
        .select('id')
        .where('force_id', '=', forceId)
        .where('code', '=', entry.code)
        .executeTakeFirstOrThrow()
      for (const name of entry.boroughs) {
        const inserted = await trx
          .insertInto('borough')
          .values({ force_id: forceId, name })
          .onConflict((oc) => oc.columns(['force_id', 'name']).doNothing())
          .returning('id')
          .executeTakeFirst()
        // Only a borough created now gets its membership: an existing one keeps whatever history it has.
        if (!inserted) continue
        created = true
        await trx
          .insertInto('borough_bcu')
          .values({
            borough_id: inserted.id,
            bcu_id: bcu.id,
            effective_from: entry.pathfinder
              ? (options.pathfinderMergedOn ?? pathfinderMergedOn)
              : (options.mergedOn ?? defaultMergedOn),
          })
          .execute()
      }
    }
    return { created }
  })
}

/**
 * Makes sure the force's structure exists; `kestrel serve`, `kestrel migrate` and `kestrel import` call it
 * after migrating, so a first import finds the boroughs its lines name. True when it set the force up now.
 */
export async function ensureOrganisation(services: { db: Database }): Promise<boolean> {
  const any = await services.db.selectFrom('force').select('id').executeTakeFirst()
  if (any) return false
  await seedLondon(services.db)
  return true
}
