import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import type { OutcomeCode } from '../../investigations/investigation.ts'
import { staffByKey } from '../../organisation/service/keys.ts'
import { teamsOnDays } from '../../organisation/service/places.ts'
import {
  allocationAgainstPolicy,
  type KiratLevel,
  kiratLabels,
  type Stage,
  type StageChange,
  stageOrderErrors,
  type TeamKind,
  teamKindOf,
} from '../online-case.ts'
import type { StageInput } from './inputs.ts'
import type { StageRow } from './records.ts'

/** A stage change checked and ready to store. */
export interface ResolvedStage {
  stage: Stage
  at: Date
  returnedAt: Date | null
  teamId: string | null
  staffId: string | null
  teamKind: TeamKind | null
  outcomeCode: OutcomeCode | null
  reason: string | null
}

/** What the checks of new stage changes need to know about their case. */
export interface StageCase {
  /** The case's stage changes so far, oldest first, starting with its receipt. */
  held: readonly StageChange[]
  /** The case's KIRAT level now (null: not assessed). */
  kirat: KiratLevel | null
  /** Children identified in the household, and whether a welfare visit or social care referral is recorded. */
  household: { children: number; protected: boolean }
  /** The person closing may give a supervisor's reason to close without a welfare visit or referral. */
  mayOverrideClosing: boolean
}

/**
 * Checks new stage changes against the case (order, dates, the team an allocation names, the reason an
 * allocation against the KIRAT policy or a closing without safeguarding needs) and resolves their team and
 * officer. Problems are named `<prefix><field>` (prefix `stages.3.` for an import's nested change).
 */
export async function resolveStages(
  trx: Transaction,
  added: readonly StageInput[],
  of: StageCase,
  now: Date,
  prefix: (index: number) => string,
): Promise<{ errors: FieldError[]; resolved: ResolvedStage[] }> {
  const errors: FieldError[] = stageOrderErrors(of.held, added, now).map((e) => ({
    field: `${prefix(e.index)}${e.field}`,
    reason: e.reason,
  }))
  const allocations = added.filter((a) => a.stage === 'allocated' && a.team)
  const [teams, staff] = await Promise.all([
    teamsOnDays(
      trx,
      allocations.map((a) => ({ key: a.team as string, day: londonDate(a.at) })),
    ),
    staffByKey(
      trx,
      added.flatMap((a) => (a.officer ? [a.officer] : [])),
    ),
  ])
  const resolved = added.map((change, index): ResolvedStage => {
    const field = (name: string) => `${prefix(index)}${name}`
    const out: ResolvedStage = {
      stage: change.stage,
      at: change.at,
      returnedAt: change.returnedAt ?? null,
      teamId: null,
      staffId: null,
      teamKind: null,
      outcomeCode: (change.outcomeCode as OutcomeCode | undefined) ?? null,
      reason: change.reason || null,
    }
    if (change.returnedAt && change.stage !== 'awaiting_communications_data')
      errors.push({
        field: field('returnedAt'),
        reason: 'only a request for communications data is returned',
      })
    else if (change.returnedAt && change.returnedAt < change.at)
      errors.push({ field: field('returnedAt'), reason: 'must not be before the request' })
    else if (change.returnedAt && change.returnedAt > now)
      errors.push({ field: field('returnedAt'), reason: 'must not be in the future' })
    if (change.outcomeCode && change.stage !== 'outcome')
      errors.push({ field: field('outcomeCode'), reason: 'only an outcome has an outcome code' })
    if (change.stage === 'outcome' && !change.outcomeCode)
      errors.push({ field: field('outcomeCode'), reason: 'enter the Home Office outcome code' })
    if (change.stage !== 'allocated') {
      if (change.team) errors.push({ field: field('team'), reason: 'only an allocation names a team' })
      if (change.officer)
        errors.push({ field: field('officer'), reason: 'only an allocation names an officer' })
    } else {
      const team = change.team ? teams.get(`${londonDate(change.at)}\u0000${change.team}`) : undefined
      if (!change.team)
        errors.push({ field: field('team'), reason: 'enter the team the case is allocated to' })
      else if (!team) errors.push({ field: field('team'), reason: `There is no team called ${change.team}` })
      const officer = change.officer ? staff.get(change.officer) : undefined
      if (change.officer && !officer)
        errors.push({ field: field('officer'), reason: `There is no member of staff ${change.officer}` })
      else if (officer && team && officer.teamId !== team.id)
        errors.push({ field: field('officer'), reason: `${officer.name} is not in ${team.name}` })
      if (team) {
        out.teamId = team.id
        out.teamKind = teamKindOf(team.kind)
        out.staffId = officer?.id ?? null
        if (allocationAgainstPolicy(of.kirat, out.teamKind) && !out.reason)
          errors.push({
            field: field('reason'),
            reason: `The case’s KIRAT level is ${kiratLabels[of.kirat as KiratLevel].toLowerCase()}: give the reason it goes to ${out.teamKind === 'frontline' ? 'a frontline team' : 'a child abuse investigation team'} and not the specialist online team`,
          })
      }
    }
    if (change.stage === 'closed' && of.household.children > 0 && !of.household.protected) {
      if (!out.reason)
        errors.push({
          field: field('reason'),
          reason:
            'Children were identified in the household and no welfare visit or social care referral is recorded: record one, or a supervisor gives the reason to close',
        })
      else if (!of.mayOverrideClosing)
        errors.push({
          field: field('reason'),
          reason:
            'Only a supervisor may close a case with children and no welfare visit or social care referral',
        })
    }
    return out
  })
  return { errors, resolved }
}

