import type { z } from 'zod'
import { ImportRejected } from '../../platform/import/importer.ts'
import {
  defineImportKind,
  type ImportKind,
  type Reference,
  type Transaction,
} from '../../platform/import/kinds.ts'
import { chargedPersonKind, managerKind, rsoKind } from './access.ts'
import { writeArrivals } from './service/arrivals.ts'
import { writeCharges } from './service/charges.ts'
import type { WriteResult, WriterDeps } from './service/dependencies.ts'
import {
  allocationInput,
  armsInput,
  arrivalInput,
  chargeInput,
  informationInput,
  notificationInput,
  planInput,
  riskChangeInput,
  rsoInput,
  visitInput,
} from './service/inputs.ts'
import {
  allocationRecords,
  armsRecords,
  informationRecords,
  keepRecords,
  notificationRecords,
  planRecords,
  riskChangeRecords,
  visitRecords,
} from './service/keep-records.ts'
import { idsByRef } from './service/save-by-ref.ts'
import { writeRsos } from './service/write-rsos.ts'

/*
 * The RSO kinds of the JSON Lines import: `rso` first, then the records the managers keep about each one,
 * each naming its RSO by ref. Importing a ref again updates that record, so a batch can be re-run safely.
 * The import runs the RSO rules on what it wrote and logs each record (the importer's hook).
 */

/**
 * The writers' dependencies on the importer's transaction: its clock only. The importer runs the rules on
 * every id of the batch and logs each record before it commits.
 */
const importing = (clock: WriterDeps['clock']): WriterDeps => ({ clock })

/** A writer's result as the importer wants it: ids by ref, or every line's problems. */
function idsOrRejected(result: WriteResult, lines: readonly { lineNumber: number }[]) {
  if ('errors' in result)
    throw new ImportRejected(
      result.errors.flatMap(({ index, errors }) =>
        errors.map((e) => ({ line: lines[index]?.lineNumber ?? 0, field: e.field, reason: e.reason })),
      ),
    )
  return new Map(result.written.map((w) => [w.ref, w.id]))
}

export const rsoImport = defineImportKind({
  kind: 'rso',
  subjectKind: rsoKind.kind,
  schema: rsoInput,
  // A registration changes its managers' caseloads (RSO-05) and meets a charge's ViSOR record (RSO-09).
  async subjectsOf(trx, ids) {
    const rsos = await trx
      .selectFrom('rso')
      .select(['id', 'person_id'])
      .where('id', 'in', [...ids])
      .execute()
    return [
      { kind: managerKind, ids: await managersOf(trx, ids) },
      { kind: chargedPersonKind, ids: rsos.map((r) => r.person_id) },
    ]
  },
  refersTo: ['person', 'borough', 'staff'],
  references: (record) => [
    { field: 'person', kind: 'person', ref: record.person },
    { field: 'borough', kind: 'borough', ref: record.borough },
    ...(record.manager ? [{ field: 'manager', kind: 'staff', ref: record.manager }] : []),
  ],
  lookup: (trx, refs) => idsByRef(trx, 'rso', refs),
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeRsos(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'A registered sex offender: a person in the person index with their notification, MAPPA category and level, ' +
      'risk level, address (its borough is where the RSO lies), offender manager (a staff number in a Jigsaw ' +
      'team), offences and civil orders. The ref is the RSO reference.',
    example: {
      kind: 'rso',
      ref: 'RSO-000123',
      person: 'KP-0000042',
      status: 'active',
      notificationBasis: 'conviction',
      notificationStart: '2015-06-01',
      mappaCategory: 1,
      mappaLevel: 1,
      riskLevel: 'medium',
      visorRef: 'VS-18-004211',
      address: '12 Acre Lane, London SW2',
      borough: 'Lambeth',
      manager: 'J1001',
      offences: [
        {
          offence: 'Sexual assault of a child under 13',
          convictedOn: '2015-05-20',
          court: 'Inner London Crown Court',
        },
      ],
      orders: [
        {
          kind: 'shpo',
          startsOn: '2015-05-20',
          conditions: 'No unsupervised contact with children under 16',
        },
      ],
    },
  },
})

/** Every manager the RSOs have had: their caseloads change when an RSO is registered, moved or ends. */
async function managersOf(trx: Transaction, rsoIds: readonly string[]): Promise<string[]> {
  if (rsoIds.length === 0) return []
  const rows = await trx
    .selectFrom('rso_allocation')
    .select('staff_id')
    .distinct()
    .where('rso_id', 'in', [...rsoIds])
    .execute()
  return rows.map((r) => r.staff_id)
}

