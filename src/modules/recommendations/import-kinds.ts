import { z } from 'zod'
import { historyService } from '../../platform/db/history.ts'
import { type ImportError, ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type ImportLine, type Transaction } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { evidenceKinds, recommendationKind } from './recommendations.ts'

/**
 * An action of the force's existing action plan on a recommendation, with its milestones and the evidence
 * that shows them met, as the force kept them before Kestrel: so the tracker starts from the plan's history
 * and REC-01 judges it as it happened. Importing a reference again adds the milestones and evidence not
 * already there (matched by title, and by kind, reference and date) and moves the title, owner and
 * completion; it never removes one, since the tracker's history keeps what was said.
 */

const evidence = z
  .object({
    kind: z.enum(evidenceKinds),
    reference: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    evidenceOn: isoDay(),
  })
  .strict()

const schema = z
  .object({
    recommendation: z.string().regex(/^R[0-9]{4}-[0-9]{2}$/, 'Give the recommendation as R2018-01'),
    title: z.string().trim().min(1).max(2000),
    owner: z.string().min(1),
    // The day the action was agreed: when the plan held it, so REC-01 judges its milestones from then.
    agreedOn: isoDay(),
    milestones: z
      .array(
        z
          .object({
            title: z.string().trim().min(1).max(500),
            dueOn: isoDay(),
            evidence: z.array(evidence).max(50).optional(),
          })
          .strict(),
      )
      .max(50)
      .optional(),
    // Evidence for the action as a whole rather than for one milestone.
    evidence: z.array(evidence).max(50).optional(),
    completedOn: isoDay().optional(),
  })
  .strict()

type ActionLine = z.infer<typeof schema>
type Evidence = z.infer<typeof evidence>

interface Recommendation {
  id: string
  ref: string
  made_on: string
}

/** Every fault of one line against its recommendation and today, each naming its field. */
function faults(
  line: ImportLine<ActionLine>,
  rec: Recommendation | undefined,
  today: string,
  isMeasure: (id: string) => boolean,
  earlierEvidence: readonly string[],
): ImportError[] {
  const { record, lineNumber: lineNo } = line
  if (!rec)
    return [{ line: lineNo, field: 'recommendation', reason: `No recommendation ${record.recommendation}` }]
  const errors: ImportError[] = []
  const day = (field: string, value: string, what: string) => {
    if (value < rec.made_on)
      errors.push({ line: lineNo, field, reason: `${what} is before ${rec.ref} was made (${rec.made_on})` })
    else if (value > today) errors.push({ line: lineNo, field, reason: `${what} is in the future` })
  }
  day('agreedOn', record.agreedOn, 'The day it was agreed')
  const checkEvidence = (list: readonly Evidence[] | undefined, at: string) =>
    list?.forEach((e, i) => {
      day(`${at}.${i}.evidenceOn`, e.evidenceOn, 'The date of the evidence')
      if (e.kind === 'measure' && !isMeasure(e.reference))
        errors.push({
          line: lineNo,
          field: `${at}.${i}.reference`,
          reason: `No measure ${e.reference} on the dashboard`,
        })
    })
  record.milestones?.forEach((m, i) => {
    if (m.dueOn < rec.made_on)
      errors.push({
        line: lineNo,
        field: `milestones.${i}.dueOn`,
        reason: `The milestone’s date is before ${rec.ref} was made (${rec.made_on})`,
      })
    checkEvidence(m.evidence, `milestones.${i}.evidence`)
  })
  checkEvidence(record.evidence, 'evidence')
  const completedOn = record.completedOn
  if (completedOn) {
    day('completedOn', completedOn, 'The day it was completed')
    // As the tracker's page asks: an action is complete only with evidence dated by then.
    const dates = [
      ...earlierEvidence,
      ...(record.evidence ?? []).map((e) => e.evidenceOn),
      ...(record.milestones ?? []).flatMap((m) => (m.evidence ?? []).map((e) => e.evidenceOn)),
    ]
    if (!dates.some((d) => d <= completedOn))
      errors.push({
        line: lineNo,
        field: 'completedOn',
        reason: 'An action is complete only with evidence dated on or before the day it was completed',
      })
  }
  return errors
}

const evidenceKey = (e: { kind: string; reference: string; evidence_on: string }, milestone: string | null) =>
  `${milestone}|${e.kind}|${e.reference}|${e.evidence_on}`

async function existingActions(trx: Transaction, refs: readonly string[]) {
  const actions = await trx
    .selectFrom('recommendation_action as a')
    .innerJoin('recommendation as r', 'r.id', 'a.recommendation_id')
    .select([
      'a.id',
      'a.ref',
      'a.version',
      'a.title',
      'a.owner_staff_id',
      'a.status',
      'a.completed_on',
      'r.ref as rec',
    ])
    .where('a.ref', 'in', refs)
    .execute()
  const ids = actions.map((a) => a.id)
  const milestones = ids.length
    ? await trx
        .selectFrom('recommendation_milestone')
        .select(['id', 'action_id', 'title'])
        .where('action_id', 'in', ids)
        .execute()
    : []
  const evidenceRows = ids.length
    ? await trx
        .selectFrom('recommendation_evidence')
        .select(['action_id', 'milestone_id', 'kind', 'reference', 'evidence_on'])
        .where('action_id', 'in', ids)
        .execute()
    : []
  return { actions: new Map(actions.map((a) => [a.ref as string, a])), milestones, evidence: evidenceRows }
}

