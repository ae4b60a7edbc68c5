import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Clock } from '../../platform/clock.ts'
import type { HouseholdRole } from '../children/person.ts'
import { seedLondon } from '../organisation/london-seed.ts'

/** A clock a test can move. */
export function movableClock(
  at: string,
): Clock & { set(at: string | Date): void; advanceHours(h: number): void } {
  let now = new Date(at)
  return {
    now: () => new Date(now),
    set(next) {
      now = new Date(next)
    },
    advanceHours(h) {
      now = new Date(now.getTime() + h * 3_600_000)
    },
  }
}

export const tester = { id: 'tester', username: 'tester', displayName: 'Test Officer', staffId: null }

/** The whole application on a fresh database with London's boroughs, and helpers to make people and PACs. */
export async function referralsFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, children, db } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => {
    const found = boroughs.find((b) => b.name === name)
    if (!found) throw new Error(`no borough ${name}`)
    return found.id
  }
  let people = 0
  async function child(givenNames: string, dateOfBirth = '2008-05-01', familyName = 'Testchild') {
    people++
    return children.create(
      {
        familyName: `${familyName}${String.fromCharCode(65 + (people % 26))}${people}`,
        givenNames,
        dateOfBirth,
        estimatedAgeYears: null,
        gender: 'not known',
        ethnicity: 'NS',
      },
      tester,
      { confirmedNotDuplicate: true },
    )
  }
  async function household(
    ref: string,
    members: { id: string; role: HouseholdRole }[],
    fromDate = '2015-01-01',
  ) {
    for (const m of members) {
      await children.addMembership(m.id, { householdRef: ref, role: m.role, fromDate, toDate: null }, tester)
    }
  }
  /** A PAC written straight to the table, with exactly the times a rule test needs. */
  async function insertPac(values: {
    personId: string
    boroughId: string
    firstKnew: string
    created: string
    submitted?: string
    reviewedAt?: string | null
    decision?: 'approved' | 'returned' | null
    shared?: string | null
    brag?: string | null
    ratedAt?: string | null
    decidedAt?: string | null
    outcome?: string | null
    feedbackAt?: string | null
    followUpAt?: string | null
    aboutRef?: string | null
  }): Promise<string> {
    const d = (v: string | null | undefined) => (v ? new Date(v) : null)
    const row = await db
      .insertInto('pac')
      .values({
        person_id: values.personId,
        about_kind: 'incident',
        about_ref: values.aboutRef ?? null,
        about_summary: 'Test concern',
        concerns: ['child_abuse'],
        risk_level: 'medium',
        risk_assessment: 'Test risk',
        child_spoken_to: true,
        voice_of_child: 'Test words',
        police_first_knew_at: new Date(values.firstKnew),
        created_at: new Date(values.created),
        submitted_at: new Date(values.submitted ?? values.created),
        raised_by_name: 'PC Test',
        created_by: 'tester',
        borough_id: values.boroughId,
        reviewed_at: d(values.reviewedAt),
        review_decision: values.reviewedAt ? (values.decision ?? 'approved') : null,
        review_note: values.decision === 'returned' ? 'More work' : null,
        shared_with_mash_at: d(values.shared),
        mash_brag: values.brag ?? null,
        mash_rated_at: d(values.ratedAt),
        mash_decision_at: d(values.decidedAt),
        outcome: values.outcome ?? null,
        outcome_reason: values.outcome === 'nfa' ? 'Below threshold' : null,
        feedback_at: d(values.feedbackAt),
        follow_up: values.followUpAt ? 'Phoned the MASH' : null,
        follow_up_at: d(values.followUpAt),
        updated_at: new Date(values.created),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }
  /** The rule's findings for one PAC at an instant, computed from the data; a rule that fails throws. */
  async function findingsAt(ruleId: string, pacId: string, asOf: string) {
    const { findings, results } = await kestrel.services.standards.findingsAt(new Date(asOf), {
      ruleId,
      subjectId: pacId,
    })
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new Error(failed.map((r) => `${r.ruleId}: ${r.error}`).join('; '))
    return findings
  }
  /** The rule's states for one PAC (obligations whose detail contains the text) at an instant, computed from the data. */
  async function stateAt(ruleId: string, pacId: string, asOf: string, detailContains?: string) {
    const found = await findingsAt(ruleId, pacId, asOf)
    return found.filter((f) => !detailContains || f.detail.includes(detailContains)).map((f) => f.status)
  }
  return { kestrel, boroughs, boroughId, child, household, insertPac, stateAt, findingsAt }
}

export type ReferralsFixture = Awaited<ReturnType<typeof referralsFixture>>