/** The case's current state from all its stage changes, as the case row keeps it for the queue. */
export function currentOf(
  rows: readonly Pick<
    StageRow,
    'stage' | 'at' | 'team_id' | 'staff_id' | 'team_kind' | 'outcome_code' | 'reason'
  >[],
) {
  const last = rows.at(-1)
  if (!last) throw new Error('a case has at least its receipt')
  const allocation = rows.findLast((r) => r.stage === 'allocated')
  const outcome = rows.findLast((r) => r.stage === 'outcome')
  return {
    stage: last.stage,
    stage_at: last.at,
    allocated_team_id: allocation?.team_id ?? null,
    allocated_staff_id: allocation?.staff_id ?? null,
    allocated_team_kind: allocation?.team_kind ?? null,
    outcome_code: outcome?.outcome_code ?? null,
    closed_at: last.stage === 'closed' ? last.at : null,
    closing_reason: last.stage === 'closed' ? last.reason : null,
  }
}

/** Appends stage changes to a case after `seq`, and keeps the case's current state in step; answers every row. */
export async function storeStages(
  trx: Transaction,
  caseId: string,
  resolved: readonly ResolvedStage[],
  actor: Actor,
  now: Date,
): Promise<StageRow[]> {
  const before = (await trx
    .selectFrom('online_case_stage')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .execute()) as StageRow[]
  const next = before.length
  if (resolved.length)
    await trx
      .insertInto('online_case_stage')
      .values(
        resolved.map((r, i) => ({
          case_id: caseId,
          seq: next + i + 1,
          stage: r.stage,
          at: r.at,
          returned_at: r.returnedAt,
          team_id: r.teamId,
          staff_id: r.staffId,
          team_kind: r.teamKind,
          outcome_code: r.outcomeCode,
          reason: r.reason,
          recorded_by: actor.username,
          recorded_at: now,
        })),
      )
      .execute()
  const all = (await trx
    .selectFrom('online_case_stage')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .execute()) as StageRow[]
  await trx
    .updateTable('online_case')
    .set((eb) => ({ ...currentOf(all), updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', caseId)
    .execute()
  return all
}
