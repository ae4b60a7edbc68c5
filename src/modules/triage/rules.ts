import { sql } from 'kysely'
import { defineRule } from '../../standards/rule.ts'
import { deviceKind } from './access.ts'
import { deviceClockInstants } from './clock-instants.ts'

/**
 * The device rules of RULES.md (ONL-05 to ONL-07); the other ONL rules belong to the online cases module.
 * Each reads the device's status history and triage results as they stood at asOf: a status event or a
 * result dated (run) after asOf has not happened. None has a time limit in RULES.md ("—"), so each obligation
 * has no due time: it is breached from the moment the device is in the state the rule describes, and met (the
 * finding closes) when the missing triage or examination is recorded.
 */

const recommendation =
  'HMICFRS 2018, recommendation: "seized devices are examined (through the introduction of triage technology ' +
  'for non-specialists) and that only those devices where indecent images are known or suspected are sent for ' +
  'further examination"'

/** Per device at asOf: its area, its status then, when it entered each state, and its triage results then. */
function deviceFacts(asOf: Date, filter: ReturnType<typeof sql>) {
  return sql<{
    id: string
    ref: string
    borough_id: string | null
    bcu_id: string | null
    team_id: string | null
    seized_at: Date
    status: string | null
    first_submitted: Date | null
    first_examined: Date | null
    first_returned: Date | null
    first_triage: Date | null
    latest_decision: string | null
    latest_triage: Date | null
  }>`
    select d.id, d.ref, d.borough_id, d.bcu_id, d.team_id, d.seized_at,
      (select e.status from device_status_event e where e.device_id = d.id and e.at <= ${asOf}
        order by e.at desc, e.recorded_at desc limit 1) as status,
      (select min(e.at) from device_status_event e where e.device_id = d.id and e.status = 'submitted'
        and e.at <= ${asOf}) as first_submitted,
      (select min(e.at) from device_status_event e where e.device_id = d.id and e.status = 'examined'
        and e.at <= ${asOf}) as first_examined,
      (select min(e.at) from device_status_event e where e.device_id = d.id and e.status = 'returned'
        and e.at <= ${asOf}) as first_returned,
      (select min(r.run_at) from triage_result r where r.device_id = d.id and r.run_at <= ${asOf}) as first_triage,
      (select r.decision from triage_result r where r.device_id = d.id and r.run_at <= ${asOf}
        order by r.run_at desc limit 1) as latest_decision,
      (select max(r.run_at) from triage_result r where r.device_id = d.id and r.run_at <= ${asOf}) as latest_triage
    from device d
    where ${filter} and d.seized_at <= ${asOf}`
}

const area = (r: {
  id: string
  ref: string
  borough_id: string | null
  bcu_id: string | null
  team_id: string | null
}) => ({
  subjectId: r.id,
  subjectRef: r.ref,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  assigneeTeamId: r.team_id,
})

export const onl05 = defineRule<Record<string, never>>({
  id: 'ONL-05',
  title: 'Seized device not submitted and not triaged',
  citation: `${recommendation}. A device held without a triage result cannot be cleared or chosen for examination.`,
  source: 'report',
  appliesTo: deviceKind.kind,
  severity: 'medium',
  params: {},
  timeBased: true,
  // No due time: only a triage result or status dated ahead of its writing changes it by the clock.
  steadyByDueTimes: true,
  clockInstants: deviceClockInstants,
  tables: ['device', 'device_status_event', 'triage_result'],
  async obligations(db, ctx) {
    const { rows } = await deviceFacts(ctx.asOf, ctx.subjectFilter('d.id')).execute(db)
    // Devices still held and not sent for examination: seized or triaged, never submitted, not returned.
    return rows
      .filter((r) => r.first_submitted === null && r.first_returned === null && r.status !== null)
      .map((r) => ({
        ...area(r),
        startedAt: r.seized_at,
        dueAt: null,
        metAt: r.first_triage,
        detail: 'Triage the device against the hash sets and upload the result',
      }))
  },
})

export const onl06 = defineRule<Record<string, never>>({
  id: 'ONL-06',
  title: 'Device sent for full examination without a positive triage',
  citation: `${recommendation}. Half of the devices submitted had nothing on them; examination capacity is two devices a warrant.`,
  source: 'report',
  appliesTo: deviceKind.kind,
  severity: 'medium',
  params: {},
  timeBased: true,
  // No due time: only a triage result or status dated ahead of its writing changes it by the clock.
  steadyByDueTimes: true,
  clockInstants: deviceClockInstants,
  tables: ['device', 'device_status_event', 'triage_result'],
  async obligations(db, ctx) {
    const { rows } = await deviceFacts(ctx.asOf, ctx.subjectFilter('d.id')).execute(db)
    // "No known material found" is the negative result. A triage that could not complete did not clear the
    // device, so sending it on is not a breach; a positive one is what the recommendation asks for.
    return rows
      .filter((r) => r.first_submitted !== null)
      .map((r) => {
        const negative = r.latest_decision === 'no-known-material-found'
        const met = r.latest_decision !== null && !negative ? r.latest_triage : null
        return {
          ...area(r),
          startedAt: r.first_submitted as Date,
          dueAt: null,
          metAt: met,
          detail:
            r.latest_decision === null
              ? 'Submitted for full examination with no triage result: triage it, or record why it was sent'
              : 'Submitted for full examination although triage found no known material: review the submission',
        }
      })
  },
})

export const onl07 = defineRule<Record<string, never>>({
  id: 'ONL-07',
  title: 'Device returned without triage or examination',
  citation: 'HMICFRS 2018: "some devices are returned without being checked at all".',
  source: 'report',
  appliesTo: deviceKind.kind,
  severity: 'high',
  params: {},
  timeBased: true,
  // No due time: only a triage result or status dated ahead of its writing changes it by the clock.
  steadyByDueTimes: true,
  clockInstants: deviceClockInstants,
  tables: ['device', 'device_status_event', 'triage_result'],
  async obligations(db, ctx) {
    const { rows } = await deviceFacts(ctx.asOf, ctx.subjectFilter('d.id')).execute(db)
    return rows
      .filter((r) => r.first_returned !== null)
      .map((r) => {
        const checks = [r.first_triage, r.first_examined].filter((d): d is Date => d !== null)
        const checked = checks.length ? new Date(Math.min(...checks.map((d) => d.getTime()))) : null
        return {
          ...area(r),
          startedAt: r.first_returned as Date,
          dueAt: null,
          metAt: checked,
          detail: 'Returned to the suspect with no triage result and no examination recorded',
        }
      })
  },
})

export const triageRules = [onl05, onl06, onl07]
