import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { type TriageReportInput, triageReportInput } from './result-schema.ts'

/** A clock a test can move: the time kernel's. */
export { fixedClock as movableClock } from '../../platform/clock.ts'

export function principal(roles: Role[] = ['online_csae'], extra: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    id: 'triage-tester',
    username: 'triage.tester',
    displayName: 'Triage Tester',
    roles,
    staffId: null,
    area: { forceWide: true },
    ...extra,
  }
}

/** A report as `kestrel triage` writes it, for a device, with one exact and one near match unless told. */
export function sampleReport(device: string, overrides: Partial<Record<string, unknown>> = {}) {
  const match = {
    exactMatches: [
      {
        path: 'DCIM/img001.jpg',
        size: 2048,
        modified: '2018-07-30T10:00:00.000Z',
        md5: 'a'.repeat(32),
        sha1: 'b'.repeat(40),
        known: [{ set: 'caid', category: 'A', sourceCategory: '1', mediaId: '101', on: 'md5' }],
      },
    ],
    nearMatches: [
      {
        path: 'Downloads/copy.jpg',
        size: 1024,
        modified: '2018-07-30T11:00:00.000Z',
        pdq: 'c'.repeat(64),
        quality: 90,
        distance: 12,
        orientation: 'original',
        known: [{ set: 'pdq-b', category: 'B', pdq: 'd'.repeat(64), distance: 12 }],
      },
    ],
  }
  return {
    kind: 'triage-result',
    version: 1,
    tool: 'kestrel-triage 0.1.0',
    device,
    root: '/mnt/device',
    startedAt: '2018-08-02T09:00:00.000Z',
    finishedAt: '2018-08-02T09:12:00.000Z',
    complete: true,
    settings: {
      threshold: 31,
      dihedral: false,
      minimumQuality: 50,
      hashSets: ['caid', 'pdq-b'],
      hashSetVersions: [
        { name: 'caid', from: 'database', version: 3, importedAt: '2018-07-01T00:00:00.000Z', records: 4 },
        { name: 'pdq-b', from: 'file', records: 3 },
      ],
      knownRecords: 7,
    },
    counts: {
      files: 12,
      bytes: 100000,
      images: 8,
      videos: 2,
      imagesHashed: 5,
      lowQualityImages: 1,
      unreadable: 1,
      problems: 0,
      exactMatches: 1,
      nearMatches: 1,
    },
    exactMatchesByCategory: { A: 1, B: 0, C: 0, ungraded: 0, ignorable: 0 },
    nearMatchesByCategory: { A: 0, B: 1, C: 0, ungraded: 0, ignorable: 0 },
    ...match,
    unreadable: [],
    problems: [],
    recommendation: {
      decision: 'submit-for-full-examination',
      reason: '1 file identical to known material (category A: 1); 1 image visually near known material.',
    },
    ...overrides,
  }
}

/** A report with no match and the given decision. */
export function cleanReport(
  device: string,
  decision: string,
  at = '2018-08-02T09:12:00.000Z',
): TriageReportInput {
  return triageReportInput.parse(
    sampleReport(device, {
      finishedAt: at,
      startedAt: new Date(new Date(at).getTime() - 600_000).toISOString(),
      counts: {
        files: 3,
        bytes: 10,
        images: 3,
        videos: 0,
        unreadable: 0,
        problems: 0,
        exactMatches: 0,
        nearMatches: 0,
      },
      exactMatchesByCategory: { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 },
      nearMatchesByCategory: { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 },
      exactMatches: [],
      nearMatches: [],
      recommendation: { decision, reason: 'No file matched the 7 known hashes.' },
    }),
  )
}

/** The whole application with London, an online CSAE team in Lambeth and people signed in with roles. */
export async function triageFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id ?? null
  const team = async (name: string, borough: string) =>
    organisation.createTeam(
      force.id,
      {
        name,
        kind: 'online_csae',
        boroughId: boroughId(borough),
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'test',
    )
  const lambethTeam = await team('Lambeth online CSAE', 'Lambeth')
  const brentTeam = await team('Brent online CSAE', 'Brent')
  let staffCount = 0
  async function user(roles: Role[], teamId: string | null = lambethTeam.id): Promise<SignedInUser> {
    if (!teamId) return signIn(kestrel, roles)
    staffCount++
    const staff = await organisation.createStaff(
      force.id,
      {
        staffNumber: `TR${staffCount}`,
        name: `Triage tester ${staffCount}`,
        rank: 'constable',
        role: 'Investigator',
        teamId,
        startDate: '2017-01-01',
        active: true,
      },
      'test',
    )
    return signIn(kestrel, roles, { staffId: staff.id })
  }
  return { kestrel, lambethTeam, brentTeam, user }
}
