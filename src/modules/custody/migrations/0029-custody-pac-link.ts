import { sql } from 'kysely'
import type { KestrelMigration } from '../../../platform/db/migrator.ts'

/**
 * A detention's Merlin PAC is either a PAC in Kestrel (pac_id, its ref copied to pac_ref, and pac_linked_at
 * the PAC's created_at: the time the form recording the detention was made) or a reference to a PAC held
 * only in another system (pac_ref with no pac_id; pac_linked_at when that system says when, else null: not
 * known). The check that tied pac_linked_at to pac_ref both ways goes, since an external PAC may have no
 * known time; a time still needs a PAC.
 *
 * Detentions already linked by a ref that names a PAC in Kestrel are linked to it, and take its time:
 * an import used to stamp them with the moment of import.
 */
export const custodyPacLinkMigration: KestrelMigration = {
  name: '0029-custody-pac-link',
  async up(db) {
    // The unnamed check's name was chosen by PostgreSQL: find it by what it says.
    const { rows } = await sql<{ conname: string }>`
      select conname from pg_constraint
      where conrelid = 'custody_detention'::regclass and contype = 'c'
        and pg_get_constraintdef(oid) like '%pac_ref IS NULL%pac_linked_at IS NULL%'`.execute(db)
    for (const { conname } of rows) {
      await sql`alter table custody_detention drop constraint ${sql.id(conname)}`.execute(db)
    }
    await sql`alter table custody_detention add column pac_id uuid references pac(id)`.execute(db)
    await sql`alter table custody_detention add constraint custody_detention_pac_time_needs_pac
      check (pac_linked_at is null or pac_ref is not null)`.execute(db)
    await sql`alter table custody_detention add constraint custody_detention_pac_id_has_ref
      check (pac_id is null or pac_ref is not null)`.execute(db)
    await sql`create index custody_detention_pac on custody_detention (pac_id) where pac_id is not null`.execute(
      db,
    )
    await sql`
      update custody_detention d
      set pac_id = p.id, pac_ref = p.ref, pac_linked_at = p.created_at
      from pac p
      where d.pac_ref is not null and upper(p.ref) = upper(d.pac_ref)`.execute(db)
  },
}
