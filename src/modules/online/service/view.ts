import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { childrenByRefOrId } from '../../children/service/find-people.ts'
import { mayReadMaterial, onlineCaseKind, onlineReach } from '../access.ts'
import type { KiratLevel } from '../online-case.ts'
import { noSuchCase, type OnlineDeps } from './dependencies.ts'
import { casesByKey, stagesOf } from './records.ts'

/**
 * One case with its timeline, KIRAT assessments, identifiers, household and safeguarding, for someone whose
 * need to know reaches it (404 otherwise, as if it did not exist); the read is logged. The material's
 * description is given only to the specialist online team: everyone else reads its category.
 */
export async function viewCase(
  q: Executor,
  deps: Pick<OnlineDeps, 'accessLog' | 'clock' | 'devicesOfCase'>,
  key: string,
  principal: Principal,
  requestId?: string | null,
) {
  const found = (await casesByKey(q, [key])).get(key)
  onlineCaseKind.mustSee(await onlineReach(q, principal), found, noSuchCase)
  const id = found.id
  const [stages, identifiers, kirats, children, safeguarding, names] = await Promise.all([
    stagesOf(q, [id]).then((m) => m.get(id) ?? []),
    q.selectFrom('online_case_identifier').selectAll().where('case_id', '=', id).orderBy('seen_at').execute(),
    q
      .selectFrom('online_kirat')
      .selectAll()
      .where('case_id', '=', id)
      .orderBy('assessed_at', 'desc')
      .execute(),
    q
      .selectFrom('online_case_child')
      .selectAll()
      .where('case_id', '=', id)
      .orderBy('identified_at')
      .execute(),
    q.selectFrom('online_case_safeguarding').selectAll().where('case_id', '=', id).orderBy('at').execute(),
    q
      .selectFrom('online_case_stage as s')
      .leftJoin('team as t', 't.id', 's.team_id')
      .leftJoin('staff as st', 'st.id', 's.staff_id')
      .select(['s.id', 't.name as team', 'st.name as officer', 'st.staff_number'])
      .where('s.case_id', '=', id)
      .execute(),
  ])
  const people = await childrenByRefOrId(q, [
    ...(found.suspect_person_id ? [found.suspect_person_id] : []),
    ...children.map((c) => c.person_id),
    ...safeguarding.flatMap((s) => (s.child_person_id ? [s.child_person_id] : [])),
  ])
  const borough = found.borough_id
    ? await q.selectFrom('borough').select('name').where('id', '=', found.borough_id).executeTakeFirst()
    : undefined
  await deps.accessLog.logRead(principal, onlineCaseKind.kind, id, requestId)
  // The case's exhibits, read because the case is within the reader's need to know.
  const devices = (await deps.devicesOfCase?.(found.ref, principal, `online case ${found.ref}`)) ?? []
  const now = deps.clock.now()
  const person = (personId: string | null) => {
    const p = personId ? people.get(personId) : undefined
    return p ? { id: p.id, ref: p.ref, name: p.name } : null
  }
  const nameOf = new Map(names.map((n) => [n.id, n]))
  return {
    case: {
      id,
      ref: found.ref,
      source: found.source,
      ncaReference: found.nca_reference,
      receivedAt: found.received_at,
      materialCategory: found.material_category,
      // Only the specialist team reads what was found beyond its category.
      materialDescription: mayReadMaterial(principal.roles) ? found.material_description : null,
      materialLocation: mayReadMaterial(principal.roles) ? found.material_location : null,
      materialUploadedAt: found.material_uploaded_at,
      suspect: person(found.suspect_person_id),
      borough: borough?.name ?? null,
      stage: found.stage,
      stageAt: found.stage_at,
      /** Time in the current stage, computed from the stage changes, never typed. */
      msInStage: (found.closed_at ?? now).getTime() - found.stage_at.getTime(),
      allocatedTeamKind: found.allocated_team_kind,
      outcomeCode: found.outcome_code,
      closedAt: found.closed_at,
      closingReason: found.closing_reason,
      version: found.version,
    },
    timeline: stages.map((s, i) => ({
      id: s.id,
      stage: s.stage,
      at: s.at,
      returnedAt: s.returned_at,
      team: nameOf.get(s.id)?.team ?? null,
      officer: nameOf.get(s.id)?.officer ?? null,
      teamKind: s.team_kind,
      outcomeCode: s.outcome_code,
      reason: s.reason,
      recordedBy: s.recorded_by,
      recordedAt: s.recorded_at,
      /** How long the case stayed in this stage (to the next change, or to now for the current one). */
      msInStage:
        ((stages[i + 1]?.at ?? (s.stage === 'closed' ? s.at : now)) as Date).getTime() - s.at.getTime(),
    })),
    devices: devices.map((d) => ({
      id: d.id,
      ref: d.ref,
      description: d.description,
      kind: d.device_kind,
      status: d.status,
      statusAt: d.status_at,
      recommendation: d.decision,
    })),
    deviceCounts: {
      seized: devices.length,
      triaged: devices.filter((d) => d.decision !== null).length,
      submitted: devices.filter((d) => d.ever_submitted).length,
      returnedUnchecked: devices.filter(
        (d) => d.status === 'returned' && d.decision === null && !d.ever_examined,
      ).length,
    },
    identifiers: identifiers.map((i) => ({ kind: i.kind, value: i.value, seenAt: i.seen_at })),
    kirat: kirats.map((k) => ({
      ref: k.ref,
      assessedAt: k.assessed_at,
      level: k.level as KiratLevel,
      answers: k.answers as { question: string; answer: string }[],
      assessor: k.assessor_name,
    })),
    children: children.map((c) => ({
      ref: c.ref,
      person: person(c.person_id),
      identifiedAt: c.identified_at,
    })),
    safeguarding: safeguarding.map((s) => ({
      kind: s.kind,
      at: s.at,
      child: person(s.child_person_id),
      pacRef: s.pac_ref,
      note: s.note,
      recordedBy: s.recorded_by,
    })),
  }
}

export type CaseView = Awaited<ReturnType<typeof viewCase>>
