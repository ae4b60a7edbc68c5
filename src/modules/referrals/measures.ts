import { sql } from 'kysely'
import { reachOf } from '../../platform/access/need-to-know.ts'
import { type Measure, recordBehindColumns, shareOf } from '../../platform/measures.ts'
import type { WorkingDayCalendar } from '../../standards/calendar.ts'
import { parametersAt } from '../../standards/parameters.ts'
import type { StandardsService } from '../../standards/service.ts'
import { pacKind } from './access.ts'
import { referralsPath } from './pages/shared.ts'
import { medianHoursToSubmission, noFeedbackShare, pacsCreatedIn } from './service/measures.ts'

/** The referrals module's measures for the dashboard, each read as the rules judge (REF-05 as configured). */
export function referralsMeasures(
  standards: Pick<StandardsService, 'rule'>,
  calendar: WorkingDayCalendar,
): readonly Measure[] {
  return [
    {
      id: 'referrals.hours-to-pac',
      title: 'Time from the police knowing to the PAC',
      counts:
        'Median hours from when the police first knew of the concern to the PAC being raised, over PACs raised in the period',
      unit: 'hours',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'REF-01; the 2016 recommendation that officers submit PACs promptly',
      async take(q, { from, until, boroughIds }) {
        const { hours, pacs } = await medianHoursToSubmission(q, from, until, { boroughIds })
        return { value: hours, over: pacs }
      },
      recordsBehind: {
        kind: pacKind.kind,
        noun: 'PACs raised',
        nounOne: 'PAC raised',
        async query(_q, { from, until, boroughIds }, reader) {
          return sql`select ${recordBehindColumns({
            id: 'pac.id',
            ref: 'pac.ref',
            summary: sql`round((extract(epoch from pac.created_at - pac.police_first_knew_at) / 3600)::numeric, 1)::text || ' hours after the police knew'`,
            borough: 'pac.borough_id',
            at: 'pac.created_at',
            href: `${referralsPath}/`,
            visible: pacKind.where(reachOf(reader)),
          })} from pac where ${pacsCreatedIn(from, until, { boroughIds })}`
        },
      },
    },
    {
      id: 'referrals.no-feedback',
      title: 'PACs with no feedback from social care by the follow-up point',
      counts:
        'Of the PACs shared with the MASH in the period whose follow-up point (REF-05’s working days) has passed, the share with no outcome or feedback from children’s social care by then',
      unit: 'share',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'REF-05; the report: "officers are not following up these referrals"',
      async take(q, { from, until, boroughIds }) {
        const rule = standards.rule('REF-05')
        if (!rule) throw new Error('REF-05 is not registered')
        const params = await parametersAt<{ followUpWorkingDays: number }>(q, rule, until)
        const result = await noFeedbackShare(q, calendar, from, until, {
          workingDays: params.forceWide.followUpWorkingDays,
          asOf: until,
          boroughIds,
        })
        return shareOf(result.withoutFeedback, result.due)
      },
      // No records behind it: which PACs are due is decided in working days by the calendar, not in SQL.
    },
  ]
}
