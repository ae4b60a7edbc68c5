import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/database.ts'
import { accessLogService } from '../../platform/access/access-log.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import { fixedClock } from '../../platform/clock.ts'
import { type DatabaseHandle, OuterHandleInTransactionError } from '../../platform/db/database.ts'
import { historyService } from '../../platform/db/history.ts'
import { ForbiddenError, ValidationError } from '../../platform/http/errors.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { boroughsOf } from './boroughs.ts'
import type { PersonInput } from './person.ts'
import { type ChildrenService, childrenService, PossibleDuplicateError } from './service.ts'

const actor = { id: 'tester', username: 'tester' }
const clock = fixedClock('2018-08-01T09:00:00Z')

function person(
  familyName: string,
  givenNames: string,
  dateOfBirth: string | null,
  extra: Partial<PersonInput> = {},
): PersonInput {
  return {
    familyName,
    givenNames,
    dateOfBirth,
    estimatedAgeYears: null,
    gender: 'not known',
    ethnicity: 'NS',
    ...extra,
  }
}

describe('children service (database)', () => {
  let handle: DatabaseHandle
  let children: ChildrenService
  let camden: string

  beforeAll(async () => {
    handle = await testDatabase()
    await seedLondon(handle.db)
    children = childrenService(handle.db, clock, {
      history: historyService(handle.db, clock),
      accessLog: accessLogService(handle.db, clock),
    })
    camden = (await boroughsOf(handle.db)).find((b) => b.name === 'Camden')?.id as string
  })
  afterAll(() => handle.close())

  it('rejects a date of birth in the future or before 1900, naming the field, and writes nothing', async () => {
    for (const dob of ['2018-08-02', '1899-12-31']) {
      const error = await children.create(person('Future', 'Fay', dob), actor).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).errors[0]?.field).toBe('dateOfBirth')
    }
    expect(await children.search({ q: 'Future' }, { actor })).toEqual([])
  })

  it('requires a date of birth or an estimated age', async () => {
    const error = await children.create(person('Nobody', 'Ned', null), actor).catch((e: unknown) => e)
    expect((error as ValidationError).errors.map((e) => e.field)).toEqual(['dateOfBirth'])
    const estimated = await children.create(person('Estimate', 'Eve', null, { estimatedAgeYears: 14 }), actor)
    expect(estimated).toMatchObject({ estimatedAgeYears: 14, estimatedAgeOn: '2018-08-01' })
  })

  describe('search', () => {
    beforeAll(async () => {
      await children.create(person('Smith', 'John Paul', '2010-05-01'), actor, {
        confirmedNotDuplicate: true,
      })
      await children.create(person('Okafor', 'Ada', '2012-01-02', { ref: 'MERLIN-77' } as never), actor)
      await children.create(person('Brown', 'Jon', '2009-03-03'), actor, { confirmedNotDuplicate: true })
    })
    const names = (people: { familyName: string; givenNames: string }[]) =>
      people.map((p) => `${p.givenNames} ${p.familyName}`)

    it('finds "Smith" when asked for "Smyth" and "John" when asked for "Jon"', async () => {
      expect(names(await children.search({ q: 'Smyth' }, { actor }))).toContain('John Paul Smith')
      expect(names(await children.search({ q: 'Jon Smyth' }, { actor }))).toEqual(['John Paul Smith'])
      expect(names(await children.search({ q: 'John' }, { actor }))).toEqual(
        expect.arrayContaining(['John Paul Smith', 'Jon Brown']),
      )
      expect(names(await children.search({ q: 'Paul' }, { actor }))).toEqual(['John Paul Smith'])
    })

    it('does not find unrelated names', async () => {
      expect(names(await children.search({ q: 'Okafor' }, { actor }))).toEqual(['Ada Okafor'])
      expect(await children.search({ q: 'Zebedee' }, { actor })).toEqual([])
    })

    it('finds by date of birth, alone or with a name, and by reference', async () => {
      expect(names(await children.search({ dob: '2009-03-03' }, { actor }))).toEqual(['Jon Brown'])
      expect(names(await children.search({ q: 'Smith', dob: '2009-03-03' }, { actor }))).toEqual([])
      expect(names(await children.search({ q: 'merlin-77' }, { actor }))).toEqual(['Ada Okafor'])
    })

    it('logs a search as one row naming the query and every person it lists, even when it lists nobody', async () => {
      const log = accessLogService(handle.db, clock)
      const searcher = { id: 'searcher-1', username: 'a.searcher' }
      const rows = () =>
        handle.db
          .selectFrom('access_log')
          .selectAll()
          .where('actor_id', '=', 'searcher-1')
          .orderBy('seq')
          .execute()
      const found = await children.search(
        { q: 'John' },
        { actor: searcher, requestId: 'req-search', query: 'GET /people?q=John' },
      )
      expect(found.length).toBeGreaterThan(1)
      expect(await rows()).toEqual([
        expect.objectContaining({
          action: 'search',
          subject_kind: 'person',
          subject_id: 'GET /people?q=John',
          request_id: 'req-search',
          detail: {
            search: 'John',
            dateOfBirth: null,
            count: found.length,
            ids: found.map((p) => p.id),
          },
        }),
      ])
      // Not a row per person listed (as it was): their own log shows no read by the searcher.
      for (const person of found)
        expect((await log.forSubject('person', person.id)).map((r) => r.actorId)).not.toContain('searcher-1')
      // The words alone name who was looked for: a search that finds nobody is logged with no ids.
      await children.search({ q: 'Zebedee' }, { actor: searcher })
      const [, nobody] = await rows()
      expect(nobody).toMatchObject({
        action: 'search',
        subject_id: 'person search {"search":"Zebedee","dateOfBirth":null}',
        detail: { count: 0, ids: [] },
      })
      expect((await log.verify()).ok).toBe(true)
    })
  })

  it('warns of a possible duplicate on create: sound-alike family name with the same dob or a similar given name', async () => {
    await children.create(person('Macdonald', 'Kayleigh', '2011-07-07'), actor)
    const sameDob = await children
      .create(person('McDonald', 'Kay', '2011-07-07'), actor)
      .catch((e: unknown) => e)
    expect(sameDob).toBeInstanceOf(PossibleDuplicateError)
    expect((sameDob as PossibleDuplicateError).candidates.map((c) => c.givenNames)).toEqual(['Kayleigh'])
    const similarName = await children
      .create(person('Macdonald', 'Kayleigh', '2011-07-08'), actor)
      .catch((e: unknown) => e)
    expect(similarName).toBeInstanceOf(PossibleDuplicateError)
    // A different family name, or the same family name with a different child, is not a duplicate.
    await expect(children.create(person('Macdonald', 'Tom', '2014-01-01'), actor)).resolves.toMatchObject({
      givenNames: 'Tom',
    })
    await expect(children.create(person('Patel', 'Kayleigh', '2011-07-07'), actor)).resolves.toMatchObject({
      familyName: 'Patel',
    })
    // Once confirmed, the user may create the record anyway.
    await expect(
      children.create(person('McDonald', 'Kay', '2011-07-07'), actor, { confirmedNotDuplicate: true }),
    ).resolves.toMatchObject({ familyName: 'McDonald' })
  })

  it('gives a household on a day and the other children in it', async () => {
    const mum = await children.create(person('Household', 'Mum', '1985-01-01'), actor)
    const older = await children.create(person('Household', 'Older', '2001-01-01'), actor, {
      confirmedNotDuplicate: true,
    })
    const middle = await children.create(person('Household', 'Middle', '2008-01-01'), actor, {
      confirmedNotDuplicate: true,
    })
    const young = await children.create(person('Household', 'Young', '2015-01-01'), actor, {
      confirmedNotDuplicate: true,
    })
    const lodger = await children.create(person('Lodger', 'Child', '2012-01-01'), actor)
    await children.addMembership(
      mum.id,
      { householdRef: 'H-REF06', role: 'parent', fromDate: '2015-01-01', toDate: null },
      actor,
    )
    await children.addMembership(
      older.id,
      { householdRef: 'H-REF06', role: 'child', fromDate: '2015-01-01', toDate: null },
      actor,
    )
    await children.addMembership(
      middle.id,
      { householdRef: 'H-REF06', role: 'child', fromDate: '2015-01-01', toDate: null },
      actor,
    )
    await children.addMembership(
      young.id,
      { householdRef: 'H-REF06', role: 'child', fromDate: '2015-01-01', toDate: null },
      actor,
    )
    // Left before the day asked about.
    await children.addMembership(
      lodger.id,
      { householdRef: 'H-REF06', role: 'lodger', fromDate: '2016-01-01', toDate: '2017-12-31' },
      actor,
    )

    const others = await children.otherChildrenInHousehold([middle.id, mum.id], '2018-08-01')
    // Older turned 17 in 2018: still a child. Mum is not a child; the lodger had left.
    expect(
      others
        .get(middle.id)
        ?.map((p) => p.givenNames)
        .sort(),
    ).toEqual(['Older', 'Young'])
    expect(
      others
        .get(mum.id)
        ?.map((p) => p.givenNames)
        .sort(),
    ).toEqual(['Middle', 'Older', 'Young'])
    const onEarlierDay = await children.otherChildrenInHousehold([middle.id], '2017-06-01')
    expect(
      onEarlierDay
        .get(middle.id)
        ?.map((p) => p.givenNames)
        .sort(),
    ).toEqual(['Child', 'Older', 'Young'])
    // In 2019 Older is 18 and no longer counted.
    const later = childrenService(handle.db, fixedClock('2019-02-01T09:00:00Z'), {
      history: historyService(handle.db, clock),
      accessLog: accessLogService(handle.db, clock),
    })
    expect(
      (await later.otherChildrenInHousehold([middle.id], '2019-02-01'))
        .get(middle.id)
        ?.map((p) => p.givenNames),
    ).toEqual(['Young'])
    const [household] = await children.householdOn(middle.id, '2018-08-01')
    expect(household?.ref).toBe('H-REF06')
    expect(household?.members).toHaveLength(4)
  })

  it('records flags and addresses with history, closes the previous address, and answers flags as of a date', async () => {
    const child = await children.create(
      {
        ...person('Flagged', 'Fiona', '2006-02-02'),
        address: {
          address: '1 High Street',
          postcode: 'nw1 1aa',
          boroughId: camden,
          fromDate: '2017-01-01',
          toDate: null,
        },
      },
      actor,
    )
    await children.addAddress(
      child.id,
      { address: '2 Low Road', postcode: null, boroughId: camden, fromDate: '2018-03-01', toDate: null },
      actor,
    )
    const addresses = await children.addresses(child.id)
    expect(addresses.map((a) => [a.address, a.fromDate, a.toDate, a.boroughName])).toEqual([
      ['2 Low Road', '2018-03-01', null, 'Camden'],
      ['1 High Street', '2017-01-01', '2018-02-28', 'Camden'],
    ])
    expect(await children.boroughOn(child.id)).toBe(camden)
    await children.addFlag(
      child.id,
      { flag: 'child_protection_plan', detail: 'neglect', fromDate: '2017-05-01', toDate: null },
      actor,
    )
    const cse = await children.addFlag(
      child.id,
      { flag: 'cse_risk', detail: null, fromDate: '2016-01-01', toDate: null },
      actor,
    )
    await children.endFlag(cse.id, cse.version, '2017-12-31', actor)
    expect((await children.flagsOn(child.id, '2017-06-01')).map((f) => f.flag)).toEqual([
      'child_protection_plan',
      'cse_risk',
    ])
    expect((await children.flagsOn(child.id, '2018-08-01')).map((f) => f.flag)).toEqual([
      'child_protection_plan',
    ])
    const bad = await children
      .addFlag(
        child.id,
        { flag: 'child_protection_plan', detail: 'bad luck', fromDate: '2017-05-01', toDate: null },
        actor,
      )
      .catch((e: unknown) => e)
    expect((bad as ValidationError).errors[0]?.field).toBe('detail')
    const timeline = await children.timeline(child.id, forceWideReach)
    expect(timeline[0]?.title).toBe('Address from this date')
    expect(timeline.map((i) => i.title)).toContain('Flag ended: CSE risk')
    expect(timeline.every((item, i) => i === 0 || (timeline[i - 1] as { at: Date }).at >= item.at)).toBe(true)
  })

  it('merges two records keeping both histories, moving flags and memberships, and resolves the merged ref', async () => {
    const survivor = await children.create(
      person('Merger', 'Sam', '2010-10-10', { ref: 'MERGE-A' } as never),
      actor,
    )
    const duplicate = await children.create(
      person('Merger', 'Samuel', '2010-10-10', { ref: 'MERGE-B' } as never),
      actor,
      {
        confirmedNotDuplicate: true,
      },
    )
    const flag = await children.addFlag(
      duplicate.id,
      { flag: 'missing_history', detail: null, fromDate: '2018-01-01', toDate: null },
      actor,
    )
    await children.addMembership(
      duplicate.id,
      { householdRef: 'H-MERGE', role: 'child', fromDate: '2018-01-01', toDate: null },
      actor,
    )
    await children.addRelationship(
      survivor.id,
      { otherRef: 'MERGE-B', kind: 'sibling', fromDate: null, toDate: null },
      actor,
    )
    const hooked: string[] = []
    children.onMerge(async (_trx, event) => {
      hooked.push(`${event.mergedId}->${event.survivorId}`)
    })

    await children.merge(survivor.id, duplicate.id, actor)

    expect(hooked).toEqual([`${duplicate.id}->${survivor.id}`])
    expect((await children.flagsOn(survivor.id)).map((f) => f.flag)).toEqual(['missing_history'])
    expect((await children.memberships(survivor.id)).map((m) => m.householdRef)).toEqual(['H-MERGE'])
    expect(await children.flags(duplicate.id)).toEqual([])
    expect(await children.relationships(survivor.id)).toEqual([])
    expect((await children.get('MERGE-B')).id).toBe(survivor.id)
    expect((await children.search({ q: 'Merger' }, { actor })).map((p) => p.ref)).toEqual(['MERGE-A'])
    const flagHistory = await historyService(handle.db, clock).historyFor('person_flag', flag.id)
    expect(flagHistory.map((h) => h.action)).toEqual(['create', 'update'])
    expect(flagHistory[1]?.changes.person_id).toEqual([duplicate.id, survivor.id])
    const mergedHistory = await historyService(handle.db, clock).historyFor('person', duplicate.id)
    expect(mergedHistory.at(-1)?.changes.merged_into).toEqual([null, survivor.id])
    await expect(children.merge(survivor.id, duplicate.id, actor)).rejects.toThrow(/already been merged/)
  })

  it('merges two records with an address from the same day: the same address once, different ones refused', async () => {
    const make = (given: string, ref: string) =>
      children.create(person('Sameday', given, '2011-01-01', { ref } as never), actor, {
        confirmedNotDuplicate: true,
      })
    const home = (address: string) => ({
      address,
      postcode: null,
      boroughId: null,
      fromDate: '2018-02-01',
      toDate: null,
    })
    const a = await make('Ann', 'SAMEDAY-A')
    const b = await make('Anne', 'SAMEDAY-B')
    await children.addAddress(a.id, home('1 High Street'), actor)
    await children.addAddress(b.id, home('1  high street'), actor)
    await children.merge(a.id, b.id, actor)
    expect((await children.addresses(a.id)).map((x) => x.address)).toEqual(['1 High Street'])

    const c = await make('Cat', 'SAMEDAY-C')
    const d = await make('Cath', 'SAMEDAY-D')
    await children.addAddress(c.id, home('3 Hill Road'), actor)
    await children.addAddress(d.id, home('9 Vale Lane'), actor)
    await expect(children.merge(c.id, d.id, actor)).rejects.toThrow(/different address from 2018-02-01/)
    expect((await children.find(d.id))?.mergedInto ?? null).toBeNull()
    expect((await children.addresses(d.id)).map((x) => x.address)).toEqual(['9 Vale Lane'])
  })

  it('answers many dates of birth in one call, a merged record with its survivor’s', async () => {
    const survivor = await children.create(
      person('Dobbatch', 'Alex', '2011-03-04', { ref: 'DOB-A' } as never),
      actor,
    )
    const duplicate = await children.create(
      person('Dobbatch', 'Alexander', '2012-05-06', { ref: 'DOB-B' } as never),
      actor,
      { confirmedNotDuplicate: true },
    )
    const other = await children.create(person('Elsewhere', 'Jo', '2009-01-02'), actor)
    await children.merge(survivor.id, duplicate.id, actor)
    const answered = await children.datesOfBirth([
      duplicate.id,
      other.id,
      '00000000-0000-4000-8000-000000000000',
      'not-an-id',
    ])
    expect(Object.fromEntries(answered)).toEqual({ [duplicate.id]: '2011-03-04', [other.id]: '2009-01-02' })
  })

  it('lets a principal change a person only where their area holds them, checked in the write; 403 changes nothing', async () => {
    const boroughs = await boroughsOf(handle.db)
    const idOf = (name: string) => boroughs.find((b) => b.name === name)?.id as string
    const principal = (roles: Role[], boroughIds: string[]) => ({
      id: `p-${roles.join('-')}-${boroughIds.length}`,
      username: 'p',
      kind: 'user' as const,
      roles,
      staffId: null,
      area: { forceWide: false as const, bcuId: null, boroughId: null, boroughIds, teamIds: [] },
    })
    const centralNorth = principal(['officer'], [camden, idOf('Islington')])
    const eastArea = principal(['officer'], [idOf('Barking and Dagenham'), idOf('Havering')])
    const mash = principal(['mash'], [])
    const held = await children.create(
      {
        ...person('Kept', 'Kit', '2008-08-08'),
        address: {
          address: '3 Camden Row',
          postcode: null,
          boroughId: camden,
          fromDate: '2016-01-01',
          toDate: null,
        },
      },
      actor,
      { confirmedNotDuplicate: true },
    )
    const refused = (work: Promise<unknown>) => expect(work).rejects.toBeInstanceOf(ForbiddenError)
    await refused(children.update(held.id, 1, { givenNames: 'Other' }, eastArea))
    await refused(
      children.addFlag(
        held.id,
        { flag: 'send', detail: null, fromDate: '2018-01-01', toDate: null },
        eastArea,
      ),
    )
    await refused(
      children.addAddress(
        held.id,
        {
          address: '9 Barking Road',
          postcode: null,
          boroughId: idOf('Barking and Dagenham'),
          fromDate: '2018-07-01',
          toDate: null,
        },
        eastArea,
      ),
    )
    await refused(
      children.addMembership(
        held.id,
        { householdRef: null, role: 'child', fromDate: '2018-01-01', toDate: null },
        eastArea,
      ),
    )
    await refused(
      children.addRelationship(
        held.id,
        { otherRef: 'MERLIN-77', kind: 'sibling', fromDate: null, toDate: null },
        eastArea,
      ),
    )
    expect(await children.get(held.id)).toMatchObject({ givenNames: 'Kit', version: 1 })
    expect(await children.flags(held.id)).toEqual([])
    expect(await children.addresses(held.id)).toHaveLength(1)
    expect(await children.memberships(held.id)).toEqual([])
    expect(await children.relationships(held.id)).toEqual([])

    const flag = await children.addFlag(
      held.id,
      { flag: 'send', detail: null, fromDate: '2018-01-01', toDate: null },
      centralNorth,
    )
    await refused(children.endFlag(flag.id, flag.version, '2018-06-01', eastArea))
    await children.update(held.id, 1, { givenNames: 'Kitty' }, mash)
    expect(await children.canEdit(eastArea, held.id)).toBe(false)
    expect(await children.canEdit(centralNorth, held.id)).toBe(true)

    // A merge changes both records: each must be the principal's to change.
    const unplaced = await children.create(person('Kept', 'Kitt', '2008-08-08'), actor, {
      confirmedNotDuplicate: true,
    })
    await refused(children.merge(unplaced.id, held.id, eastArea))
    expect((await children.findRecord(held.id))?.mergedInto).toBeNull()
    // A person with no address in a borough is anyone's who writes; a role that only reads is refused.
    await children.update(unplaced.id, 1, { givenNames: 'Kit' }, eastArea)
    await refused(children.update(unplaced.id, 2, { givenNames: 'Kat' }, principal(['bcu_lead'], [camden])))

    // An address that has ended still holds the child where they last lived.
    const moved = await children.create(
      {
        ...person('Gone', 'Gil', '2007-07-07'),
        address: {
          address: '5 Camden Row',
          postcode: null,
          boroughId: camden,
          fromDate: '2016-01-01',
          toDate: null,
        },
      },
      actor,
      { confirmedNotDuplicate: true },
    )
    const [open] = await children.addresses(moved.id)
    await handle.db
      .transaction()
      .execute((trx) =>
        historyService(handle.db, clock).updateRecord(
          trx,
          'person_address',
          open?.id as string,
          open?.version as number,
          { to_date: '2018-06-30' },
          actor,
        ),
      )
    expect(await children.canEdit(eastArea, moved.id)).toBe(false)
    expect(await children.canEdit(centralNorth, moved.id)).toBe(true)
  })

  it("answers its reads on a caller's transaction, as modules writing inside one need", async () => {
    const child = await children.create(
      {
        ...person('Inside', 'Ina', '2010-10-01', { ref: 'TRX-1' } as never),
        address: {
          address: '6 Camden Row',
          postcode: null,
          boroughId: camden,
          fromDate: '2017-01-01',
          toDate: null,
        },
      },
      actor,
      { confirmedNotDuplicate: true },
    )
    await children.addFlag(
      child.id,
      { flag: 'send', detail: null, fromDate: '2017-01-01', toDate: null },
      actor,
    )
    const read = await handle.db.transaction().execute(async (trx) => ({
      found: (await children.find('trx-1', trx))?.id,
      record: (await children.findRecord(child.id, trx))?.ref,
      flags: (await children.flagsOn(child.id, '2018-08-01', trx)).map((f) => f.flag),
      borough: await children.boroughOn(child.id, '2018-08-01', trx),
      addresses: (await children.addresses(child.id, trx)).map((a) => a.boroughName),
      memberships: await children.memberships(child.id, trx),
      relationships: await children.relationships(child.id, trx),
      household: await children.householdOn(child.id, '2018-08-01', trx),
      duplicates: (await children.possibleDuplicates(person('Inside', 'Ina', '2010-10-01'), undefined, trx))
        .length,
    }))
    expect(read).toEqual({
      found: child.id,
      record: 'TRX-1',
      flags: ['send'],
      borough: camden,
      addresses: ['Camden'],
      memberships: [],
      relationships: [],
      household: [],
      duplicates: 1,
    })
    // The same read on the outer handle inside the transaction is the bug the guard names.
    await expect(
      handle.db.transaction().execute(() => children.flagsOn(child.id, '2018-08-01')),
    ).rejects.toBeInstanceOf(OuterHandleInTransactionError)
  })

  it('refuses a stale version on update', async () => {
    const p = await children.create(person('Version', 'Vic', '2013-03-03'), actor)
    await children.update(p.id, p.version, { givenNames: 'Victor' }, actor)
    await expect(children.update(p.id, p.version, { givenNames: 'Vicky' }, actor)).rejects.toMatchObject({
      statusCode: 409,
    })
  })
})
