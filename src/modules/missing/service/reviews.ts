import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { ConflictError, type FieldError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { episodeKind } from '../access.ts'
import { isGrade } from '../grading.ts'
import { byRefWriter } from './by-ref-writer.ts'
import {
  episodeRow,
  evaluate,
  fail,
  inTransaction,
  logChange,
  type MissingDeps,
  noSuchEpisode,
  parseErrors,
} from './dependencies.ts'
import { type ReviewInput, type ReviewValues, reviewInput } from './inputs.ts'
import { toEpisode } from './records.ts'

/**
 * Validates and writes reviews, all-or-nothing with errors per index. The episodes and the reviews
 * already held are read once for the batch; new reviews go in set-wise, held ones are updated one by one.
 */
export async function writeReviews(
  trx: Transaction,
  deps: MissingDeps,
  submissions: readonly { ref?: string; input: ReviewValues }[],
  actor: string,
  now: Date,
): Promise<
  | { written: { ref: string; id: string; episodeId: string }[] }
  | { errors: { index: number; errors: FieldError[] }[] }
> {
  const keys = [...new Set(submissions.map((s) => s.input.episode.trim()))]
  const ids = keys.filter((k) => isUuid(k)).map((k) => k.toLowerCase())
  const episodeRefs = keys.filter((k) => !isUuid(k))
  const episodes = keys.length
    ? await trx
        .selectFrom('missing_episode')
        .selectAll()
        .where(sql<boolean>`id = any(${ids}::uuid[]) or ref = any(${episodeRefs}::text[])`)
        .execute()
    : []
  const records = await byRefWriter(trx, deps, 'missing_review', submissions, actor)

  const failures: { index: number; errors: FieldError[] }[] = []
  const written: { ref: string; id: string; episodeId: string }[] = []
  for (const [index, s] of submissions.entries()) {
    const r = s.input
    const errors: FieldError[] = []
    const key = r.episode.trim()
    const episode = isUuid(key)
      ? episodes.find((e) => e.id === key.toLowerCase())
      : episodes.find((e) => e.ref === key)
    if (!episode) errors.push({ field: 'episode', reason: `There is no missing episode ${key}` })
    else if (r.reviewedAt < episode.reported_at)
      errors.push({
        field: 'reviewedAt',
        reason: 'The review is before the report: a review before the report',
      })
    if (r.reviewedAt > now) errors.push({ field: 'reviewedAt', reason: 'The review time is in the future' })
    if (r.nextReviewDueAt && r.nextReviewDueAt <= r.reviewedAt)
      errors.push({ field: 'nextReviewDueAt', reason: 'The next review must be after this one' })
    if (!isGrade(r.grade) || !deps.scale.includes(r.grade))
      errors.push({
        field: 'grade',
        reason: `"${r.grade}" is not a grade on this force’s scale (${deps.scale.join(', ')})`,
      })
    if (errors.length || !episode) {
      failures.push({ index, errors })
      continue
    }
    if (failures.length) continue
    const values = {
      episode_id: episode.id,
      reviewed_at: r.reviewedAt,
      reviewer_name: r.reviewerName,
      grade: r.grade,
      reason: r.reason,
      next_review_due_at: r.nextReviewDueAt ?? null,
      created_by: actor,
      created_at: now,
    }
    const row = await records.update(s.ref, values)
    if (row) {
      written.push({ ref: row.ref ?? row.id, id: row.id, episodeId: episode.id })
    } else {
      const id = randomUUID()
      const entry = { ref: s.ref ?? id, id, episodeId: episode.id }
      records.queue(s.ref, { id, ...values }, entry)
      written.push(entry)
    }
  }
  if (failures.length) return { errors: failures }
  await records.flush()
  return { written }
}

/** A review of a live episode's risk: the grade now, why, and when it is next due. */
export async function addReview(
  q: Executor,
  deps: MissingDeps,
  id: string,
  version: number,
  input: Omit<ReviewInput, 'episode'>,
  principal: Principal,
) {
  const parsed = reviewInput.safeParse({ ...input, episode: id })
  if (!parsed.success) throw parseErrors(parsed.error.issues, 'review')
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const row = await episodeRow(trx, id, true)
    episodeKind.mustSee(reachOf(principal), row && toEpisode(row), noSuchEpisode)
    if (row?.version !== version) throw new ConflictError()
    const result = await writeReviews(trx, deps, [{ input: parsed.data }], principal.id, now)
    if ('errors' in result) fail(result)
    await deps.history.updateRecord(trx, 'missing_episode', id, version, { updated_at: now }, principal)
    await logChange(trx, deps, principal, 'update', episodeKind.kind, id, { change: 'review' })
    await evaluate(trx, deps, [row])
  })
}
