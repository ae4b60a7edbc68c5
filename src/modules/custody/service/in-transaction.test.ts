import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../../platform/access/need-to-know.ts'
import { custodyDeps } from '../service.ts'
import { custodyFixture, ev, movableClock, principal } from '../test-fixtures.ts'
import { addEvent } from './add-event.ts'
import { linkPac } from './link-pac.ts'
import { listDetentions } from './lists.ts'
import { recordDetention, suitesFor } from './record-detention.ts'
import { timelineFor } from './timeline.ts'
import { viewDetention } from './view.ts'

const clock = movableClock('2018-08-01T20:00:00Z')

// The use cases take their executor so that one can run inside another's transaction: every read they
// make (the organisation's, the person index's, the PACE parameters') must go through it, or the guard on
// the outer handle throws.
describe('custody use cases inside a caller’s transaction (database)', () => {
  let fx: Awaited<ReturnType<typeof custodyFixture>>
  beforeAll(async () => {
    fx = await custodyFixture(clock)
  })
  afterAll(() => fx?.kestrel.close())

  it('records, adds an event, links a PAC and reads on the transaction; rolled back, nothing stays', async () => {
    const { db, organisation, accessLog, standards, custody } = fx.kestrel.services
    const deps = custodyDeps(db, clock, {
      organisation,
      accessLog,
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    })
    const child = await fx.child()
    const who = principal()
    let id = ''
    const work = db.transaction().execute(async (trx) => {
      const suites = await suitesFor(trx, deps, who)
      expect(suites.map((s) => s.name)).toContain('Brixton custody suite')
      const detention = await recordDetention(
        trx,
        deps,
        {
          detention: {
            child: child.ref,
            custodySuite: 'Brixton custody suite',
            offences: ['Robbery'],
            arrestedAt: new Date('2018-08-01T12:00:00Z'),
            appearsUnder18: false,
          },
          events: [ev('arrived', '2018-08-01T12:30:00Z')],
        },
        who,
      )
      id = detention.id
      await addEvent(
        trx,
        deps,
        id,
        detention.version,
        ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
        who,
      )
      await linkPac(trx, deps, id, detention.version + 1, 'PAC-IN-TRX-1', who)
      const view = await viewDetention(trx, deps, id, who, clock.now())
      expect(view.detention.pacRef).toBe('PAC-IN-TRX-1')
      expect(view.events.map((e) => e.kind)).toEqual(['arrived', 'detention_authorised'])
      expect(view.suiteName).toBe('Brixton custody suite')
      expect(view.clocks.inCustody).toBe(true)
      const list = await listDetentions(trx, deps, who, { query: 'test' }, { asOf: clock.now() })
      expect(list.items.map((i) => i.detention.id)).toContain(id)
      expect((await timelineFor(trx, child.id, forceWideReach)).map((i) => i.href)).toEqual([
        `/custody/detentions/${id}`,
      ])
      throw new Error('rolled back')
    })
    await expect(work).rejects.toThrow('rolled back')
    expect(id).not.toBe('')
    await expect(custody.get(id, who)).rejects.toThrow()
    expect(await custody.timelineFor(child.id, forceWideReach)).toEqual([])
  })
})