/** A kind of record kept about an RSO, by its spec and schema. */
function recordImport<S extends z.ZodType<{ rso: string }>>(declaration: {
  kind: string
  schema: S
  spec: Parameters<typeof keepRecords<z.output<S>>>[2]
  references?: (record: z.output<S>) => Reference[]
  refersTo?: readonly string[]
  describe: ImportKind['describe']
}): ImportKind {
  return defineImportKind<z.output<S>>({
    kind: declaration.kind,
    schema: declaration.schema as unknown as z.ZodType<z.output<S>>,
    refersTo: ['rso', ...(declaration.refersTo ?? [])],
    references: (record) => [
      { field: 'rso', kind: 'rso', ref: record.rso },
      ...(declaration.references?.(record) ?? []),
    ],
    lookup: (trx, refs) => idsByRef(trx, declaration.spec.table, refs),
    async write(lines, { trx, clock, actor }) {
      const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
      const result = await keepRecords(trx, importing(clock), declaration.spec, submissions, {
        id: actor,
        username: actor,
      })
      return idsOrRejected(result, lines)
    },
    // An assessment, a visit, a plan... changes its RSO's findings; an allocation its managers' caseloads too.
    async subjectsOf(trx, ids) {
      const rows = await trx
        .selectFrom(declaration.spec.table)
        .select('rso_id')
        .where('id', 'in', [...ids])
        .execute()
      const rsoIds = [...new Set(rows.map((r) => r.rso_id as string))]
      return [
        { kind: rsoKind.kind, ids: rsoIds },
        ...(declaration.spec.table === 'rso_allocation'
          ? [{ kind: managerKind, ids: await managersOf(trx, rsoIds) }]
          : []),
      ]
    },
    describe: declaration.describe,
  })
}

export const chargeImport = defineImportKind({
  kind: 'charge',
  subjectKind: chargedPersonKind,
  schema: chargeInput,
  refersTo: ['person', 'borough', 'staff'],
  references: (record) => [
    { field: 'person', kind: 'person', ref: record.person },
    { field: 'borough', kind: 'borough', ref: record.borough },
    ...(record.officer ? [{ field: 'officer', kind: 'staff', ref: record.officer }] : []),
  ],
  lookup: (trx, refs) => idsByRef(trx, 'sexual_offence_charge', refs),
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeCharges(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'A charge of a person for a sexual offence recorded in another system (the crime or custody system). ' +
      'A charge of an adult for an offence RSO-09 lists as notifiable asks for a ViSOR record until the person’s ' +
      'RSO record has its ViSOR reference. Charges recorded as investigation outcomes in Kestrel are read as well.',
    example: {
      kind: 'charge',
      ref: 'CHG-2018-000123',
      person: 'KP-0000042',
      offence: 'Sexual assault of a child under 13',
      chargedAt: '2018-08-01T16:00:00Z',
      borough: 'Lambeth',
      officer: 'C1234',
    },
  },
})

export const arrivalImport = defineImportKind({
  kind: 'deportee-arrival',
  schema: arrivalInput,
  refersTo: ['person', 'borough', 'team'],
  references: (record) => [
    ...(record.person ? [{ field: 'person', kind: 'person', ref: record.person }] : []),
    { field: 'borough', kind: 'borough', ref: record.borough },
    ...(record.team ? [{ field: 'team', kind: 'team', ref: record.team }] : []),
  ],
  lookup: (trx, refs) => idsByRef(trx, 'deportee_arrival', refs),
  async write(lines, { trx, clock, actor }) {
    const submissions = lines.map((l) => ({ ref: l.ref, input: l.record }))
    return idsOrRejected(
      await writeArrivals(trx, importing(clock), submissions, { id: actor, username: actor }),
      lines,
    )
  },
  describe: {
    summary:
      'A sex offender deported to this country, notified before landing: who, from where, the flight and when it ' +
      'is expected, the borough they will live in, the team and officers meeting it, and the notification order ' +
      'applied for and its result on the day (granted, refused, adjourned).',
    example: {
      kind: 'deportee-arrival',
      ref: 'ARR-2018-0042',
      name: 'John Example',
      country: 'Thailand',
      flight: 'TG910',
      expectedAt: '2018-08-14T06:35:00Z',
      borough: 'Hillingdon',
      team: 'Hillingdon Jigsaw',
      officers: 'DC Okafor, DC Reid',
      metAt: '2018-08-14T07:20:00Z',
      orderAppliedAt: '2018-08-14T10:00:00Z',
      orderResult: 'granted',
      orderResultAt: '2018-08-14T15:30:00Z',
    },
  },
})

