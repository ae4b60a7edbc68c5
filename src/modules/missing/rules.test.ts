import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { missingFixture, movableClock, principal } from './test-fixtures.ts'

// Times are UTC; in August London is UTC+1.
const clock = movableClock('2018-09-01T12:00:00Z')
let fx: Awaited<ReturnType<typeof missingFixture>>

beforeAll(async () => {
  fx = await missingFixture(clock)
})
afterAll(async () => {
  await fx?.kestrel.close()
})

async function states(ruleId: string, subjectId: string, asOf: string) {
  const { findings, results } = await fx.kestrel.services.standards.findingsAt(new Date(asOf), {
    ruleId,
    subjectId,
  })
  expect(results.filter((r) => !r.ok)).toEqual([])
  return findings.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime()).map((f) => f.status)
}

describe('MIS-01 graded absent with two or more risk factors', () => {
  it('breaches absent with two factors (below the suggestion, so a supervisor said why), until re-graded', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', {
      grade: 'absent',
      riskFactors: ['looked_after', 'drugs_alcohol'],
      supervisorName: 'PS Super',
      belowSuggestionReason: 'Known to be at a friend’s',
    })
    expect(await states('MIS-01', e.id, '2018-08-01T19:59:00Z')).toEqual([])
    expect(await states('MIS-01', e.id, '2018-08-01T20:00:00Z')).toEqual(['breached'])
    clock.set('2018-08-02T10:00:00Z')
    await fx.kestrel.services.missing.addReview(
      e.id,
      e.version,
      {
        reviewedAt: new Date('2018-08-02T09:00:00Z'),
        reviewerName: 'Insp R',
        grade: 'medium',
        reason: 'History',
      },
      principal(),
    )
    clock.set('2018-09-01T12:00:00Z')
    expect(await states('MIS-01', e.id, '2018-08-02T08:59:00Z')).toEqual(['breached'])
    expect(await states('MIS-01', e.id, '2018-08-02T09:00:00Z')).toEqual(['met_late'])
  })
  it('leaves absent with one factor, and medium with many, alone', async () => {
    const c = await fx.child()
    const one = await fx.episode(c.ref, '2018-08-01T20:00:00Z', {
      grade: 'low',
      riskFactors: ['drugs_alcohol'],
    })
    const c2 = await fx.child()
    const lone = await fx.episode(c2.ref, '2018-08-01T20:00:00Z', { grade: 'absent' })
    expect(await states('MIS-01', one.id, '2018-08-05T00:00:00Z')).toEqual([])
    expect(await states('MIS-01', lone.id, '2018-08-05T00:00:00Z')).toEqual([])
  })
})

describe('grading below the suggestion', () => {
  it('needs a supervisor’s reason, and nothing is written without one', async () => {
    const c = await fx.child()
    const error = await fx
      .episode(c.ref, '2018-08-01T20:00:00Z', {
        grade: 'absent',
        riskFactors: ['looked_after', 'drugs_alcohol'],
      })
      .catch((e) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).errors.map((e) => e.field)).toEqual([
      'supervisorName',
      'belowSuggestionReason',
    ])
    const ctx = await fx.kestrel.services.missing.childContext(
      c.ref,
      forceWideReach,
      new Date('2018-08-02T00:00:00Z'),
    )
    expect(ctx.previous.last365).toBe(0)
  })
})

