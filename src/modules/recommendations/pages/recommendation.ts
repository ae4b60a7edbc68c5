import type { FastifyInstance } from 'fastify'
import { permits } from '../../../platform/access/access.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { page, view } from '../../../platform/http/page.ts'
import { findingKind } from '../../../standards/access.ts'
import { dashboardAccess } from '../../dashboard/access.ts'
import { mayDo, recommendationsAccess } from '../access.ts'
import { formatLongDate } from '../dates.ts'
import {
  actionStatusLabels,
  evidenceKindLabels,
  recommendationKind,
  reportLabels,
  timeFrameLabels,
} from '../recommendations.ts'
import type { ActionView } from '../service/read.ts'
import type { TrackerChange } from '../service.ts'
import { type RecommendationsPageDeps, ragTag, recommendationOr404, recommendationsPath } from './shared.ts'

/** The report's paragraphs as the page sets them: a bullet's run as a list, anything else as a paragraph. */
export function blocksOf(text: string) {
  const blocks: ({ kind: 'p'; text: string } | { kind: 'ul'; items: string[] })[] = []
  for (const line of text.split('\n')) {
    const bullet = /^• (.*)$/.exec(line)
    const last = blocks[blocks.length - 1]
    if (bullet && last?.kind === 'ul') last.items.push(bullet[1] as string)
    else if (bullet) blocks.push({ kind: 'ul', items: [bullet[1] as string] })
    else blocks.push({ kind: 'p', text: line })
  }
  return blocks
}

const recordWords: Record<TrackerChange['record'], string> = {
  recommendation: 'Recommendation',
  action: 'Action',
  milestone: 'Milestone',
  evidence: 'Evidence',
}
const changeWords = { create: 'recorded', update: 'changed', delete: 'removed' } as const

/** A change as the history table says it: what it was to, and each field's new value in brief. */
function historyRow(change: TrackerChange) {
  const fields = Object.entries(change.changes as Record<string, [unknown, unknown]>)
    .filter(([field]) => !['id', 'version', 'created_at', 'text'].includes(field) && !field.endsWith('_id'))
    .map(([field, [, after]]) => `${field.replace(/_/g, ' ')}: ${String(after ?? '—').slice(0, 120)}`)
  return {
    at: change.changedAt,
    by: change.changedBy,
    what: `${recordWords[change.record]} ${changeWords[change.action]}`,
    fields,
  }
}

function actionRow(id: string, action: ActionView, mayReadDashboard: boolean) {
  const milestoneTitle = new Map(action.milestones.map((m) => [m.id, m.title]))
  const base = `${recommendationsPath}/${id}/actions/${action.id}`
  return {
    ...action,
    tag: ragTag(action.rag),
    statusLabel: actionStatusLabels[action.status],
    completedOnText: action.completedOn ? formatLongDate(action.completedOn) : null,
    milestones: action.milestones.map((m) => ({
      ...m,
      dueOnText: formatLongDate(m.dueOn),
      evidencedOnText: m.evidencedOn ? formatLongDate(m.evidencedOn) : null,
    })),
    evidence: action.evidence.map((e) => ({
      ...e,
      kindLabel: evidenceKindLabels[e.kind],
      href:
        e.kind === 'measure' && mayReadDashboard
          ? `/dashboard/measure?id=${encodeURIComponent(e.reference)}`
          : null,
      milestone: e.milestoneId ? (milestoneTitle.get(e.milestoneId) ?? null) : null,
      evidenceOnText: formatLongDate(e.evidenceOn),
    })),
    links: {
      milestone: `${base}/milestones/new`,
      evidence: `${base}/evidence/new`,
      complete: action.status === 'complete' ? null : `${base}/complete`,
    },
  }
}

/** One recommendation: the report's words, its actions with their milestones and evidence, and its history. */
export function recommendationPages(app: FastifyInstance, deps: RecommendationsPageDeps) {
  page(app, `${recommendationsPath}/:id`, {
    access: recommendationsAccess.read,
    get: async ({ params, principal }) => {
      const rec = await recommendationOr404(deps, params.id)
      const history = await deps.recommendations.historyOf(rec.id)
      const mayReadDashboard = permits(dashboardAccess.read, principal.roles)
      // REC-01's findings as need to know has them: a recommendation has no borough, so force-wide roles
      // see them all and an action's owner those of their milestones.
      const reach = reachOf(principal)
      const findings = (await deps.standards.findingsForSubject(recommendationKind, rec.id)).filter(
        (f) => f.closedAt === null && findingKind.canSee(reach, f),
      )
      return view('recommendations/views/recommendation.njk', {
        pageTitle: `Recommendation ${rec.ref}`,
        rec: {
          ...rec,
          reportLabel: reportLabels[rec.reportYear] ?? `${rec.reportYear} report`,
          timeFrameLabel: timeFrameLabels[rec.timeFrame],
          madeOnText: formatLongDate(rec.madeOn),
          dueOnText: formatLongDate(rec.dueOn),
          tag: ragTag(rec.rag),
          blocks: blocksOf(rec.text),
        },
        actions: rec.actions.map((a) => actionRow(rec.id, a, mayReadDashboard)),
        findings,
        history: history.map(historyRow).reverse(),
        mayEdit: mayDo('write', principal.roles),
        addActionHref: `${recommendationsPath}/${rec.id}/actions/new`,
      })
    },
  })
}
