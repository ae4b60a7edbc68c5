import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { countdown } from '../../../platform/time.ts'
import { mostUrgentFirst } from '../../../platform/urgency.ts'
import { pacKind } from '../../referrals/access.ts'
import { investigationKind } from '../access.ts'
import { missingAgencies } from '../investigation.ts'
import type { InvestigationActor, InvestigationDeps } from './dependencies.ts'
import { type InvestigationRow, investigationRow, mustGet } from './records.ts'

/** The bare record, or undefined when there is none or it is outside the reader's need to know. */
export async function findInvestigation(q: Executor, id: string, reach: Reach) {
  const found = await investigationRow(q, id)
  return found && investigationKind.canSee(reach, found) ? found : undefined
}

/** The whole case for its page; the read is logged. 404 outside the reader's need to know. */
export async function viewInvestigation(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  reach: Reach,
  actor: InvestigationActor,
  requestId?: string,
) {
  const found = await mustGet(q, id, reach)
  await deps.accessLog.logRead(actor, investigationKind.kind, id, requestId, undefined, q)
  return caseDetails(q, deps, found, reach)
}

function recordsOf(q: Executor, id: string, reach: Reach) {
  return Promise.all([
    q.selectFrom('investigation_person').selectAll().where('investigation_id', '=', id).execute(),
    q
      .selectFrom('investigation_pac')
      .innerJoin('pac', 'pac.id', 'investigation_pac.pac_id')
      .select(['pac.id', 'pac.ref', 'investigation_pac.linked_at'])
      .where('investigation_id', '=', id)
      // A linked PAC the reader may not see is not named: its existence is not confirmed either.
      .where(pacKind.where(reach, 'pac'))
      .execute(),
    q
      .selectFrom('investigation_allocation')
      .selectAll()
      .where('investigation_id', '=', id)
      .orderBy('allocated_at')
      .execute(),
    q
      .selectFrom('investigation_action')
      .selectAll()
      .where('investigation_id', '=', id)
      .orderBy('directed_at')
      .execute(),
    q
      .selectFrom('supervisory_review')
      .selectAll()
      .where('investigation_id', '=', id)
      .orderBy('reviewed_at')
      .execute(),
    q
      .selectFrom('strategy_discussion')
      .selectAll()
      .where('investigation_id', '=', id)
      .orderBy('held_at')
      .execute(),
    q
      .selectFrom('strategy_participant')
      .innerJoin(
        'strategy_discussion',
        'strategy_discussion.id',
        'strategy_participant.strategy_discussion_id',
      )
      .select([
        'strategy_participant.strategy_discussion_id',
        'strategy_participant.agency',
        'strategy_participant.name',
        'strategy_participant.role',
      ])
      .where('strategy_discussion.investigation_id', '=', id)
      .orderBy('strategy_participant.agency')
      .execute(),
    q
      .selectFrom('child_protection_conference')
      .selectAll()
      .where('investigation_id', '=', id)
      .orderBy('held_at')
      .execute(),
    q
      .selectFrom('police_protection')
      .selectAll()
      .where('investigation_id', '=', id)
      .orderBy('started_at')
      .execute(),
  ])
}

/** The case with everything recorded on it, and the names of the staff, teams and people it points at. */
async function caseDetails(q: Executor, deps: InvestigationDeps, found: InvestigationRow, reach: Reach) {
  const organisation = deps.organisationOn(q)
  const [links, pacs, allocations, actions, reviews, discussions, participants, conferences, protections] =
    await recordsOf(q, found.id, reach)
  const staffIds = [
    ...new Set(
      [
        found.officer_staff_id,
        ...allocations.map((a) => a.staff_id),
        ...actions.map((a) => a.owner_staff_id),
      ].filter((s): s is string => !!s),
    ),
  ]
  const staffNames = new Map<string, string>()
  for (const s of staffIds) {
    const member = await organisation.staffMember(s)
    if (member) staffNames.set(s, member.name)
  }
  const teamIds = [
    ...new Set([found.team_id, ...allocations.map((a) => a.team_id)].filter((t): t is string => !!t)),
  ]
  const teamNames = new Map<string, string>()
  for (const t of teamIds) {
    const team = await organisation.team(t)
    if (team) teamNames.set(t, team.name)
  }
  const personNames = new Map<string, { ref: string; name: string }>()
  for (const l of [...links, ...protections]) {
    if (personNames.has(l.person_id)) continue
    const p = await deps.people.find(l.person_id, q)
    if (p) personNames.set(l.person_id, { ref: p.ref, name: p.name })
  }
  const borough = await organisation.borough(found.borough_id)
  const now = deps.clock.now()
  return {
    investigation: found,
    boroughName: borough?.name ?? '',
    officerName: found.officer_staff_id ? (staffNames.get(found.officer_staff_id) ?? null) : null,
    teamName: found.team_id ? (teamNames.get(found.team_id) ?? null) : null,
    people: links.map((l) => ({
      ...l,
      ref: personNames.get(l.person_id)?.ref ?? '',
      name: personNames.get(l.person_id)?.name ?? 'Unknown person',
    })),
    pacs,
    allocations: allocations.map((a) => ({
      ...a,
      staffName: staffNames.get(a.staff_id) ?? '',
      teamName: teamNames.get(a.team_id) ?? '',
    })),
    // Actions still to do first, most urgent first (countdowns as the custody page shows them); done after.
    actions: [
      ...mostUrgentFirst(
        actions.filter((a) => !a.done_at),
        now,
        (a) => ({ dueAt: a.due_at }),
      ),
      ...actions.filter((a) => a.done_at),
    ].map((a) => ({
      ...a,
      ownerName: a.owner_name ?? (a.owner_staff_id ? staffNames.get(a.owner_staff_id) : null) ?? null,
      overdue: !a.done_at && !!a.due_at && a.due_at < now,
      countdown: !a.done_at && a.due_at ? countdown(a.due_at, now) : null,
    })),
    reviews,
    discussions: discussions.map((d) => {
      const list = participants.filter((p) => p.strategy_discussion_id === d.id)
      return { ...d, participants: list, missingAgencies: missingAgencies(list) }
    }),
    conferences,
    protections: protections.map((p) => ({
      ...p,
      personName: personNames.get(p.person_id)?.name ?? 'Unknown person',
    })),
  }
}