describe('MIS-02 and MIS-03 repeat missing', () => {
  it('the third episode in 90 days not raised breaches MIS-02 and MIS-03; a review and a plan meet them', async () => {
    const c = await fx.child()
    await fx.episode(c.ref, '2018-06-01T20:00:00Z', { grade: 'medium' })
    await fx.episode(c.ref, '2018-07-01T20:00:00Z', { grade: 'medium' })
    const third = await fx.episode(c.ref, '2018-08-01T20:00:00Z', { grade: 'medium' })
    // Due at the review time (4 hours after the report): due before, breached after.
    expect(await states('MIS-02', third.id, '2018-08-01T23:59:00Z')).toEqual(['due'])
    expect(await states('MIS-02', third.id, '2018-08-02T00:00:00Z')).toEqual(['breached'])
    expect(await states('MIS-03', third.id, '2018-08-01T20:00:00Z')).toEqual(['breached'])
    await fx.kestrel.services.missing.addReview(
      third.id,
      third.version,
      {
        reviewedAt: new Date('2018-08-01T22:00:00Z'),
        reviewerName: 'PS R',
        grade: 'medium',
        reason: 'Cumulative risk considered',
      },
      principal(),
    )
    expect(await states('MIS-02', third.id, '2018-08-02T00:00:00Z')).toEqual(['met'])
    await fx.plan(c.ref, '2018-08-10')
    expect(await states('MIS-03', third.id, '2018-08-09T00:00:00Z')).toEqual(['breached'])
    expect(await states('MIS-03', third.id, '2018-08-11T00:00:00Z')).toEqual(['met_late'])
  })
  it('a second episode is not repeat; a third graded higher than the last meets MIS-02 at once', async () => {
    const c = await fx.child()
    const first = await fx.episode(c.ref, '2018-06-01T20:00:00Z', { grade: 'low' })
    const second = await fx.episode(c.ref, '2018-07-01T20:00:00Z', { grade: 'low' })
    const third = await fx.episode(c.ref, '2018-08-01T20:00:00Z', { grade: 'high' })
    expect(await states('MIS-02', first.id, '2018-08-05T00:00:00Z')).toEqual([])
    expect(await states('MIS-02', second.id, '2018-08-05T00:00:00Z')).toEqual([])
    expect(await states('MIS-02', third.id, '2018-08-05T00:00:00Z')).toEqual(['met'])
  })
  it('counts the repeat window a borough sets for itself (Hackney 30 days), the force’s elsewhere', async () => {
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'MIS-02',
      name: 'repeatDays',
      boroughId: fx.boroughId('Hackney'),
      value: 30,
      effectiveFrom: new Date('2018-01-01T00:00:00Z'),
      reason: 'Hackney counts a month',
      setBy: 'tester',
    })
    const spread = ['2018-05-01T20:00:00Z', '2018-06-20T20:00:00Z', '2018-07-25T20:00:00Z']
    const inBorough = async (borough: string) => {
      const c = await fx.child('2004-01-01', borough)
      const episodes = []
      for (const at of spread) episodes.push(await fx.episode(c.ref, at, { borough, grade: 'medium' }))
      return episodes.at(-1)?.id as string
    }
    const hackney = await inBorough('Hackney')
    const lambeth = await inBorough('Lambeth')
    expect(await states('MIS-02', hackney, '2018-08-05T00:00:00Z')).toEqual([])
    expect(await states('MIS-02', lambeth, '2018-08-05T00:00:00Z')).toEqual(['breached'])
    expect(await states('MIS-03', hackney, '2018-08-05T00:00:00Z')).toEqual(['breached'])
    // Evaluated one episode at a time when each was recorded, the stored findings agree.
    const stored = async (id: string) =>
      (await fx.kestrel.services.standards.findingsForSubject('missing-episode', id)).map((f) => f.ruleId)
    expect(await stored(hackney)).not.toContain('MIS-02')
    expect(await stored(lambeth)).toContain('MIS-02')
  })
  it('episodes spread over more than 90 days are not repeat', async () => {
    const c = await fx.child()
    await fx.episode(c.ref, '2018-03-01T20:00:00Z')
    await fx.episode(c.ref, '2018-05-01T20:00:00Z')
    const third = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    expect(await states('MIS-03', third.id, '2018-08-05T00:00:00Z')).toEqual([])
  })
})

describe('MIS-04 live trigger plan acknowledged', () => {
  it('is due for an hour after the report, then breached; acknowledging meets it', async () => {
    const c = await fx.child()
    await fx.plan(c.ref, '2018-07-01')
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    expect(e.triggerPlanId).not.toBeNull()
    expect(await states('MIS-04', e.id, '2018-08-01T20:59:00Z')).toEqual(['due'])
    expect(await states('MIS-04', e.id, '2018-08-01T21:00:00Z')).toEqual(['breached'])
    clock.set('2018-08-01T20:30:00Z')
    await fx.kestrel.services.missing.acknowledgePlan(e.id, e.version, principal())
    clock.set('2018-09-01T12:00:00Z')
    expect(await states('MIS-04', e.id, '2018-08-01T21:00:00Z')).toEqual(['met'])
  })
  it('asks nothing when the child has no live plan, or the plan ended', async () => {
    const c = await fx.child()
    await fx.plan(c.ref, '2018-01-01', { endedOn: '2018-06-01', endReason: 'No episodes' })
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    expect(e.triggerPlanId).toBeNull()
    expect(await states('MIS-04', e.id, '2018-08-02T00:00:00Z')).toEqual([])
  })
})

