import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { propertySeed, seededRandom, seedNote } from '../../../test/property.ts'
import { custodyFixture, movableClock } from '../../modules/custody/test-fixtures.ts'
import { missingEpisodeImport } from '../../modules/missing/import-kinds.ts'
import { pacImportKind } from '../../modules/referrals/import-kinds.ts'
import { ImportRejected } from './importer.ts'

// The importer's property on the real kinds (importer.test.ts has it on test kinds): a random valid batch
// of people, PACs, missing episodes and custody detentions with their events imports whole; the same batch
// with one line corrupted is rejected whole, naming that line, and writes nothing.
const clock = movableClock('2018-09-01T12:00:00Z')
let fx: Awaited<ReturnType<typeof custodyFixture>>

beforeAll(async () => {
  fx = await custodyFixture(clock)
})
afterAll(async () => {
  await fx?.kestrel.close()
})

type Line = Record<string, unknown>
const hours = (at: string, h: number) => new Date(Date.parse(at) + h * 3_600_000).toISOString()

/** A valid batch in a random order: every record's child is a person of the batch. */
function batch(random: () => number, prefix: string): Line[] {
  const pick = (n: number) => Math.floor(random() * n)
  const people: Line[] = []
  const lines: Line[] = []
  const person = () => {
    const ref = `${prefix}-P${people.length}`
    const year = 2003 + pick(8)
    people.push({
      kind: 'person',
      ref,
      familyName: 'Imported',
      givenNames: `Kid ${people.length}`,
      dateOfBirth: `${year}-0${1 + pick(9)}-1${pick(10)}`,
    })
    return ref
  }
  for (let i = 0, n = 1 + pick(3); i < n; i++) person()
  for (let i = 0, n = pick(3); i < n; i++) {
    const { raisedBy: _raisedBy, review: _review, ...example } = pacImportKind.describe.example as Line
    lines.push({ ...example, ref: `${prefix}-PAC${i}`, child: person(), raisedByName: 'PC Example' })
  }
  for (let i = 0, n = pick(3); i < n; i++) {
    // The example's PAC is not in the batch: an episode is imported without one.
    const { pac: _pac, ...example } = missingEpisodeImport.describe.example as Line
    lines.push({
      ...example,
      ref: `${prefix}-MIS${i}`,
      child: person(),
    })
  }
  for (let i = 0, n = pick(3); i < n; i++) {
    const arrestedAt = hours('2018-08-01T12:00:00Z', pick(48))
    const events: Line[] = [{ kind: 'arrived', at: hours(arrestedAt, 0.5) }]
    if (random() < 0.7) events.push({ kind: 'detention_authorised', at: hours(arrestedAt, 1) })
    if (random() < 0.5)
      events.push({
        kind: 'left_custody',
        at: hours(arrestedAt, 5),
        destination: 'released_under_investigation',
      })
    lines.push({
      kind: 'custody-detention',
      ref: `${prefix}-D${i}`,
      child: person(),
      custodySuite: 'Brixton custody suite',
      offences: ['Robbery'],
      arrestedAt,
      events,
    })
  }
  const all = [...people, ...lines]
  // Shuffled: references resolve to records later in the batch as well as earlier.
  for (let i = all.length - 1; i > 0; i--) {
    const j = pick(i + 1)
    ;[all[i], all[j]] = [all[j] as Line, all[i] as Line]
  }
  return all
}

/** One way to spoil a line, by kind: each makes the line invalid on its own. */
function corrupt(line: Line, random: () => number): Line {
  const general = [(r: Line) => ({ ...r, kind: 'nope' }), (r: Line) => ({ ...r, ref: '' })]
  const own: Record<string, ((r: Line) => Line)[]> = {
    person: [(r) => ({ ...r, dateOfBirth: '31/12/2005' })],
    pac: [(r) => ({ ...r, borough: 'Atlantis' }), (r) => ({ ...r, child: 'KP-NOBODY' })],
    'missing-episode': [(r) => ({ ...r, grade: 'dreadful' }), (r) => ({ ...r, child: 'KP-NOBODY' })],
    'custody-detention': [
      (r) => ({ ...r, events: [{ kind: 'charged', at: hours(r.arrestedAt as string, -1) }] }),
      (r) => ({ ...r, custodySuite: 'Lambeth CAIT' }),
    ],
  }
  const ways = [...general, ...(own[line.kind as string] ?? [])]
  return (ways[Math.floor(random() * ways.length)] as (r: Line) => Line)(line)
}

const tables = {
  person: 'person',
  pac: 'pac',
  'missing-episode': 'missing_episode',
  'custody-detention': 'custody_detention',
} as const

async function written(prefix: string) {
  const counts: Record<string, number> = {}
  for (const [kind, table] of Object.entries(tables)) {
    const row = await fx.kestrel.services.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ref', 'like', `${prefix}-%`)
      .executeTakeFirstOrThrow()
    counts[kind] = Number(row.n)
  }
  return counts
}

const expected = (lines: Line[]) => {
  const counts: Record<string, number> = Object.fromEntries(Object.keys(tables).map((k) => [k, 0]))
  for (const l of lines) counts[l.kind as string] = (counts[l.kind as string] ?? 0) + 1
  return counts
}

describe('import of the real kinds', () => {
  const seed = propertySeed()
  it(`imports random valid batches and rejects every corrupted one whole ${seedNote(seed)}`, async () => {
    const random = seededRandom(seed)
    for (let round = 0; round < 6; round++) {
      const prefix = `PR${seed}-${round}`
      const lines = batch(random, `${prefix}a`)
      const jsonl = (ls: Line[]) => ls.map((l) => JSON.stringify(l)).join('\n')
      await fx.kestrel.services.imports.run(jsonl(lines), 'test')
      expect(await written(`${prefix}a`), `round ${round}`).toEqual(expected(lines))

      // The same batch under new refs, one line spoilt: nothing of it is written.
      const fresh = batch(seededRandom(seed + round), `${prefix}b`)
      const victim = Math.floor(random() * fresh.length)
      const bad = fresh.map((l, i) => (i === victim ? corrupt(l, random) : l))
      const error = await fx.kestrel.services.imports.run(jsonl(bad), 'test').catch((e: unknown) => e)
      expect(error, `round ${round}: line ${victim + 1} ${JSON.stringify(bad[victim])}`).toBeInstanceOf(
        ImportRejected,
      )
      expect(
        (error as ImportRejected).errors.map((e) => e.line),
        `round ${round}`,
      ).toContain(victim + 1)
      expect(await written(`${prefix}b`), `round ${round}`).toEqual(expected([]))
    }
  })
})
