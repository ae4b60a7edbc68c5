import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildKestrel } from '../../src/kestrel.ts'
import { fixedClock } from '../../src/platform/clock.ts'
import { openPglite, openPostgres } from '../../src/platform/db/database.ts'
import { testConfig, testKestrel } from '../app.ts'
import { seedDemo } from '../calibration/measure.ts'
import { postgresAdminUrl, scratchPostgres, testDatabaseKind } from '../database.ts'

/*
 * A steady sweep killed with SIGKILL part way leaves every rule's findings as they were before it or as the
 * whole sweep leaves them, never half a rule (each rule is swept in a transaction of its own), and the next
 * sweep finishes the work. The demo force is seeded once; each run sweeps a copy of it in a child process
 * (sweep-child.ts), and each rule's findings and events are compared, by digest, with the copy before any
 * sweep and the copy swept to the end.
 */

const kind = testDatabaseKind()
// Thursday 27 August 2026, and the sweep three days on, across the bank holiday: many findings fall due.
const seededAt = new Date('2026-08-27T09:00:00Z')
const sweptAt = new Date(seededAt.getTime() + 3 * 86_400_000)

/** Each rule's findings and their events, as one digest a rule (ids left out: a new finding's is random). */
async function digests(where: string): Promise<Record<string, string>> {
  const handle = kind === 'postgres' ? await openPostgres(where, 1) : await openPglite(where)
  try {
    const { rows } = await sql<{ rule_id: string; findings: string; events: string }>`
      select f.rule_id,
        md5(string_agg(concat_ws('|', f.subject_id, f.obligation_key, f.status, extract(epoch from f.due_at),
          extract(epoch from f.breached_at), extract(epoch from f.met_at), extract(epoch from f.closed_at)), ','
          order by f.subject_id, f.obligation_key)) as findings,
        md5(coalesce(string_agg((select string_agg(concat_ws('|', e.event, extract(epoch from e.at)), ','
          order by e.at, e.event) from finding_event e where e.finding_id = f.id), ';'
          order by f.subject_id, f.obligation_key), '')) as events
      from finding f group by f.rule_id`.execute(handle.db)
    return Object.fromEntries(rows.map((r) => [r.rule_id, `${r.findings}/${r.events}`]))
  } finally {
    await handle.close()
  }
}

/** Runs sweep-child.ts on a copy; with `killAfterMs`, kills it with SIGKILL that long after its sweep began. */
function sweepIn(
  where: string,
  killAfterMs?: number,
): Promise<{ killed: boolean; ms: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/consistency/sweep-child.ts', kind, where, sweptAt.toISOString()],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    let began = 0
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (!began && output.includes('sweeping\n')) {
        began = performance.now()
        if (killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) =>
      resolve({ killed: signal === 'SIGKILL', ms: began ? performance.now() - began : 0, output }),
    )
  })
}

describe(`a steady sweep killed part way (${kind})`, () => {
  // Where the seeded force is, and how to copy it for one run.
  let copy: () => Promise<string>
  let cleanUp: () => Promise<void>

  beforeAll(async () => {
    if (kind === 'postgres') {
      const seeded = await scratchPostgres('kill')
      const handle = await openPostgres(seeded.url, 5)
      const kestrel = await buildKestrel(testConfig(), handle, fixedClock(seededAt))
      await seedDemo(kestrel.services, { scale: 0.02, seed: 2018, until: seededAt })
      await kestrel.close()
      await handle.close()
      const template = new URL(seeded.url).pathname.slice(1)
      const copies: string[] = []
      copy = async () => {
        const name = `${template}_${copies.length}`
        const admin = new pg.Client({ connectionString: postgresAdminUrl() })
        await admin.connect()
        await admin.query(`create database ${name} template ${template}`)
        await admin.end()
        copies.push(name)
        const url = new URL(postgresAdminUrl())
        url.pathname = `/${name}`
        return url.toString()
      }
      cleanUp = async () => {
        const admin = new pg.Client({ connectionString: postgresAdminUrl() })
        await admin.connect()
        for (const name of copies) await admin.query(`drop database if exists ${name} with (force)`)
        await admin.end()
        await seeded.drop()
      }
    } else {
      const kestrel = await testKestrel({ clock: fixedClock(seededAt) })
      await seedDemo(kestrel.services, { scale: 0.02, seed: 2018, until: seededAt })
      const dump = await (kestrel.handle.pglite as NonNullable<typeof kestrel.handle.pglite>).dumpDataDir(
        'none',
      )
      await kestrel.close()
      const root = path.resolve(`.tmp/kill-sweep-${randomBytes(4).toString('hex')}`)
      let n = 0
      copy = async () => {
        const folder = path.join(root, String(n++))
        fs.mkdirSync(folder, { recursive: true })
        const handle = await openPglite(folder, dump)
        await handle.close()
        return folder
      }
      cleanUp = async () => fs.rmSync(root, { recursive: true, force: true })
    }
  }, 600_000)
  afterAll(async () => {
    await cleanUp?.()
  })

  it('leaves each rule before or after its sweep, and the next sweep finishes it', async () => {
    const before = await digests(await copy())
    const whole = await copy()
    const reference = await sweepIn(whole)
    expect(reference.output).toContain('swept')
    expect(reference.output).not.toContain('failed')
    const after = await digests(whole)
    const moved = Object.keys(after).filter((rule) => after[rule] !== before[rule])
    expect(moved.length).toBeGreaterThan(3)

    // Kill at points through the sweep until one lands with some rules swept and some not.
    let mixed: { swept: string[]; notYet: string[] } | null = null
    for (const share of [0.5, 0.3, 0.7, 0.15, 0.85, 0.6]) {
      const where = await copy()
      const run = await sweepIn(where, Math.round(reference.ms * share))
      if (!run.killed) continue
      const now = await digests(where)
      for (const rule of new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(now)]))
        expect([before[rule], after[rule]], `${rule} after a kill at ${share} of the sweep`).toContain(
          now[rule],
        )
      const swept = moved.filter((rule) => now[rule] === after[rule])
      const notYet = moved.filter((rule) => now[rule] === before[rule])
      if (swept.length && notYet.length) {
        mixed = { swept, notYet }
        console.log(
          `Killed at ${share} of a ${Math.round(reference.ms)} ms sweep: ${swept.length} rules swept, ${notYet.length} not yet`,
        )
        // The next sweep (the schedule's) finishes what the killed one left.
        expect((await sweepIn(where)).output).toContain('swept')
        expect(await digests(where)).toEqual(after)
        break
      }
    }
    expect(mixed, 'a kill that landed inside the sweep').not.toBeNull()
  }, 600_000)
})