describe('MIS-05 risk review', () => {
  it('is due by the review time, breached after it, met by a review in time', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    expect(await states('MIS-05', e.id, '2018-08-01T23:59:00Z')).toEqual(['due'])
    expect(await states('MIS-05', e.id, '2018-08-02T00:00:00Z')).toEqual(['breached'])
    await fx.kestrel.services.missing.addReview(
      e.id,
      e.version,
      {
        reviewedAt: new Date('2018-08-01T23:00:00Z'),
        reviewerName: 'Insp R',
        grade: 'high',
        reason: 'Still missing',
        nextReviewDueAt: new Date('2018-08-02T05:00:00Z'),
      },
      principal(),
    )
    expect(await states('MIS-05', e.id, '2018-08-02T04:00:00Z')).toEqual(['met', 'due'])
    expect(await states('MIS-05', e.id, '2018-08-02T06:00:00Z')).toEqual(['met', 'breached'])
  })
  it('breaches at once when no review time is set', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', { reviewDueAt: undefined })
    expect(await states('MIS-05', e.id, '2018-08-01T20:00:00Z')).toEqual(['breached'])
  })
  it('a return before the review time ends the obligation', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', {
      returnedAt: new Date('2018-08-01T22:00:00Z'),
      foundPlace: 'Home',
      foundBy: 'Self',
    })
    expect(await states('MIS-05', e.id, '2018-08-02T06:00:00Z')).toEqual(['met'])
  })
})

describe('MIS-05 risk reviews that set the next review time', () => {
  it('each is an obligation of its own, met by the next review; the return meets the one still open', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    const review = (version: number, reviewedAt: string, nextReviewDueAt: string) =>
      fx.kestrel.services.missing.addReview(
        e.id,
        version,
        {
          reviewedAt: new Date(reviewedAt),
          reviewerName: 'Insp R',
          grade: 'high',
          reason: 'Still missing',
          nextReviewDueAt: new Date(nextReviewDueAt),
        },
        principal(),
      )
    await review(e.version, '2018-08-01T23:00:00Z', '2018-08-02T05:00:00Z')
    await review(e.version + 1, '2018-08-02T04:00:00Z', '2018-08-02T10:00:00Z')
    expect(await states('MIS-05', e.id, '2018-08-02T06:00:00Z')).toEqual(['met', 'met', 'due'])
    expect(await states('MIS-05', e.id, '2018-08-02T11:00:00Z')).toEqual(['met', 'met', 'breached'])
    await fx.kestrel.services.missing.recordReturn(
      e.id,
      e.version + 2,
      { returnedAt: new Date('2018-08-02T09:00:00Z'), foundPlace: 'Home', foundBy: 'Self' },
      principal(),
    )
    expect(await states('MIS-05', e.id, '2018-08-02T11:00:00Z')).toEqual(['met', 'met', 'met'])
    const stored = await fx.kestrel.services.standards.findingsAt(new Date('2018-08-02T11:00:00Z'), {
      ruleId: 'MIS-05',
      subjectId: e.id,
    })
    expect(stored.findings.map((f) => f.detail)).toEqual([
      'Risk review due',
      'Risk review due',
      'Risk review due',
    ])
  })
})

describe('MIS-06 prevention interview and MIS-07 return home interview', () => {
  const returned = {
    returnedAt: new Date('2018-08-02T08:00:00Z'),
    foundPlace: 'Friend’s flat',
    foundBy: 'PC Find',
  }
  it('both are due for 72 hours after the return, then breached', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', { ...returned, grade: 'high' })
    expect(await states('MIS-06', e.id, '2018-08-02T07:59:00Z')).toEqual([])
    expect(await states('MIS-06', e.id, '2018-08-05T07:59:00Z')).toEqual(['due'])
    expect(await states('MIS-06', e.id, '2018-08-05T08:00:00Z')).toEqual(['breached'])
    expect(await states('MIS-07', e.id, '2018-08-05T08:00:00Z')).toEqual(['breached', 'breached'])
  })
  it('are met by an interview in time and the local authority’s interview', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', {
      ...returned,
      preventionInterviewAt: new Date('2018-08-03T10:00:00Z'),
      preventionInterviewBy: 'PC Safe',
      laNotifiedAt: new Date('2018-08-02T09:00:00Z'),
      returnHomeInterviewAt: new Date('2018-08-04T09:00:00Z'),
    })
    expect(await states('MIS-06', e.id, '2018-08-10T00:00:00Z')).toEqual(['met'])
    expect(await states('MIS-07', e.id, '2018-08-10T00:00:00Z')).toEqual(['met', 'met'])
  })
  it('a child who declined the return home interview meets MIS-07 by the notification', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', {
      ...returned,
      laNotifiedAt: new Date('2018-08-02T09:00:00Z'),
      returnHomeInterviewDeclined: true,
    })
    expect(await states('MIS-07', e.id, '2018-08-10T00:00:00Z')).toEqual(['met', 'met'])
    expect(await states('MIS-07', e.id, '2018-08-02T08:30:00Z')).toEqual(['due', 'due'])
  })
  it('an interview recorded through the page meets MIS-06 late after 72 hours', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', { ...returned })
    await fx.kestrel.services.missing.recordPreventionInterview(
      e.id,
      e.version,
      { at: new Date('2018-08-06T10:00:00Z'), by: 'PC Late' },
      principal(),
    )
    expect(await states('MIS-06', e.id, '2018-08-10T00:00:00Z')).toEqual(['met_late'])
  })
})

