import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/database.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { canSee, type Place, type Reach, reachOf, recordKind, visibleWhere } from './need-to-know.ts'

const north = '00000000-0000-4000-8000-000000000001'
const south = '00000000-0000-4000-8000-000000000002'
const officer = '00000000-0000-4000-8000-0000000000a1'
const suite = '00000000-0000-4000-8000-0000000000c1'
const user = '00000000-0000-4000-8000-0000000000d1'

const area = (boroughIds: string[], teamIds: string[] = []) => ({
  forceWide: false as const,
  bcuId: null,
  boroughId: null,
  boroughIds,
  teamIds,
})
const northOfficer = reachOf({ id: user, staffId: officer, area: area([north]) })
const nobody = reachOf({ id: user, staffId: null, area: area([]), kind: 'token' })
const lead = reachOf({ id: user, staffId: null, area: { forceWide: true } })
const suiteStaff = reachOf({ id: user, staffId: officer, area: area([], [suite]) })

const cases: [string, Reach, Place, boolean][] = [
  ['a record in a borough of the area', northOfficer, { boroughId: north }, true],
  ['a record in another borough', northOfficer, { boroughId: south }, false],
  ['a record with no borough', northOfficer, { boroughId: null }, false],
  ['their own record elsewhere', northOfficer, { boroughId: south, staffIds: [null, officer] }, true],
  ['raised by their account elsewhere', northOfficer, { boroughId: south, userIds: [user] }, true],
  ['a token carries no account of its own', nobody, { boroughId: south, userIds: [user] }, false],
  ['no area, no record', nobody, { boroughId: north }, false],
  ['force-wide sees all', lead, { boroughId: null }, true],
  ['their team holds it', suiteStaff, { boroughId: south, teamIds: [suite] }, true],
  ['another team holds it', suiteStaff, { boroughId: south, teamIds: [north] }, false],
]

describe('canSee', () => {
  for (const [name, reach, place, expected] of cases)
    it(name, () => expect(canSee(reach, place)).toBe(expected))
})

describe('visibleWhere makes the same decision in SQL', () => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await testDatabase()
    await sql`create table place_probe (n int, borough_id uuid, raised_by uuid, user_id uuid, team_id uuid)`.execute(
      handle.db,
    )
  })
  afterAll(() => handle.close())

  it('for every case of canSee', async () => {
    const probe = recordKind<Place>({
      kind: 'probe',
      columns: {
        borough: 'place_probe.borough_id',
        staff: ['place_probe.raised_by'],
        users: ['place_probe.user_id'],
        teams: ['place_probe.team_id'],
      },
      placeOf: (p) => p,
    })
    for (const [name, reach, place, expected] of cases) {
      await sql`delete from place_probe`.execute(handle.db)
      await sql`insert into place_probe values (1, ${place.boroughId ?? null}, ${place.staffIds?.find(Boolean) ?? null},
        ${place.userIds?.find(Boolean) ?? null}, ${place.teamIds?.find(Boolean) ?? null})`.execute(handle.db)
      const { rows } = await sql<{
        n: number
      }>`select n from place_probe p where ${probe.where(reach, 'p')}`.execute(handle.db)
      expect(rows.length === 1, name).toBe(expected)
      expect(probe.canSee(reach, place), name).toBe(expected)
    }
  })

  it('an asker with no area and nothing of their own sees nothing at all', () => {
    expect(visibleWhere(nobody, { borough: 't.borough_id' }).compile(handle.db).sql).toBe('false')
  })
})
