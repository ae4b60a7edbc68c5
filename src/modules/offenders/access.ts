import { allow, permits } from '../../platform/access/access.ts'
import { type KindOfRecord, recordKind } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'

/** Where an RSO lies: the borough of their current address, their manager and their Jigsaw team. */
type RsoPlace = { borough_id: string; manager_staff_id: string | null; team_id: string | null }

/**
 * An RSO lies in the borough where they live today, and belongs to their offender manager and Jigsaw team
 * wherever they live: a manager keeps sight of an RSO who moves to another BCU until they are reallocated.
 */
export const rsoKind: KindOfRecord<RsoPlace> = recordKind<RsoPlace>({
  kind: 'rso',
  columns: { borough: 'rso.borough_id', staff: ['rso.manager_staff_id'], teams: ['rso.team_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, staffIds: [row.manager_staff_id], teamIds: [row.team_id] }),
})

/**
 * A person charged with a notifiable sexual offence, as RSO-09 finds them: a finding about the person (the
 * person index's kind), until their ViSOR record exists.
 */
export const chargedPersonKind = 'person'

/** Where a briefing lies: its borough; the Jigsaw teams managing an RSO on it may read it wherever they work. */
type BriefingPlace = { borough_id: string; manager_team_ids: readonly string[] }

/**
 * A neighbourhood briefing is read by the officers of its area (its borough is in their area) and by the
 * managers of the RSOs on it (their Jigsaw team is among the briefing's). Lists find briefings by borough.
 */
export const briefingKind: KindOfRecord<BriefingPlace> = recordKind<BriefingPlace>({
  kind: 'rso-briefing',
  columns: { borough: 'rso_briefing.borough_id' },
  placeOf: (row) => ({ boroughId: row.borough_id, teamIds: row.manager_team_ids }),
})

/** Where a deportee's arrival lies: the borough they will live in (or the airport's), and the team meeting it. */
type ArrivalPlace = { borough_id: string; team_id: string | null }

export const arrivalKind: KindOfRecord<ArrivalPlace> = recordKind<ArrivalPlace>({
  kind: 'deportee-arrival',
  columns: { borough: 'deportee_arrival.borough_id', teams: ['deportee_arrival.team_id'] },
  placeOf: (row) => ({ boroughId: row.borough_id, teamIds: [row.team_id] }),
})

/** An offender manager, as RSO-05 finds one over their caseload: a finding about a member of staff. */
export const managerKind = 'offender-manager'

const readers: Role[] = ['offender_manager', 'supervisor', 'bcu_lead', 'force_lead', 'dit_auditor', 'admin']
const writers: Role[] = ['offender_manager', 'supervisor', 'admin']

/** The role each action needs; a page and its API twin use the same entry. */
export const offendersAccess = {
  read: allow(...readers),
  /** Registering an RSO and keeping their record: assessments, plans, visits, notifications. */
  write: allow(...writers),
  /** Moving RSOs between managers: supervisors and leads balance caseloads. */
  reallocate: allow('supervisor', 'bcu_lead', 'force_lead', 'admin'),
  /** Reading a neighbourhood briefing: the officers it is for, their supervisors, managers and leads. */
  readBriefing: allow(
    'officer',
    'supervisor',
    'offender_manager',
    'bcu_lead',
    'force_lead',
    'dit_auditor',
    'admin',
  ),
  /** Generating a briefing now rather than waiting for the schedule. */
  generateBriefing: allow('offender_manager', 'supervisor', 'bcu_lead', 'force_lead', 'admin'),
}

export type OffendersAction = keyof typeof offendersAccess

export const mayDo = (action: OffendersAction, roles: readonly Role[]): boolean =>
  permits(offendersAccess[action], roles)
