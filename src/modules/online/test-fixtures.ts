import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { type Clock, fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { CaseInput, StageInput } from './service/inputs.ts'

/** A clock a test can move: the platform's. */
export const movableClock = fixedClock

type OrgKind = 'online_csae' | 'cait' | 'response_neighbourhood'

/**
 * The whole application on a fresh database with London and the teams online cases go to: the force's online
 * CSAE team (no area, as seeded), Lambeth's and Hackney's child abuse teams, and Lambeth's and Hackney's
 * response teams, each with officers; principals for each as the session would resolve them.
 */
export async function onlineFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, children, online } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id as string
  const team = (name: string, kind: OrgKind, borough: string | null) =>
    organisation.createTeam(
      force.id,
      {
        name,
        kind,
        boroughId: borough ? boroughId(borough) : null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'test',
    )
  const teams = {
    online: await team('Online CSAE team', 'online_csae', null),
    lambethCait: await team('Lambeth CAIT', 'cait', 'Lambeth'),
    lambethResponse: await team('Lambeth response', 'response_neighbourhood', 'Lambeth'),
    hackneyCait: await team('Hackney CAIT', 'cait', 'Hackney'),
    hackneyResponse: await team('Hackney response', 'response_neighbourhood', 'Hackney'),
  }
  const staff = (staffNumber: string, teamId: string) =>
    organisation.createStaff(
      force.id,
      {
        staffNumber,
        name: `DC ${staffNumber}`,
        rank: 'constable',
        role: 'Investigator',
        teamId,
        startDate: '2010-01-01',
        active: true,
      },
      'test',
    )
  const officers = {
    specialist: await staff('O1001', teams.online.id),
    lambethCait: await staff('C1001', teams.lambethCait.id),
    lambethResponse: await staff('R1001', teams.lambethResponse.id),
    lambethResponse2: await staff('R1002', teams.lambethResponse.id),
    hackneyResponse: await staff('R2001', teams.hackneyResponse.id),
  }

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
  const specialist = await principal(['online_csae'], officers.specialist.id)

  let people = 0
  async function person(dateOfBirth: string, borough = 'Lambeth') {
    people++
    return children.create(
      {
        familyName: `Online${String.fromCharCode(65 + (people % 26))}${people}`,
        givenNames: `Person${people}`,
        dateOfBirth,
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'NS',
        address: {
          address: `${people} Test Road`,
          postcode: null,
          boroughId: boroughId(borough),
          fromDate: '2000-01-01',
          toDate: null,
        },
      },
      { id: 'tester', username: 'tester' },
      { confirmedNotDuplicate: true },
    )
  }

  /** An NCA referral received at `receivedAt` about a suspect in Lambeth, recorded by the specialist team. */
  async function onlineCase(receivedAt: string, extra: Partial<CaseInput> = {}) {
    return online.recordCase(
      {
        source: 'nca_referral',
        ncaReference: `NCA-${++people}`,
        receivedAt: new Date(receivedAt),
        materialCategory: 'category_a',
        materialDescription: 'Twelve images uploaded to a cloud storage account',
        materialLocation: 'Cloud storage service',
        // A new adult in Lambeth unless the test names the suspect (or leaves them unknown).
        suspect: 'suspect' in extra ? extra.suspect : (await person('1980-01-01')).ref,
        borough: 'Lambeth',
        identifiers: [{ kind: 'ip_address', value: '192.0.2.10', seenAt: new Date(receivedAt) }],
        ...extra,
      },
      specialist,
    )
  }

  /** Moves a case on a stage as the specialist team. */
  async function stage(caseRef: string, change: Omit<StageInput, 'at'> & { at: string }, as = specialist) {
    return online.changeStage({ case: caseRef, ...change, at: new Date(change.at) }, as)
  }

  async function states(ruleId: string, subjectId: string, asOf: string) {
    const { findings, results } = await kestrel.services.standards.findingsAt(new Date(asOf), {
      ruleId,
      subjectId,
    })
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new Error(`rule failed: ${JSON.stringify(failed)}`)
    return findings.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime()).map((f) => f.status)
  }

  return {
    kestrel,
    boroughId,
    teams,
    officers,
    principal,
    specialist,
    person,
    onlineCase,
    stage,
    states,
  }
}
