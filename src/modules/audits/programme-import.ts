import { z } from 'zod'
import { recordMany } from '../../platform/db/history.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type Transaction } from '../../platform/import/kinds.ts'
import { instantOfDay, londonDate } from '../../platform/time.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { learningKind } from './rules.ts'
import { insertProgramme, programmeLine } from './service/programmes.ts'

/*
 * `audit-programme` and `audit-bulletin`: a programme whose sample is drawn at import, by the module's own
 * stratified sampling over the records Kestrel holds, from the seed the line gives (so the demo's programmes
 * are drawn as a DIT auditor's are, and can be drawn again to check them); and a force-wide bulletin that
 * audit lines' learning points name as where they were shared. Both are imported before the audits that
 * name them.
 */

async function heldBy(trx: Transaction, table: 'audit_programme' | 'audit_bulletin', refs: string[]) {
  const rows = await trx
    .selectFrom(table)
    .select(['id', 'ref'])
    .where(
      'ref',
      'in',
      refs.map((r) => r.toUpperCase()),
    )
    .execute()
  const byRef = new Map(rows.map((r) => [r.ref, r.id]))
  return new Map(
    refs.flatMap((r) => (byRef.has(r.toUpperCase()) ? [[r, byRef.get(r.toUpperCase()) as string]] : [])),
  )
}

export const programmeImport = defineImportKind({
  kind: 'audit-programme',
  schema: programmeLine,
  refersTo: ['bcu'],
  references: (p) => p.bcus.map((code, i) => ({ field: `bcus.${i}`, kind: 'bcu', ref: code })),
  lookup: (trx, refs) => heldBy(trx, 'audit_programme', refs),
  async write(lines, { trx, clock, actor, idOf }) {
    const now = clock.now()
    const ids = new Map<string, string>()
    const problems: { line: number; field: string; reason: string }[] = []
    for (const { ref, record: p, lineNumber } of lines) {
      const bcus = p.bcus.map((code) => idOf('bcu', code))
      const held = await trx
        .selectFrom('audit_programme')
        .select(['id', 'seed', 'sample_size', 'period_from', 'period_to', 'strata'])
        .where('ref', '=', ref.toUpperCase())
        .executeTakeFirst()
      if (held) {
        // A sample is drawn once: the same programme again is kept as drawn, a different one refused.
        const same =
          held.seed === p.seed &&
          held.sample_size === p.sampleSize &&
          String(held.period_from).slice(0, 10) === p.from &&
          String(held.period_to).slice(0, 10) === p.to &&
          held.strata === p.strata
        if (!same)
          problems.push({
            line: lineNumber,
            field: 'ref',
            reason: 'this programme’s sample was drawn already with another scope or seed',
          })
        ids.set(ref, held.id)
        continue
      }
      try {
        const made = await insertProgramme(trx, { ...p, bcus }, { actor, now, ref })
        ids.set(ref, made.id)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        problems.push(...error.errors.map((e) => ({ line: lineNumber, field: e.field, reason: e.reason })))
      }
    }
    if (problems.length) throw new ImportRejected(problems)
    return ids
  },
  describe: {
    summary:
      'An audit programme: its scope (case types, BCUs by code, a period), the sample size, the strata and the ' +
      'seed. The sample is drawn when the line is imported, from the records Kestrel holds then, by the same ' +
      'stratified sampling as a programme made on its page, and stored with the seed; importing the same ' +
      'programme again keeps the sample drawn. A sample larger than the scope is refused (`sampleSize`). ' +
      'Audits of its cases name it (`sampled`).',
    example: {
      kind: 'audit-programme',
      ref: 'AP-CN-2018-Q2',
      name: 'Central North, April to June 2018',
      caseTypes: ['domestic_abuse_referral', 'other_referral', 'section_47'],
      bcus: ['CN'],
      from: '2018-04-01',
      to: '2018-06-30',
      sampleSize: 25,
      strata: 'case_type_bcu',
      seed: 'cn-2018-q2',
      moderationPercent: 20,
    },
  },
})

export const bulletinLine = z
  .object({
    title: z.string().trim().min(1, 'enter a title').max(200, 'must be at most 200 characters'),
    publishedOn: isoDay('must be a date like 2018-08-15'),
    publishedBy: z.string().trim().min(1).max(200).optional(),
  })
  .strict()

export const bulletinImport = defineImportKind({
  kind: 'audit-bulletin',
  schema: bulletinLine,
  lookup: (trx, refs) => heldBy(trx, 'audit_bulletin', refs),
  async write(lines, { trx, clock, actor }) {
    const today = londonDate(clock.now())
    const late = lines.filter((l) => l.record.publishedOn > today)
    if (late.length)
      throw new ImportRejected(
        late.map((l) => ({ line: l.lineNumber, field: 'publishedOn', reason: 'must not be in the future' })),
      )
    const ids = new Map<string, string>()
    for (const { ref, record: b } of lines) {
      const values = {
        title: b.title,
        published_at: instantOfDay(b.publishedOn, clock.now()),
        published_by: b.publishedBy ?? actor,
      }
      const row = await trx
        .insertInto('audit_bulletin')
        .values({ ...values, ref: ref.toUpperCase() })
        .onConflict((oc) =>
          oc
            .column('ref')
            .doUpdateSet((eb) => ({ ...values, version: eb('audit_bulletin.version', '+', 1) })),
        )
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow()
      await recordMany(trx, [
        {
          table: 'audit_bulletin',
          id: row.id,
          version: row.version,
          action: row.version === 1 ? 'create' : 'update',
          changedBy: actor,
          changedAt: clock.now(),
          changes: b,
        },
      ])
      ids.set(ref, row.id)
    }
    return ids
  },
  // A bulletin's date settles AUD-02 for the learning it holds.
  async subjectsOf(trx, ids) {
    const items = await trx
      .selectFrom('audit_bulletin_item')
      .select('learning_id')
      .where('bulletin_id', 'in', ids)
      .execute()
    return items.length ? [{ kind: learningKind, ids: items.map((i) => i.learning_id) }] : []
  },
  describe: {
    summary:
      'A force-wide bulletin of audit learning, published on a day. Learning points are put in it by the audit ' +
      'lines that record them (`learning[].sharedIn`); a point shared in a bulletin is no longer local (AUD-02).',
    example: {
      kind: 'audit-bulletin',
      ref: 'ALB-2018-03',
      title: 'What our audits found, April to June 2018',
      publishedOn: '2018-08-15',
      publishedBy: 'Dedicated inspection team',
    },
  },
})
