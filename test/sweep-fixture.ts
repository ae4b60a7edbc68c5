import { generateBriefings } from '../src/modules/offenders/service/briefings.ts'
import { forceWideRoles as forceWide, type Role, roles } from '../src/platform/access/roles.ts'
import { signIn, type TestKestrel } from './app.ts'

/**
 * The need-to-know sweep's world: BCU A with borough A1, BCU B with borough B1, and borough M that was A's
 * and moved to B before today, so records made in M while it was A's belong to B now. Each borough holds
 * one of every kind of record, written through the import (the standards engine evaluates its rules on
 * them, so findings are raised as in use). Every role has a user in a team of A and one in a team of B,
 * and an API token, which has no area.
 */

export const boroughKeys = ['A1', 'B1', 'M'] as const
export type BoroughKey = (typeof boroughKeys)[number]
type BcuKey = 'A' | 'B'

const boroughName: Record<BoroughKey, string> = {
  A1: 'Sweep Alpha One',
  B1: 'Sweep Bravo One',
  M: 'Sweep Moved',
}
/** Where each borough was when its records were made; M moves to B on `moveDay`, after they were. */
const firstBcu: Record<BoroughKey, BcuKey> = { A1: 'A', B1: 'B', M: 'A' }
/** The BCU holding each borough today. */
export const bcuToday: Record<BoroughKey, BcuKey> = { A1: 'A', B1: 'B', M: 'B' }
const moveDay = '2024-01-01'

/** Distinctive names, so a page that shows another area's child is caught by name. */
const childName: Record<BoroughKey, { familyName: string; givenNames: string }> = {
  A1: { familyName: 'Sweepalpha', givenNames: 'Alphaone' },
  B1: { familyName: 'Sweepbravo', givenNames: 'Bravoone' },
  M: { familyName: 'Sweepmoved', givenNames: 'Mikemoved' },
}

/** A record the sweep knows: what it is, where it lies, and what would give it away in an answer. */
export interface SweepRecord {
  kind: string
  borough: BoroughKey
  id: string
  ref: string | null
  /** Words that name the record's child: a page showing them shows the child. */
  names: string[]
  /** Whether an answer showing it to someone outside its area is a leak (staff and teams are not). */
  sensitive: boolean
  /**
   * Person-index data (the person, their households, flags): read force-wide by every staff role, by
   * decision (docs/decisions/0007-person-index-access.md), so not a leak on a page about that person.
   */
  personIndex: boolean
  /** Whether the sweep puts it in the path of a route that takes a record. */
  inPaths: boolean
  /** A finding's subject kind: a finding belongs with the record it is about. */
  about?: string
}

export interface SweepPrincipal {
  label: string
  role: Role
  kind: 'user' | 'token'
  forceWide: boolean
  /** The BCU of their team; null for a token, which has no area. */
  bcu: BcuKey | null
  headers: Record<string, string>
  csrfToken: string | null
}

export interface SweepFixture {
  records: SweepRecord[]
  principals: SweepPrincipal[]
  /** The boroughs outside a principal's area today (all of them for an area-less token; none force-wide). */
  foreignBoroughs(principal: SweepPrincipal): BoroughKey[]
}

const line = (value: Record<string, unknown>) => JSON.stringify(value)

/** The organisation: two BCUs, three boroughs, each borough's teams, the fixture's own staff. */
function organisationLines(): string[] {
  const lines = [
    line({ kind: 'bcu', ref: 'SWA', name: 'Sweep BCU A' }),
    line({ kind: 'bcu', ref: 'SWB', name: 'Sweep BCU B' }),
  ]
  for (const key of boroughKeys) {
    const borough = boroughName[key]
    lines.push(line({ kind: 'borough', ref: borough, bcu: `SW${firstBcu[key]}`, bcuFrom: '2017-01-01' }))
    for (const [teamKind, suffix] of [
      ['cait', 'CAIT'],
      ['custody_suite', 'custody suite'],
      ['missing_persons_unit', 'missing persons unit'],
      ['online_csae', 'online team'],
    ])
      lines.push(line({ kind: 'team', ref: `${borough} ${suffix}`, teamKind, borough }))
    // The fixture's officer in each borough: records are raised by and allocated to them, never to a principal.
    lines.push(
      line({
        kind: 'staff',
        ref: `SWO${key}`,
        name: `Fixture Officer ${key}`,
        rank: 'constable',
        team: `${borough} CAIT`,
        startDate: '2015-01-01',
      }),
    )
  }
  // The principals' teams: one team in A1 (BCU A) and one in B1 (BCU B), which hold no records.
  lines.push(
    line({ kind: 'team', ref: 'Sweep A desk', teamKind: 'response_neighbourhood', borough: boroughName.A1 }),
  )
  lines.push(
    line({ kind: 'team', ref: 'Sweep B desk', teamKind: 'response_neighbourhood', borough: boroughName.B1 }),
  )
  for (const role of roles)
    for (const bcu of ['A', 'B'] as const)
      lines.push(
        line({
          kind: 'staff',
          ref: staffNumber(role, bcu),
          name: `Sweep ${role} ${bcu}`,
          rank: 'constable',
          team: `Sweep ${bcu} desk`,
          startDate: '2015-01-01',
        }),
      )
  return lines
}