describe('MIS-08 CSE indicators', () => {
  it('breaches indicators without a flag or CSE PAC; a flag meets it', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z', { riskFactors: ['cse_cce_indicators'] })
    expect(await states('MIS-08', e.id, '2018-08-01T20:00:00Z')).toEqual(['breached'])
    await fx.kestrel.services.children.addFlag(
      c.id,
      { flag: 'cse_risk', detail: null, fromDate: '2018-08-03', toDate: null },
      { id: 't', username: 't' },
    )
    expect(await states('MIS-08', e.id, '2018-08-10T00:00:00Z')).toEqual(['met_late'])
  })
  it('asks nothing without indicators', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    expect(await states('MIS-08', e.id, '2018-08-10T00:00:00Z')).toEqual([])
  })
})

describe('MIS-09 Merlin report', () => {
  it('is breached until a PAC is linked', async () => {
    const c = await fx.child()
    const e = await fx.episode(c.ref, '2018-08-01T20:00:00Z')
    expect(await states('MIS-09', e.id, '2018-08-01T20:00:00Z')).toEqual(['breached'])
    const error = await fx.kestrel.services.missing
      .linkPac(e.id, e.version, 'PAC-NOPE', principal())
      .catch((x) => x)
    expect((error as ValidationError).errors[0]?.field).toBe('pac')
  })
})

describe('MIS-10 a borough with repeat-missing children and no live plans', () => {
  it('finds Sutton with a repeat-missing child and no plan, until a plan starts there', async () => {
    const c = await fx.child('2004-01-01', 'Sutton')
    for (const at of ['2018-08-01T20:00:00Z', '2018-08-05T20:00:00Z', '2018-08-09T20:00:00Z'])
      await fx.episode(c.ref, at, { borough: 'Sutton' })
    const sutton = fx.boroughId('Sutton')
    expect(await states('MIS-10', sutton, '2018-08-08T00:00:00Z')).toEqual([])
    expect(await states('MIS-10', sutton, '2018-08-10T00:00:00Z')).toEqual(['breached'])
    // 90 days on, the child is no longer repeat missing.
    expect(await states('MIS-10', sutton, '2018-11-05T00:00:00Z')).toEqual([])
    await fx.plan(c.ref, '2018-08-20', { borough: 'Sutton' })
    expect(await states('MIS-10', sutton, '2018-08-15T00:00:00Z')).toEqual(['breached'])
    expect(await states('MIS-10', sutton, '2018-08-21T00:00:00Z')).toEqual([])
    const stored = await fx.kestrel.services.standards.findingsForSubject('borough', sutton)
    expect(stored.map((f) => f.ruleId)).toContain('MIS-10')
  })
  it('a borough with a live plan is not found', async () => {
    const c = await fx.child()
    await fx.plan(c.ref, '2018-01-01')
    const d = await fx.child()
    for (const at of ['2018-08-01T20:00:00Z', '2018-08-05T20:00:00Z', '2018-08-09T20:00:00Z'])
      await fx.episode(d.ref, at)
    expect(await states('MIS-10', fx.boroughId('Lambeth'), '2018-08-10T00:00:00Z')).toEqual([])
  })
})

describe('MIS-11 open episodes per member of staff on duty', () => {
  it('breaches above 10 a head, not at 10', async () => {
    clock.set('2018-08-20T09:00:00Z')
    const open = async () =>
      (
        await fx.kestrel.services.db
          .selectFrom('missing_episode')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('unit_team_id', '=', fx.unit.id)
          .where((w) =>
            w.or([w('returned_at', 'is', null), w('returned_at', '>', new Date('2018-08-20T10:00:00Z'))]),
          )
          .where('reported_at', '<=', new Date('2018-08-20T10:00:00Z'))
          .executeTakeFirstOrThrow()
      ).n
    let n = Number(await open())
    const target = Math.max(10, Math.ceil(n / 10) * 10)
    while (n < target) {
      const c = await fx.child()
      await fx.episode(c.ref, '2018-08-20T08:00:00Z')
      n++
    }
    await fx.kestrel.services.missing.recordDuty(fx.unit.id, target / 10, 'On duty', principal())
    expect(await states('MIS-11', fx.unit.id, '2018-08-20T10:00:00Z')).toEqual([])
    const c = await fx.child()
    await fx.episode(c.ref, '2018-08-20T08:00:00Z')
    expect(await states('MIS-11', fx.unit.id, '2018-08-20T10:00:00Z')).toEqual(['breached'])
    clock.set('2018-09-01T12:00:00Z')
  })
})
