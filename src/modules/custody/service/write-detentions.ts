import { randomUUID } from 'node:crypto'
import type { Transaction } from '../../../platform/db/database.ts'
import { type HistoryRow, recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { type ChildFacts, childrenByRefOrId } from '../../children/service/find-people.ts'
import { type TeamOnDay, teamsOnDays } from '../../organisation/service/places.ts'
import { ageAtArrest, type EventInput, juvenileCheck, timelineErrors } from '../custody.ts'
import { eventRow, insertEvents } from './events.ts'
import type { DetentionSubmission, WrittenDetention } from './inputs.ts'
import { type PacLinkValues, resolvePacLinks } from './pac-links.ts'

/**
 * Validates and writes detentions with their whole timelines, replacing the timeline of a detention that
 * already has the ref (so an import can be run again). All-or-nothing: any error, nothing written. Errors
 * are listed per submission index. An import records history as it happened (`asRecorded`): a PAC held
 * elsewhere with no time given is kept with no time, not the time of writing.
 */
export async function writeDetentions(
  trx: Transaction,
  submissions: readonly DetentionSubmission[],
  actor: string,
  now: Date,
  mode: { asRecorded?: boolean } = {},
): Promise<{ written: WrittenDetention[] } | { errors: { index: number; errors: FieldError[] }[] }> {
  const children = await childrenByRefOrId(
    trx,
    submissions.map((s) => s.detention.child),
  )
  const suites = await teamsOnDays(
    trx,
    submissions.map((s) => ({ key: s.detention.custodySuite, day: londonDate(s.detention.arrestedAt) })),
  )
  const pacLinks = await resolvePacLinks(
    trx,
    submissions.map((s) => ({
      pacRef: s.detention.pacRef,
      pacLinkedAt: s.detention.pacLinkedAt,
      personId: children.get(s.detention.child)?.id ?? null,
      arrestedAt: s.detention.arrestedAt,
    })),
    mode.asRecorded ? null : now,
  )
  const failures: { index: number; errors: FieldError[] }[] = []
  const prepared: {
    submission: DetentionSubmission
    child: ChildFacts
    suite: TeamOnDay
    age: number | null
    pac: PacLinkValues
    events: (EventInput & { id: string })[]
  }[] = []
  submissions.forEach((submission, index) => {
    const pac = pacLinks[index] as (typeof pacLinks)[number]
    const errors: FieldError[] = [...pac.errors]
    const d = submission.detention
    const child = children.get(d.child)
    const suite = suites.get(`${londonDate(d.arrestedAt)}\u0000${d.custodySuite}`)
    if (!child) errors.push({ field: 'child', reason: `There is no person with the reference ${d.child}` })
    if (!suite) errors.push({ field: 'custodySuite', reason: `There is no team called ${d.custodySuite}` })
    else if (suite.kind !== 'custody_suite') {
      errors.push({ field: 'custodySuite', reason: `${suite.name} is not a custody suite` })
    }
    if (d.arrestedAt > now) errors.push({ field: 'arrestedAt', reason: 'The arrest time is in the future' })
    const age = child ? ageAtArrest(child, d.arrestedAt) : null
    if (child) errors.push(...juvenileCheck(age, d.appearsUnder18))
    const ids = submission.events.map(() => randomUUID())
    const events = submission.events.map((e, i) => {
      const related = 'relatedEventId' in e ? e.relatedEventId : undefined
      const resolved =
        typeof related === 'string' && /^#\d+$/.test(related) ? ids[Number(related.slice(1))] : related
      return {
        ...e,
        id: ids[i] as string,
        ...(related !== undefined ? { relatedEventId: resolved as string } : {}),
      }
    })
    errors.push(...timelineErrors(d.arrestedAt, events, { now }))
    if (errors.length || !child || !suite) failures.push({ index, errors })
    else prepared.push({ submission, child, suite, age, pac: pac.values, events })
  })
  if (failures.length) return { errors: failures }

  const refs = prepared.map((p) => p.submission.ref).filter((r): r is string => Boolean(r))
  const existing = refs.length
    ? await trx
        .selectFrom('custody_detention')
        .select(['id', 'ref', 'version'])
        .where('ref', 'in', refs)
        .execute()
    : []
  const existingByRef = new Map(existing.map((e) => [e.ref, e]))
  const written: WrittenDetention[] = []
  const eventRows: Record<string, unknown>[] = []
  const history: HistoryRow[] = []
  const planned = prepared.map((p) => {
    const d = p.submission.detention
    const values = {
      person_id: p.child.id,
      custody_suite_team_id: p.suite.id,
      borough_id: p.suite.boroughId,
      bcu_id: p.suite.bcuId,
      custody_record_number: d.custodyRecordNumber ?? null,
      offences: d.offences,
      arrested_at: d.arrestedAt,
      age_at_arrest: p.age,
      appears_under_18: d.appearsUnder18,
      ...p.pac,
      updated_at: now,
    }
    const before = p.submission.ref ? existingByRef.get(p.submission.ref) : undefined
    return { p, values, before, id: before?.id ?? randomUUID(), version: 0 }
  })
  // Detentions already held (a re-run import) are updated one by one and their timelines replaced; new
  // ones go in set-wise, with their ids chosen here so each row is known without relying on row order.
  const replaced: string[] = []
  for (const plan of planned) {
    if (!plan.before) continue
    const row = await trx
      .updateTable('custody_detention')
      .set((eb) => ({ ...plan.values, version: eb('version', '+', 1) }))
      .where('id', '=', plan.before.id)
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
    plan.version = row.version
    replaced.push(row.id)
  }
  if (replaced.length) await trx.deleteFrom('custody_event').where('detention_id', 'in', replaced).execute()
  const created = planned.filter((plan) => !plan.before)
  for (let i = 0; i < created.length; i += 1000) {
    const chunk = created.slice(i, i + 1000)
    const rows = await trx
      .insertInto('custody_detention')
      .values(
        chunk.map((plan) => ({
          id: plan.id,
          ...plan.values,
          ...(plan.p.submission.ref ? { ref: plan.p.submission.ref } : {}),
          created_at: now,
        })),
      )
      .returning(['id', 'ref', 'version'])
      .execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const plan of chunk) {
      const row = byId.get(plan.id)
      if (!row) throw new Error(`internal: detention ${plan.id} was not inserted`)
      plan.version = row.version
      plan.p.submission.ref = row.ref
    }
  }
  for (const { p, values, before, id, version } of planned) {
    written.push({ id, ref: p.submission.ref as string, created: !before })
    for (const e of p.events) eventRows.push(eventRow(e, id, actor, now))
    history.push({
      table: 'custody_detention',
      id,
      version,
      action: before ? 'update' : 'create',
      changedBy: actor,
      changedAt: now,
      changes: { ...values, events: [null, p.events.length] },
    })
  }
  // Reviews told and LA responses point at earlier events: insert in timeline order so references exist.
  const order = new Map(eventRows.map((r, i) => [r.id as string, i]))
  eventRows.sort(
    (a, b) =>
      Number(Boolean(a.related_event_id)) - Number(Boolean(b.related_event_id)) ||
      (order.get(a.id as string) ?? 0) - (order.get(b.id as string) ?? 0),
  )
  await insertEvents(trx, eventRows)
  await recordMany(trx, history)
  return { written }
}
