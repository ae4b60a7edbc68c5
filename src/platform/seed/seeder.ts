import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import type { Importer } from '../import/importer.ts'
import { progressBar } from './progress.ts'
import { type Random, seededRandom } from './random.ts'

/** What every generator is given: the scale, its own random stream, the year it fills, and what came before. */
export interface SeedContext {
  scale: number
  random: Random
  /**
   * The demo year ends here, the instant given (the demo: when it is started; a seed or a test: midnight
   * UTC of the day it names); records fall in the 365 days before.
   */
  until: Date
  from: Date
  /** Refs earlier generators published for later ones (e.g. "staff:cait" -> staff refs). */
  shared: Map<string, unknown>
}

/**
 * A module's demo data generator. It yields import lines ({kind, ref, ...fields}) and so writes through
 * the same import path as any other system would.
 */
export interface SeedGenerator {
  name: string
  generate(context: SeedContext): Iterable<Record<string, unknown>>
}

export interface SeedOptions {
  scale: number
  seed: number
  until: Date
  /** Lines per import batch: each batch is one transaction. */
  batchSize?: number
  progress?: boolean
  /**
   * Called every `refreshEvery` batches and after each generator (`endOfGenerator`): `refreshStatistics`,
   * so the planner sees tables that grow from nothing to millions of rows in one run even where autovacuum
   * is off.
   */
  refresh?: (endOfGenerator: boolean) => Promise<void>
}

/** Batches between two refreshes of the planner's statistics during a seed or a benchmark import. */
export const refreshEvery = 20

/**
 * Whether a generator's lines warrant the refresh at its end: a few hundred rows (a force's recommendations,
 * its audit programmes) change no plan, and the refresh reads every table (about 2 s on the demo's data).
 */
export const worthRefreshing = (lines: number) => lines >= 1000

export interface SeedOutcome {
  lines: number
  byGenerator: Record<string, number>
  seconds: number
}

export async function runSeed(
  imports: Importer,
  generators: SeedGenerator[],
  options: SeedOptions,
): Promise<SeedOutcome> {
  const started = performance.now()
  const root = seededRandom(options.seed)
  // The instant given, not its midnight: the demo runs to the minute it is started, so what is live in it
  // (children in the cells, missing, PACs waiting) is live when it opens, not since midnight.
  const until = new Date(options.until.getTime())
  const from = new Date(until.getTime() - 365 * 86_400_000)
  const shared = new Map<string, unknown>()
  const byGenerator: Record<string, number> = {}
  const batchSize = options.batchSize ?? 5000
  let lines = 0
  for (const generator of generators) {
    // Generators run in order and each materialises its lines first: later ones read what earlier ones shared.
    const records = [
      ...generator.generate({ scale: options.scale, random: root.fork(generator.name), until, from, shared }),
    ]
    const bar = options.progress
      ? progressBar(`Seeding ${generator.name}`.padEnd(28), records.length)
      : undefined
    for (let start = 0; start < records.length; start += batchSize) {
      const chunk = records.slice(start, start + batchSize)
      await imports.run(chunk.map((r) => JSON.stringify(r)).join('\n'), `seed:${generator.name}`)
      bar?.advance(chunk.length)
      if ((start / batchSize + 1) % refreshEvery === 0) await options.refresh?.(false)
    }
    if (worthRefreshing(records.length)) await options.refresh?.(true)
    bar?.finish()
    byGenerator[generator.name] = records.length
    lines += records.length
  }
  return { lines, byGenerator, seconds: (performance.now() - started) / 1000 }
}

/**
 * Fresh planner statistics after a seed: the tables went from empty to full in minutes, and a server whose
 * autovacuum is off or has not caught up would otherwise plan the first pages and sweeps for empty tables.
 * With `vacuum` (after each generator) it also does what autovacuum would for the pages: marks them
 * all-visible, so a count of open findings reads an index alone instead of visiting every row's page.
 */
export async function refreshStatistics(db: Database, vacuum = false): Promise<void> {
  await sql.raw(vacuum ? 'vacuum (analyze)' : 'analyze').execute(db)
}
