import { sql } from 'kysely'
import { londonDate } from '../../platform/time.ts'
import { defineRule, type ObligationQueryRow } from '../../standards/rule.ts'
import { londonMidnightOf } from '../../standards/sql-time.ts'
import { recommendationKind } from './recommendations.ts'

/**
 * REC-01 (RULES.md): a recommendation or action past its milestone with no evidence of completion. It has no
 * parameter (RULES.md gives none): the milestones are the force's own dates and the time frames the report's.
 *
 * Two kinds of obligation on a recommendation, told apart by their key:
 * - `time-frame`: the report's time frame, from the day the report made it to the end of its last day
 *   ("immediately" is the day itself). Met when every action on it is complete (each needs evidence to be),
 *   on the day the last was completed; a recommendation with no action is not met.
 * - `milestone:<id>`: each milestone of an action, due at the end of its day. Met on the day of the first
 *   evidence linked to it, or when its action is completed, whichever comes first. The action's owner is
 *   the finding's assignee, so it is in their work list.
 * A recommendation has no borough: its findings are seen by force-wide roles and, for a milestone, its owner.
 * Its pages judge the same facts as RAG (rag.ts): a milestone past with no evidence is red.
 */
export const rec01 = defineRule({
  id: 'REC-01',
  title: 'Recommendation or action past its milestone with no evidence of completion',
  citation:
    'Inspection report 2018: "We would also now expect to see clearly articulated time frames and milestones that are agreed and established, and can be closely monitored".',
  source: 'report',
  appliesTo: recommendationKind,
  severity: 'medium',
  timeBased: true,
  // Made, completed and evidenced on days never accepted ahead of today, by writes that judge the
  // recommendation again: only the time frames' and milestones' ends move it by the clock.
  steadyByDueTimes: true,
  tables: ['recommendation', 'recommendation_action', 'recommendation_milestone', 'recommendation_evidence'],
  params: {},
  async obligations(_db, { asOf, upTo, subjectFilter }) {
    const today = londonDate(asOf)
    return sql<ObligationQueryRow>`
      select r.id as subject_id, 'time-frame' as obligation_key, r.ref as subject_ref,
        ${londonMidnightOf('r.made_on')} as started_at,
        ${londonMidnightOf(sql`(r.due_on + 1)`)} as due_at,
        ${upTo(sql`case when s.actions > 0 and s.open = 0 then ${londonMidnightOf('s.last_on')} end`)} as met_at,
        'The report’s time frame for ' || r.ref || ' has ended: complete each action on it, with evidence' as detail,
        null::uuid as borough_id, null::uuid as bcu_id, null::uuid as assignee_team_id,
        null::uuid as assignee_staff_id
      from recommendation r
      cross join lateral (
        select count(*)::int as actions,
          count(*) filter (where a.completed_on is null or a.completed_on > ${today}::date)::int as open,
          max(a.completed_on) as last_on
        from recommendation_action a where a.recommendation_id = r.id and a.created_at <= ${asOf}
      ) s
      where ${subjectFilter('r.id')} and r.made_on <= ${today}::date
      union all
      select r.id, 'milestone:' || m.id::text, r.ref,
        least(m.created_at, ${londonMidnightOf('m.due_on')}),
        ${londonMidnightOf(sql`(m.due_on + 1)`)},
        ${upTo(sql`least(${londonMidnightOf('e.first_on')}, ${londonMidnightOf('a.completed_on')})`)},
        'Milestone “' || left(m.title, 200) || '” of the action “' || left(a.title, 200) || '” has no evidence that it was met',
        null::uuid, null::uuid, null::uuid, a.owner_staff_id
      from recommendation r
      join recommendation_action a on a.recommendation_id = r.id
      join recommendation_milestone m on m.action_id = a.id
      left join lateral (
        select min(e.evidence_on) as first_on from recommendation_evidence e where e.milestone_id = m.id
      ) e on true
      where ${subjectFilter('r.id')} and m.created_at <= ${asOf}`
  },
})

export const recommendationRules = [rec01]