const staffNumber = (role: Role, bcu: BcuKey) =>
  `SWP${role.replace(/_/g, '').slice(0, 12).toUpperCase()}${bcu}`

/** The record kinds of the fixture: the prefix of their refs and the table that keeps the ref. */
const refPrefix: Record<string, { prefix: string; table: string }> = {
  person: { prefix: 'SWCHILD', table: 'person' },
  household: { prefix: 'SWHH', table: 'household' },
  'household-membership': { prefix: 'SWHM', table: 'household_membership' },
  'person-flag': { prefix: 'SWFLAG', table: 'person_flag' },
  pac: { prefix: 'SWPAC', table: 'pac' },
  'trigger-plan': { prefix: 'SWTP', table: 'trigger_plan' },
  'missing-episode': { prefix: 'SWMIS', table: 'missing_episode' },
  'missing-review': { prefix: 'SWMR', table: 'missing_review' },
  'custody-detention': { prefix: 'SWCUST', table: 'custody_detention' },
  device: { prefix: 'SWDEV', table: 'device' },
  'triage-result': { prefix: 'SWRES', table: 'triage_result' },
  investigation: { prefix: 'SWINV', table: 'investigation' },
  'investigation-action': { prefix: 'SWACT', table: 'investigation_action' },
  rso: { prefix: 'SWRSO', table: 'rso' },
  'deportee-arrival': { prefix: 'SWARR', table: 'deportee_arrival' },
  'online-case': { prefix: 'SWONL', table: 'online_case' },
  audit: { prefix: 'SWAUD', table: 'audit' },
}

const personIndexKinds = new Set(['person', 'household', 'household-membership', 'person-flag'])

/** A record of the fixture before it is written: its kind, ref, where it lies and whose it is. */
interface Planned {
  kind: string
  ref: string
  borough: BoroughKey
  child: string
  /** The child's names are markers only for the boroughs' own children, who have records nowhere else. */
  named: boolean
  inPaths: boolean
}

/**
 * One of every kind of record in each borough for its own child, dated before M moved; and two children
 * with records in other areas than their home, so a page about a child in one's own area that lists
 * their records elsewhere (a timeline) is caught.
 */
function planned(): Planned[] {
  const records: Planned[] = []
  for (const key of boroughKeys) {
    const child = `SWCHILD-${key}`
    records.push({ kind: 'person', ref: child, borough: key, child, named: true, inPaths: true })
    for (const [kind, { prefix }] of Object.entries(refPrefix))
      if (kind !== 'person')
        records.push({ kind, ref: `${prefix}-${key}`, borough: key, child, named: true, inPaths: true })
  }
  const visits: [BoroughKey, BoroughKey, BoroughKey][] = [
    ['A1', 'M', 'B1'],
    ['M', 'A1', 'A1'],
  ]
  for (const [home, first, second] of visits) {
    const child = `SWVISIT-${home}`
    records.push({ kind: 'person', ref: child, borough: home, child, named: false, inPaths: true })
    for (const [kind, borough] of [
      ['pac', first],
      ['custody-detention', first],
      ['missing-episode', second],
      ['investigation', second],
    ] as const)
      records.push({
        kind,
        ref: `SWV${refPrefix[kind]?.prefix.slice(2)}-${borough}`,
        borough,
        child,
        named: false,
        inPaths: false,
      })
  }
  return records
}

const visitorName: Partial<Record<BoroughKey, { familyName: string; givenNames: string }>> = {
  A1: { familyName: 'Sweepvisitor', givenNames: 'Alphavisit' },
  M: { familyName: 'Sweepvisitor', givenNames: 'Mikevisit' },
}

