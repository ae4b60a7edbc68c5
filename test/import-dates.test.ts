import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportRejected } from '../src/platform/import/importer.ts'
import { type TestKestrel, testKestrel } from './app.ts'
import { type WriteWatch, watchWrites } from './write-watch.ts'

/**
 * An import line with an instant or a day the database cannot store (year 0000, a six-digit year) threw
 * the database's "date/time field value out of range" from `kestrel import`, with no line named. The
 * import kinds now read instants and days with the API's kit (platform/time-schemas.ts): the batch is
 * rejected naming the line and the field, and nothing is written.
 */

let kestrel: TestKestrel
let watch: WriteWatch

beforeAll(async () => {
  kestrel = await testKestrel()
  watch = await watchWrites(kestrel.services.db)
}, 120_000)
afterAll(() => kestrel?.close())

const line = (value: Record<string, unknown>) => JSON.stringify(value)
const bcu = line({ kind: 'bcu', ref: 'DTA', name: 'Dates A' })
const borough = line({ kind: 'borough', ref: 'Dates One', bcu: 'DTA', bcuFrom: '2017-01-01' })
const person = line({
  kind: 'person',
  ref: 'DTCHILD',
  familyName: 'Dates',
  givenNames: 'Child',
  dateOfBirth: '2010-02-01',
  gender: 'female',
})
const officer = line({
  kind: 'staff',
  ref: 'DTO1',
  name: 'Dates Officer',
  rank: 'constable',
  team: 'Dates CAIT',
  startDate: '2015-01-01',
})
const cait = line({ kind: 'team', ref: 'Dates CAIT', teamKind: 'cait', borough: 'Dates One' })
const unit = line({ kind: 'team', ref: 'Dates MPU', teamKind: 'missing_persons_unit', borough: 'Dates One' })
const pac = (createdAt: string) =>
  line({
    kind: 'pac',
    ref: 'DTPAC',
    child: 'DTCHILD',
    aboutKind: 'incident',
    aboutSummary: 'Dates',
    concerns: ['child_abuse'],
    riskLevel: 'medium',
    riskAssessment: 'Dates',
    childSpokenTo: true,
    voiceOfChild: 'Dates',
    policeFirstKnewAt: createdAt,
    createdAt,
    borough: 'Dates One',
    raisedBy: 'DTO1',
  })
const investigation = (openedAt: string) =>
  line({
    kind: 'investigation',
    ref: 'DTINV',
    caseType: 'section_47',
    strands: ['child_abuse'],
    riskLevel: 'high',
    summary: 'Dates',
    borough: 'Dates One',
    openedAt,
    people: [{ person: 'DTCHILD', role: 'child' }],
  })

const cases: [what: string, lines: string[], line: number, field: string][] = [
  [
    'a borough moving BCU in year 0000',
    [bcu, line({ kind: 'borough', ref: 'Dates One', bcu: 'DTA', bcuFrom: '0000-01-01' })],
    2,
    'bcuFrom',
  ],
  [
    'a staff member starting in year 0000',
    [bcu, borough, cait, line({ ...JSON.parse(officer), startDate: '0000-02-29' })],
    4,
    'startDate',
  ],
  [
    'an address from year 0000',
    [
      bcu,
      borough,
      line({
        ...JSON.parse(person),
        address: { address: '1 Road', borough: 'Dates One', from: '0000-01-01' },
      }),
    ],
    3,
    'address.from',
  ],
  [
    'a PAC made in year 0000',
    [bcu, borough, cait, officer, person, pac('0000-02-29T10:00:00Z')],
    6,
    'createdAt',
  ],
  [
    'a PAC made in year 10000 by its offset',
    [bcu, borough, cait, officer, person, pac('9999-12-31T23:00:00-05:00')],
    6,
    'createdAt',
  ],
  [
    'an investigation opened in year 0000',
    [bcu, borough, cait, officer, person, investigation('0000-01-01T00:00:00Z')],
    6,
    'openedAt',
  ],
  [
    'a unit on duty from a six-digit year',
    [
      bcu,
      borough,
      unit,
      line({
        kind: 'missing-unit-duty',
        ref: 'DTD1',
        unit: 'Dates MPU',
        from: '-000001-01-01T00:00:00Z',
        staffOnDuty: 2,
      }),
    ],
    4,
    'from',
  ],
]

describe('an import line with a date the database cannot store', () => {
  it.each(cases)(
    '%s: rejected naming the line and field, nothing written',
    async (_what, lines, lineNumber, field) => {
      await watch.since()
      const outcome = await kestrel.services.imports
        .run(lines.join('\n'), 'import-dates')
        .catch((e: unknown) => e)
      expect(outcome).toBeInstanceOf(ImportRejected)
      const errors = (outcome as ImportRejected).errors
      expect(errors.map((e) => [e.line, e.field])).toContainEqual([lineNumber, field])
      expect([...(await watch.since()).keys()]).toEqual([])
    },
  )
})
