import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { auditsFixture, jsonl } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof auditsFixture>>
let fx: Fixture

/** Investigations opened in August 2018: section 47 enquiries in Lambeth, CSE (non-internet) in Hackney. */
const investigation = (
  ref: string,
  caseType: string,
  borough: string,
  openedAt = '2018-08-02T09:00:00Z',
) => ({
  kind: 'investigation',
  ref,
  caseType,
  strands: ['child_abuse'],
  riskLevel: 'medium',
  summary: 'Concern for a child',
  borough,
  openedAt,
  people: [{ person: 'AUD-CHILD-1', role: 'child' }],
  pacs: [],
  allocations: [],
})

beforeAll(async () => {
  fx = await auditsFixture()
  await fx.kestrel.services.imports.run(
    jsonl(
      { kind: 'person', ref: 'AUD-CHILD-1', familyName: 'Example', givenNames: 'Child', estimatedAge: 9 },
      ...Array.from({ length: 30 }, (_, i) => investigation(`S47-${i}`, 'section_47', 'Lambeth')),
      ...Array.from({ length: 20 }, (_, i) => investigation(`CSE-${i}`, 'cse_non_internet', 'Hackney')),
      investigation('S47-JULY', 'section_47', 'Lambeth', '2018-07-31T09:00:00Z'),
    ),
    'tester',
  )
})
afterAll(() => fx?.kestrel.close())

const input = (extra: Record<string, unknown> = {}) => ({
  name: 'August 2018',
  caseTypes: ['section_47', 'cse_offline'],
  from: '2018-08-01',
  to: '2018-08-31',
  sampleSize: 10,
  seed: 'kestrel-2018-q3',
  ...extra,
})

describe('audit programmes', () => {
  it('draw the same sample from Kestrel’s records for the same seed and scope, stratified by case type and BCU', async () => {
    const { audits } = fx.kestrel.services
    const a = await audits.createProgramme(input(), fx.auditor)
    const b = await audits.createProgramme(input({ name: 'Again' }), fx.auditor)
    const first = await audits.programme(a.ref)
    const second = await audits.programme(b.ref)
    expect(first.seed).toBe('kestrel-2018-q3')
    expect(second.sample.map((s) => s.subject_ref)).toEqual(first.sample.map((s) => s.subject_ref))
    // 30 and 20 cases in scope: 6 and 4 of 10.
    expect(first.sample.filter((s) => s.case_type === 'section_47')).toHaveLength(6)
    expect(first.sample.filter((s) => s.case_type === 'cse_offline')).toHaveLength(4)
    expect(first.sample.every((s) => s.subject_kind === 'investigation')).toBe(true)
    const other = await audits.programme(
      (await audits.createProgramme(input({ seed: 'other' }), fx.auditor)).ref,
    )
    expect(other.sample.map((s) => s.subject_ref)).not.toEqual(first.sample.map((s) => s.subject_ref))
  })

  it('makes a seed when none is given, and stores it', async () => {
    const made = await fx.kestrel.services.audits.createProgramme(input({ seed: undefined }), fx.auditor)
    expect(made.seed).toMatch(/^[0-9a-f]{16}$/)
    expect((await fx.kestrel.services.audits.programme(made.ref)).seed).toBe(made.seed)
  })

  it('refuses a sample larger than the scope, naming the field, and writes nothing', async () => {
    const before = (await fx.kestrel.services.audits.programmes()).length
    const error = await fx.kestrel.services.audits
      .createProgramme(input({ sampleSize: 51 }), fx.auditor)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).errors).toEqual([
      { field: 'sampleSize', reason: 'must not be more than the 50 cases in scope' },
    ])
    expect((await fx.kestrel.services.audits.programmes()).length).toBe(before)
  })
})

