import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { type FieldError, ForbiddenError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import { pacsByRefOrId } from '../../referrals/service/links.ts'
import { episodeKind } from '../access.ts'
import { episodeTimeErrors, gradingErrors, historyFactors, isGrade, suggestMinimumGrade } from '../grading.ts'
import { byRefWriter } from './by-ref-writer.ts'
import { gradingFacts } from './child-context.ts'
import {
  episodeRow,
  evaluate,
  fail,
  inTransaction,
  logChange,
  type MissingDeps,
  parseErrors,
} from './dependencies.ts'
import { type EpisodeInput, type EpisodeValues, episodeInput } from './inputs.ts'
import { type Place, placesOf } from './places.ts'
import { type Episode, type EpisodeRow, toEpisode } from './records.ts'

/**
 * How an episode is written. A form or the API records a grading being made now: a grade below the
 * suggested minimum needs a supervisor, and the PAC must be in Kestrel. An import records history as it
 * happened (`asRecorded`): the grading as it was made (MIS-01 judges it), and a PAC Kestrel does not hold
 * kept as the other system's reference.
 */
export interface EpisodeWriteMode {
  asRecorded?: boolean
}

/**
 * Why a PAC reference Kestrel does not hold cannot be kept as another system's reference, or undefined when
 * it can. An id or a reference in Kestrel's own numbering names a PAC that would be here; anything else
 * must read as a reference: letters, digits, spaces and . _ / -, with at least one digit.
 */
export function externalPacRefError(ref: string): string | undefined {
  const trimmed = ref.trim()
  if (isUuid(trimmed) || /^PAC-\d{7}$/i.test(trimmed)) return `There is no PAC ${trimmed}`
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,99}$/.test(trimmed) || !/\d/.test(trimmed))
    return (
      `"${trimmed}" is not a PAC reference: a PAC Kestrel does not hold is kept as the other system’s ` +
      'reference, 1 to 100 letters, digits, spaces or . _ / - with at least one digit'
    )
  return undefined
}

/** When each PAC was created: an imported link with no time of its own takes it. */
async function pacCreatedAt(trx: Transaction, ids: readonly string[]): Promise<Map<string, Date>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<{ id: string; created_at: Date }>`
    select id, created_at from pac where id = any(${[...new Set(ids)]}::uuid[])`.execute(trx)
  return new Map(rows.map((r) => [r.id, new Date(r.created_at)]))
}

/**
 * Validates and writes episodes (a form's one, or an import batch's), in report order so each sees the
 * ones before it in the child's history. An existing ref is updated. All-or-nothing: errors per index.
 * Everything it reads is read once for the batch; new episodes go in set-wise with ids chosen here, and
 * the episodes already held (a re-run import) are updated one by one.
 */
export async function writeEpisodes(
  trx: Transaction,
  deps: MissingDeps,
  submissions: readonly { ref?: string; input: EpisodeValues }[],
  actor: string,
  now: Date,
  mode: EpisodeWriteMode = {},
): Promise<
  | { written: { ref: string; id: string; created: boolean }[] }
  | { errors: { index: number; errors: FieldError[] }[] }
