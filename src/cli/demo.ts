import { sql } from 'kysely'
import type { Kestrel } from '../kestrel.ts'
import { seedGenerators } from '../modules.ts'
import type { Role } from '../platform/access/roles.ts'
import { createFirstStartAccounts, type FirstStartAccount } from '../platform/auth/first-start.ts'
import { moduleJobs } from '../platform/module.ts'
import { refreshStatistics, runSeed } from '../platform/seed/seeder.ts'
import { holdsTeamWork } from '../standards/scope.ts'

/** The demo force `npm start` builds: about one BCU for a year. */
export const demoScale = 0.1
export const demoSeed = 2018

// Which demo staff member each demo account is: the team kinds and ranks a person in that role would have.
interface DemoStaff {
  teamKinds: string[]
  ranks: string[]
}
const demoStaff: Record<Exclude<Role, 'admin'>, DemoStaff> = {
  // A constable of a team that investigates: a CAIT's or Sapphire's, or the frontline's, which the report
  // found holding child abuse cases too (and whose officers raise the PACs).
  officer: { teamKinds: ['cait', 'sapphire', 'response_neighbourhood'], ranks: ['constable'] },
  // A response team's sergeant: their officers raise the PACs they review (a CAIT, one per BCU, raises none
  // in the demo, so a CAIT sergeant's review queue was always empty).
  supervisor: { teamKinds: ['response_neighbourhood'], ranks: ['sergeant'] },
  mash: { teamKinds: ['mash'], ranks: ['constable', 'police_staff'] },
  missing_persons_unit: { teamKinds: ['missing_persons_unit'], ranks: ['constable', 'sergeant'] },
  custody: { teamKinds: ['custody_suite'], ranks: ['inspector', 'sergeant'] },
  offender_manager: { teamKinds: ['jigsaw'], ranks: ['constable'] },
  online_csae: { teamKinds: ['online_csae'], ranks: ['constable'] },
  dit_auditor: { teamKinds: ['dit'], ranks: ['constable', 'police_staff', 'sergeant'] },
  bcu_lead: { teamKinds: ['command'], ranks: ['superintendent'] },
  force_lead: { teamKinds: ['command'], ranks: ['chief_inspector', 'superintendent'] },
  partner: { teamKinds: ['mash'], ranks: ['police_staff', 'constable'] },
}

/**
 * The modules' scheduled work a demo's first start runs at once, in the background once the server answers,
 * so the demo opens as a running force would be (the RSOs' neighbourhood briefings exist, the dashboard's
 * figures are kept) rather than waiting for the first hourly run. In the background: the dashboard's figures
 * take about 15 s of a first start that would otherwise wait for them.
 */
export const demoJobsAtStart = (services: Kestrel['services']) => moduleJobs(services).map((job) => job.name)

/**
 * The first start of an empty embedded database: seed the demo force through the import path, then create
 * the admin and one account per role, each linked to a demo staff member so "My work" and area scoping
 * show that role's view. Does nothing once any account exists.
 */
export async function prepareDemo(
  kestrel: Kestrel,
  log: (line: string) => void,
): Promise<FirstStartAccount[]> {
  const { services } = kestrel
  if (services.dbKind !== 'pglite' || (await services.accounts.count()) > 0) return []
  log(`First start: generating a demo force (scale ${demoScale}, about one BCU for a year)...`)
  const outcome = await runSeed(services.imports, seedGenerators, {
    scale: demoScale,
    seed: demoSeed,
    until: services.clock.now(),
    progress: true,
    // Statistics only: VACUUM marks pages all-visible for counts over large tables, and on the demo's few
    // thousand rows it saves nothing while costing about 3 s of the first start (measured on 2 cores).
    refresh: () => refreshStatistics(services.db),
  })
  log(`Demo data: ${outcome.lines} records in ${outcome.seconds.toFixed(1)} s.`)
  return createFirstStartAccounts(services, await demoStaffByRole(services))
}

/** How much of a person's My work is due within the day, due within the week, and overdue (breached or past due). */
export interface DemoWork {
  today: number
  week: number
  overdue: number
}

/**
 * The counts of `DemoWork` for the staff member `s` as a role reads My work (`myWorkOf`): named to them and,
 * for a role whose team holds the work, their team's findings that name no one. A lateral subquery `w`.
 */
function workOf(now: Date, role: Role) {
  const [day, week] = [1, 7].map((days) => new Date(now.getTime() + days * 86_400_000))
  return sql`left join lateral (
      select count(*) filter (where f.due_at >= ${now} and f.due_at < ${day} and f.status <> 'breached')::int
          as today,
        count(*) filter (where f.due_at >= ${now} and f.due_at < ${week} and f.status <> 'breached')::int
          as week,
        count(*) filter (where f.status = 'breached' or f.due_at < ${now})::int as overdue
      from finding f
      where f.closed_at is null and (f.assignee_staff_id = s.id
        or (${holdsTeamWork([role])} and f.assignee_staff_id is null and f.assignee_team_id = s.team_id))
    ) as w on true`
}

/**
 * Which member of staff each demo account is: of the staff who could hold the role (`demoStaff`), the one
 * whose My work is liveliest (something overdue and something due within the day, else within the week), so the
 * account opens on work to do, not on an empty or all-late list; then the lowest staff number.
 */
export async function demoStaffByRole(services: Kestrel['services']): Promise<Partial<Record<Role, string>>> {
  const staffByRole: Partial<Record<Role, string>> = {}
  const now = services.clock.now()
  for (const [role, wanted] of Object.entries(demoStaff) as [Role, DemoStaff][]) {
    const { rows } = await sql<{ id: string }>`
      select s.id from staff s join team t on t.id = s.team_id ${workOf(now, role)}
      where t.kind = any(${wanted.teamKinds}) and s.rank = any(${wanted.ranks}) and s.active
      order by w.today > 0 and w.overdue > 0 desc, w.week > 0 and w.overdue > 0 desc, w.today > 0 desc,
        w.week > 0 desc, w.overdue > 0 desc, s.staff_number
      limit 1`.execute(services.db)
    if (rows[0]) staffByRole[role] = rows[0].id
  }
  return staffByRole
}

/** Each demo account's My work now (`DemoWork`), for the staff `demoStaffByRole` chose. */
export async function demoWork(services: Kestrel['services']): Promise<Partial<Record<Role, DemoWork>>> {
  const work: Partial<Record<Role, DemoWork>> = {}
  const now = services.clock.now()
  for (const [role, staffId] of Object.entries(await demoStaffByRole(services)) as [Role, string][]) {
    const { rows } = await sql<DemoWork>`
      select w.today, w.week, w.overdue from staff s ${workOf(now, role)} where s.id = ${staffId}`.execute(
      services.db,
    )
    if (rows[0]) work[role] = rows[0]
  }
  return work
}
