import { z } from 'zod'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type Transaction } from '../../platform/import/kinds.ts'
import { iiocViewerKind, onlineCaseKind } from './access.ts'
import type { WriteResult, WriterDeps } from './service/dependencies.ts'
import { caseInput, childInput, kiratInput, safeguardingInput, stageInput } from './service/inputs.ts'
import { gradingInput, screeningInput, writeGradings, writeScreenings } from './service/welfare.ts'
import { writeCases } from './service/write-cases.ts'
import { writeChildren, writeKirats, writeSafeguarding } from './service/write-household.ts'

/*
 * The online kinds of the JSON Lines import: `online-case` with its whole timeline nested (as custody nests a
 * detention's events), then its KIRAT assessments and the children identified in the household, each naming
 * the case by ref; and the welfare records of staff who view indecent images. Importing a ref again replaces
 * that record (a case's facts, identifiers and timeline), so a batch can be re-run safely.
 */

/** The writers' dependencies on the importer's transaction: its clock only; the importer runs the rules. */
const importing = (clock: WriterDeps['clock']): WriterDeps => ({ clock })

/** A writer's result as the importer wants it: ids by ref, or every line's problems naming the line. */
function idsOrRejected(result: WriteResult, lines: readonly { lineNumber: number; ref: string }[]) {
  if ('errors' in result)
    throw new ImportRejected(
      result.errors.flatMap(({ index, errors }) =>
        errors.map((e) => ({ line: lines[index]?.lineNumber ?? 0, field: e.field, reason: e.reason })),
      ),
    )
  // Keyed by the line's ref as given: the writers keep refs in capitals.
  return new Map(lines.map((l, i) => [l.ref, result.written[i]?.id as string]))
}

async function idsByRef(
  trx: Transaction,
  table:
    | 'online_case'
    | 'online_kirat'
    | 'online_case_child'
    | 'online_case_safeguarding'
    | 'welfare_screening',
  refs: string[],
) {
  if (refs.length === 0) return new Map<string, string>()
  const rows = await trx
    .selectFrom(table)
    .select(['id', 'ref'])
    .where('ref', 'in', [...new Set(refs.map((r) => r.toUpperCase()))])
    .execute()
  const byRef = new Map(rows.map((r) => [r.ref, r.id]))
  return new Map(
    refs.flatMap((r) => (byRef.has(r.toUpperCase()) ? [[r, byRef.get(r.toUpperCase()) as string]] : [])),
  )
}

export const onlineCaseImport = defineImportKind({
  kind: 'online-case',
  subjectKind: onlineCaseKind.kind,
  schema: caseInput.extend({ stages: z.array(stageInput).max(200).default([]) }),
  refersTo: ['person', 'borough', 'team', 'staff'],
  references: (record) => [
    ...(record.suspect ? [{ field: 'suspect', kind: 'person', ref: record.suspect }] : []),
    ...(record.borough ? [{ field: 'borough', kind: 'borough', ref: record.borough }] : []),
    ...record.stages.flatMap((s, i) => [
      ...(s.team ? [{ field: `stages.${i}.team`, kind: 'team', ref: s.team }] : []),
      ...(s.officer ? [{ field: `stages.${i}.officer`, kind: 'staff', ref: s.officer }] : []),
    ]),
  ],
  lookup: (trx, refs) => idsByRef(trx, 'online_case', refs),
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => {
      const { stages, ...input } = l.record
      return { ref: l.ref, input, stages }
    })
    // The sending system's closings are history: a closing reason it recorded is taken as given (ONL-04 judges it).
    const result = await writeCases(trx, importing(clock), submissions, { id: actor, username: actor })
    return idsOrRejected(result, lines)
  },
  describe: {
    summary:
      'An online child sexual abuse case from its referral, with its whole timeline as a nested `stages` array in ' +
      'order after its receipt. Stages must be in order (no warrant before the address is confirmed, nothing ' +
      'before the case was received, nothing in the future).',
    example: {
      kind: 'online-case',
      ref: 'ONL-2018-000123',
      source: 'nca_referral',
      ncaReference: 'NCA-18-0412345',
      receivedAt: '2017-08-14T09:00:00Z',
      materialCategory: 'category_a',
      materialDescription: 'Twelve images uploaded to a cloud storage account',
      materialLocation: 'Cloud storage service',
      materialUploadedAt: '2017-07-30T21:14:00Z',
      suspect: 'KP-0000042',
      borough: 'Lambeth',
      identifiers: [{ kind: 'ip_address', value: '192.0.2.10', seenAt: '2017-07-30T21:14:00Z' }],
      stages: [
        { stage: 'awaiting_research', at: '2017-08-15T09:00:00Z' },
        {
          stage: 'awaiting_communications_data',
          at: '2018-05-02T10:00:00Z',
          returnedAt: '2018-05-09T10:00:00Z',
        },
        { stage: 'address_confirmed', at: '2018-05-10T10:00:00Z' },
        { stage: 'allocated', at: '2018-05-11T10:00:00Z', team: 'Online CSAE team', officer: 'O1001' },
        { stage: 'warrant_executed', at: '2018-05-24T06:00:00Z' },
      ],
    },
  },
})