/** The import line that writes a planned record (a household, a flag and a review are the child's own). */
function importLine(record: Planned): string {
  const { ref, child, borough: key } = record
  const borough = boroughName[key]
  const officer = `SWO${key}`
  const suffix = ref.slice(ref.indexOf('-'))
  switch (record.kind) {
    case 'person': {
      const home = child.startsWith('SWVISIT') ? visitorName[key] : childName[key]
      return line({
        kind: 'person',
        ref,
        ...home,
        dateOfBirth: '2010-05-01',
        gender: 'female',
        address: { address: `1 Sweep Street, ${borough}`, borough, from: '2015-01-01' },
      })
    }
    case 'household':
      return ''
    case 'household-membership':
      return line({
        kind: 'household-membership',
        ref,
        household: `SWHH${suffix}`,
        person: child,
        role: 'child',
        from: '2015-01-01',
      })
    case 'person-flag':
      return line({ kind: 'person-flag', ref, person: child, flag: 'cse_risk', from: '2022-01-01' })
    case 'pac':
      return line({
        kind: 'pac',
        ref,
        child,
        aboutKind: 'incident',
        aboutSummary: `Sweep incident ${ref}`,
        concerns: ['child_abuse'],
        riskLevel: 'medium',
        riskAssessment: 'Sweep risk',
        childSpokenTo: true,
        voiceOfChild: 'Sweep voice',
        policeFirstKnewAt: '2023-05-01T09:00:00Z',
        createdAt: '2023-05-01T10:00:00Z',
        borough,
        raisedBy: officer,
        review: { at: '2023-05-01T12:00:00Z', by: officer, decision: 'approved' },
        sharedWithMashAt: '2023-05-01T13:00:00Z',
      })
    case 'trigger-plan':
      return line({
        kind: 'trigger-plan',
        ref,
        child,
        borough,
        placesToSearch: 'Sweep park',
        peopleToContact: 'Sweep carer',
        risks: 'Sweep risks',
        authorName: 'DC Fixture',
        agreedWith: ['carers'],
        startDate: '2023-04-01',
        reviewDate: '2023-10-01',
      })
    case 'missing-episode':
      return line({
        kind: 'missing-episode',
        ref,
        child,
        borough,
        unit: `${borough} missing persons unit`,
        reportedAt: '2023-05-02T20:00:00Z',
        reportedByKind: 'parent',
        lastSeenAt: '2023-05-02T17:00:00Z',
        lastSeenPlace: 'Sweep home',
        circumstances: 'Did not come home',
        grade: 'high',
        riskFactors: ['vulnerable_age'],
        gradedBy: 'PC Fixture',
        reviewDueAt: '2023-05-02T22:00:00Z',
      })
    case 'missing-review':
      return line({
        kind: 'missing-review',
        ref,
        episode: `SWMIS${suffix}`,
        reviewedAt: '2023-05-02T23:00:00Z',
        reviewerName: 'Insp Fixture',
        grade: 'high',
        reason: 'Still missing',
      })
    case 'custody-detention':
      return line({
        kind: 'custody-detention',
        ref,
        child,
        custodySuite: `${borough} custody suite`,
        custodyRecordNumber: `CRN ${ref}`,
        offences: ['Robbery'],
        arrestedAt: '2023-05-03T15:00:00Z',
        events: [
          { kind: 'arrived', at: '2023-05-03T15:30:00Z' },
          { kind: 'detention_authorised', at: '2023-05-03T15:45:00Z', officerName: 'PS Fixture' },
        ],
      })
    case 'device':
      return line({
        kind: 'device',
        ref,
        description: `Sweep phone ${ref}`,
        deviceKind: 'phone',
        seizedAt: '2023-05-04T08:00:00Z',
        owner: child,
        team: `${borough} online team`,
        borough,
      })
    case 'triage-result': {
      const none = { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 }
      return line({
        kind: 'triage-result',
        ref,
        device: `SWDEV${suffix}`,
        version: 1,
        startedAt: '2023-05-04T10:00:00Z',
        finishedAt: '2023-05-04T10:05:00Z',
        complete: true,
        settings: { threshold: 31, dihedral: true, hashSets: [], knownRecords: 0 },
        counts: {
          files: 1,
          bytes: 1,
          images: 0,
          videos: 0,
          unreadable: 0,
          problems: 0,
          exactMatches: 0,
          nearMatches: 0,
        },
        exactMatchesByCategory: none,
        nearMatchesByCategory: none,
        exactMatches: [],
        nearMatches: [],
        recommendation: { decision: 'no-known-material-found', reason: 'Sweep' },
      })
    }
    case 'investigation':
      return line({
        kind: 'investigation',
        ref,
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: `Sweep case ${ref}`,
        borough,
        openedAt: '2023-05-05T09:00:00Z',
        people: [{ person: child, role: 'child' }],
        ...(record.named ? { pacs: [`SWPAC${suffix}`] } : {}),
        allocations: [{ team: `${borough} CAIT`, officer, at: '2023-05-05T10:00:00Z', byName: 'DS Fixture' }],
      })
    case 'investigation-action':
      return line({
        kind: 'investigation-action',
        ref,
        investigation: `SWINV${suffix}`,
        actionKind: 'action',
        description: 'Sweep action',
        owner: officer,
        dueAt: '2023-05-10T09:00:00Z',
        directedByName: 'DS Fixture',
        directedAt: '2023-05-05T11:00:00Z',
      })
    case 'rso':
      return line({
        kind: 'rso',
        ref,
        person: child,
        notificationBasis: 'conviction',
        notificationStart: '2023-01-01',
        mappaCategory: 1,
        mappaLevel: 1,
        riskLevel: 'medium',
        address: `1 Sweep Street, ${borough}`,
        borough,
      })
    case 'deportee-arrival':
      // Named as the borough's child is, so an answer that shows another area's arrival gives it away.
      return line({
        kind: 'deportee-arrival',
        ref,
        name: `${childName[key].givenNames} ${childName[key].familyName}`,
        country: 'Sweepland',
        flight: 'SW1',
        expectedAt: '2099-01-01T06:00:00Z',
        borough,
      })
    case 'online-case':
      // The suspect is not yet identified: the case lies in the borough by its own record, found by ref and id.
      return line({
        kind: 'online-case',
        ref,
        source: 'bellona',
        receivedAt: '2023-05-01T09:00:00Z',
        materialCategory: 'category_c',
        materialDescription: `Sweep material ${ref}`,
        borough,
        stages: [{ stage: 'awaiting_research', at: '2023-05-02T09:00:00Z' }],
      })
    case 'audit':
      // An audit of the borough's missing episode: it lies where the episode does, referred back to its owner.
      return line({
        kind: 'audit',
        ref,
        caseType: 'missing',
        record: { kind: 'missing-episode', ref: `SWMIS${suffix}` },
        auditor: 'Sweep auditor',
        auditedOn: '2023-06-01',
        grade: 'inadequate',
        gradeReasons: `Sweep reasons ${ref}`,
        referredBack: true,
        referredOn: '2023-06-01',
        actionRequired: `Sweep action ${ref}`,
      })
    default:
      throw new Error(`the sweep fixture cannot write a ${record.kind}`)
  }
}

