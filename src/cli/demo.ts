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

// Which demo staff member each demo account is: the team kind and rank a person in that role would have.
const demoStaff: Record<Exclude<Role, 'admin'>, { teamKind: string; ranks: string[] }> = {
  officer: { teamKind: 'cait', ranks: ['constable'] },
  // A response team's sergeant: their officers raise the PACs they review (a CAIT, one per BCU, raises none
  // in the demo, so a CAIT sergeant's review queue was always empty).
  supervisor: { teamKind: 'response_neighbourhood', ranks: ['sergeant'] },
  mash: { teamKind: 'mash', ranks: ['constable', 'police_staff'] },
  missing_persons_unit: { teamKind: 'missing_persons_unit', ranks: ['constable', 'sergeant'] },
  custody: { teamKind: 'custody_suite', ranks: ['inspector', 'sergeant'] },
  offender_manager: { teamKind: 'jigsaw', ranks: ['constable'] },
  online_csae: { teamKind: 'online_csae', ranks: ['constable'] },
  dit_auditor: { teamKind: 'dit', ranks: ['constable', 'police_staff', 'sergeant'] },
  bcu_lead: { teamKind: 'command', ranks: ['superintendent'] },
  force_lead: { teamKind: 'command', ranks: ['chief_inspector', 'superintendent'] },
  partner: { teamKind: 'mash', ranks: ['police_staff', 'constable'] },
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

/**
 * Which member of staff each demo account is: of the staff who could hold the role (`demoStaff`), the one
 * whose My work is liveliest (something overdue and something due within the day, else within the week), so the
 * account opens on work to do, not on an empty or all-late list; then the lowest staff number. My work as
 * the role reads it (`myWorkOf`): named to them and, for a role whose team holds the work, their team's
 * findings that name no one.
 */
export async function demoStaffByRole(services: Kestrel['services']): Promise<Partial<Record<Role, string>>> {
  const staffByRole: Partial<Record<Role, string>> = {}
  const now = services.clock.now()
  const [day, week] = [1, 7].map((days) => new Date(now.getTime() + days * 86_400_000))
  for (const [role, wanted] of Object.entries(demoStaff) as [Role, { teamKind: string; ranks: string[] }][]) {
    const teamWork = holdsTeamWork([role])
    const { rows } = await sql<{ id: string }>`
      select s.id from staff s join team t on t.id = s.team_id
        left join lateral (
          select coalesce(bool_or(f.due_at >= ${now} and f.due_at < ${day} and f.status <> 'breached'), false)
              as today,
            coalesce(bool_or(f.due_at >= ${now} and f.due_at < ${week} and f.status <> 'breached'), false)
              as this_week,
            coalesce(bool_or(f.status = 'breached' or f.due_at < ${now}), false) as overdue
          from finding f
          where f.closed_at is null and (f.assignee_staff_id = s.id
            or (${teamWork} and f.assignee_staff_id is null and f.assignee_team_id = s.team_id))
        ) as w on true
      where t.kind = ${wanted.teamKind} and s.rank = any(${wanted.ranks}) and s.active
      order by w.today and w.overdue desc, w.this_week and w.overdue desc, w.today desc, w.this_week desc,
        w.overdue desc, s.staff_number
      limit 1`.execute(services.db)
    if (rows[0]) staffByRole[role] = rows[0].id
  }
  return staffByRole
}
