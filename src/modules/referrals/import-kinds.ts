import { sql } from 'kysely'
import { z } from 'zod'
import { type ImportError, ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type ImportLine } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { isoInstant } from '../../platform/time-schemas.ts'
import { bcuIdsForBoroughs } from '../organisation/service/areas.ts'
import { staffMembers } from '../organisation/service/staff.ts'
import { pacKind } from './access.ts'
import {
  aboutKinds,
  bragRatings,
  concernCategories,
  outcomes,
  reviewDecisions,
  riskLevels,
  validatePacProgress,
} from './pac.ts'

const instant = isoInstant('must be a date and time like 2018-08-01T09:30:00Z')
const refText = z.string().trim().min(1, 'is required').max(200)
const longText = z.string().trim().max(5000)

const pacSchema = z
  .object({
    child: refText.describe('ref of a person'),
    aboutKind: z.enum(aboutKinds, { message: `must be one of: ${aboutKinds.join(', ')}` }),
    aboutRef: z.string().trim().max(100).optional(),
    aboutSummary: longText.min(1, 'is required'),
    concerns: z
      .array(z.enum(concernCategories, { message: `each must be one of: ${concernCategories.join(', ')}` }))
      .min(1, 'needs at least one concern'),
    riskLevel: z.enum(riskLevels, { message: `must be one of: ${riskLevels.join(', ')}` }),
    riskAssessment: longText,
    childSpokenTo: z.boolean(),
    voiceOfChild: longText,
    policeFirstKnewAt: instant,
    createdAt: instant,
    borough: refText.describe('name of a borough'),
    raisedBy: z.string().trim().min(1).max(20).optional().describe('staff number of a staff record'),
    raisedByName: z.string().trim().min(1).max(200).optional(),
    review: z
      .object({
        at: instant,
        by: z.string().trim().min(1).max(20).optional(),
        byName: z.string().trim().min(1).max(200).optional(),
        decision: z.enum(reviewDecisions, { message: `must be one of: ${reviewDecisions.join(', ')}` }),
        note: longText.optional(),
      })
      .strict()
      .optional(),
    sharedWithMashAt: instant.optional(),
    mash: z
      .object({
        brag: z.enum(bragRatings, { message: 'must be blue, red, amber or green' }),
        ratedAt: instant.optional(),
        decisionAt: instant.optional(),
      })
      .strict()
      .optional(),
    outcome: z
      .object({
        outcome: z.enum(outcomes, { message: `must be one of: ${outcomes.join(', ')}` }),
        reason: longText.optional(),
        feedbackAt: instant,
      })
      .strict()
      .optional(),
    followUp: z
      .object({ text: longText.min(1), at: instant })
      .strict()
      .optional(),
  })
  .strict()
  .refine((p) => p.raisedBy || p.raisedByName, {
    path: ['raisedBy'],
    message: 'give raisedBy (a staff number) or raisedByName',
  })
  .refine((p) => Date.parse(p.policeFirstKnewAt) <= Date.parse(p.createdAt), {
    path: ['policeFirstKnewAt'],
    message: 'must not be after createdAt',
  })
export type PacLine = z.infer<typeof pacSchema>

const toDate = (v: string | undefined) => (v ? new Date(v) : null)

/**
 * `pac`: a PAC with its whole path. The child is a person ref, the borough a borough name and the raising
 * officer (and reviewer) a staff number, all resolved through the import's references. A line whose
 * steps are out of order, dated in the future or before the PAC was created is refused with its line.
 */
