import { sql } from 'kysely'
import type { Kestrel } from '../kestrel.ts'
import { seedGenerators } from '../modules.ts'
import type { Role } from '../platform/access/roles.ts'
import { createFirstStartAccounts, type FirstStartAccount } from '../platform/auth/first-start.ts'
import { moduleJobs } from '../platform/module.ts'
import { refreshStatistics, runSeed } from '../platform/seed/seeder.ts'

/** The demo force `npm start` builds: about one BCU for a year. */
export const demoScale = 0.1
export const demoSeed = 2018

// Which demo staff member each demo account is: the team kind and rank a person in that role would have.
const demoStaff: Record<Exclude<Role, 'admin'>, { teamKind: string; ranks: string[] }> = {
  officer: { teamKind: 'cait', ranks: ['constable'] },
  supervisor: { teamKind: 'cait', ranks: ['sergeant'] },
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
  // The modules' scheduled work, done once, so the demo opens as a running force would be (the RSOs'
  // neighbourhood briefings exist) rather than waiting for the first hourly run.
  for (const job of moduleJobs(services)) await job.run()
  const staffByRole: Partial<Record<Role, string>> = {}
  for (const [role, wanted] of Object.entries(demoStaff) as [Role, { teamKind: string; ranks: string[] }][]) {
    const { rows } = await sql<{ id: string }>`
      select s.id from staff s join team t on t.id = s.team_id
      where t.kind = ${wanted.teamKind} and s.rank = any(${wanted.ranks}) and s.active
      order by s.staff_number limit 1`.execute(services.db)
    if (rows[0]) staffByRole[role] = rows[0].id
  }
  return createFirstStartAccounts(services, staffByRole)
}
