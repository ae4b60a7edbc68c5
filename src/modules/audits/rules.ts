import { sql } from 'kysely'
import { londonDate } from '../../platform/time.ts'
import { defineRule, type ObligationQueryRow } from '../../standards/rule.ts'
import { londonMidnightOf, plusLondonDays } from '../../standards/sql-time.ts'
import { servingTeam } from '../organisation/serving-team.ts'
import { auditKind } from './access.ts'

/*
 * The audit rules of RULES.md: what an audit finds must be acted on (AUD-01) and learned across the force, not
 * only where the case was (AUD-02). Each answers with its query.
 */

export const learningKind = 'audit-learning'

/** AUD-01: an audit graded inadequate, or referred back, with no response from the case's owner in N days. */
export const aud01 = defineRule<{ days: number }>({
  id: 'AUD-01',
  title: 'Audit referred back with no response from the case’s owner',
  citation: 'Inspection report 2018: the dedicated inspection team’s assessments were "not always acted on".',
  source: 'report',
  appliesTo: auditKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['audit'],
  params: {
    days: {
      default: 14,
      description: 'Days for the case’s owner to respond to a referral back',
      unit: 'days',
    },
  },
  async obligations(_db, { asOf, params, upTo, subjectFilter }) {
    const since = sql`coalesce(a.referred_on, a.audited_on)`
    return sql<ObligationQueryRow>`
      select a.id as subject_id, '' as obligation_key, a.ref as subject_ref,
        ${londonMidnightOf(since)} as started_at,
        ${plusLondonDays(londonMidnightOf(since), params.sql('days', 'a.borough_id'))} as due_at,
        ${upTo(londonMidnightOf('a.responded_on'))} as met_at,
        case when a.referred_back then 'Referred back on ' || to_char(a.referred_on, 'FMDD Month YYYY') ||
          ': record what the case’s owner did' else 'Graded inadequate: refer it back and record the owner’s response' end
          as detail,
        a.borough_id, a.bcu_id, a.team_id as assignee_team_id, null::uuid as assignee_staff_id
      from audit a
      where ${subjectFilter('a.id')} and (a.referred_back or a.grade = 'inadequate')
        and ${since} <= ${londonDate(asOf)}::date`
  },
})

/**
 * AUD-02: a learning point from an audit not in a force-wide bulletin N days after it was recorded: the
 * dedicated inspection team's work, as it publishes the bulletins.
 */
export const aud02 = defineRule<{ days: number }>({
  id: 'AUD-02',
  title: 'Audit learning shared only with the local area',
  citation:
    'Inspection report 2018: only 19 percent of staff knew of the dedicated inspection team; its learning should be shared "across the organisation".',
  source: 'report',
  appliesTo: learningKind,
  severity: 'medium',
  timeBased: true,
  // A point is recorded and shared in a bulletin at a write (neither accepted dated ahead), and both writes
  // judge the point again: only its due time moves it by the clock.
  steadyByDueTimes: true,
  tables: ['audit_learning', 'audit_bulletin_item', 'audit_bulletin'],
  params: { days: { default: 28, description: 'Days to share audit learning force-wide', unit: 'days' } },
  async obligations(_db, { asOf, params, upTo, subjectFilter }) {
    return sql<ObligationQueryRow>`
      select l.id as subject_id, '' as obligation_key, l.ref as subject_ref, l.recorded_at as started_at,
        ${plusLondonDays('l.recorded_at', params.sql('days', 'l.borough_id'))} as due_at,
        ${upTo(sql`(select min(b.published_at) from audit_bulletin_item i
          join audit_bulletin b on b.id = i.bulletin_id where i.learning_id = l.id)`)} as met_at,
        'Learning from an audit known only where the case was: publish it in a force-wide bulletin' as detail,
        l.borough_id, l.bcu_id, ${servingTeam('dit', 'l.borough_id', 'l.bcu_id')} as assignee_team_id,
        null::uuid as assignee_staff_id
      from audit_learning l
      where ${subjectFilter('l.id')} and l.recorded_at <= ${asOf}`
  },
})

export const auditRules = [aud01, aud02]
