import { type RawBuilder, sql } from 'kysely'
import { z } from 'zod'
import { londonDate } from '../../platform/time.ts'
import { defineRule, dependency, type ObligationQueryRow } from '../../standards/rule.ts'
import { afterMonthsOf, londonMidnightOf } from '../../standards/sql-time.ts'
import { courseLabels, courses, teamKinds } from '../organisation/organisation.ts'
import { staffMemberKind } from './access.ts'

/** Organisation module: each course a member of staff completed (its own SQL, read through its service). */
export type TrainingRecords = () => RawBuilder<{ staff_id: string; course: string; completed_on: string }>

/**
 * The safeguarding teams of the report's "new BCU safeguarding teams" (MASH, CAIT, Sapphire, missing persons,
 * Jigsaw): the teams the one-week safeguarding course was designed for. Force configuration: a force may add
 * the online team or others.
 */
export const defaultSafeguardingTeamKinds = ['mash', 'cait', 'sapphire', 'missing_persons_unit', 'jigsaw']

/** A course's name in a finding, as the organisation module labels it. */
const courseLabel = (column: string) =>
  sql<string>`case ${sql.ref(column)} ${sql.join(
    courses.map((c) => sql`when ${c} then ${courseLabels[c]}`),
    sql` `,
  )} else ${sql.ref(column)} end`

/**
 * STF-01: a member of a safeguarding team who does not hold a course their team kind and role require, N
 * months after joining. One obligation per (person, course): it starts when they joined or when the course
 * became required of their team, whichever is later, falls due N months on, and is met by the course's
 * first completion. Joining is the person's start date: the organisation keeps no history of team moves.
 */
export const stf01Rule = (trainingRecords: TrainingRecords) =>
  defineRule<{ months: number; teamKinds: string[] }>({
    id: 'STF-01',
    title: 'Safeguarding team member without the training their role requires',
    citation:
      'HMICFRS 2018: "not all the officers and staff within the new BCU safeguarding teams have received the ' +
      'training they need to carry out their roles"; the one-week course "is scheduled to provide training to ' +
      '1,101 members of staff ... There is currently no plan to train the remaining 60 percent."',
    source: 'report',
    appliesTo: staffMemberKind,
    severity: 'medium',
    timeBased: true,
    // Completions are refused dated ahead (page and import) and every write judges the member again (a staff
    // line or page, their training, their team: dependsOn). The clock moves it at its due times and at the
    // London midnights its clock instants name.
    steadyByDueTimes: true,
    clockInstants: ({ from, to }) => {
      const days = sql`between ${londonDate(from)}::date and ${londonDate(to)}::date`
      const passes = (day: RawBuilder<unknown> | string) =>
        sql`${londonMidnightOf(day)} > ${from} and ${londonMidnightOf(day)} <= ${to}`
      // A start dated ahead (a joiner next month), and a requirement that begins or ends on a day.
      return sql<{ subject_id: string }>`
        select cast(s.id as text) as subject_id from staff s
        where s.start_date ${days} and ${passes('s.start_date')}
        union
        select cast(s.id as text) from required_course rc
        join team t on t.kind = rc.team_kind
        join staff s on s.team_id = t.id and (rc.staff_role = '' or lower(rc.staff_role) = lower(s.role))
        where (rc.effective_from ${days} and ${passes('rc.effective_from')})
          or ((rc.effective_to + 1) ${days} and ${passes(sql`(rc.effective_to + 1)`)})`
    },
    tables: ['staff', 'team', 'required_course', 'training_record'],
    // A staff line or page (their training with it) judges its member again, whichever module wrote it; a
    // team's change (its kind, whether active), its members.
    dependsOn: {
      staff: dependency('staff', 'id'),
      team: (ids) => sql<{ subject_id: string }>`select cast(s.id as text) as subject_id from staff s
        where s.team_id = any(cast(${[...ids]} as uuid[]))`,
    },
    params: {
      months: {
        default: 6,
        unit: 'months',
        description:
          'Months after joining a safeguarding team by which the training their role requires is held',
      },
      teamKinds: {
        default: defaultSafeguardingTeamKinds,
        description: 'The kinds of team that are safeguarding teams',
        schema: z.array(z.enum(teamKinds)),
      },
    },
    async obligations(_db, { asOf, params, upTo, subjectFilter }) {
      const day = londonDate(asOf)
      return sql<ObligationQueryRow>`
        select s.id as subject_id, need.course as obligation_key,
          s.name || ' (' || s.staff_number || ')' as subject_ref,
          ${londonMidnightOf('need.joined')} as started_at,
          ${afterMonthsOf('need.joined', params.sql('months'))} as due_at,
          ${upTo(londonMidnightOf('done.completed_on'))} as met_at,
          s.name || ' needs the ' || ${courseLabel('need.course')} || ', required of their team' as detail,
          t.borough_id, t.bcu_id, s.team_id as assignee_team_id, null::uuid as assignee_staff_id
        from staff s
        join team t on t.id = s.team_id
        join (
          select s2.id as staff_id, rc.course, greatest(s2.start_date, min(rc.effective_from)) as joined
          from staff s2 join team t2 on t2.id = s2.team_id
          join required_course rc on rc.team_kind = t2.kind
            and (rc.staff_role = '' or lower(rc.staff_role) = lower(s2.role))
            and rc.effective_from <= ${day}::date and (rc.effective_to is null or rc.effective_to >= ${day}::date)
          where ${subjectFilter('s2.id')} and t2.kind = any(${params.forceWide.teamKinds}::text[])
          group by s2.id, s2.start_date, rc.course
        ) as need on need.staff_id = s.id
        left join lateral (
          select min(tr.completed_on) as completed_on from ${trainingRecords()} as tr
          where tr.staff_id = s.id and tr.course = need.course
        ) as done on true
        where ${subjectFilter('s.id')} and s.active and t.active and need.joined <= ${day}::date`
    },
  })