export const pacImportKind = defineImportKind<PacLine>({
  kind: 'pac',
  table: 'pac',
  subjectKind: pacKind.kind,
  schema: pacSchema as unknown as z.ZodType<PacLine>,
  refersTo: ['person', 'borough', 'staff'],
  references: (p) => [
    { field: 'child', kind: 'person', ref: p.child },
    { field: 'borough', kind: 'borough', ref: p.borough },
    ...(p.raisedBy ? [{ field: 'raisedBy', kind: 'staff', ref: p.raisedBy }] : []),
    ...(p.review?.by ? [{ field: 'review.by', kind: 'staff', ref: p.review.by }] : []),
  ],
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('pac').select(['id', 'ref']).where('ref', 'in', refs).execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  async write(lines, { trx, clock, idOf }) {
    const now = clock.now()
    const latest = [...new Map(lines.map((l) => [l.ref, l])).values()]
    const errors: ImportError[] = []
    for (const line of latest) {
      const p = line.record
      const created = new Date(p.createdAt)
      if (created > now)
        errors.push({ line: line.lineNumber, field: 'createdAt', reason: 'must not be in the future' })
      for (const e of validatePacProgress(
        { createdAt: created, policeFirstKnewAt: new Date(p.policeFirstKnewAt) },
        {
          reviewedAt: toDate(p.review?.at),
          reviewDecision: p.review?.decision ?? null,
          reviewNote: p.review?.note ?? null,
          sharedWithMashAt: toDate(p.sharedWithMashAt),
          mashBrag: p.mash?.brag ?? null,
          mashRatedAt: toDate(p.mash?.ratedAt),
          mashDecisionAt: toDate(p.mash?.decisionAt),
          outcome: p.outcome?.outcome ?? null,
          outcomeReason: p.outcome?.reason ?? null,
          feedbackAt: toDate(p.outcome?.feedbackAt),
          followUp: p.followUp?.text ?? null,
          followUpAt: toDate(p.followUp?.at),
        },
        now,
      )) {
        errors.push({ line: line.lineNumber, field: fieldPath(e.field), reason: e.reason })
      }
    }
    if (errors.length) throw new ImportRejected(errors.sort((a, b) => a.line - b.line).slice(0, 50))

    // Staff names, teams and each borough's BCU on the PAC's day come from the organisation's reads, run on
    // this transaction (a query on the outer connection would wait for it on the embedded database).
    const staffIds = [
      ...new Set(
        latest.flatMap((l) => [l.record.raisedBy, l.record.review?.by]).filter((s): s is string => !!s),
      ),
    ]
    const members = await staffMembers(
      trx,
      staffIds.map((number) => idOf('staff', number)),
    )
    const staff = new Map<string, { name: string; teamId: string | null }>()
    for (const number of staffIds) {
      const member = members.get(idOf('staff', number))
      if (member) staff.set(number, { name: member.name, teamId: member.teamId })
    }
    // Each borough's BCU on the PAC's day in London, one query for the batch.
    const bcus = await bcuIdsForBoroughs(
      trx,
      latest.map((l) => ({
        boroughId: idOf('borough', l.record.borough),
        day: londonDate(new Date(l.record.createdAt)),
      })),
    )
    const bcuOf = (boroughId: string, at: Date) => bcus.get(`${boroughId}|${londonDate(at)}`) ?? null

    const rows = latest.map((line) => rowOf(line, idOf, staff, bcuOf, now))
    const ids = new Map<string, string>()
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000)
      const { rows: written } = await sql<{ id: string; ref: string }>`
        insert into pac (ref, person_id, about_kind, about_ref, about_summary, concerns, risk_level, risk_assessment,
          child_spoken_to, voice_of_child, police_first_knew_at, created_at, submitted_at, raised_by_staff_id,
          raised_by_name, raised_by_team_id, created_by, borough_id, bcu_id, reviewed_at, reviewed_by_staff_id,
          reviewed_by_name, review_decision, review_note, shared_with_mash_at, mash_brag, mash_rated_at,
          mash_decision_at, outcome, outcome_reason, feedback_at, follow_up, follow_up_at, updated_at)
        select x.ref, x.person_id, x.about_kind, x.about_ref, x.about_summary, x.concerns, x.risk_level,
          x.risk_assessment, x.child_spoken_to, x.voice_of_child, x.police_first_knew_at, x.created_at,
          x.created_at, x.raised_by_staff_id, x.raised_by_name, x.raised_by_team_id, x.created_by, x.borough_id,
          x.bcu_id, x.reviewed_at, x.reviewed_by_staff_id, x.reviewed_by_name, x.review_decision, x.review_note,
          x.shared_with_mash_at, x.mash_brag, x.mash_rated_at, x.mash_decision_at, x.outcome, x.outcome_reason,
          x.feedback_at, x.follow_up, x.follow_up_at, x.updated_at
        from jsonb_to_recordset(cast(${JSON.stringify(chunk)} as jsonb)) as x(
          ref text, person_id uuid, about_kind text, about_ref text, about_summary text, concerns text[],
          risk_level text, risk_assessment text, child_spoken_to boolean, voice_of_child text,
          police_first_knew_at timestamptz, created_at timestamptz, raised_by_staff_id uuid, raised_by_name text,
          raised_by_team_id uuid, created_by text, borough_id uuid, bcu_id uuid, reviewed_at timestamptz,
          reviewed_by_staff_id uuid, reviewed_by_name text, review_decision text, review_note text,
          shared_with_mash_at timestamptz, mash_brag text, mash_rated_at timestamptz, mash_decision_at timestamptz,
          outcome text, outcome_reason text, feedback_at timestamptz, follow_up text, follow_up_at timestamptz,
          updated_at timestamptz)
        on conflict (ref) do update set
          person_id = excluded.person_id, about_kind = excluded.about_kind, about_ref = excluded.about_ref,
          about_summary = excluded.about_summary, concerns = excluded.concerns, risk_level = excluded.risk_level,
          risk_assessment = excluded.risk_assessment, child_spoken_to = excluded.child_spoken_to,
          voice_of_child = excluded.voice_of_child, police_first_knew_at = excluded.police_first_knew_at,
          created_at = excluded.created_at, submitted_at = excluded.submitted_at,
          raised_by_staff_id = excluded.raised_by_staff_id, raised_by_name = excluded.raised_by_name,
          raised_by_team_id = excluded.raised_by_team_id, borough_id = excluded.borough_id, bcu_id = excluded.bcu_id,
          reviewed_at = excluded.reviewed_at, reviewed_by_staff_id = excluded.reviewed_by_staff_id,
          reviewed_by_name = excluded.reviewed_by_name, review_decision = excluded.review_decision,
          review_note = excluded.review_note, shared_with_mash_at = excluded.shared_with_mash_at,
          mash_brag = excluded.mash_brag, mash_rated_at = excluded.mash_rated_at,
          mash_decision_at = excluded.mash_decision_at, outcome = excluded.outcome,
          outcome_reason = excluded.outcome_reason, feedback_at = excluded.feedback_at,
          follow_up = excluded.follow_up, follow_up_at = excluded.follow_up_at, updated_at = excluded.updated_at,
          version = pac.version + 1
        returning id, ref`.execute(trx)
      for (const w of written) ids.set(w.ref, w.id)
    }
    return ids
  },
  describe: {
    summary:
      'A PAC (Merlin pre-assessment check) for a child, with its supervisor review, sharing with the MASH, BRAG ' +
      'rating and decision, social care outcome and police follow-up.',
    example: {
      kind: 'pac',
      ref: 'MERLIN-18-004411',
      child: 'KP-0000123',
      aboutKind: 'incident',
      aboutRef: 'CAD-2231-01AUG18',
      aboutSummary: 'Domestic incident; child present',
      concerns: ['domestic_abuse_stalking_harassment', 'child_abuse'],
      riskLevel: 'medium',
      riskAssessment: 'Third call this month',
      childSpokenTo: true,
      voiceOfChild: 'Dad shouts at Mum every night',
      policeFirstKnewAt: '2018-08-01T21:40:00Z',
      createdAt: '2018-08-02T03:10:00Z',
      borough: 'Camden',
      raisedBy: 'MP100234',
      review: { at: '2018-08-02T09:00:00Z', by: 'MP100235', decision: 'approved' },
      sharedWithMashAt: '2018-08-02T10:00:00Z',
      mash: { brag: 'amber', ratedAt: '2018-08-02T11:00:00Z', decisionAt: '2018-08-02T16:00:00Z' },
      outcome: { outcome: 'early_help', feedbackAt: '2018-08-03T12:00:00Z' },
    },
  },
})

