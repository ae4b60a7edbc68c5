import type { Executor } from '../../../platform/db/database.ts'
import { type LocalDate, londonDate } from '../../../platform/time.ts'
import { type ActionFacts, actionRag, type Rag, recommendationRag } from '../rag.ts'
import type { ActionStatus, EvidenceKind, TimeFrame } from '../recommendations.ts'

/* Reading the tracker: every recommendation with its actions, milestones and evidence, each judged by rag.ts. */

export interface MilestoneView {
  id: string
  title: string
  dueOn: LocalDate
  evidencedOn: LocalDate | null
  version: number
}

export interface EvidenceView {
  id: string
  milestoneId: string | null
  kind: EvidenceKind
  reference: string
  description: string | null
  evidenceOn: LocalDate
}

export interface ActionView {
  id: string
  title: string
  owner: { id: string; name: string; team: string | null }
  status: ActionStatus
  completedOn: LocalDate | null
  rag: Rag
  milestones: MilestoneView[]
  evidence: EvidenceView[]
  version: number
}

export interface RecommendationView {
  id: string
  ref: string
  reportYear: number
  timeFrame: TimeFrame
  position: number
  text: string
  madeOn: LocalDate
  dueOn: LocalDate
  rag: Rag
  actions: ActionView[]
  version: number
}

/**
 * The recommendations (all, or one by id) as they stood at `asOf`: what was recorded by then, judged on its
 * London day. Four queries whatever the number of recommendations (there are eleven, and a force adds
 * actions by the dozen).
 */
export async function recommendationsAt(
  q: Executor,
  asOf: Date,
  onlyId?: string,
): Promise<RecommendationView[]> {
  const today = londonDate(asOf)
  let recs = q.selectFrom('recommendation').selectAll().orderBy('report_year').orderBy('position')
  if (onlyId) recs = recs.where('id', '=', onlyId)
  const rows = await recs.execute()
  if (rows.length === 0) return []
  const actions = await q
    .selectFrom('recommendation_action as a')
    .innerJoin('staff as s', 's.id', 'a.owner_staff_id')
    .leftJoin('team as t', 't.id', 's.team_id')
    .select([
      'a.id',
      'a.recommendation_id',
      'a.title',
      'a.status',
      'a.completed_on',
      'a.version',
      'a.owner_staff_id',
      's.name as owner_name',
      't.name as team_name',
    ])
    .where(
      'a.recommendation_id',
      'in',
      rows.map((r) => r.id),
    )
    .where('a.created_at', '<=', asOf)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute()
  const actionIds = actions.map((a) => a.id)
  const milestones = actionIds.length
    ? await q
        .selectFrom('recommendation_milestone')
        .selectAll()
        .where('action_id', 'in', actionIds)
        .where('created_at', '<=', asOf)
        .orderBy('due_on')
        .orderBy('id')
        .execute()
    : []
  const evidence = actionIds.length
    ? await q
        .selectFrom('recommendation_evidence')
        .selectAll()
        .where('action_id', 'in', actionIds)
        .where('evidence_on', '<=', today)
        .where('created_at', '<=', asOf)
        .orderBy('evidence_on')
        .orderBy('id')
        .execute()
    : []
  const views = new Map<string, ActionView[]>()
  for (const a of actions) {
    const own = evidence.filter((e) => e.action_id === a.id)
    const ms: MilestoneView[] = milestones
      .filter((m) => m.action_id === a.id)
      .map((m) => ({
        id: m.id,
        title: m.title,
        dueOn: m.due_on,
        evidencedOn: own.find((e) => e.milestone_id === m.id)?.evidence_on ?? null,
        version: m.version,
      }))
    const completedOn = a.completed_on !== null && a.completed_on <= today ? a.completed_on : null
    const facts: ActionFacts = { completedOn, milestones: ms }
    const view: ActionView = {
      id: a.id,
      title: a.title,
      owner: { id: a.owner_staff_id, name: a.owner_name, team: a.team_name },
      status: completedOn ? 'complete' : 'in_progress',
      completedOn,
      rag: actionRag(facts, today),
      milestones: ms,
      evidence: own.map((e) => ({
        id: e.id,
        milestoneId: e.milestone_id,
        kind: e.kind as EvidenceKind,
        reference: e.reference,
        description: e.description,
        evidenceOn: e.evidence_on,
      })),
      version: a.version,
    }
    views.set(a.recommendation_id, [...(views.get(a.recommendation_id) ?? []), view])
  }
  return rows.map((r) => {
    const own = views.get(r.id) ?? []
    return {
      id: r.id,
      ref: r.ref,
      reportYear: r.report_year,
      timeFrame: r.time_frame as TimeFrame,
      position: r.position,
      text: r.text,
      madeOn: r.made_on,
      dueOn: r.due_on,
      rag: recommendationRag({ dueOn: r.due_on, actions: own }, today),
      actions: own,
      version: r.version,
    }
  })
}