describe('an audit programme imported', () => {
  const programme = {
    kind: 'audit-programme',
    ref: 'AP-IMPORTED',
    name: 'Imported',
    caseTypes: ['section_47', 'cse_offline'],
    from: '2018-08-01',
    to: '2018-08-31',
    sampleSize: 10,
    seed: 'kestrel-2018-q3',
  }
  const audit = (position: number, extra: Record<string, unknown> = {}) => ({
    kind: 'audit',
    ref: `AUD-IMP-${position}`,
    sampled: { programme: 'AP-IMPORTED', position },
    auditor: 'Dedicated inspection team',
    auditedOn: '2018-08-20',
    grade: 'requires_improvement',
    ...extra,
  })

  it('draws the sample a page draws, and takes audits of its cases with their moderation and learning', async () => {
    const { imports, audits, db } = fx.kestrel.services
    // A place beyond the sample is refused, naming it, and nothing is written (the programme neither).
    const refused = await imports.run(jsonl(programme, audit(11)), 'tester').catch((e: unknown) => e)
    expect(String(refused)).toContain('sampled.position')
    expect(
      await db.selectFrom('audit_programme').select('id').where('ref', '=', 'AP-IMPORTED').execute(),
    ).toEqual([])

    const bulletin = { kind: 'audit-bulletin', ref: 'ALB-IMP', title: 'August', publishedOn: '2018-08-25' }
    const moderation = {
      moderator: 'DIT moderator',
      on: '2018-08-21',
      auditorGrade: 'good',
      grade: 'requires_improvement',
      resolution: { grade: 'requires_improvement', reasons: 'No supervision on file', on: '2018-08-22' },
    }
    const point = (text: string, sharedIn?: string) => [
      { theme: 'supervision', text, recordedOn: '2018-08-20', ...(sharedIn ? { sharedIn } : {}) },
    ]
    await imports.run(
      jsonl(
        audit(1, { moderation, learning: point('Shared', 'ALB-IMP') }),
        audit(2, { learning: point('Local') }),
        bulletin,
        programme,
      ),
      'tester',
    )
    const imported = await audits.programme('AP-IMPORTED')
    const onPage = await audits.programme((await audits.createProgramme(input(), fx.auditor)).ref)
    expect(imported.seed).toBe('kestrel-2018-q3')
    expect(imported.sample.map((s) => s.subject_ref)).toEqual(onPage.sample.map((s) => s.subject_ref))
    expect(imported.sample.slice(0, 3).map((s) => s.audit_ref)).toEqual(['AUD-IMP-1', 'AUD-IMP-2', null])

    const first = await audits.audit('AUD-IMP-1', fx.auditor, { query: 'test' })
    expect(first.subject_ref).toBe(imported.sample[0]?.subject_ref)
    expect(first.moderation).toMatchObject({ auditor_grade: 'good', resolved_grade: 'requires_improvement' })
    const learning = await db.selectFrom('audit_learning').select(['id', 'text']).orderBy('text').execute()
    const [local, shared] = learning.map((l) => l.id)
    expect(learning.map((l) => l.text)).toEqual(['Local', 'Shared'])
    expect(await fx.states('AUD-02', local as string, '2018-10-01T12:00:00Z')).toEqual(['breached'])
    expect(await fx.states('AUD-02', shared as string, '2018-10-01T12:00:00Z')).toEqual(['met'])
  })
})

describe('the programme pages', () => {
  const { get, postForm } = requestsTo(() => fx.kestrel.app)
  const fields = (extra: Record<string, string | string[]> = {}) => ({
    name: 'Pages',
    caseTypes: ['section_47', 'cse_offline'],
    'from-day': '1',
    'from-month': '8',
    'from-year': '2018',
    'to-day': '31',
    'to-month': '8',
    'to-year': '2018',
    sampleSize: '5',
    strata: 'case_type_bcu',
    seed: '',
    moderationPercent: '20',
    ...extra,
  })

  it('draw a programme’s sample and show it; a sample larger than the scope is an error against its field', async () => {
    const auditor = await signIn(fx.kestrel, ['dit_auditor'])
    const made = await postForm(auditor, '/audits/programmes/new', fields())
    expect(made.statusCode).toBe(303)
    const shown = await get(auditor, made.headers.location as string)
    expect(shown.statusCode).toBe(200)
    expect(shown.body.match(/Audit this case/g)).toHaveLength(5)
    const tooMany = await postForm(auditor, '/audits/programmes/new', fields({ sampleSize: '60', name: '' }))
    expect(tooMany.statusCode).toBe(400)
    expect([...tooMany.body.matchAll(/govuk-error-summary__list[\s\S]*?<\/ul>/g)][0]?.[0]).toMatch(
      /href="#name"[\s\S]*Enter a name/,
    )
    const onlyScope = await postForm(auditor, '/audits/programmes/new', fields({ sampleSize: '60' }))
    expect(onlyScope.statusCode).toBe(400)
    expect(onlyScope.body).toContain('must not be more than the 50 cases in scope')
    expect((await get(await signIn(fx.kestrel, ['officer']), '/audits/programmes')).statusCode).toBe(403)
  })
})
