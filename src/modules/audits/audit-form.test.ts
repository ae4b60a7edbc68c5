import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { optionsOf, requestsTo } from '../../../test/requests.ts'
import { themes } from './criteria.ts'
import { auditsFixture, jsonl } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof auditsFixture>>
let fx: Fixture
let programmeRef: string
const { get, postForm } = requestsTo(() => fx.kestrel.app)

/** The error summary's links, in order. */
const summary = (html: string) =>
  [...html.matchAll(/govuk-error-summary__list[\s\S]*?<\/ul>/g)].flatMap((m) =>
    [...m[0].matchAll(/href="([^"]+)"/g)].map((l) => l[1]),
  )
const auditCount = async () =>
  Number(
    (
      await fx.kestrel.services.db
        .selectFrom('audit')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

beforeAll(async () => {
  fx = await auditsFixture()
  // A section 47 enquiry in Lambeth, allocated to its CAIT, the child never seen: Kestrel finds it.
  await fx.kestrel.services.imports.run(
    jsonl(
      { kind: 'person', ref: 'AUD-CHILD-2', familyName: 'Example', givenNames: 'Child', estimatedAge: 9 },
      {
        kind: 'investigation',
        ref: 'S47-FORM-1',
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: 'Bruising reported by school',
        borough: 'Lambeth',
        openedAt: '2018-08-01T09:00:00Z',
        people: [{ person: 'AUD-CHILD-2', role: 'child' }],
        pacs: [],
        allocations: [{ team: 'Lambeth CAIT', officer: 'L1001', at: '2018-08-01T11:00:00Z' }],
      },
    ),
    'tester',
  )
  programmeRef = (
    await fx.kestrel.services.audits.createProgramme(
      {
        name: 'Form',
        caseTypes: ['section_47'],
        from: '2018-08-01',
        to: '2018-08-31',
        sampleSize: 1,
        seed: 's',
      },
      fx.auditor,
    )
  ).ref
})
afterAll(() => fx?.kestrel.close())

const filled = (extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(themes.map((t) => [t, 'met'])),
  child_seen_and_heard: 'not_met',
  child_seen_and_heardNote: 'Not seen alone',
  grade: 'inadequate',
  gradeReasons: 'The child was not seen',
  referredBack: 'yes',
  actionRequired: 'See the child alone',
  ...extra,
})

describe('the audit form', () => {
  it('starts from Kestrel’s findings and the child’s chronology, grouped by the report’s themes', async () => {
    const auditor = await signIn(fx.kestrel, ['dit_auditor'])
    const form = await get(auditor, `/audits/programmes/${programmeRef}/cases/1`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Audit of S47-FORM-1')
    for (const heading of ['Initial response', 'Child seen and heard', 'Outcome for the child'])
      expect(form.body).toContain(`<h2 class="govuk-heading-m">${heading}</h2>`)
    expect(form.body).toContain('id="chronology"')
    const findings = await fx.kestrel.services.standards.findingsForSubject(
      'investigation',
      (await fx.kestrel.services.audits.programme(programmeRef)).sample[0]?.subject_id as string,
    )
    for (const f of findings) expect(form.body).toContain(f.ruleId)
    if (findings.length) expect(form.body).toContain('Kestrel: ')
  })

  it('shows every problem in field order and writes nothing', async () => {
    const auditor = await signIn(fx.kestrel, ['dit_auditor'])
    const before = await auditCount()
    const bad = await postForm(auditor, `/audits/programmes/${programmeRef}/cases/1`, {
      ...filled({ initial_response: '', supervision: 'maybe', gradeReasons: '' }),
      grade: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(summary(bad.body)).toEqual(['#initial_response', '#supervision', '#grade', '#gradeReasons'])
    const inadequate = await postForm(auditor, `/audits/programmes/${programmeRef}/cases/1`, {
      ...filled({ referredBack: '', actionRequired: '' }),
    })
    expect(inadequate.statusCode).toBe(400)
    expect(summary(inadequate.body)).toEqual(['#referredBack'])
    expect(await auditCount()).toBe(before)
  })

  it('saves the audit, graded and referred back, and shows it; the case cannot be audited twice', async () => {
    const auditor = await signIn(fx.kestrel, ['dit_auditor'])
    const saved = await postForm(auditor, `/audits/programmes/${programmeRef}/cases/1`, filled())
    expect(saved.statusCode).toBe(303)
    const shown = await get(auditor, saved.headers.location as string)
    expect(shown.statusCode).toBe(200)
    expect(shown.body).toContain('Inadequate')
    expect(shown.body).toContain('See the child alone')
    expect(shown.body).toContain('Not seen alone')
    const again = await get(auditor, `/audits/programmes/${programmeRef}/cases/1`)
    expect(again.statusCode).toBe(303)
    // The case's team sees the audit of its case; another BCU's lead does not.
    const lambeth = await signIn(fx.kestrel, ['supervisor'], { staffId: fx.officers.lambeth.id })
    expect((await get(lambeth, saved.headers.location as string)).statusCode).toBe(200)
    const hackney = await signIn(fx.kestrel, ['bcu_lead'], { staffId: fx.officers.hackney.id })
    expect((await get(hackney, saved.headers.location as string)).statusCode).toBe(404)
    // The failing it found counts on the failings page, for the force and for Lambeth's BCU, not Hackney's.
    const failings = await get(auditor, '/audits/failings')
    expect(failings.body).toMatch(/data-theme="child_seen_and_heard">[\s\S]*?1 of 1 \(100%\)/)
    expect(failings.body).toMatch(/data-theme="supervision">[\s\S]*?0 of 1 \(0%\)/)
    // Its area filter says which BCUs have audits: on this day Lambeth is still a borough command, so no BCU
    // holds the audit and every one says it has none.
    const areas = optionsOf(failings.body, 'bcu')
    expect(areas[0]).toBe('The force (the audits you may see)')
    expect(areas).toContain('Central South (no records)')
    expect(areas.slice(1).every((a) => a.endsWith(' (no records)'))).toBe(true)
    expect((await get(hackney, '/audits/failings')).body).toContain(
      'No audit you may see has judged a theme yet',
    )
    expect((await get(auditor, '/audits/failings?bcu=nonsense')).statusCode).toBe(400)
  })
})