export const recommendationActionKind = defineImportKind<ActionLine>({
  kind: 'recommendation-action',
  refSchema: z.string().min(1).max(200),
  schema,
  refersTo: ['staff'],
  references: (record) => [{ field: 'owner', kind: 'staff', ref: record.owner }],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('recommendation_action')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref as string, r.id]))
  },
  async write(lines, { trx, clock, actor, idOf, isMeasure }) {
    const today = londonDate(clock.now())
    const recs = await trx
      .selectFrom('recommendation')
      .select(['id', 'ref', 'made_on'])
      .where('ref', 'in', [...new Set(lines.map((l) => l.record.recommendation))])
      .execute()
    const recOf = new Map(recs.map((r) => [r.ref, r]))
    const before = await existingActions(trx, [...new Set(lines.map((l) => l.ref))])
    const evidenceDates = new Map<string, string[]>()
    for (const e of before.evidence) {
      const ref = [...before.actions.values()].find((a) => a.id === e.action_id)?.ref as string
      evidenceDates.set(ref, [...(evidenceDates.get(ref) ?? []), e.evidence_on])
    }
    // Every line is checked before anything is written: a fault anywhere rejects the batch.
    const errors: ImportError[] = []
    for (const line of lines) {
      const rec = recOf.get(line.record.recommendation)
      const earlier = before.actions.get(line.ref)
      if (rec && earlier && earlier.rec !== rec.ref)
        errors.push({
          line: line.lineNumber,
          field: 'recommendation',
          reason: `Action ${line.ref} is on ${earlier.rec}, not ${rec.ref}`,
        })
      errors.push(...faults(line, rec, today, isMeasure, evidenceDates.get(line.ref) ?? []))
      const dates = [
        ...(line.record.evidence ?? []),
        ...(line.record.milestones ?? []).flatMap((m) => m.evidence ?? []),
      ].map((e) => e.evidenceOn)
      evidenceDates.set(line.ref, [...(evidenceDates.get(line.ref) ?? []), ...dates])
    }
    if (errors.length) throw new ImportRejected(errors.slice(0, 50))

    const history = historyService(trx, clock)
    const author = { id: actor }
    const ids = new Map<string, string>()
    const milestoneIds = new Map(before.milestones.map((m) => [`${m.action_id}|${m.title}`, m.id]))
    const evidenceSeen = new Set(before.evidence.map((e) => evidenceKey(e, e.milestone_id)))
    for (const { ref, record } of lines) {
      const rec = recOf.get(record.recommendation) as Recommendation
      const agreedAt = new Date(`${record.agreedOn}T12:00:00Z`)
      const fields = {
        title: record.title,
        owner_staff_id: idOf('staff', record.owner),
        status: record.completedOn ? ('complete' as const) : ('in_progress' as const),
        completed_on: record.completedOn ?? null,
      }
      const current = ids.has(ref)
        ? await trx
            .selectFrom('recommendation_action')
            .select(['id', 'version'])
            .where('id', '=', ids.get(ref) as string)
            .executeTakeFirstOrThrow()
        : before.actions.get(ref)
      const action = current
        ? await history.updateRecord(
            trx,
            'recommendation_action',
            current.id,
            current.version,
            fields,
            author,
          )
        : await history.insertRecord(
            trx,
            'recommendation_action',
            { ...fields, ref, recommendation_id: rec.id, created_at: agreedAt },
            author,
          )
      ids.set(ref, action.id)
      const addEvidence = async (list: readonly Evidence[] | undefined, milestoneId: string | null) => {
        for (const e of list ?? []) {
          const key = evidenceKey(
            { kind: e.kind, reference: e.reference, evidence_on: e.evidenceOn },
            milestoneId,
          )
          if (evidenceSeen.has(key)) continue
          evidenceSeen.add(key)
          await history.insertRecord(
            trx,
            'recommendation_evidence',
            {
              action_id: action.id,
              milestone_id: milestoneId,
              kind: e.kind,
              reference: e.reference,
              description: e.description ?? null,
              evidence_on: e.evidenceOn,
              created_at: new Date(`${e.evidenceOn}T12:00:00Z`),
            },
            author,
          )
        }
      }
      for (const m of record.milestones ?? []) {
        let milestoneId = milestoneIds.get(`${action.id}|${m.title}`)
        if (!milestoneId) {
          milestoneId = (
            await history.insertRecord(
              trx,
              'recommendation_milestone',
              { action_id: action.id, title: m.title, due_on: m.dueOn, created_at: agreedAt },
              author,
            )
          ).id
          milestoneIds.set(`${action.id}|${m.title}`, milestoneId)
        }
        await addEvidence(m.evidence, milestoneId)
      }
      await addEvidence(record.evidence, null)
    }
    return ids
  },
  // REC-01 is about the recommendation: an action's write changes its recommendation's findings.
  async subjectsOf(trx, ids) {
    const rows = ids.length
      ? await trx
          .selectFrom('recommendation_action')
          .select('recommendation_id')
          .distinct()
          .where('id', 'in', ids)
          .execute()
      : []
    return [{ kind: recommendationKind, ids: rows.map((r) => r.recommendation_id) }]
  },
  describe: {
    summary:
      'An action of the force’s plan on a recommendation of the 2016 or 2018 report, with its owner, milestones and evidence; REC-01 judges them from the day it was agreed.',
    example: {
      recommendation: 'R2018-01',
      title: 'Dip-sample strategy discussions for health attendance each month',
      owner: 'MP100234',
      agreedOn: '2018-11-20',
      milestones: [
        {
          title: 'First monthly dip sample reported to the safeguarding board',
          dueOn: '2019-01-31',
          evidence: [{ kind: 'document', reference: 'SB/2019/02', evidenceOn: '2019-02-04' }],
        },
      ],
    },
  },
})

export const recommendationsImportKinds = [recommendationActionKind]
