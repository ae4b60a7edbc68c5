import { addDays, type LocalDate } from '../../platform/time.ts'

/**
 * Red, amber, green (and complete) for the recommendations tracker, from milestones and evidence alone, so
 * the list, a recommendation's page, the API and the dashboard's measure all say the same. Pure: it is given
 * the day it is judged on.
 *
 * The rule (issue 22, item 5; the report asks for "clearly articulated time frames and milestones ...
 * closely monitored"):
 * - A milestone is evidenced from the first day evidence linked to it is dated (evidence for the action
 *   as a whole does not evidence a milestone; completing the action does).
 * - An action is **complete** when it is marked complete (which needs evidence). Otherwise it is **red**
 *   when a milestone's date has passed with no evidence for it (REC-01 breached); **amber** when it has no
 *   milestone at all (nothing to judge it by) or a milestone falls due within the next `soonDays` days
 *   (today included) with no evidence yet; **green** when every milestone passed is evidenced and none is
 *   close without evidence.
 * - A recommendation is **complete** when it has actions and all are complete. Otherwise it takes its
 *   worst action's colour; with no action it is **red** once its time frame has ended (nothing planned and
 *   the report's deadline gone) and **amber** before.
 * The report's own time frame ending does not make a planned recommendation red: the force tracks delivery
 * by the milestones it set. REC-01 still reports the time frame gone with the recommendation not complete.
 */

export const rags = ['red', 'amber', 'green', 'complete'] as const
export type Rag = (typeof rags)[number]

export const ragLabels: Record<Rag, string> = {
  red: 'Red',
  amber: 'Amber',
  green: 'Green',
  complete: 'Complete',
}

/** How close (in days) an unevidenced milestone turns an action amber. */
export const soonDays = 28

export interface MilestoneFacts {
  dueOn: LocalDate
  /** The earliest evidence linked to it, or null. */
  evidencedOn: LocalDate | null
}

export interface ActionFacts {
  completedOn: LocalDate | null
  milestones: readonly MilestoneFacts[]
}

export interface RecommendationFacts {
  /** The day the report's time frame ends. */
  dueOn: LocalDate
  actions: readonly ActionFacts[]
}

const worst: readonly Rag[] = ['red', 'amber', 'green', 'complete']

/** Whether a milestone had evidence on a day: evidence dated later has not happened yet. */
const evidencedBy = (m: MilestoneFacts, day: LocalDate) => m.evidencedOn !== null && m.evidencedOn <= day

export function actionRag(action: ActionFacts, today: LocalDate): Rag {
  if (action.completedOn !== null && action.completedOn <= today) return 'complete'
  const open = action.milestones.filter((m) => !evidencedBy(m, today))
  if (open.some((m) => m.dueOn < today)) return 'red'
  if (action.milestones.length === 0) return 'amber'
  const horizon = addDays(today, soonDays)
  if (open.some((m) => m.dueOn <= horizon)) return 'amber'
  return 'green'
}

export function recommendationRag(recommendation: RecommendationFacts, today: LocalDate): Rag {
  const { actions } = recommendation
  if (actions.length === 0) return recommendation.dueOn < today ? 'red' : 'amber'
  const colours = actions.map((a) => actionRag(a, today))
  return worst.find((rag) => colours.includes(rag)) ?? 'complete'
}