export async function sweepFixture(kestrel: TestKestrel): Promise<SweepFixture> {
  const { imports, organisation, db } = kestrel.services
  const plan = planned()
  await imports.run(
    [...organisationLines(), ...plan.map(importLine)].filter(Boolean).join('\n'),
    'sweep-fixture',
  )
  const boroughIds = new Map<BoroughKey, string>()
  for (const key of boroughKeys) {
    const row = await db
      .selectFrom('borough')
      .select('id')
      .where('name', '=', boroughName[key])
      .executeTakeFirstOrThrow()
    boroughIds.set(key, row.id)
  }
  const bcuB = await db.selectFrom('bcu').select('id').where('code', '=', 'SWB').executeTakeFirstOrThrow()
  await organisation.reorganise(
    { boroughId: boroughIds.get('M') as string, toBcuId: bcuB.id, effectiveFrom: moveDay },
    'sweep-fixture',
  )
  const records = await recordsOf(kestrel, plan, boroughIds)
  // Each borough's neighbourhood briefing, which names the RSO living there (the borough's own child here).
  const briefings = await db
    .transaction()
    .execute((trx) =>
      generateBriefings(
        trx,
        { clock: kestrel.services.clock },
        { id: 'sweep-fixture', username: 'sweep-fixture' },
      ),
    )
  for (const key of boroughKeys) {
    const briefing = briefings.find((b) => b.area.boroughId === boroughIds.get(key))
    if (briefing)
      records.push({
        kind: 'rso-briefing',
        borough: key,
        id: briefing.id,
        ref: briefing.ref,
        names: Object.values(childName[key]),
        sensitive: true,
        personIndex: false,
        inPaths: true,
      })
  }
  return {
    records,
    principals: await principalsFor(kestrel),
    foreignBoroughs(principal) {
      if (principal.forceWide) return []
      return boroughKeys.filter((key) => bcuToday[key] !== principal.bcu)
    },
  }
}

