import { sql } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'

/**
 * The answers of a PAC being raised, kept between the question pages, each draft its user's alone.
 */

/** Starts a draft for the user with the first answers given (the page starts one on its first answer); its id. */
export async function startDraft(
  q: Executor,
  clock: Clock,
  userId: string,
  answers: Record<string, unknown> = {},
): Promise<string> {
  const now = clock.now()
  const created = await q
    .insertInto('pac_draft')
    .values({ user_id: userId, answers: JSON.stringify(answers), created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return created.id
}

/** The answers so far of the user's draft; undefined for another user's or none. */
export async function draftAnswers(
  q: Executor,
  userId: string,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  if (!isUuid(id)) return undefined
  const found = await q
    .selectFrom('pac_draft')
    .select('answers')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return found ? (found.answers as Record<string, unknown>) : undefined
}

/** Saves the answers of an answered question. */
export async function saveDraft(
  q: Executor,
  clock: Clock,
  userId: string,
  id: string,
  answers: Record<string, unknown>,
) {
  await q
    .updateTable('pac_draft')
    .set({ answers: JSON.stringify(answers), updated_at: clock.now(), version: sql`version + 1` })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .execute()
}

/** Drops the draft once its PAC is raised, or abandoned. */
export async function removeDraft(q: Executor, userId: string, id: string) {
  await q.deleteFrom('pac_draft').where('id', '=', id).where('user_id', '=', userId).execute()
}
