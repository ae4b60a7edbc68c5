import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { ageOn, londonDate } from '../../../platform/time.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import type { Person } from '../../children/service/records.ts'
import { onlineCaseKind } from '../access.ts'
import type { WriteResult, WriterDeps } from './dependencies.ts'
import type { ChildInput, KiratInput, SafeguardingInput } from './inputs.ts'
import { type CaseRow, casesByKey } from './records.ts'

/*
 * The records kept about a case besides its stages, set-wise for the import and one at a time for the pages
 * and the API: KIRAT assessments, children identified in the suspect's household, and what was done for them.
 * Each names its case; a line naming a ref already held replaces that record. Any problem: nothing written.
 */

type Submission<I> = { ref?: string | undefined; input: I }

/** The problem with an instant recorded on a case: in the future, or before the case was received. */
function whenError(field: string, at: Date, onlineCase: CaseRow | undefined, now: Date): FieldError[] {
  if (at > now) return [{ field, reason: 'must not be in the future' }]
  if (onlineCase && at < onlineCase.received_at)
    return [{ field, reason: 'must not be before the case was received' }]
  return []
}

/** A person's age in whole years on a day, from their date of birth or their estimated age (null: not known). */
function ageOnDay(person: Person, day: string): number | null {
  if (person.dateOfBirth) return ageOn(person.dateOfBirth, day)
  if (person.estimatedAgeYears !== null && person.estimatedAgeOn)
    return person.estimatedAgeYears + ageOn(person.estimatedAgeOn, day)
  return null
}

const noCase = (key: string): FieldError => ({ field: 'case', reason: `There is no online case ${key}` })

async function byRef(
  trx: Transaction,
  table: 'online_kirat' | 'online_case_child' | 'online_case_safeguarding',
  refs: readonly string[],
) {
  if (refs.length === 0) return new Map<string, string>()
  const rows = await trx
    .selectFrom(table)
    .select(['id', 'ref'])
    .where('ref', 'in', [...new Set(refs.map((r) => r.toUpperCase()))])
    .execute()
  return new Map(rows.map((r) => [r.ref, r.id]))
}

export async function writeKirats(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<KiratInput>[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const cases = await casesByKey(
    trx,
    submissions.map((s) => s.input.case),
  )
  const failures = submissions.flatMap(({ input }, index) => {
    const c = cases.get(input.case)
    const errors = [...(c ? [] : [noCase(input.case)]), ...whenError('assessedAt', input.assessedAt, c, now)]
    return errors.length ? [{ index, errors }] : []
  })
  if (failures.length) return { errors: failures }
  const held = await byRef(
    trx,
    'online_kirat',
    submissions.flatMap((s) => (s.ref ? [s.ref] : [])),
  )
  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { ref, input } of submissions) {
    const values = {
      case_id: (cases.get(input.case) as CaseRow).id,
      assessed_at: input.assessedAt,
      level: input.level,
      answers: JSON.stringify(input.answers),
      assessor_name: input.assessor,
      recorded_by: actor.username,
      recorded_at: now,
    }
    const heldId = ref ? held.get(ref.toUpperCase()) : undefined
    const row = heldId
      ? await trx
          .updateTable('online_kirat')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', heldId)
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('online_kirat')
          .values({ ...values, ...(ref ? { ref: ref.toUpperCase() } : {}) })
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
    written.push({ ref: row.ref, id: row.id, created: !heldId })
    await recordMany(trx, [
      {
        table: 'online_kirat',
        id: row.id,
        version: row.version,
        action: heldId ? 'update' : 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: { level: [null, input.level], assessed_at: [null, input.assessedAt] },
      },
    ])
  }
  await afterWriteCases(trx, deps, submissions, cases)
  return { written }
}