async function recordsOf(
  kestrel: TestKestrel,
  plan: Planned[],
  boroughIds: Map<BoroughKey, string>,
): Promise<SweepRecord[]> {
  const { db } = kestrel.services
  const records: SweepRecord[] = []
  for (const record of plan) {
    const table = refPrefix[record.kind]?.table as 'pac'
    const row = await db
      .selectFrom(table)
      .select('id')
      .where('ref', '=', record.ref)
      .executeTakeFirstOrThrow()
    const names = record.named ? Object.values(childName[record.borough]) : []
    records.push({
      kind: record.kind,
      borough: record.borough,
      id: row.id,
      ref: record.ref,
      names,
      // A child with records in two areas is rightly named in both: their person record is no secret.
      sensitive: record.named || record.kind !== 'person',
      personIndex: personIndexKinds.has(record.kind),
      inPaths: record.inPaths,
    })
  }
  // The findings the rules raised, placed where their record lies (a borough's or a unit's own findings by
  // the borough stored on them). One of each subject kind per borough goes into paths: they share a page.
  const byId = new Map(records.map((r) => [r.id, r]))
  const findings = await db
    .selectFrom('finding')
    .select(['id', 'subject_id', 'subject_kind', 'borough_id'])
    .orderBy('id')
    .execute()
  const inPaths = new Set<string>()
  for (const finding of findings) {
    const subject = byId.get(finding.subject_id)
    const borough = subject?.borough ?? boroughKeys.find((k) => boroughIds.get(k) === finding.borough_id)
    if (!borough) continue
    const first = !inPaths.has(`${borough} ${finding.subject_kind}`)
    inPaths.add(`${borough} ${finding.subject_kind}`)
    records.push({
      kind: 'finding',
      borough,
      id: finding.id,
      ref: null,
      names: subject?.names ?? [],
      sensitive: true,
      personIndex: false,
      inPaths: first,
      about: finding.subject_kind,
    })
  }
  // Teams and staff are not need-to-know, but some routes take them.
  for (const key of boroughKeys) {
    const team = await db
      .selectFrom('team')
      .select('id')
      .where('name', '=', `${boroughName[key]} CAIT`)
      .executeTakeFirstOrThrow()
    const staff = await db
      .selectFrom('staff')
      .select('id')
      .where('staff_number', '=', `SWO${key}`)
      .executeTakeFirstOrThrow()
    for (const [kind, id] of [
      ['team', team.id],
      ['staff', staff.id],
    ] as const)
      records.push({
        kind,
        borough: key,
        id,
        ref: null,
        names: [],
        sensitive: false,
        personIndex: false,
        inPaths: true,
      })
  }
  return records
}

async function principalsFor(kestrel: TestKestrel): Promise<SweepPrincipal[]> {
  const { db, apiTokens } = kestrel.services
  const principals: SweepPrincipal[] = []
  for (const role of roles) {
    for (const bcu of ['A', 'B'] as const) {
      const staff = await db
        .selectFrom('staff')
        .select('id')
        .where('staff_number', '=', staffNumber(role, bcu))
        .executeTakeFirstOrThrow()
      const user = await signIn(kestrel, [role], {
        username: `sweep.${role.replace(/_/g, '')}.${bcu.toLowerCase()}`,
        staffId: staff.id,
      })
      principals.push({
        label: `${role}@${bcu}`,
        role,
        kind: 'user',
        forceWide: forceWide.has(role),
        bcu,
        headers: { cookie: user.cookie },
        csrfToken: user.csrfToken,
      })
    }
    const token = await apiTokens.create(
      { name: `sweep ${role}`, roles: [role], expiresOn: null },
      { id: 'sweep-fixture', username: 'sweep-fixture' },
    )
    principals.push({
      label: `${role}@token`,
      role,
      kind: 'token',
      forceWide: forceWide.has(role),
      bcu: null,
      headers: { authorization: `Bearer ${token.token}` },
      csrfToken: null,
    })
  }
  return principals
}