const fieldPaths: Record<string, string> = {
  reviewedAt: 'review.at',
  reviewDecision: 'review.decision',
  reviewNote: 'review.note',
  mashBrag: 'mash.brag',
  mashRatedAt: 'mash.ratedAt',
  mashDecisionAt: 'mash.decisionAt',
  outcomeReason: 'outcome.reason',
  feedbackAt: 'outcome.feedbackAt',
  followUp: 'followUp.text',
  followUpAt: 'followUp.at',
}
const fieldPath = (field: string) => fieldPaths[field] ?? field

function rowOf(
  line: ImportLine<PacLine>,
  idOf: (kind: string, ref: string) => string,
  staff: Map<string, { name: string; teamId: string | null }>,
  bcuOf: (boroughId: string, at: Date) => string | null,
  now: Date,
) {
  const p = line.record
  const boroughId = idOf('borough', p.borough)
  const created = new Date(p.createdAt)
  const raiser = p.raisedBy ? staff.get(p.raisedBy) : undefined
  const reviewer = p.review?.by ? staff.get(p.review.by) : undefined
  return {
    ref: line.ref,
    person_id: idOf('person', p.child),
    about_kind: p.aboutKind,
    about_ref: p.aboutRef ?? null,
    about_summary: p.aboutSummary,
    concerns: p.concerns,
    risk_level: p.riskLevel,
    risk_assessment: p.riskAssessment,
    child_spoken_to: p.childSpokenTo,
    voice_of_child: p.voiceOfChild,
    police_first_knew_at: p.policeFirstKnewAt,
    created_at: p.createdAt,
    raised_by_staff_id: p.raisedBy ? idOf('staff', p.raisedBy) : null,
    raised_by_name: p.raisedByName ?? raiser?.name ?? (p.raisedBy as string),
    raised_by_team_id: raiser?.teamId ?? null,
    created_by: 'import',
    borough_id: boroughId,
    bcu_id: bcuOf(boroughId, created),
    reviewed_at: p.review?.at ?? null,
    reviewed_by_staff_id: p.review?.by ? idOf('staff', p.review.by) : null,
    reviewed_by_name: p.review ? (p.review.byName ?? reviewer?.name ?? p.review.by ?? null) : null,
    review_decision: p.review?.decision ?? null,
    review_note: p.review?.note ?? null,
    shared_with_mash_at: p.sharedWithMashAt ?? null,
    mash_brag: p.mash?.brag ?? null,
    mash_rated_at: p.mash?.ratedAt ?? null,
    mash_decision_at: p.mash?.decisionAt ?? null,
    outcome: p.outcome?.outcome ?? null,
    outcome_reason: p.outcome?.reason ?? null,
    feedback_at: p.outcome?.feedbackAt ?? null,
    follow_up: p.followUp?.text ?? null,
    follow_up_at: p.followUp?.at ?? null,
    updated_at: now.toISOString(),
  }
}