export const offendersImportKinds: readonly ImportKind[] = [
  rsoImport,
  chargeImport,
  arrivalImport,
  recordImport({
    kind: 'rso-arms',
    schema: armsInput,
    spec: armsRecords,
    describe: {
      summary:
        'An ARMS assessment of an RSO: the date, the assessor, the dynamic risk priority and key factors.',
      example: {
        kind: 'rso-arms',
        ref: 'ARMS-0001234',
        rso: 'RSO-000123',
        assessedOn: '2018-03-15',
        assessor: 'DC Jane Okafor',
        priority: 'medium',
        keyFactors: 'Sexual preoccupation; new relationship with a mother of two',
      },
    },
  }),
  recordImport({
    kind: 'rso-risk-change',
    schema: riskChangeInput,
    spec: riskChangeRecords,
    describe: {
      summary:
        'A change of an RSO’s risk level, with when, to what and why; the RSO’s level is the latest change’s.',
      example: {
        kind: 'rso-risk-change',
        ref: 'RISK-0000456',
        rso: 'RSO-000123',
        changedAt: '2018-07-02T10:00:00Z',
        toLevel: 'high',
        reason: 'Arrested for breach of SHPO; new partner with children',
      },
    },
  }),
  recordImport({
    kind: 'rso-information',
    schema: informationInput,
    spec: informationRecords,
    describe: {
      summary:
        'New relevant information about an RSO (a partner’s report, an arrest, a change of household).',
      example: {
        kind: 'rso-information',
        ref: 'INFO-0000789',
        rso: 'RSO-000123',
        receivedAt: '2018-06-20T15:30:00Z',
        source: 'Lambeth children’s social care',
        summary: 'Reported to be staying weekends at a household with two children',
      },
    },
  }),
  recordImport({
    kind: 'rso-plan',
    schema: planInput,
    spec: planRecords,
    refersTo: ['rso-arms'],
    references: (record) => (record.arms ? [{ field: 'arms', kind: 'rso-arms', ref: record.arms }] : []),
    describe: {
      summary:
        'A risk management plan: when it was agreed, by whom, the ARMS assessment and risk level it answers ' +
        '(default the latest assessment), and its actions with owners and dates.',
      example: {
        kind: 'rso-plan',
        ref: 'RMP-0000321',
        rso: 'RSO-000123',
        agreedAt: '2018-03-20T12:00:00Z',
        author: 'DC Jane Okafor',
        arms: 'ARMS-0001234',
        riskLevel: 'medium',
        actions: [{ action: 'Unannounced home visit', owner: 'DC Jane Okafor', due: '2018-06-20' }],
      },
    },
  }),
  recordImport({
    kind: 'rso-visit',
    schema: visitInput,
    spec: visitRecords,
    describe: {
      summary:
        'A home visit to an RSO, planned (plannedOn) or made (visitedAt), announced or not, who went, the outcome, ' +
        'whether children were present and any concerns raised. A visit made must not be before notification began.',
      example: {
        kind: 'rso-visit',
        ref: 'VISIT-0000654',
        rso: 'RSO-000123',
        visitedAt: '2018-06-18T09:30:00Z',
        announced: false,
        officers: 'DC Jane Okafor, PC Sam Reid',
        outcome: 'Seen at home; compliant',
        childrenPresent: false,
      },
    },
  }),
  recordImport({
    kind: 'rso-notification',
    schema: notificationInput,
    spec: notificationRecords,
    describe: {
      summary:
        'A notification an RSO made (initial, change_of_details, periodic, travel_abroad, household_with_child, ' +
        'bank_account, other), when, the deadline it had to meet and the details.',
      example: {
        kind: 'rso-notification',
        ref: 'NOTE-0000987',
        rso: 'RSO-000123',
        notificationKind: 'periodic',
        notifiedAt: '2018-05-30T11:00:00Z',
        details: 'Yearly notification at Brixton police station; no change of details',
      },
    },
  }),
  recordImport({
    kind: 'rso-allocation',
    schema: allocationInput,
    spec: allocationRecords,
    refersTo: ['staff'],
    references: (record) => [{ field: 'manager', kind: 'staff', ref: record.manager }],
    describe: {
      summary:
        'An RSO allocated to an offender manager (a staff number in a Jigsaw team) from a time, with the reason; ' +
        'the allocation before it ends then.',
      example: {
        kind: 'rso-allocation',
        ref: 'ALLOC-0000111',
        rso: 'RSO-000123',
        manager: 'J1002',
        at: '2018-09-01T09:00:00Z',
        reason: 'Caseload rebalanced across the Lambeth Jigsaw team',
      },
    },
  }),
]
