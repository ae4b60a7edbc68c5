import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { type Clock, fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { CaseType } from './case-types.ts'
import type { Grade } from './criteria.ts'

/** Figure 1 of the 2018 report: good, requires improvement and inadequate by case type (303 cases). */
export const reportFigureOne: Record<CaseType, [number, number, number]> = {
  domestic_abuse_referral: [20, 11, 6],
  other_referral: [22, 18, 5],
  section_47: [13, 13, 20],
  place_of_safety: [7, 11, 9],
  sex_offender: [9, 10, 3],
  cse_offline: [8, 15, 4],
  cse_online: [5, 11, 18],
  missing: [9, 17, 9],
  custody: [0, 21, 9],
}

/**
 * The inspectors' 303 audits as import lines, built from Figure 1's counts: 17 percent referred back (52 of
 * 303; the report gives only the share), taken from the inadequate audits first, as the report says cases
 * are referred back for a serious problem.
 */
export function inspectionAudits(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = []
  let referred = 0
  for (const [caseType, counts] of Object.entries(reportFigureOne))
    (['good', 'requires_improvement', 'inadequate'] as Grade[]).forEach((grade, g) => {
      for (let i = 0; i < (counts[g] as number); i++) {
        const referredBack = grade === 'inadequate' && referred < 52
        if (referredBack) referred++
        lines.push({
          kind: 'audit',
          ref: `HMI-2018-${String(lines.length + 1).padStart(3, '0')}`,
          caseType,
          caseReference: `CASE-${lines.length + 1}`,
          auditor: 'HMICFRS inspector',
          auditedOn: '2018-08-07',
          grade,
          referredBack,
        })
      }
    })
  return lines
}

export const jsonl = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')

export async function auditsFixture(clock: Clock = fixedClock('2018-09-01T12:00:00Z')) {
  /** Findings of a rule on one record as they stood at an instant, by status. */
  const states = async (ruleId: string, subjectId: string, asOf: string) => {
    const { findings, results } = await kestrel.services.standards.findingsAt(new Date(asOf), {
      ruleId,
      subjectId,
    })
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new Error(`rule failed: ${JSON.stringify(failed)}`)
    return findings.map((f) => f.status)
  }
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation } = kestrel.services

  /** A principal as the session resolves one for a member of staff (or none) with these roles. */
  async function principal(roles: Role[], staffId: string | null = null): Promise<Principal> {
    return {
      kind: 'user',
      id: `user-${roles.join('-')}-${staffId ?? 'none'}`,
      username: `test.${roles.join('.')}`,
      displayName: 'Test user',
      roles,
      staffId,
      area: await organisation.resolveArea(staffId, roles),
    }
  }
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id as string
  const team = (name: string, borough: string) =>
    organisation.createTeam(
      force.id,
      {
        name,
        kind: 'cait',
        boroughId: boroughId(borough),
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'test',
    )
  const teams = {
    lambeth: await team('Lambeth CAIT', 'Lambeth'),
    hackney: await team('Hackney CAIT', 'Hackney'),
  }
  const staff = (staffNumber: string, teamId: string) =>
    organisation.createStaff(
      force.id,
      {
        staffNumber,
        name: `DS ${staffNumber}`,
        rank: 'sergeant',
        role: 'Supervisor',
        teamId,
        startDate: '2010-01-01',
        active: true,
      },
      'test',
    )
  const officers = {
    lambeth: await staff('L1001', teams.lambeth.id),
    hackney: await staff('H1001', teams.hackney.id),
  }
  const auditor = await principal(['dit_auditor'])
  return { kestrel, principal, auditor, boroughId, teams, officers, states }
}
