import { type RawBuilder, sql } from 'kysely'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import { type Measure, recordBehindColumns, shareOf } from '../../platform/measures.ts'
import { parametersAt } from '../../standards/parameters.ts'
import type { StandardsService } from '../../standards/service.ts'
import { episodeKind } from './access.ts'
import type { Grade } from './grading.ts'
import { missingPath } from './pages/shared.ts'
import type { RepeatThresholdSource } from './repeat-threshold.ts'
import {
  gradedLowestIn,
  interviewedWithin,
  missingMeasures,
  returnedIn,
  withFactors,
} from './service/measures.ts'

/** An episode as the dashboard lists it behind a figure, visible as the missing pages' need to know reaches. */
const episodeRow = (reader: Principal, at: 'reported_at' | 'returned_at', counted: RawBuilder<boolean>) =>
  recordBehindColumns({
    id: 'missing_episode.id',
    ref: 'missing_episode.ref',
    summary: sql`'Graded ' || replace(missing_episode.grade, '_', ' ')`,
    borough: 'missing_episode.borough_id',
    at: `missing_episode.${at}`,
    href: `${missingPath}/episodes/`,
    counted,
    visible: episodeKind.where(reachOf(reader)),
  })

/** The missing module's measures for the dashboard, each read as the rules judge (MIS-01, MIS-06 as configured). */
export function missingModuleMeasures(
  standards: Pick<StandardsService, 'rule'>,
  clock: Clock,
  options: { scale: readonly Grade[]; repeatThresholds: RepeatThresholdSource },
): readonly Measure[] {
  const ruleOf = (id: string) => {
    const rule = standards.rule(id)
    if (!rule) throw new Error(`${id} is not registered`)
    return rule
  }
  return [
    {
      id: 'missing.lowest-grade-with-risk-factors',
      title: 'Missing children graded no apparent risk despite risk factors',
      counts:
        'Of the episodes reported in the period and graded absent or very low risk, the share with as many risk factors recorded as MIS-01 says rule that grade out',
      unit: 'share',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'MIS-01; the report: children who "should have been categorised as missing rather than absent"',
      async take(q, { from, until, boroughIds }) {
        const params = await parametersAt<{ minFactors: number }>(q, ruleOf('MIS-01'), until)
        const result = await missingMeasures(q, clock, options).absentWithRiskFactorsShare(
          from,
          until,
          params.forceWide.minFactors,
          { boroughIds },
        )
        return shareOf(result.withTwoOrMoreFactors, result.gradedLowest)
      },
      recordsBehind: {
        kind: episodeKind.kind,
        noun: 'episodes graded no apparent risk',
        nounOne: 'episode graded no apparent risk',
        countedAs: 'with the risk factors MIS-01 counts',
        async query(q, { from, until, boroughIds }, reader) {
          const params = await parametersAt<{ minFactors: number }>(q, ruleOf('MIS-01'), until)
          return sql`select ${episodeRow(reader, 'reported_at', withFactors(params.forceWide.minFactors))}
            from missing_episode where ${gradedLowestIn(from, until, { boroughIds })}`
        },
      },
    },
    {
      id: 'missing.prevention-interview-in-time',
      title: 'Prevention interviews in time after a return',
      counts:
        'Of the children returned in the period, the share given a police prevention interview within MIS-06’s hours of their return, absent children included',
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area'],
      source: 'MIS-06; the report: "absent children generally do not have prevention interviews"',
      async take(q, { from, until, boroughIds }) {
        const params = await parametersAt<{ hours: number }>(q, ruleOf('MIS-06'), until)
        const { all } = await missingMeasures(q, clock, options).preventionInterviewsWithin(
          from,
          until,
          params.sql('hours', 'borough_id'),
          { boroughIds },
        )
        return shareOf(all.within, all.returns)
      },
      recordsBehind: {
        kind: episodeKind.kind,
        noun: 'returns from missing',
        nounOne: 'return from missing',
        countedAs: 'interviewed in time',
        async query(q, { from, until, boroughIds }, reader) {
          const params = await parametersAt<{ hours: number }>(q, ruleOf('MIS-06'), until)
          const hours = params.sql('hours', 'missing_episode.borough_id')
          return sql`select ${episodeRow(reader, 'returned_at', interviewedWithin(hours))}
            from missing_episode where ${returnedIn(from, until, { boroughIds })}`
        },
      },
    },
  ]
}
