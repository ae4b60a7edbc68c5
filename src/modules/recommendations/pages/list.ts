import type { FastifyInstance } from 'fastify'
import { page, view } from '../../../platform/http/page.ts'
import { recommendationsAccess } from '../access.ts'
import { formatLongDate } from '../dates.ts'
import { type Rag, rags } from '../rag.ts'
import { reportLabels, timeFrameLabels, timeFrames } from '../recommendations.ts'
import type { RecommendationView } from '../service/read.ts'
import { type RecommendationsPageDeps, ragTag, recommendationsPath } from './shared.ts'

/** How many of these recommendations stand at each colour, in the order a reader scans them. */
export function ragCounts(list: readonly { rag: Rag }[]) {
  return rags.map((rag) => ({ rag, tag: ragTag(rag), count: list.filter((r) => r.rag === rag).length }))
}

/** A recommendation as a row of the list: its first paragraph, its actions and its colour. */
function row(r: RecommendationView) {
  return {
    id: r.id,
    ref: r.ref,
    summary: r.text.split('\n')[0],
    actions: r.actions.length,
    complete: r.actions.filter((a) => a.status === 'complete').length,
    dueOn: formatLongDate(r.dueOn),
    tag: ragTag(r.rag),
  }
}

/** Every recommendation, by report and time frame, each with its colour, and the counts of each colour. */
export function listPages(app: FastifyInstance, deps: RecommendationsPageDeps) {
  page(app, recommendationsPath, {
    access: recommendationsAccess.read,
    get: async () => {
      const all = await deps.recommendations.list()
      const reports = [...new Set(all.map((r) => r.reportYear))].map((year) => {
        const ofReport = all.filter((r) => r.reportYear === year)
        return {
          year,
          label: reportLabels[year] ?? `${year} report`,
          counts: ragCounts(ofReport),
          groups: timeFrames
            .map((tf) => ({
              timeFrame: tf,
              label: timeFrameLabels[tf],
              rows: ofReport.filter((r) => r.timeFrame === tf).map(row),
            }))
            .filter((g) => g.rows.length),
        }
      })
      return view('recommendations/views/list.njk', {
        pageTitle: 'Inspection recommendations',
        total: all.length,
        counts: ragCounts(all),
        reports,
      })
    },
  })
}
