import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import type { ChangeAuthor, HistoryService } from '../../platform/db/history.ts'
import { NotFoundError } from '../../platform/http/errors.ts'
import { londonDate } from '../../platform/time.ts'
import { courseLabels } from '../organisation/organisation.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { auditedTeamKind } from './access.ts'
import { courseStateLabels } from './coverage.ts'
import type { BookingInput, RequirementInput } from './inputs.ts'
import { type Audit, auditOn } from './service/audit.ts'
import { addBooking } from './service/bookings.ts'
import { addRequirement, endRequirement, requirement, requirementsOf } from './service/requirements.ts'

export interface SkillsDeps {
  db: Database
  clock: Clock
  history: HistoryService
  organisation: OrganisationService
}

/** How long an audit taken for the dashboard's figures is reused: one figure job takes every BCU of a day. */
const reuseMs = 60_000

/**
 * The skills audit: the training matrix, coverage of it by team, BCU and force, and bookings. Reads the
 * organisation (staff, teams, training records) through its service; keeps the matrix and bookings itself.
 */
export function skillsService({ db, clock, history, organisation }: SkillsDeps) {
  const today = () => londonDate(clock.now())
  // By executor: a transaction's reads are its own, and are not shared with another's.
  const recent = new WeakMap<Executor, Map<string, { at: number; audit: Promise<Audit> }>>()

  /** One audit per executor and day for a minute: the measure is asked for each area of a month in turn. */
  function auditCached(q: Executor, day: string): Promise<Audit> {
    const now = Date.now()
    const mine = recent.get(q) ?? new Map<string, { at: number; audit: Promise<Audit> }>()
    recent.set(q, mine)
    for (const [key, entry] of mine) if (now - entry.at > reuseMs) mine.delete(key)
    const found = mine.get(day)
    if (found) return found.audit
    const audit = auditOn(q, organisation, day)
    mine.set(day, { at: now, audit })
    audit.catch(() => mine.delete(day))
    return audit
  }

  /** A member of staff within the reader's reach, with their team's place in the audit. */
  async function personInReach(staffId: string, reach: Reach) {
    const audit = await auditOn(db, organisation, today())
    const staff = await organisation.staffMember(staffId)
    const team = audit.teams.find((t) => t.id === staff?.teamId)
    if (!staff || !team || !auditedTeamKind.canSee(reach, team.place))
      throw new NotFoundError('There is no such member of staff')
    return { staff, team, audit, coverage: audit.coverage.find((c) => c.person.id === staff.id) ?? null }
  }

  return {
    today,
    /** The audit as it stands today (or on a day, 'YYYY-MM-DD'). */
    audit: (day?: string) => auditOn(db, organisation, day ?? today()),
    /** The same, reused for a minute: for the dashboard's figures. */
    auditForFigures: auditCached,

    requirements: () => requirementsOf(db),
    requirement: (id: string) => requirement(db, id),
    addRequirement: (input: RequirementInput, author: ChangeAuthor) =>
      addRequirement(db, history, input, author),
    endRequirement: (id: string, version: number, effectiveTo: string, author: ChangeAuthor) =>
      endRequirement(db, history, id, version, effectiveTo, author),

    personInReach,
    /** Books a course for someone within the reader's reach; anyone else is not found. */
    async book(staffId: string, input: BookingInput, reach: Reach, author: ChangeAuthor) {
      const { staff } = await personInReach(staffId, reach)
      return addBooking(db, history, staff, input, clock.now(), author)
    },

    /** The staff page's panel: a person's required courses and where each stands, for readers in reach. */
    async staffPanel(staffId: string, reach: Reach) {
      const found = await personInReach(staffId, reach).catch((error) => {
        if (error instanceof NotFoundError) return null
        throw error
      })
      if (!found) return []
      const rows = (found.coverage?.courses ?? []).map((c) => ({
        key: courseLabels[c.course],
        value:
          c.state === 'trained'
            ? `${courseStateLabels.trained} (${c.completedOn})`
            : c.state === 'scheduled'
              ? `${courseStateLabels.scheduled} for ${c.scheduledOn}`
              : courseStateLabels.no_plan,
      }))
      return [
        {
          heading: 'Training their team requires',
          rows,
          empty: 'Their team and role require no course.',
          links: [{ href: `/skills/teams/${found.team.id}`, text: `Skills audit of ${found.team.name}` }],
        },
      ]
    },
  }
}

export type SkillsService = ReturnType<typeof skillsService>
