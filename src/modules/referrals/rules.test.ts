import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { movableClock, type ReferralsFixture, referralsFixture } from './test-fixtures.ts'

// Times in August 2018 are British Summer Time: 09:00Z is 10:00 in London.
const clock = movableClock('2018-09-30T12:00:00Z')

describe('referrals rules REF-01 to REF-06 (database)', () => {
  let f: ReferralsFixture
  let camden: string
  let hackney: string
  let childId: string

  beforeAll(async () => {
    f = await referralsFixture(clock)
    camden = f.boroughId('Camden')
    hackney = f.boroughId('Hackney')
    childId = (await f.child('Ruby')).id
  })
  afterAll(() => f.kestrel.close())

  const pac = (values: Partial<Parameters<ReferralsFixture['insertPac']>[0]> & { created: string }) =>
    f.insertPac({ personId: childId, boroughId: camden, firstKnew: values.created, ...values })

  describe('REF-01 PAC submitted late (24 h from first knowledge)', () => {
    it('is met when created within 24 hours, exactly at 24 h included', async () => {
      const onTime = await pac({ firstKnew: '2018-08-01T09:00:00Z', created: '2018-08-02T09:00:00Z' })
      expect(await f.stateAt('REF-01', onTime, '2018-08-03T00:00:00Z')).toEqual(['met'])
    })
    it('is met late one minute after 24 hours, and for the 29-day case', async () => {
      const late = await pac({ firstKnew: '2018-08-01T09:00:00Z', created: '2018-08-02T09:01:00Z' })
      expect(await f.stateAt('REF-01', late, '2018-08-03T00:00:00Z')).toEqual(['met_late'])
      const weeks = await pac({ firstKnew: '2018-07-01T09:00:00Z', created: '2018-07-30T09:00:00Z' })
      expect(await f.stateAt('REF-01', weeks, '2018-08-03T00:00:00Z')).toEqual(['met_late'])
    })
    it('words the delay as the rows form did: whole hours, one decimal, quarters rounded up', async () => {
      const cases: [string, string][] = [
        ['2018-08-01T10:00:00Z', '1 hour'],
        ['2018-08-02T11:00:00Z', '26 hours'],
        ['2018-08-01T10:15:00Z', '1.3 hours'], // 1.25: a tie, up as toFixed(1) rounds it
        ['2018-08-01T11:45:00Z', '2.8 hours'], // 2.75
        ['2018-08-01T09:20:00Z', '0.3 hours'], // 0.333...
        ['2018-08-02T09:10:00Z', '24.2 hours'], // 24.1666...
      ]
      for (const [created, words] of cases) {
        const p = await pac({ firstKnew: '2018-08-01T09:00:00Z', created })
        const [finding] = await f.findingsAt('REF-01', p, '2018-08-05T00:00:00Z')
        expect(finding?.detail).toBe(`PAC created ${words} after the police first knew (standard: 24 hours)`)
      }
    })
    it('does not exist as of before the PAC was created', async () => {
      const p = await pac({ firstKnew: '2018-08-01T09:00:00Z', created: '2018-08-05T09:00:00Z' })
      expect(await f.stateAt('REF-01', p, '2018-08-04T00:00:00Z')).toEqual([])
    })
  })

  describe('REF-02 waiting for supervisor review (24 h)', () => {
    it('is due before 24 h, breached at 24 h, met when reviewed in time, met late after', async () => {
      const p = await pac({ created: '2018-08-01T09:00:00Z' })
      expect(await f.stateAt('REF-02', p, '2018-08-02T08:59:59Z')).toEqual(['due'])
      expect(await f.stateAt('REF-02', p, '2018-08-02T09:00:00Z')).toEqual(['breached'])
      const reviewed = await pac({ created: '2018-08-01T09:00:00Z', reviewedAt: '2018-08-02T08:59:00Z' })
      expect(await f.stateAt('REF-02', reviewed, '2018-08-03T00:00:00Z')).toEqual(['met'])
      const late = await pac({ created: '2018-08-01T09:00:00Z', reviewedAt: '2018-08-02T09:30:00Z' })
      expect(await f.stateAt('REF-02', late, '2018-08-03T00:00:00Z')).toEqual(['met_late'])
      // As of before the review, the review has not happened yet.
      expect(await f.stateAt('REF-02', late, '2018-08-02T09:10:00Z')).toEqual(['breached'])
    })
    it('a resubmission after a return needs a fresh review', async () => {
      const p = await pac({ created: '2018-08-01T09:00:00Z', submitted: '2018-08-03T09:00:00Z' })
      expect(await f.stateAt('REF-02', p, '2018-08-03T10:00:00Z')).toEqual(['due'])
    })
  })

  describe('REF-03 reviewed PAC not shared with the MASH (24 h)', () => {
    it('starts at approval: due, breached at 24 h, met when shared', async () => {
      const p = await pac({ created: '2018-08-01T09:00:00Z', reviewedAt: '2018-08-01T12:00:00Z' })
      expect(await f.stateAt('REF-03', p, '2018-08-01T11:00:00Z')).toEqual([])
      expect(await f.stateAt('REF-03', p, '2018-08-02T11:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('REF-03', p, '2018-08-02T12:00:00Z')).toEqual(['breached'])
      const shared = await pac({
        created: '2018-08-01T09:00:00Z',
        reviewedAt: '2018-08-01T12:00:00Z',
        shared: '2018-08-02T11:00:00Z',
      })
      expect(await f.stateAt('REF-03', shared, '2018-08-05T00:00:00Z')).toEqual(['met'])
    })
    it('does not apply to a PAC returned for more work', async () => {
      const p = await pac({
        created: '2018-08-01T09:00:00Z',
        reviewedAt: '2018-08-01T12:00:00Z',
        decision: 'returned',
      })
      expect(await f.stateAt('REF-03', p, '2018-08-05T00:00:00Z')).toEqual([])
    })
  })

  describe('REF-04 MASH BRAG decision within the rating’s timescale, per borough', () => {
    const shared = '2018-08-01T09:00:00Z'
    const base = { created: '2018-08-01T08:00:00Z', reviewedAt: '2018-08-01T08:30:00Z', shared }
    it('red 4 h, amber 24 h, green 72 h by default', async () => {
      const red = await pac({ ...base, brag: 'red', ratedAt: shared })
      expect(await f.stateAt('REF-04', red, '2018-08-01T12:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('REF-04', red, '2018-08-01T13:00:00Z')).toEqual(['breached'])
      const amber = await pac({ ...base, brag: 'amber', ratedAt: shared, decidedAt: '2018-08-02T08:59:00Z' })
      expect(await f.stateAt('REF-04', amber, '2018-08-03T00:00:00Z')).toEqual(['met'])
      const green = await pac({ ...base, brag: 'green', ratedAt: shared, decidedAt: '2018-08-04T09:01:00Z' })
      expect(await f.stateAt('REF-04', green, '2018-08-05T00:00:00Z')).toEqual(['met_late'])
      expect(await f.stateAt('REF-04', green, '2018-08-04T08:59:00Z')).toEqual(['due'])
    })
    it('an unrated PAC is held to the red timescale', async () => {
      const unrated = await pac(base)
      expect(await f.stateAt('REF-04', unrated, '2018-08-01T13:00:00Z')).toEqual(['breached'])
    })
    it('uses a borough’s own timescale (Hackney red 2 h) and the force’s elsewhere', async () => {
      await f.kestrel.services.standards.parameters.set({
        ruleId: 'REF-04',
        name: 'redHours',
        boroughId: hackney,
        value: 2,
        effectiveFrom: new Date('2018-01-01T00:00:00Z'),
        reason: 'Hackney MASH protocol',
        setBy: 'tester',
      })
      const inHackney = await f.insertPac({
        personId: childId,
        boroughId: hackney,
        firstKnew: base.created,
        ...base,
        brag: 'red',
        ratedAt: shared,
      })
      expect(await f.stateAt('REF-04', inHackney, '2018-08-01T10:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('REF-04', inHackney, '2018-08-01T11:00:00Z')).toEqual(['breached'])
      const inCamden = await pac({ ...base, brag: 'red', ratedAt: shared })
      expect(await f.stateAt('REF-04', inCamden, '2018-08-01T11:00:00Z')).toEqual(['due'])
    })
  })

  describe('REF-05 social care outcome in working days', () => {
    // Friday 3 August 2018 16:00 in London: one working day is Monday 16:00, three is Wednesday 16:00.
    const friday = '2018-08-03T15:00:00Z'
    const base = { created: '2018-08-03T10:00:00Z', reviewedAt: '2018-08-03T11:00:00Z', shared: friday }
    it('the decision is due on the next working day, not the next calendar day', async () => {
      const p = await pac(base)
      expect(await f.stateAt('REF-05', p, '2018-08-04T16:00:00Z', 'outcome within')).toEqual(['due'])
      expect(await f.stateAt('REF-05', p, '2018-08-06T14:59:00Z', 'outcome within')).toEqual(['due'])
      expect(await f.stateAt('REF-05', p, '2018-08-06T15:00:00Z', 'outcome within')).toEqual(['breached'])
    })
    it('flags a follow-up from the missed decision, due at three working days', async () => {
      const p = await pac(base)
      expect(await f.stateAt('REF-05', p, '2018-08-06T14:00:00Z', 'follow the referral up')).toEqual([])
      expect(await f.stateAt('REF-05', p, '2018-08-08T14:59:00Z', 'follow the referral up')).toEqual(['due'])
      expect(await f.stateAt('REF-05', p, '2018-08-08T15:00:00Z', 'follow the referral up')).toEqual([
        'breached',
      ])
      const followed = await pac({ ...base, followUpAt: '2018-08-07T10:00:00Z' })
      expect(await f.stateAt('REF-05', followed, '2018-08-09T00:00:00Z', 'follow the referral up')).toEqual([
        'met',
      ])
    })
    it('feedback in time meets the decision and asks no follow-up', async () => {
      const p = await pac({ ...base, outcome: 'nfa', feedbackAt: '2018-08-06T09:00:00Z' })
      expect(await f.stateAt('REF-05', p, '2018-08-10T00:00:00Z')).toEqual(['met'])
    })
    it('skips the bank holiday: shared Friday 24 August 2018, decision due Tuesday 28th', async () => {
      const p = await pac({
        created: '2018-08-24T10:00:00Z',
        reviewedAt: '2018-08-24T11:00:00Z',
        shared: '2018-08-24T15:00:00Z',
      })
      expect(await f.stateAt('REF-05', p, '2018-08-27T16:00:00Z', 'outcome within')).toEqual(['due'])
      expect(await f.stateAt('REF-05', p, '2018-08-28T14:59:00Z', 'outcome within')).toEqual(['due'])
      expect(await f.stateAt('REF-05', p, '2018-08-28T15:00:00Z', 'outcome within')).toEqual(['breached'])
    })
  })

  describe('REF-06 other children in the household', () => {
    it('a household of three children where only one has a PAC: the other two are found, until they get theirs', async () => {
      const amy = await f.child('Amy', '2006-02-01', 'Household')
      const ben = await f.child('Ben', '2009-03-01', 'Household')
      const cal = await f.child('Cal', '2012-04-01', 'Household')
      const mum = await f.child('Mum', '1980-01-01', 'Household')
      await f.household('HH-THREE', [
        { id: amy.id, role: 'child' },
        { id: ben.id, role: 'child' },
        { id: cal.id, role: 'child' },
        { id: mum.id, role: 'parent' },
      ])
      const p = await f.insertPac({
        personId: amy.id,
        boroughId: camden,
        firstKnew: '2018-08-10T09:00:00Z',
        created: '2018-08-10T10:00:00Z',
        aboutRef: 'CAD-1234',
      })
      const at = async (asOf: string) =>
        (await f.findingsAt('REF-06', p, asOf)).map((x) => `${x.detail.split(' (')[0]}:${x.status}`).sort()
      // The adult is no concern of this rule; Ben and Cal are, due within 24 hours.
      expect(await at('2018-08-11T09:59:00Z')).toEqual([
        expect.stringMatching(/Ben.*:due$/),
        expect.stringMatching(/Cal.*:due$/),
      ])
      expect(await at('2018-08-11T10:00:00Z')).toEqual([
        expect.stringMatching(/Ben.*:breached$/),
        expect.stringMatching(/Cal.*:breached$/),
      ])
      // Ben gets his own PAC (same incident) late; Cal one within the window.
      await f.insertPac({
        personId: ben.id,
        boroughId: camden,
        firstKnew: '2018-08-10T09:00:00Z',
        created: '2018-08-12T10:00:00Z',
        aboutRef: 'CAD-1234',
      })
      await f.insertPac({
        personId: cal.id,
        boroughId: camden,
        firstKnew: '2018-08-10T09:00:00Z',
        created: '2018-08-10T20:00:00Z',
      })
      expect(await at('2018-08-13T00:00:00Z')).toEqual([
        expect.stringMatching(/Ben.*:met_late$/),
        expect.stringMatching(/Cal.*:met$/),
      ])
    })
    it('is met at once, with no sweep, when the other child’s PAC is written after this one’s, earlier in time', async () => {
      const dan = await f.child('Dan', '2007-02-01', 'Depend')
      const eve = await f.child('Eve', '2010-03-01', 'Depend')
      await f.household('HH-DEPEND', [
        { id: dan.id, role: 'child' },
        { id: eve.id, role: 'child' },
      ])
      const line = (ref: string, child: string, createdAt: string) =>
        JSON.stringify({
          kind: 'pac',
          ref,
          child,
          aboutKind: 'incident',
          aboutRef: ref,
          aboutSummary: 'Domestic incident; children present',
          concerns: ['child_abuse'],
          riskLevel: 'medium',
          riskAssessment: 'Both children at the address',
          childSpokenTo: true,
          voiceOfChild: 'Scared at home',
          policeFirstKnewAt: createdAt,
          createdAt,
          borough: 'Camden',
          raisedByName: 'PC Depend',
        })
      const { imports, standards, db } = f.kestrel.services
      await imports.run(line('PAC-DEP-DAN', dan.ref, '2018-09-10T10:00:00Z'), 'test')
      const { id } = await db
        .selectFrom('pac')
        .select('id')
        .where('ref', '=', 'PAC-DEP-DAN')
        .executeTakeFirstOrThrow()
      const stored = async () =>
        (await standards.listFindings({ ruleId: 'REF-06', subjectId: id })).map((x) => x.status)
      expect(await stored()).toEqual(['breached'])
      // Eve's PAC, two days earlier and within the window, comes from another system a day later.
      await imports.run(line('PAC-DEP-EVE', eve.ref, '2018-09-08T10:00:00Z'), 'test')
      expect(await stored()).toEqual(['met'])
    })
    it('follows the person index at once, with no sweep: a household joined, a relationship, a name changed', async () => {
      const { imports, standards, db, children } = f.kestrel.services
      const actor = { id: 't', username: 't' }
      const gil = await f.child('Gil', '2008-02-01', 'Follow')
      const hal = await f.child('Hal', '2011-03-01', 'Follow')
      const ida = await f.child('Ida', '2012-03-01', 'Follow')
      const mum = await f.child('Mum', '1982-01-01', 'Follow')
      await f.household('HH-FOLLOW', [{ id: gil.id, role: 'child' }])
      await imports.run(
        JSON.stringify({
          kind: 'pac',
          ref: 'PAC-FOLLOW-GIL',
          child: gil.ref,
          aboutKind: 'incident',
          aboutRef: 'PAC-FOLLOW-GIL',
          aboutSummary: 'Neglect reported by the school',
          concerns: ['child_abuse'],
          riskLevel: 'medium',
          riskAssessment: 'Home conditions poor',
          childSpokenTo: true,
          voiceOfChild: 'No food at home',
          policeFirstKnewAt: '2018-09-30T10:00:00Z',
          createdAt: '2018-09-30T10:00:00Z',
          borough: 'Camden',
          raisedByName: 'PC Follow',
        }),
        'test',
      )
      const { id } = await db
        .selectFrom('pac')
        .select('id')
        .where('ref', '=', 'PAC-FOLLOW-GIL')
        .executeTakeFirstOrThrow()
      const stored = async () =>
        (await standards.listFindings({ ruleId: 'REF-06', subjectId: id }))
          .map((x) => `${x.detail.split(' (')[0]}:${x.status}`)
          .sort()
      expect(await stored()).toEqual([])
      // Hal is recorded as living in Gil's household since before the PAC: owed at once.
      await children.addMembership(
        hal.id,
        { householdRef: 'HH-FOLLOW', role: 'child', fromDate: '2018-01-01', toDate: null },
        actor,
      )
      expect(await stored()).toEqual([expect.stringMatching(/Hal:due$/)])
      // Mum is Gil's parent and Ida's: Ida is reached through the same adult.
      await children.addRelationship(
        mum.id,
        { otherRef: gil.ref, kind: 'parent', fromDate: null, toDate: null },
        actor,
      )
      expect(await stored()).toHaveLength(1)
      await children.addRelationship(
        mum.id,
        { otherRef: ida.ref, kind: 'parent', fromDate: null, toDate: null },
        actor,
      )
      expect(await stored()).toEqual([expect.stringMatching(/Hal:due$/), expect.stringMatching(/Ida:due$/)])
      // Hal's name is corrected: the finding says so.
      const current = await children.get(hal.id)
      await children.update(hal.id, current.version, { givenNames: 'Hallam' }, actor)
      expect(await stored()).toEqual([
        expect.stringMatching(/Hallam:due$/),
        expect.stringMatching(/Ida:due$/),
      ])
      // And the stored findings are what a full derivation gives.
      const check = await standards.evaluate({ ruleIds: ['REF-06'], subjects: [id] })
      expect(check.find((r) => r.ruleId === 'REF-06')).toMatchObject({
        ok: true,
        opened: 0,
        changed: 0,
        closed: 0,
      })
    })
    it('a child living alone with adults, or a sibling who had left the household, raises nothing', async () => {
      const solo = await f.child('Solo', '2007-01-01', 'Alone')
      const dad = await f.child('Dad', '1975-01-01', 'Alone')
      const left = await f.child('Left', '2010-01-01', 'Alone')
      await f.household('HH-SOLO', [
        { id: solo.id, role: 'child' },
        { id: dad.id, role: 'parent' },
      ])
      await f.kestrel.services.children.addMembership(
        left.id,
        { householdRef: 'HH-SOLO', role: 'child', fromDate: '2015-01-01', toDate: '2018-06-30' },
        { id: 't', username: 't' },
      )
      const p = await f.insertPac({
        personId: solo.id,
        boroughId: camden,
        firstKnew: '2018-08-10T09:00:00Z',
        created: '2018-08-10T10:00:00Z',
      })
      expect(await f.stateAt('REF-06', p, '2018-08-20T00:00:00Z')).toEqual([])
    })
  })

  describe('REF-06 other children with access to the same adult', () => {
    const actor = { id: 't', username: 't' }
    const relate = (
      adultId: string,
      childRef: string,
      kind: 'parent' | 'carer' | 'associate',
      fromDate: string | null = null,
      toDate: string | null = null,
    ) =>
      f.kestrel.services.children.addRelationship(
        adultId,
        { otherRef: childRef, kind, fromDate, toDate },
        actor,
      )
    const pacFor = (personId: string) =>
      f.insertPac({
        personId,
        boroughId: camden,
        firstKnew: '2018-08-10T09:00:00Z',
        created: '2018-08-10T10:00:00Z',
      })

    it('an adult associate of two children in different households: the other child is found, and why', async () => {
      const dee = await f.child('Dee', '2007-06-01', 'Apart')
      const eve = await f.child('Eve', '2009-06-01', 'Apart')
      const deeMum = await f.child('Mum', '1982-01-01', 'Apart')
      const eveDad = await f.child('Dad', '1979-01-01', 'Apart')
      const al = await f.child('Al', '1970-01-01', 'Associate')
      await f.household('HH-DEE', [
        { id: dee.id, role: 'child' },
        { id: deeMum.id, role: 'parent' },
      ])
      await f.household('HH-EVE', [
        { id: eve.id, role: 'child' },
        { id: eveDad.id, role: 'parent' },
      ])
      // Associate is recorded from either side: with Dee from Al's record, with Eve from hers.
      await relate(al.id, dee.ref, 'associate')
      await f.kestrel.services.children.addRelationship(
        eve.id,
        { otherRef: al.ref, kind: 'associate', fromDate: '2018-01-01', toDate: null },
        actor,
      )
      const p = await pacFor(dee.id)
      const found = await f.findingsAt('REF-06', p, '2018-08-11T10:00:00Z')
      expect(found.map((x) => x.status)).toEqual(['breached'])
      expect(found[0]?.detail).toContain(eve.ref)
      expect(found[0]?.detail).toContain(`has access to the same adult`)
      expect(found[0]?.detail).toContain(`(${al.ref}), associate of this child and associate of them`)
      expect(found[0]?.detail).not.toContain('same household')
      // Eve's own PAC within the window meets it.
      await f.insertPac({
        personId: eve.id,
        boroughId: camden,
        firstKnew: '2018-08-10T09:00:00Z',
        created: '2018-08-10T15:00:00Z',
      })
      expect(await f.stateAt('REF-06', p, '2018-08-11T10:00:00Z')).toEqual(['met'])
    })

    it('a parent who lives with another child elsewhere links them; a household sibling reads both ways', async () => {
      const kid = await f.child('Kid', '2010-02-01', 'Split')
      const half = await f.child('Half', '2012-02-01', 'Split')
      const dad = await f.child('Dad', '1978-01-01', 'Split')
      await f.household('HH-KID', [{ id: kid.id, role: 'child' }])
      await f.household('HH-HALF', [
        { id: half.id, role: 'child' },
        { id: dad.id, role: 'other adult' },
      ])
      await relate(dad.id, kid.ref, 'parent')
      const p = await pacFor(kid.id)
      const found = await f.findingsAt('REF-06', p, '2018-08-11T09:00:00Z')
      expect(found.map((x) => x.status)).toEqual(['due'])
      expect(found[0]?.detail).toContain(half.ref)
      expect(found[0]?.detail).toContain(`(${dad.ref}), parent of this child and living with them`)
    })

    it('a relationship that ended before the PAC does not count, on either side', async () => {
      const fay = await f.child('Fay', '2008-01-01', 'Ended')
      const gus = await f.child('Gus', '2009-01-01', 'Ended')
      const hal = await f.child('Hal', '2010-01-01', 'Ended')
      const bob = await f.child('Bob', '1972-01-01', 'Ended')
      const cy = await f.child('Cy', '1973-01-01', 'Ended')
      await relate(bob.id, fay.ref, 'associate')
      await relate(bob.id, gus.ref, 'associate', '2017-01-01', '2018-08-09')
      await relate(cy.id, fay.ref, 'carer', '2016-01-01', '2018-07-31')
      await relate(cy.id, hal.ref, 'carer')
      const p = await pacFor(fay.id)
      expect(await f.stateAt('REF-06', p, '2018-08-20T00:00:00Z')).toEqual([])
    })

    it('an 18-year-old does not count, as the other child or as the adult between them', async () => {
      const jon = await f.child('Jon', '2006-01-01', 'Age')
      const ivy = await f.child('Ivy', '2000-08-10', 'Age')
      const kai = await f.child('Kai', '2011-01-01', 'Age')
      const teen = await f.child('Teen', '2002-01-01', 'Age')
      const don = await f.child('Don', '1969-01-01', 'Age')
      // Ivy turns 18 on the day of the PAC; Teen (16) is no adult, so Kai is not reached through them.
      await relate(don.id, jon.ref, 'associate')
      await relate(don.id, ivy.ref, 'associate')
      await relate(teen.id, jon.ref, 'associate')
      await relate(teen.id, kai.ref, 'associate')
      const p = await pacFor(jon.id)
      expect(await f.stateAt('REF-06', p, '2018-08-20T00:00:00Z')).toEqual([])
    })
  })

  it('the stored findings follow a full sweep: every rule runs without error', async () => {
    const results = await f.kestrel.services.standards.sweep({ asOf: new Date('2018-09-01T00:00:00Z') })
    const ours = results.filter((r) => r.ruleId.startsWith('REF-'))
    expect(ours.map((r) => r.ruleId)).toEqual(['REF-01', 'REF-02', 'REF-03', 'REF-04', 'REF-05', 'REF-06'])
    expect(ours.filter((r) => !r.ok)).toEqual([])
  })
})
