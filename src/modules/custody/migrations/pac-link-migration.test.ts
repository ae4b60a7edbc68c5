import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrations } from '../../../modules.ts'
import { openPglite } from '../../../platform/db/database.ts'
import { migrateToLatest } from '../../../platform/db/migrator.ts'

// Migration 0029 on detentions written before it: one whose ref names a PAC Kestrel holds (stamped with the
// time of an import) is linked to it at the PAC's time; one naming a PAC held elsewhere keeps its ref and
// time; a ref with no time, which the old check forbade, can then be written.
describe('0029-custody-pac-link on existing detentions', () => {
  it('links the PACs Kestrel holds at their own time and leaves other references as they were', {
    timeout: 120_000,
  }, async () => {
    const handle = await openPglite(undefined)
    try {
      const before = migrations.filter((m) => m.name < '0029-custody-pac-link')
      await migrateToLatest(handle.db, before)
      const db = handle.db
      const { rows: ids } = await sql<{ force: string; borough: string; team: string; person: string }>`
        with f as (insert into force (code, name) values ('XX', 'Test force') returning id),
        b as (insert into borough (force_id, name) select id, 'Lambeth' from f returning id),
        t as (insert into team (force_id, name, kind) select id, 'Brixton custody suite', 'custody_suite' from f
          returning id),
        p as (insert into person (family_name, date_of_birth, created_at, updated_at)
          values ('Child', '2004-01-01', now(), now()) returning id)
        select (select id from f) as force, (select id from b) as borough, (select id from t) as team,
          (select id from p) as person`.execute(db)
      const {
        force: _force,
        borough,
        team,
        person,
      } = ids[0] as {
        force: string
        borough: string
        team: string
        person: string
      }
      await sql`insert into pac (ref, person_id, about_kind, about_summary, concerns, risk_level, risk_assessment,
          child_spoken_to, voice_of_child, police_first_knew_at, created_at, submitted_at, raised_by_name,
          created_by, borough_id, updated_at)
        values ('MERLIN-18-000101', ${person}, 'custody_detention', 'Detained', array['young_offenders'],
          'medium', 'x', true, 'x', '2018-08-01T14:00:00Z', '2018-08-01T14:00:00Z', '2018-08-01T14:00:00Z',
          'PC X', 'test', ${borough}, now())`.execute(db)
      const detention = (ref: string, pacRef: string) => sql`
        insert into custody_detention (ref, person_id, custody_suite_team_id, offences, arrested_at, pac_ref,
          pac_linked_at, created_at, updated_at)
        values (${ref}, ${person}, ${team}, array['Robbery'], '2018-08-01T12:00:00Z', ${pacRef},
          '2018-09-01T12:00:00Z', '2018-09-01T12:00:00Z', '2018-09-01T12:00:00Z')`
      await detention('D-1', 'merlin-18-000101').execute(db)
      await detention('D-2', 'MERLIN-18-000999').execute(db)

      const after = await migrateToLatest(handle.db, migrations)
      expect(after.applied).toContain('0029-custody-pac-link')
      const { rows } = await sql<{
        ref: string
        pac_id: string | null
        pac_ref: string
        pac_linked_at: Date
      }>`
        select ref, pac_id, pac_ref, pac_linked_at from custody_detention order by ref`.execute(db)
      expect(
        rows.map((r) => [r.ref, r.pac_id !== null, r.pac_ref, new Date(r.pac_linked_at).toISOString()]),
      ).toEqual([
        ['D-1', true, 'MERLIN-18-000101', '2018-08-01T14:00:00.000Z'],
        ['D-2', false, 'MERLIN-18-000999', '2018-09-01T12:00:00.000Z'],
      ])
      // A reference held elsewhere with no time given can now be kept; a time with no PAC cannot.
      await sql`update custody_detention set pac_linked_at = null where ref = 'D-2'`.execute(db)
      await expect(
        sql`update custody_detention set pac_ref = null, pac_id = null where ref = 'D-1'`.execute(db),
      ).rejects.toThrow(/custody_detention_pac_time_needs_pac/)
    } finally {
      await handle.close()
    }
  })
})
