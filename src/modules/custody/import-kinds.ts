import { z } from 'zod'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { detentionKind } from './access.ts'
import { eventInput } from './custody.ts'
import { detentionInput, writeDetentions } from './service.ts'

/**
 * `custody-detention`: one line per detention, its whole timeline as a nested `events` array. An event
 * that answers an earlier one (review_told, la_response) names it as "#<index in events>". Importing a ref
 * again replaces that detention's facts and timeline, so a batch can be re-run safely.
 */
export const custodyDetentionImport = defineImportKind({
  kind: 'custody-detention',
  subjectKind: detentionKind.kind,
  schema: detentionInput.extend({ events: z.array(eventInput).max(500).default([]) }),
  // `pac` is not a checked reference (a PAC Kestrel does not hold is kept as the other system's), but a PAC
  // in the same batch is written first so the detention links it.
  refersTo: ['person', 'team', 'pac'],
  references: (record) => [
    { field: 'child', kind: 'person', ref: record.child },
    { field: 'custodySuite', kind: 'team', ref: record.custodySuite },
  ],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('custody_detention')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  async write(lines, { trx, clock, actor }) {
    const result = await writeDetentions(
      trx,
      lines.map((line) => {
        const { events, ...detention } = line.record
        return { ref: line.ref, detention, events }
      }),
      actor,
      clock.now(),
      // History as it happened: a PAC's time is its own or the sending system's, never the import's.
      { asRecorded: true },
    )
    if ('errors' in result) {
      throw new ImportRejected(
        result.errors.flatMap(({ index, errors }) =>
          errors.map((e) => ({ line: lines[index]?.lineNumber ?? 0, field: e.field, reason: e.reason })),
        ),
      )
    }
    return new Map(result.written.map((w) => [w.ref, w.id]))
  },
  describe: {
    summary:
      'A child’s detention in police custody with its timeline of events (PACE). The child must be under 18 at ' +
      'arrest unless appearsUnder18 is true; events must be in a possible order. pacRef links a PAC Kestrel holds ' +
      '(at its own time) or keeps another system’s reference as such.',
    example: {
      kind: 'custody-detention',
      ref: 'CUST-2018-000123',
      child: 'KP-0000042',
      custodySuite: 'Brixton custody suite',
      offences: ['Robbery'],
      arrestedAt: '2018-08-01T15:10:00Z',
      appearsUnder18: false,
      pacRef: 'PAC-2018-0099',
      events: [
        { kind: 'arrived', at: '2018-08-01T15:40:00Z' },
        { kind: 'detention_authorised', at: '2018-08-01T15:55:00Z', officerName: 'PS Example' },
        { kind: 'aa_contacted', at: '2018-08-01T16:00:00Z', personName: 'Mother', aaRelationship: 'parent' },
        { kind: 'aa_arrived', at: '2018-08-02T08:00:00Z' },
        {
          kind: 'review',
          at: '2018-08-01T21:30:00Z',
          officerName: 'Insp Example',
          officerRank: 'inspector',
          inPerson: false,
          absenceReason: 'asleep',
          aaIntervention: 'Mother not answering: asked the appropriate adult service for a volunteer',
        },
        { kind: 'review_told', at: '2018-08-02T07:00:00Z', relatedEventId: '#4' },
      ],
    },
  },
})
