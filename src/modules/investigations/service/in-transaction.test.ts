import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../../platform/access/need-to-know.ts'
import { displayName } from '../../children/person.ts'
import { investigationDeps } from '../service.ts'
import { type InvestigationsFixture, investigationsFixture, movableClock, tester } from '../test-fixtures.ts'
import { allocate } from './allocation.ts'
import { viewInvestigation } from './case-view.ts'
import { openInvestigation } from './open-investigation.ts'
import { recordReview } from './supervisory-reviews.ts'

const clock = movableClock('2018-09-01T09:00:00Z')

// The use cases take their executor so that one can run inside another's transaction: every read they
// make (the organisation's and the person index's too) must go through it, or the guard on the outer
// handle throws.
describe('investigation use cases inside a caller’s transaction (database)', () => {
  let f: InvestigationsFixture
  beforeAll(async () => {
    f = await investigationsFixture(clock)
  })
  afterAll(() => f.kestrel.close())

  it('opens, allocates, reviews and reads on the transaction; rolled back, nothing of it stays', async () => {
    const { db, history, accessLog, organisation, standards, children, investigations } = f.kestrel.services
    const child = await f.child('Ruby')
    const teamId = (await f.team({ capacity: 2 })).id
    const officer = await f.staff(teamId, 'Alice Trained', {
      courses: ['specialist_child_abuse_investigators_development_programme', 'abe_interviewing'],
    })
    const deps = investigationDeps({
      db,
      clock,
      history,
      accessLog,
      organisation,
      standards,
      people: {
        async find(idOrRef, q) {
          const person = await children.find(idOrRef, q)
          return person && { ...person, name: displayName(person) }
        },
      },
    })
    let id = ''
    const work = db.transaction().execute(async (trx) => {
      const opened = await openInvestigation(
        trx,
        deps,
        {
          caseType: 'section_47',
          strands: ['child_abuse'],
          riskLevel: 'medium',
          summary: 'Bruising seen at school',
          boroughId: f.boroughId('Camden'),
          openedAt: new Date('2018-08-20T09:00:00Z'),
          people: [{ personIdOrRef: child.id, role: 'child' }],
        },
        tester,
      )
      id = opened.id
      const fit = await allocate(
        trx,
        deps,
        id,
        opened.version,
        { teamId, staffId: officer.id },
        tester,
        forceWideReach,
      )
      expect(fit.fits).toBe(true)
      await recordReview(
        trx,
        deps,
        id,
        opened.version + 1,
        {
          reviewedAt: new Date('2018-08-25T09:00:00Z'),
          findings: 'Speak to the school nurse',
          actions: [{ description: 'Speak to the school nurse', ownerStaffId: null, dueOn: '2018-09-05' }],
        },
        tester,
        forceWideReach,
      )
      const view = await viewInvestigation(trx, deps, id, forceWideReach, tester)
      expect(view.officerName).toBe('Alice Trained')
      expect(view.people.map((p) => p.name)).toEqual([displayName(child)])
      expect(view.reviews).toHaveLength(1)
      expect(view.actions.map((a) => [a.ownerName, a.due_at?.toISOString()])).toEqual([
        ['Alice Trained', '2018-09-05T22:59:59.000Z'],
      ])
      throw new Error('rolled back')
    })
    await expect(work).rejects.toThrow('rolled back')
    expect(id).not.toBe('')
    expect(await investigations.get(id, forceWideReach)).toBeUndefined()
  })
})
