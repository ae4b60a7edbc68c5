import { type Kysely, sql } from 'kysely'

/**
 * Which tables a request wrote to, for tests that must prove a refused request changed nothing. A row
 * trigger on every table of the test database notes each insert, update and delete in `test_write`; a
 * write that is rolled back takes its note with it, so only what stayed is seen. Test databases only:
 * it adds a table and a trigger to each table of the copy it is given.
 */

/**
 * Tables any signed-in request may write, whatever its answer, and why: signing the caller in is not a write
 * of the record asked about. A session's and an API token's last use are refreshed at most once a minute.
 */
export const bookkeeping: Readonly<Record<string, string>> = {
  user_session: 'a session’s last use, refreshed on any request',
  api_token: 'an API token’s last use, refreshed on any request',
}

/** The writes that are not bookkeeping, as "table op". */
export const recordWrites = (writes: Map<string, number>): [string, number][] =>
  [...writes].filter(([write]) => !((write.split(' ')[0] as string) in bookkeeping))

export interface WriteWatch {
  /** The writes committed since the last call, as "table op" with a count each (empty when none). */
  since(): Promise<Map<string, number>>
}

// biome-ignore lint/suspicious/noExplicitAny: any schema; the watch reads only its own table.
export async function watchWrites(db: Kysely<any>): Promise<WriteWatch> {
  await sql`create table test_write (id bigserial primary key, table_name text not null, op text not null)`.execute(
    db,
  )
  await sql`
    create function test_note_write() returns trigger language plpgsql as $$
    begin
      insert into test_write (table_name, op) values (tg_table_name, lower(tg_op));
      return null;
    end $$`.execute(db)
  // Ordinary and partitioned tables, not their partitions (a partitioned table's row trigger is cloned to them).
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> 'test_write'`.execute(db)
  for (const { name } of rows)
    await sql`create trigger test_note_write after insert or update or delete on ${sql.id(name)}
      for each row execute function test_note_write()`.execute(db)
  let seen = 0
  return {
    async since() {
      const { rows: notes } = await sql<{ table_name: string; op: string; n: string; last: string }>`
        select table_name, op, count(*) as n, max(id) as last from test_write where id > ${seen}
        group by table_name, op`.execute(db)
      const writes = new Map<string, number>()
      for (const note of notes) {
        writes.set(`${note.table_name} ${note.op}`, Number(note.n))
        seen = Math.max(seen, Number(note.last))
      }
      return writes
    },
  }
}