export async function writeChildren(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<ChildInput>[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const [cases, people] = await Promise.all([
    casesByKey(
      trx,
      submissions.map((s) => s.input.case),
    ),
    peopleByKey(
      trx,
      submissions.map((s) => s.input.person),
    ),
  ])
  const held = await byRef(
    trx,
    'online_case_child',
    submissions.flatMap((s) => (s.ref ? [s.ref] : [])),
  )
  const caseIds = [...new Set([...cases.values()].map((c) => c.id))]
  const identified = caseIds.length
    ? await trx
        .selectFrom('online_case_child')
        .select(['case_id', 'person_id', 'ref'])
        .where('case_id', 'in', caseIds)
        .execute()
    : []
  const failures = submissions.flatMap(({ ref, input }, index) => {
    const c = cases.get(input.case)
    const person = people.get(input.person)
    const errors = [
      ...(c ? [] : [noCase(input.case)]),
      ...whenError('identifiedAt', input.identifiedAt, c, now),
    ]
    if (!person)
      errors.push({ field: 'person', reason: `There is no person with the reference ${input.person}` })
    else {
      const day = londonDate(input.identifiedAt)
      const age = ageOnDay(person, day)
      if (age !== null && age >= 18)
        errors.push({ field: 'person', reason: `${person.ref} was an adult (${age}) on ${day}, not a child` })
      const other = identified.find(
        (i) => i.case_id === c?.id && i.person_id === person.id && i.ref !== ref?.toUpperCase(),
      )
      if (other)
        errors.push({ field: 'person', reason: `${person.ref} is already identified in this household` })
    }
    return errors.length ? [{ index, errors }] : []
  })
  if (failures.length) return { errors: failures }
  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { ref, input } of submissions) {
    const values = {
      case_id: (cases.get(input.case) as CaseRow).id,
      person_id: (people.get(input.person) as Person).id,
      identified_at: input.identifiedAt,
      recorded_by: actor.username,
      recorded_at: now,
    }
    const heldId = ref ? held.get(ref.toUpperCase()) : undefined
    const row = heldId
      ? await trx
          .updateTable('online_case_child')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', heldId)
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('online_case_child')
          .values({ ...values, ...(ref ? { ref: ref.toUpperCase() } : {}) })
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
    written.push({ ref: row.ref, id: row.id, created: !heldId })
    await recordMany(trx, [
      {
        table: 'online_case_child',
        id: row.id,
        version: row.version,
        action: heldId ? 'update' : 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: { person_id: [null, values.person_id], identified_at: [null, input.identifiedAt] },
      },
    ])
  }
  await afterWriteCases(trx, deps, submissions, cases)
  return { written }
}

export async function writeSafeguarding(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<SafeguardingInput>[],
  actor: Actor,
): Promise<WriteResult> {
  const now = deps.clock.now()
  const [cases, people] = await Promise.all([
    casesByKey(
      trx,
      submissions.map((s) => s.input.case),
    ),
    peopleByKey(
      trx,
      submissions.flatMap((s) => (s.input.child ? [s.input.child] : [])),
    ),
  ])
  const caseIds = [...new Set([...cases.values()].map((c) => c.id))]
  const household = caseIds.length
    ? await trx
        .selectFrom('online_case_child')
        .select(['case_id', 'person_id'])
        .where('case_id', 'in', caseIds)
        .execute()
    : []
  const failures = submissions.flatMap(({ input }, index) => {
    const c = cases.get(input.case)
    const errors = [...(c ? [] : [noCase(input.case)]), ...whenError('at', input.at, c, now)]
    if (input.child) {
      const child = people.get(input.child)
      if (!child || !household.some((h) => h.case_id === c?.id && h.person_id === child.id))
        errors.push({ field: 'child', reason: `${input.child} is not a child identified in this household` })
    }
    if (input.kind === 'pac' && !input.pacRef)
      errors.push({ field: 'pacRef', reason: 'enter the PAC’s reference' })
    if (input.kind !== 'pac' && input.pacRef)
      errors.push({ field: 'pacRef', reason: 'only a PAC has a PAC reference' })
    return errors.length ? [{ index, errors }] : []
  })
  if (failures.length) return { errors: failures }
  const held = await byRef(
    trx,
    'online_case_safeguarding',
    submissions.flatMap((s) => (s.ref ? [s.ref] : [])),
  )
  const written: { ref: string; id: string; created: boolean }[] = []
  for (const { ref, input } of submissions) {
    const values = {
      case_id: (cases.get(input.case) as CaseRow).id,
      child_person_id: input.child ? (people.get(input.child) as Person).id : null,
      kind: input.kind,
      at: input.at,
      pac_ref: input.pacRef ? input.pacRef.toUpperCase() : null,
      note: input.note || null,
      recorded_by: actor.username,
      recorded_at: now,
    }
    const heldId = ref ? held.get(ref.toUpperCase()) : undefined
    const row = heldId
      ? await trx
          .updateTable('online_case_safeguarding')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('id', '=', heldId)
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
      : await trx
          .insertInto('online_case_safeguarding')
          .values({ ...values, ...(ref ? { ref: ref.toUpperCase() } : {}) })
          .returning(['id', 'ref', 'version'])
          .executeTakeFirstOrThrow()
    written.push({ ref: row.ref, id: row.id, created: !heldId })
    await recordMany(trx, [
      {
        table: 'online_case_safeguarding',
        id: row.id,
        version: row.version,
        action: heldId ? 'update' : 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: { kind: [null, input.kind], at: [null, input.at] },
      },
    ])
  }
  await afterWriteCases(trx, deps, submissions, cases)
  return { written }
}

/** The case rules judge the cases these records belong to. */
async function afterWriteCases(
  trx: Transaction,
  deps: WriterDeps,
  submissions: readonly Submission<{ case: string }>[],
  cases: Map<string, CaseRow>,
) {
  const ids = [...new Set(submissions.map((s) => (cases.get(s.input.case) as CaseRow).id))]
  await deps.afterWrite?.(trx, onlineCaseKind.kind, ids)
}
