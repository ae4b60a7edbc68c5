import type { Executor } from '../../platform/db/database.ts'
import { type Measure, type MeasureScope, shareOf } from '../../platform/measures.ts'
import { londonDate } from '../../platform/time.ts'
import type { PersonCoverage } from './coverage.ts'
import type { Audit } from './service/audit.ts'

/**
 * Whether a person's team lies in the scope: the team asked for, or a team serving any of the boroughs asked
 * (a BCU's team serves every borough of its BCU on the day); force-wide teams count for the force only.
 */
function inScope(audit: Audit, scope: MeasureScope): (c: PersonCoverage) => boolean {
  if (scope.teamId) return (c) => c.team.id === scope.teamId
  if (scope.boroughIds === null) return () => true
  const asked = new Set(scope.boroughIds)
  const teams = new Map(audit.teams.map((t) => [t.id, t]))
  return (c) => (teams.get(c.team.id)?.boroughIds ?? []).some((b) => asked.has(b))
}

/**
 * The skills audit's measure for the dashboard: of the staff whose team and role require any course, the
 * share who hold every one, on the last day of the period, force-wide or in one BCU (a team's BCU as the
 * structure stood that day). Staff and their teams are today's; training, bookings and the matrix as they
 * stood then; read on the executor given.
 */
export function skillsMeasures(auditOn: (q: Executor, day: string) => Promise<Audit>): Measure[] {
  return [
    {
      id: 'skills.trained-share',
      title: 'Staff holding the training their role requires',
      counts:
        'Staff in teams whose kind and role require a course (the training matrix) who hold every course required, on the last day of the month',
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area', 'team'],
      source:
        'STF-01; the report: the one-week course "scheduled to provide training to 1,101 members of staff ... no plan to train the remaining 60 percent"',
      async take(q, scope) {
        // The last day of [from, until): `until` is the first instant after the period.
        const audit = await auditOn(q, londonDate(new Date(scope.until.getTime() - 1)))
        const counted = audit.coverage.filter(inScope(audit, scope))
        return shareOf(counted.filter((c) => c.state === 'trained').length, counted.length)
      },
    },
  ]
}