> {
  const order = submissions
    .map((s, i) => ({ s, i }))
    .sort((a, b) => +a.s.input.reportedAt - +b.s.input.reportedAt)
  const inputs = submissions.map((s) => s.input)
  const people = await peopleByKey(
    trx,
    inputs.map((e) => e.child),
  )
  const places = await placesOf(
    trx,
    deps,
    inputs.map((e) => ({ boroughKey: e.borough, unitKey: e.unit, at: e.reportedAt })),
  )
  const pacs = await pacsByRefOrId(
    trx,
    inputs.flatMap((e) => (e.pac ? [e.pac] : [])),
  )
  const pacCreated = await pacCreatedAt(
    trx,
    [...pacs.values()].map((p) => p.id),
  )
  const times = inputs.map((e) => e.reportedAt.getTime())
  const facts = await gradingFacts(
    trx,
    await deps.repeatThresholds(trx, new Date(Math.max(...times))),
    [...people.values()].map((p) => p.id),
    new Date(Math.min(...times)),
    new Date(Math.max(...times)),
  )
  const records = await byRefWriter(trx, deps, 'missing_episode', submissions, actor)

  const failures: { index: number; errors: FieldError[] }[] = []
  const written: { ref: string; id: string; created: boolean }[] = []

  for (const { s, i } of order) {
    const e = s.input
    const errors: FieldError[] = episodeTimeErrors(e, now)
    const person = people.get(e.child)
    if (!person) errors.push({ field: 'child', reason: `There is no person with the reference ${e.child}` })
    const place = places[i] as Place
    errors.push(...place.errors)
    if (!isGrade(e.grade) || !deps.scale.includes(e.grade)) {
      errors.push({
        field: 'grade',
        reason: `"${e.grade}" is not a grade on this force’s scale (${deps.scale.join(', ')})`,
      })
    }
    // The PAC linked: one in Kestrel, or (imported history) another system's reference kept as such.
    let link: { pac_id: string | null; pac_external_ref: string | null; pac_linked_at: Date | null } = {
      pac_id: null,
      pac_external_ref: null,
      pac_linked_at: null,
    }
    if (e.pac) {
      const pac = pacs.get(e.pac)
      if (pac) {
        if (person && pac.personId !== person.id)
          errors.push({ field: 'pac', reason: `PAC ${pac.ref} is about another person` })
        // A form links it now; imported history when the PAC was made, or at the report when it came
        // first (a link cannot precede its episode).
        const made = pacCreated.get(pac.id) ?? now
        const at = mode.asRecorded ? new Date(Math.max(+made, +e.reportedAt)) : now
        link = { pac_id: pac.id, pac_external_ref: null, pac_linked_at: e.pacLinkedAt ?? at }
      } else {
        const why = mode.asRecorded ? externalPacRefError(e.pac) : `There is no PAC ${e.pac}`
        if (why) errors.push({ field: 'pac', reason: why })
        // Recorded with the episode in the other system unless the line says when it was linked.
        link = { pac_id: null, pac_external_ref: e.pac.trim(), pac_linked_at: e.pacLinkedAt ?? e.reportedAt }
      }
    } else if (e.pacLinkedAt) {
      errors.push({ field: 'pacLinkedAt', reason: 'Name the PAC linked (pac) with the time it was linked' })
    }
    if (e.pacLinkedAt && e.pacLinkedAt > now)
      errors.push({ field: 'pacLinkedAt', reason: 'The time the PAC was linked is in the future' })
    if (!person || errors.length) {
      failures.push({ index: i, errors })
      continue
    }
    const context = facts.contextAt(person, e.reportedAt, place.borough?.id ?? null)
    if (context.age !== null && context.age >= 18)
      errors.push({
        field: 'child',
        reason: `${context.name} was ${context.age} when reported: not a child`,
      })
    const suggestion = suggestMinimumGrade(e.riskFactors, context.history, {
      scale: deps.scale,
      repeat: context.repeat,
    })
    // History is recorded as it was graded: a grading below the suggestion without a supervisor is what
    // MIS-01 exists to find, so only a grading made now must have one.
    if (!mode.asRecorded) errors.push(...gradingErrors(e, suggestion.grade, deps.scale))
    if (errors.length || !place.borough) {
      failures.push({ index: i, errors })
      continue
    }
    if (failures.length) continue
    const acknowledgedAt = e.planAcknowledgedAt ?? null
    const values = {
      person_id: person.id,
      borough_id: place.borough.id,
      bcu_id: place.bcuId ?? null,
      unit_team_id: place.unitId ?? null,
      reported_at: e.reportedAt,
      reported_by_kind: e.reportedByKind,
      reported_by_name: e.reportedByName || null,
      last_seen_at: e.lastSeenAt,
      last_seen_place: e.lastSeenPlace,
      circumstances: e.circumstances,
      age_at_report: context.age,
      grade: e.grade,
      risk_factors: [...new Set(e.riskFactors)],
      history_factors: historyFactors(context.history),
      suggested_grade: suggestion.grade,
      grading_reason: e.gradingReason || null,
      graded_by_name: e.gradedBy,
      supervisor_name: e.supervisorName || null,
      below_suggestion_reason: e.belowSuggestionReason || null,
      review_due_at: e.reviewDueAt ?? null,
      actions: e.actions || null,
      trigger_plan_id: context.livePlan?.id ?? null,
      plan_acknowledged_at: context.livePlan ? acknowledgedAt : null,
      plan_acknowledged_by: context.livePlan && acknowledgedAt ? e.planAcknowledgedBy || null : null,
      returned_at: e.returnedAt ?? null,
      found_place: e.foundPlace || null,
      found_by: e.foundBy || null,
      found_with: e.foundWith || null,
      prevention_interview_at: e.preventionInterviewAt ?? null,
      prevention_interview_by: e.preventionInterviewBy || null,
      disclosures: e.disclosures || null,
      la_notified_at: e.laNotifiedAt ?? null,
      return_home_interview_at: e.returnHomeInterviewAt ?? null,
      return_home_interview_declined: e.returnHomeInterviewDeclined,
      ...link,
      updated_at: now,
    }
    const row = await records.update(s.ref, values)
    if (row) {
      written.push({ ref: s.ref as string, id: row.id, created: false })
      facts.recordEpisode(row.id, person.id, e.reportedAt)
    } else {
      const id = randomUUID()
      const entry = { ref: s.ref ?? '', id, created: true }
      records.queue(s.ref, { id, ...values, created_by: actor, created_at: now }, entry)
      written.push(entry)
      facts.recordEpisode(id, person.id, e.reportedAt)
    }
  }
  if (failures.length) return { errors: failures.sort((a, b) => a.index - b.index) }
  await records.flush()
  return { written }
}

/** Opens an episode; an unknown child, a bad grade or an impossible time is a ValidationError, nothing written. */
/**
 * Opens an episode (the report of a missing child); an unknown child, a bad grade or an impossible time
 * is a ValidationError, nothing written.
 */
export async function reportMissing(
  q: Executor,
  deps: MissingDeps,
  input: EpisodeInput,
  principal: Principal,
): Promise<Episode> {
  const parsed = episodeInput.safeParse(input)
  if (!parsed.success) throw parseErrors(parsed.error.issues, 'episode')
  const now = deps.clock.now()
  return inTransaction(q, async (trx) => {
    const result = await writeEpisodes(trx, deps, [{ input: parsed.data }], principal.id, now)
    if ('errors' in result) fail(result)
    const id = (result as { written: { id: string }[] }).written[0]?.id as string
    const row = (await episodeRow(trx, id)) as EpisodeRow
    if (!episodeKind.canSee(reachOf(principal), toEpisode(row)))
      throw new ForbiddenError('You can open episodes only in your own area')
    await logChange(trx, deps, principal, 'create', episodeKind.kind, id, { personId: row.person_id })
    await evaluate(trx, deps, [row])
    return toEpisode(row)
  })
}