export const onlineKiratImport = defineImportKind({
  kind: 'online-kirat',
  schema: kiratInput,
  refersTo: ['online-case'],
  references: (record) => [{ field: 'case', kind: 'online-case', ref: record.case }],
  lookup: (trx, refs) => idsByRef(trx, 'online_kirat', refs),
  async subjectsOf(trx, ids) {
    const rows = await trx
      .selectFrom('online_kirat')
      .select('case_id')
      .where('id', 'in', [...ids])
      .execute()
    return [{ kind: onlineCaseKind.kind, ids: rows.map((r) => r.case_id) }]
  },
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeKirats(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'A KIRAT assessment of a case: the level (`very_high`, `high`, `medium`, `low`) and the answers it was ' +
      'computed from, as the assessor gave them.',
    example: {
      kind: 'online-kirat',
      ref: 'KIRAT-2018-000045',
      case: 'ONL-2018-000123',
      assessedAt: '2018-05-10T12:00:00Z',
      level: 'high',
      answers: [
        {
          question: 'Does the suspect have access to children?',
          answer: 'Yes: four children in the household',
        },
        { question: 'Is there evidence of contact offending?', answer: 'Not known' },
      ],
      assessor: 'DC Example',
    },
  },
})

export const onlineChildImport = defineImportKind({
  kind: 'online-household-child',
  schema: childInput,
  refersTo: ['online-case', 'person'],
  references: (record) => [
    { field: 'case', kind: 'online-case', ref: record.case },
    { field: 'person', kind: 'person', ref: record.person },
  ],
  lookup: (trx, refs) => idsByRef(trx, 'online_case_child', refs),
  async subjectsOf(trx, ids) {
    const rows = await trx
      .selectFrom('online_case_child')
      .select('case_id')
      .where('id', 'in', [...ids])
      .execute()
    return [{ kind: onlineCaseKind.kind, ids: rows.map((r) => r.case_id) }]
  },
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeChildren(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'A child identified in the suspect’s household, with when they were identified: a person in the person ' +
      'index, under 18 on that date.',
    example: {
      kind: 'online-household-child',
      ref: 'ONLC-2018-000310',
      case: 'ONL-2018-000123',
      person: 'KP-0000043',
      identifiedAt: '2018-05-10T11:00:00Z',
    },
  },
})

export const onlineSafeguardingImport = defineImportKind({
  kind: 'online-safeguarding',
  // A line's `kind` names the line, so what was done is its `action`.
  schema: safeguardingInput.omit({ kind: true }).extend({ action: safeguardingInput.shape.kind }),
  refersTo: ['online-case', 'person'],
  references: (record) => [
    { field: 'case', kind: 'online-case', ref: record.case },
    ...(record.child ? [{ field: 'child', kind: 'person', ref: record.child }] : []),
  ],
  lookup: (trx, refs) => idsByRef(trx, 'online_case_safeguarding', refs),
  async subjectsOf(trx, ids) {
    const rows = await trx
      .selectFrom('online_case_safeguarding')
      .select('case_id')
      .where('id', 'in', [...ids])
      .execute()
    return [{ kind: onlineCaseKind.kind, ids: rows.map((r) => r.case_id) }]
  },
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => {
      const { action, ...rest } = l.record
      return { ref: l.ref, input: { ...rest, kind: action } }
    })
    return idsOrRejected(
      await writeSafeguarding(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'What was done to protect the children in the suspect’s household: a PAC (with its reference), a referral ' +
      'to children’s social care or a welfare visit, for one child identified in the household or the whole ' +
      'household (ONL-03, ONL-04).',
    example: {
      kind: 'online-safeguarding',
      ref: 'SG-2018-000077',
      case: 'ONL-2018-000123',
      action: 'pac',
      child: 'KP-0000043',
      at: '2018-05-10T15:00:00Z',
      pacRef: 'PAC-2018-0412',
    },
  },
})

export const welfareScreeningImport = defineImportKind({
  kind: 'welfare-screening',
  // ONL-08 reads screenings (dependsOn): one re-imported under another member is judged for both.
  table: 'welfare_screening',
  schema: screeningInput,
  refersTo: ['staff'],
  references: (record) => [{ field: 'staff', kind: 'staff', ref: record.staff }],
  lookup: (trx, refs) => idsByRef(trx, 'welfare_screening', refs),
  async subjectsOf(trx, ids) {
    const rows = await trx
      .selectFrom('welfare_screening')
      .select('staff_id')
      .where('id', 'in', [...ids])
      .execute()
    return [{ kind: iiocViewerKind, ids: rows.map((r) => r.staff_id) }]
  },
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeScreenings(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'A psychological screening of a member of staff who views or grades indecent images (ONL-08); ' +
      '`viewsSince` records when they began, if Kestrel does not hold it.',
    example: {
      kind: 'welfare-screening',
      ref: 'WS-2018-0007',
      staff: 'O1001',
      screenedOn: '2018-03-12',
      viewsSince: '2016-09-01',
    },
  },
})

export const iiocGradingImport = defineImportKind({
  kind: 'iioc-grading',
  schema: gradingInput,
  refersTo: ['staff'],
  references: (record) => [{ field: 'staff', kind: 'staff', ref: record.staff }],
  // One row a person and month: the ref is the sender's, the row is found again by person and month.
  lookup: async () => new Map(),
  async subjectsOf(trx, ids) {
    const rows = await trx
      .selectFrom('iioc_grading_month')
      .select('staff_id')
      .where('id', 'in', [...ids])
      .execute()
    return [{ kind: iiocViewerKind, ids: rows.map((r) => r.staff_id) }]
  },
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeGradings(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'The indecent images a member of staff graded in a month; grading makes them someone who views indecent ' +
      'images from that month (ONL-08). Importing the same person and month again replaces the count.',
    example: {
      kind: 'iioc-grading',
      ref: 'GRADE-O1001-2018-07',
      staff: 'O1001',
      month: '2018-07',
      images: 1240,
    },
  },
})

export const onlineImportKinds = [
  onlineCaseImport,
  onlineKiratImport,
  onlineChildImport,
  onlineSafeguardingImport,
  welfareScreeningImport,
  iiocGradingImport,
]
