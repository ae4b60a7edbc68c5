import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { ageOn, londonDate } from '../../../platform/time.ts'
import { investigationKind } from '../access.ts'
import { caseTypes, type PersonRole, personRoles, riskLevels, strands } from '../investigation.ts'
import { fail, type InvestigationActor, type InvestigationDeps, inTransaction } from './dependencies.ts'
import { type InvestigationRow, judgeCases } from './records.ts'

export interface NewInvestigation {
  caseType: string
  strands: string[]
  riskLevel: string
  summary: string
  boroughId: string
  openedAt: Date
  people: { personIdOrRef: string; role: string }[]
  pacIds?: string[]
  offence?: string | null
  crimeReference?: string | null
}

/** Under 18 on the London day of `at`; a person whose date of birth is not known is taken to be a child. */
export function isChildOn(dateOfBirth: string | null, at: Date): boolean {
  if (!dateOfBirth) return true
  return ageOn(dateOfBirth, londonDate(at)) < 18
}

/** Opens an investigation with its people and PACs; bad input is a ValidationError and nothing is written. */
export async function openInvestigation(
  q: Executor,
  deps: InvestigationDeps,
  input: NewInvestigation,
  actor: InvestigationActor,
): Promise<InvestigationRow> {
  const { clock, history, accessLog, standards, people } = deps
  const organisation = deps.organisationOn(q)
  const now = clock.now()
  const errors: FieldError[] = []
  if (!(caseTypes as readonly string[]).includes(input.caseType))
    errors.push({ field: 'caseType', reason: 'Select the case type' })
  if (input.strands.length === 0 || input.strands.some((s) => !(strands as readonly string[]).includes(s)))
    errors.push({ field: 'strands', reason: 'Select at least one safeguarding strand' })
  if (!(riskLevels as readonly string[]).includes(input.riskLevel))
    errors.push({ field: 'riskLevel', reason: 'Select the level of risk' })
  if (!input.summary.trim()) errors.push({ field: 'summary', reason: 'Enter a summary of the concern' })
  if (input.openedAt > now)
    errors.push({ field: 'openedAt', reason: 'The opening must not be in the future' })
  const borough = await organisation.borough(input.boroughId)
  if (!borough) errors.push({ field: 'boroughId', reason: 'Select a borough from the list' })
  const linked: { personId: string; role: PersonRole; isChild: boolean }[] = []
  for (const [i, p] of input.people.entries()) {
    const person = await people.find(p.personIdOrRef, q)
    if (!person) errors.push({ field: `people.${i}.person`, reason: `There is no person ${p.personIdOrRef}` })
    else if (!(personRoles as readonly string[]).includes(p.role))
      errors.push({ field: `people.${i}.role`, reason: 'Select the person’s role' })
    else
      linked.push({
        personId: person.id,
        role: p.role as PersonRole,
        isChild: isChildOn(person.dateOfBirth, input.openedAt),
      })
  }
  if (!linked.some((l) => l.isChild || l.role === 'child'))
    errors.push({ field: 'people', reason: 'Link at least one child' })
  if (errors.length) fail(errors)
  const bcu = await organisation.bcuForBorough(input.boroughId, input.openedAt)
  return inTransaction(q, async (trx) => {
    const written = await history.insertRecord(
      trx,
      'investigation',
      {
        case_type: input.caseType,
        strands: input.strands,
        risk_level: input.riskLevel,
        summary: input.summary.trim(),
        borough_id: input.boroughId,
        bcu_id: bcu?.id ?? null,
        opened_at: input.openedAt,
        offence: input.offence?.trim() || null,
        crime_reference: input.crimeReference?.trim() || null,
        crime_recorded_at: input.crimeReference?.trim() ? now : null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      },
      actor,
    )
    for (const l of linked) {
      await trx
        .insertInto('investigation_person')
        .values({
          investigation_id: written.id,
          person_id: l.personId,
          role: l.role,
          is_child: l.isChild || l.role === 'child',
        })
        .onConflict((oc) => oc.columns(['investigation_id', 'person_id', 'role']).doNothing())
        .execute()
    }
    for (const pacId of input.pacIds ?? []) {
      await trx
        .insertInto('investigation_pac')
        .values({ investigation_id: written.id, pac_id: pacId, linked_at: now })
        .execute()
    }
    await accessLog.logChange(
      actor,
      { action: 'create', subjectKind: investigationKind.kind, subjectId: written.id },
      trx,
    )
    await judgeCases(trx, standards, [written.id])
    return written
  })
}
