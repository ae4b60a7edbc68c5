import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import type { LocalDate } from '../../../platform/time.ts'
import { rsoKind } from '../access.ts'
import { type RiskLevel, riskLevels } from '../rso.ts'

/** One offender manager's caseload, as the caseload pages and RSO-05 count it: active RSOs only. */
export interface Caseload {
  staffId: string
  name: string
  staffNumber: string
  teamId: string | null
  teamName: string | null
  bcuId: string | null
  /** The manager's active RSOs the reader may see (what the row's other counts are of). */
  active: number
  /**
   * All the manager's active RSOs, wherever they live: what RSO-05 counts, so the warning and breach lines
   * are judged on it even for a reader who sees only their area's share. A count, never the records.
   */
  total: number
  byRisk: Record<RiskLevel, number>
  /** RSOs with an open RSO-04 finding: a visit breached (overdue) or due. */
  visitsOverdue: number
  visitsDue: number
  /** RSOs with an open RSO-01 or RSO-02 breach: their ARMS is out of date. */
  armsOutOfDate: number
  /** RSOs with an open RSO-03 finding: their plan is out of date. */
  plansOutOfDate: number
}

/**
 * Caseloads of the offender managers holding RSOs the reader may see, counted over those RSOs only: a BCU
 * lead sees their BCU's share of a manager's caseload, a force-wide reader the whole. Overdue work is read
 * from the findings the rules keep, so the page and the rules count alike. `teamId` narrows to one team,
 * `staffId` to one manager, `bcuId` to the managers whose team is in that BCU on `day` (a BCU's own team, or
 * a borough's team in a borough the BCU holds then), so the page follows a borough that moves BCU.
 */
export async function caseloads(
  q: Executor,
  reach: Reach,
  day: LocalDate,
  filter: { teamId?: string | undefined; staffId?: string | undefined; bcuId?: string | undefined } = {},
): Promise<Caseload[]> {
  const open = (rules: readonly string[], states: readonly string[]) => sql`exists (select 1 from finding f
    where f.subject_kind = ${rsoKind.kind} and f.subject_id = rso.id::text and f.rule_id = any(${[...rules]}::text[])
      and f.status = any(${[...states]}::text[]))`
  const { rows } = await sql<{
    staff_id: string
    name: string
    staff_number: string
    team_id: string | null
    team_name: string | null
    bcu_id: string | null
    risk_level: RiskLevel
    n: number
    total: number
    overdue: number
    due: number
    arms: number
    plans: number
  }>`
    select s.id as staff_id, s.name, s.staff_number, s.team_id, t.name as team_name, t.bcu_id, rso.risk_level,
      count(*)::int as n,
      (select count(*) from rso a where a.manager_staff_id = s.id and a.status = 'active')::int as total,
      count(*) filter (where ${open(['RSO-04'], ['breached', 'acknowledged'])})::int as overdue,
      count(*) filter (where ${open(['RSO-04'], ['due'])})::int as due,
      count(*) filter (where ${open(['RSO-01', 'RSO-02'], ['breached', 'acknowledged'])})::int as arms,
      count(*) filter (where ${open(['RSO-03'], ['breached', 'acknowledged', 'due'])})::int as plans
    from rso
    join staff s on s.id = rso.manager_staff_id
    left join team t on t.id = s.team_id
    where rso.status = 'active' and ${rsoKind.where(reach)}
      and (${filter.teamId ?? null}::uuid is null or s.team_id = ${filter.teamId ?? null}::uuid)
      and (${filter.staffId ?? null}::uuid is null or s.id = ${filter.staffId ?? null}::uuid)
      and (${filter.bcuId ?? null}::uuid is null or t.bcu_id = ${filter.bcuId ?? null}::uuid
        or t.borough_id in (select bb.borough_id from borough_bcu bb where bb.bcu_id = ${filter.bcuId ?? null}::uuid
          and bb.effective_from <= ${day}::date and (bb.effective_to is null or bb.effective_to >= ${day}::date)))
    group by s.id, s.name, s.staff_number, s.team_id, t.name, t.bcu_id, rso.risk_level`.execute(q)
  const byManager = new Map<string, Caseload>()
  for (const r of rows) {
    const c = byManager.get(r.staff_id) ?? {
      staffId: r.staff_id,
      name: r.name,
      staffNumber: r.staff_number,
      teamId: r.team_id,
      teamName: r.team_name,
      bcuId: r.bcu_id,
      active: 0,
      total: r.total,
      byRisk: Object.fromEntries(riskLevels.map((l) => [l, 0])) as Record<RiskLevel, number>,
      visitsOverdue: 0,
      visitsDue: 0,
      armsOutOfDate: 0,
      plansOutOfDate: 0,
    }
    c.active += r.n
    c.byRisk[r.risk_level] += r.n
    c.visitsOverdue += r.overdue
    c.visitsDue += r.due
    c.armsOutOfDate += r.arms
    c.plansOutOfDate += r.plans
    byManager.set(r.staff_id, c)
  }
  // Largest caseloads first: the managers a supervisor must rebalance.
  return [...byManager.values()].sort((a, b) => b.active - a.active || a.name.localeCompare(b.name))
}

/** A team (`t`) one of whose managers holds an active RSO. */
const managesActive = sql`exists (select 1 from staff s join rso on rso.manager_staff_id = s.id
  where s.team_id = t.id and rso.status = 'active')`

/**
 * The BCUs the caseload page's BCU filter finds anyone in on `day`: those of the teams whose managers hold an
 * active RSO (a BCU's own team, or a borough's team in a borough the BCU holds then), as `caseloads` filters.
 * Which BCUs have caseloads is not a record, so nothing is logged.
 */
export async function caseloadBcuIds(q: Executor, day: LocalDate): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    select t.bcu_id as id from team t where t.bcu_id is not null and ${managesActive}
    union
    select bb.bcu_id from team t join borough_bcu bb on bb.borough_id = t.borough_id
      and bb.effective_from <= ${day}::date and (bb.effective_to is null or bb.effective_to >= ${day}::date)
    where ${managesActive}`.execute(q)
  return new Set(rows.map((r) => r.id))
}
