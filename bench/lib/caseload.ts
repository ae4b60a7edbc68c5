import { sql } from 'kysely'
import type { Kestrel } from '../../src/kestrel.ts'
import { sessionFor } from './pages.ts'
import { median, percentile, round, timed } from './stats.ts'

export interface CaseloadTiming {
  /** What was asked for, as a reader would: the page and the account reading it. */
  page: string
  reader: string
  /** Table rows on the page (managers, or the manager's RSOs), so a figure is read beside its size. */
  rowsShown: number
  samples: number
  p50Ms: number
  p95Ms: number
}

export interface CaseloadFigure {
  activeRsos: number
  managers: number
  busiestManagerRsos: number
  pages: CaseloadTiming[]
}

/** One page for one signed-in reader: 20 warm-up requests, then `samples` timed ones through app.inject. */
async function timePage(
  kestrel: Kestrel,
  cookie: string,
  url: string,
  reader: string,
  samples: number,
): Promise<CaseloadTiming> {
  const get = () => kestrel.app.inject({ method: 'GET', url, headers: { cookie } })
  const first = await get()
  if (first.statusCode !== 200)
    throw new Error(`${url} answered ${first.statusCode}: ${first.body.slice(0, 300)}`)
  const rowsShown = first.body.match(/<tr class="govuk-table__row"/g)?.length ?? 0
  for (let i = 0; i < 20; i++) await get()
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const [response, ms] = await timed(get)
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`)
    times.push(ms)
  }
  return {
    page: url,
    reader,
    rowsShown,
    samples,
    p50Ms: round(median(times), 2),
    p95Ms: round(percentile(times, 95), 2),
  }
}

/**
 * The offender managers' pages a supervisor and a lead read most (issue 19's target: the caseload page p95
 * under 100 ms at scale 10 on PostgreSQL): the busiest manager's caseload as their supervisor, their BCU's
 * caseloads as its lead, every manager as a force lead, and the busiest manager's first RSO's record.
 */
export async function benchCaseload(kestrel: Kestrel, samples = 200): Promise<CaseloadFigure | undefined> {
  const db = kestrel.services.db
  const { rows } = await sql<{ staff_id: string; team_id: string; bcu_id: string | null; active: number }>`
    select r.manager_staff_id as staff_id, s.team_id, t.bcu_id, cast(count(*) as integer) as active
    from rso r join staff s on s.id = r.manager_staff_id left join team t on t.id = s.team_id
    where r.status = 'active'
    group by r.manager_staff_id, s.team_id, t.bcu_id order by active desc, r.manager_staff_id limit 1`.execute(
    db,
  )
  const busiest = rows[0]
  if (!busiest) return undefined
  const totals = await sql<{ active: number; managers: number }>`
    select cast(count(*) as integer) as active, cast(count(distinct manager_staff_id) as integer) as managers
    from rso where status = 'active'`.execute(db)
  const rso = await sql<{ id: string }>`
    select id from rso where manager_staff_id = ${busiest.staff_id} and status = 'active' order by id limit 1`.execute(
    db,
  )
  const supervisor = await sessionFor(kestrel, ['supervisor'], busiest.staff_id)
  const lead = await sessionFor(kestrel, ['bcu_lead'], busiest.staff_id)
  const force = await sessionFor(kestrel, ['force_lead'], null)
  const pages = [
    await timePage(
      kestrel,
      supervisor.cookie,
      `/offenders/caseloads?manager=${busiest.staff_id}`,
      'supervisor',
      samples,
    ),
    await timePage(
      kestrel,
      supervisor.cookie,
      `/offenders/caseloads?team=${busiest.team_id}`,
      'supervisor',
      samples,
    ),
    ...(busiest.bcu_id
      ? [
          await timePage(
            kestrel,
            lead.cookie,
            `/offenders/caseloads?bcu=${busiest.bcu_id}`,
            'BCU lead',
            samples,
          ),
        ]
      : []),
    await timePage(kestrel, force.cookie, '/offenders/caseloads', 'force lead', samples),
    await timePage(kestrel, supervisor.cookie, `/offenders/${rso.rows[0]?.id}`, 'supervisor', samples),
  ]
  return {
    activeRsos: totals.rows[0]?.active ?? 0,
    managers: totals.rows[0]?.managers ?? 0,
    busiestManagerRsos: busiest.active,
    pages,
  }
}
