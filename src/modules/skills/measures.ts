import { type Measure, type MeasureScope, shareOf } from '../../platform/measures.ts'
import { londonDate } from '../../platform/time.ts'
import type { PersonCoverage } from './coverage.ts'
import type { Audit } from './service/audit.ts'

/**
 * Whether a person's team lies in the scope's area: by its borough (a BCU's team by a borough of its BCU) when
 * the scope names boroughs, or by its BCU when it names one; force-wide teams count for the force only.
 */
function inScope(audit: Audit, scope: MeasureScope): (c: PersonCoverage) => boolean {
  const area = scope as { bcuId?: string | null; boroughIds?: readonly string[] | null }
  const places = new Map(audit.teams.map((t) => [t.id, t]))
  if (area.boroughIds) {
    const boroughs = new Set(area.boroughIds)
    return (c) => boroughs.has(places.get(c.team.id)?.place.placeBoroughId ?? '')
  }
  if (area.bcuId) return (c) => c.team.bcuId === area.bcuId
  return () => true
}

/**
 * The skills audit's measure for the dashboard: of the staff whose team and role require any course, the
 * share who hold every one, on the last day of the period, force-wide or in one BCU (a team's BCU as the
 * structure stood that day). Staff and their teams are today's; training, bookings and the matrix as they
 * stood then. The audit is taken through the skills service (it reads the organisation through its own).
 */
export function skillsMeasures(auditOn: (day: string) => Promise<Audit>): Measure[] {
  return [
    {
      id: 'skills.trained-share',
      title: 'Staff holding the training their role requires',
      counts:
        'Staff in teams whose kind and role require a course (the training matrix) who hold every course required, on the last day of the month',
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area'],
      source:
        'STF-01; the report: the one-week course "scheduled to provide training to 1,101 members of staff ... no plan to train the remaining 60 percent"',
      async take(_q, scope) {
        // The last day of [from, until): `until` is the first instant after the period.
        const audit = await auditOn(londonDate(new Date(scope.until.getTime() - 1)))
        const counted = audit.coverage.filter(inScope(audit, scope))
        return shareOf(counted.filter((c) => c.state === 'trained').length, counted.length)
      },
    },
  ]
}
