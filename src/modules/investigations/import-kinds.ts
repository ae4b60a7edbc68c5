import { sql } from 'kysely'
import { z } from 'zod'
import type { Transaction } from '../../platform/db/database.ts'
import { type ImportError, ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type ImportKind, type ImportLine } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { isoInstant } from '../../platform/time-schemas.ts'
import { datesOfBirth } from '../children/service/find-people.ts'
import { bcuIdsForBoroughs } from '../organisation/service/areas.ts'
import { team } from '../organisation/service/teams.ts'
import { investigationKind } from './access.ts'
import { allocationsAffectedBy, countOpenCases } from './caseload.ts'
import {
  actionKinds,
  agencies,
  caseTypes,
  outcomeCodes,
  personRoles,
  riskLevels,
  strands,
} from './investigation.ts'
import { isChildOn } from './service.ts'

const instant = isoInstant('must be a date and time like 2018-08-01T09:30:00Z')
const ref = z.string().trim().min(1, 'is required').max(200)
const staffRef = z.string().trim().min(1).max(20).describe('staff number')
const name = z.string().trim().min(1).max(200)
const long = z.string().trim().max(5000)
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `must be one of: ${values.join(', ')}` })

const investigationSchema = z
  .object({
    caseType: list(caseTypes),
    strands: z.array(list(strands)).min(1, 'needs at least one strand'),
    riskLevel: list(riskLevels),
    summary: long.min(1, 'is required'),
    borough: ref.describe('name of a borough'),
    openedAt: instant,
    people: z
      .array(
        z
          .object({
            person: ref,
            role: list(personRoles),
            seenAt: instant.optional(),
            spokenTo: z.boolean().optional(),
            notSeenReason: z.string().trim().min(1).max(2000).optional(),
            recordedAt: instant.optional(),
          })
          .strict(),
      )
      .min(1, 'needs at least one person'),
    pacs: z.array(ref).optional(),
    allocations: z
      .array(
        z
          .object({
            team: ref,
            officer: staffRef,
            at: instant,
            byName: name.optional(),
            reason: z.string().trim().max(2000).optional(),
          })
          .strict(),
      )
      .optional(),
    offence: z.string().trim().max(500).optional(),
    crimeReference: z.string().trim().max(100).optional(),
    crimeRecordedAt: instant.optional(),
    closure: z
      .object({
        at: instant,
        outcome: list(outcomeCodes as [string, ...string[]]),
        rationale: long.min(1, 'is required'),
        byName: name.optional(),
      })
      .strict()
      .optional(),
    welfareVisitAt: instant.optional(),
    socialCareReferralAt: instant.optional(),
  })
  .strict()
type InvestigationLine = z.infer<typeof investigationSchema>

const iso = (v: string | undefined | null) => v ?? null

/** Refuses every line whose record is out of order, naming the line and the field. */
function check(errors: ImportError[]) {
  if (errors.length) throw new ImportRejected(errors.sort((a, b) => a.line - b.line).slice(0, 50))
}

async function lookupRefs(trx: Transaction, table: string, refs: string[]) {
  const { rows } = await sql<{ id: string; ref: string }>`
    select id, ref from ${sql.table(table)} where ref = any(${refs}::text[])`.execute(trx)
  return new Map(rows.map((r) => [r.ref, r.id]))
}

/** Each investigation the lines point at, with when it opened: a record may not predate its case. */
async function openedAtOf(trx: Transaction, ids: string[]) {
  const rows = await trx
    .selectFrom('investigation')
    .select(['id', 'opened_at'])
    .where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000'])
    .execute()
  return new Map(rows.map((r) => [r.id, r.opened_at]))
}

/** `investigation`: a case with its people, PACs, allocation history, crime record and closure. */
export const investigationImportKind = defineImportKind<InvestigationLine>({
  kind: 'investigation',
  subjectKind: investigationKind.kind,
  // Other modules' rules read cases (RSO-09, a charge at closure): they judge again what a batch changed.
  table: 'investigation',
  schema: investigationSchema as unknown as z.ZodType<InvestigationLine>,
  refersTo: ['borough', 'person', 'pac', 'team', 'staff'],
  references: (r) => [
    { field: 'borough', kind: 'borough', ref: r.borough },
    ...r.people.map((p, i) => ({ field: `people.${i}.person`, kind: 'person', ref: p.person })),
    ...(r.pacs ?? []).map((p, i) => ({ field: `pacs.${i}`, kind: 'pac', ref: p })),
    ...(r.allocations ?? []).flatMap((a, i) => [
      { field: `allocations.${i}.team`, kind: 'team', ref: a.team },
      { field: `allocations.${i}.officer`, kind: 'staff', ref: a.officer },
    ]),
  ],
  lookup: (trx, refs) => lookupRefs(trx, 'investigation', refs),
  async write(lines, { trx, clock, idOf, alsoEvaluate }) {
    const now = clock.now()
    const latest = [...new Map(lines.map((l) => [l.ref, l])).values()]
    const errors: ImportError[] = []
    for (const { lineNumber: line, record: r } of latest) {
      const opened = Date.parse(r.openedAt)
      // Each is something that happened, as on the pages: an event dated ahead would let the clock alone
      // change the case's findings, which the steady sweep reads only at their due times.
      const happened = (field: string, at: string | undefined, notBeforeOpening = true) => {
        if (!at) return
        if (Date.parse(at) > now.getTime()) errors.push({ line, field, reason: 'must not be in the future' })
        else if (notBeforeOpening && Date.parse(at) < opened)
          errors.push({ line, field, reason: 'must not be before openedAt' })
      }
      happened('openedAt', r.openedAt, false)
      for (const [i, a] of (r.allocations ?? []).entries()) happened(`allocations.${i}.at`, a.at)
      for (const [i, p] of r.people.entries()) {
        happened(`people.${i}.seenAt`, p.seenAt)
        happened(`people.${i}.recordedAt`, p.recordedAt, false)
      }
      happened('crimeRecordedAt', r.crimeRecordedAt, false)
      happened('closure.at', r.closure?.at)
      happened('welfareVisitAt', r.welfareVisitAt)
      happened('socialCareReferralAt', r.socialCareReferralAt, false)
    }
    check(errors)
    const dob = await datesOfBirth(
      trx,
      latest.flatMap(({ record: r }) => r.people.map((p) => idOf('person', p.person))),
    )
    const teams = new Map<string, number | null>()
    // Each case's BCU on the day it opened, for the whole batch in one query.
    const openedIn = latest.map(({ record: r }) => ({
      boroughId: idOf('borough', r.borough),
      day: londonDate(new Date(r.openedAt)),
    }))
    const bcuIds = await bcuIdsForBoroughs(trx, openedIn)
    const rows = []
    for (const [index, { ref, record: r }] of latest.entries()) {
      const { boroughId, day } = openedIn[index] as { boroughId: string; day: string }
      const last = r.allocations?.at(-1)
      rows.push({
        ref,
        case_type: r.caseType,
        strands: r.strands,
        risk_level: r.riskLevel,
        summary: r.summary,
        borough_id: boroughId,
        bcu_id: bcuIds.get(`${boroughId}|${day}`) ?? null,
        opened_at: r.openedAt,
        status: r.closure ? 'closed' : 'open',
        team_id: last ? idOf('team', last.team) : null,
        officer_staff_id: last ? idOf('staff', last.officer) : null,
        allocated_at: last?.at ?? null,
        offence: iso(r.offence),
        crime_reference: iso(r.crimeReference),
        crime_recorded_at: iso(r.crimeRecordedAt ?? (r.crimeReference ? r.openedAt : undefined)),
        outcome: r.closure?.outcome ?? null,
        closed_at: iso(r.closure?.at),
        closed_by_name: iso(r.closure?.byName),
        closure_rationale: iso(r.closure?.rationale),
        welfare_visit_at: iso(r.welfareVisitAt),
        social_care_referral_at: iso(r.socialCareReferralAt),
        updated_at: now.toISOString(),
      })
    }
    // A case imported again may change its officers, dates or closure: the allocations its old history was
    // counted in are found before it is replaced, and recounted with those of its new history.
    const stored = new Set(
      (
        await lookupRefs(
          trx,
          'investigation',
          latest.map((l) => l.ref),
        )
      ).values(),
    )
    const formerlyBeside = (await allocationsAffectedBy(trx, [...stored])).filter(
      (a) => !stored.has(a.investigation_id),
    )
    const ids = new Map<string, string>()
    for (let i = 0; i < rows.length; i += 1000) {
      const { rows: written } = await sql<{ id: string; ref: string }>`
        insert into investigation (ref, case_type, strands, risk_level, summary, borough_id, bcu_id, opened_at, status,
          team_id, officer_staff_id, allocated_at, offence, crime_reference, crime_recorded_at, outcome, closed_at,
          closed_by_name, closure_rationale, welfare_visit_at, social_care_referral_at, created_by, created_at, updated_at)
        select x.ref, x.case_type, x.strands, x.risk_level, x.summary, x.borough_id, x.bcu_id, x.opened_at, x.status,
          x.team_id, x.officer_staff_id, x.allocated_at, x.offence, x.crime_reference, x.crime_recorded_at, x.outcome,
          x.closed_at, x.closed_by_name, x.closure_rationale, x.welfare_visit_at, x.social_care_referral_at, 'import',
          x.updated_at, x.updated_at
        from jsonb_to_recordset(cast(${JSON.stringify(rows.slice(i, i + 1000))} as jsonb)) as x(
          ref text, case_type text, strands text[], risk_level text, summary text, borough_id uuid, bcu_id uuid,
          opened_at timestamptz, status text, team_id uuid, officer_staff_id uuid, allocated_at timestamptz,
          offence text, crime_reference text, crime_recorded_at timestamptz, outcome text, closed_at timestamptz,
          closed_by_name text, closure_rationale text, welfare_visit_at timestamptz, social_care_referral_at timestamptz,
          updated_at timestamptz)
        on conflict (ref) do update set case_type = excluded.case_type, strands = excluded.strands,
          risk_level = excluded.risk_level, summary = excluded.summary, borough_id = excluded.borough_id,
          bcu_id = excluded.bcu_id, opened_at = excluded.opened_at, status = excluded.status, team_id = excluded.team_id,
          officer_staff_id = excluded.officer_staff_id, allocated_at = excluded.allocated_at, offence = excluded.offence,
          crime_reference = excluded.crime_reference, crime_recorded_at = excluded.crime_recorded_at,
          outcome = excluded.outcome, closed_at = excluded.closed_at, closed_by_name = excluded.closed_by_name,
          closure_rationale = excluded.closure_rationale, welfare_visit_at = excluded.welfare_visit_at,
          social_care_referral_at = excluded.social_care_referral_at, updated_at = excluded.updated_at,
          version = investigation.version + 1
        returning id, ref`.execute(trx)
      for (const w of written) ids.set(w.ref, w.id)
    }
    // People, PACs and allocations are the line's whole list: replaced on a re-import.
    const caseIds = [...ids.values()]
    await trx.deleteFrom('investigation_person').where('investigation_id', 'in', caseIds).execute()
    await trx.deleteFrom('investigation_pac').where('investigation_id', 'in', caseIds).execute()
    await trx.deleteFrom('investigation_allocation').where('investigation_id', 'in', caseIds).execute()
    const personRows = []
    const pacRows = []
    const allocationRows = []
    for (const { ref, record: r } of latest) {
      const id = ids.get(ref) as string
      for (const p of r.people) {
        const personId = idOf('person', p.person)
        const recorded = p.recordedAt ?? p.seenAt ?? (p.notSeenReason ? r.openedAt : undefined)
        personRows.push({
          investigation_id: id,
          person_id: personId,
          role: p.role,
          is_child: p.role === 'child' || isChildOn(dob.get(personId) ?? null, new Date(r.openedAt)),
          seen_at: p.seenAt ? new Date(p.seenAt) : null,
          seen_by_name: p.seenAt ? 'Recorded on import' : null,
          spoken_to: p.seenAt ? (p.spokenTo ?? true) : p.notSeenReason ? false : null,
          not_seen_reason: p.notSeenReason ?? null,
          seen_recorded_at: recorded ? new Date(recorded) : null,
        })
      }
      for (const pac of r.pacs ?? [])
        pacRows.push({ investigation_id: id, pac_id: idOf('pac', pac), linked_at: new Date(r.openedAt) })
      for (const a of r.allocations ?? []) {
        const teamId = idOf('team', a.team)
        if (!teams.has(teamId)) teams.set(teamId, (await team(trx, teamId))?.capacity ?? null)
        allocationRows.push({
          investigation_id: id,
          team_id: teamId,
          staff_id: idOf('staff', a.officer),
          allocated_at: new Date(a.at),
          allocated_by_name: a.byName ?? 'Recorded on import',
          open_cases: 0,
          team_capacity: teams.get(teamId) ?? null,
          reason: a.reason ?? null,
        })
      }
    }
    for (let i = 0; i < personRows.length; i += 2000)
      await trx
        .insertInto('investigation_person')
        .values(personRows.slice(i, i + 2000))
        .onConflict((oc) => oc.doNothing())
        .execute()
    for (let i = 0; i < pacRows.length; i += 2000)
      await trx
        .insertInto('investigation_pac')
        .values(pacRows.slice(i, i + 2000))
        .onConflict((oc) => oc.doNothing())
        .execute()
    for (let i = 0; i < allocationRows.length; i += 2000)
      await trx
        .insertInto('investigation_allocation')
        .values(allocationRows.slice(i, i + 2000))
        .execute()
    // Each allocation's caseload, the batch's own and those of the stored allocations its cases were open
    // beside, before and after; their cases' INV-07 is judged again with the lines' own.
    const recount = [...formerlyBeside, ...(await allocationsAffectedBy(trx, caseIds))]
    await countOpenCases(trx, recount)
    alsoEvaluate(investigationKind.kind, [...new Set(recount.map((a) => a.investigation_id))])
    return ids
  },
  describe: {
    summary:
      'A child protection investigation: case type (HMICFRS Figure 1) and safeguarding strands, the people linked ' +
      'with their roles (and when each child was seen and spoken to), linked PACs, the allocation history, the ' +
      'crime record and the closure with its Home Office outcome code.',
    example: {
      kind: 'investigation',
      ref: 'INV-18-000123',
      caseType: 'section_47',
      strands: ['child_abuse'],
      riskLevel: 'high',
      summary: 'Bruising reported by school',
      borough: 'Camden',
      openedAt: '2018-08-01T09:00:00Z',
      people: [
        { person: 'KP-0000123', role: 'child', seenAt: '2018-08-02T15:00:00Z', spokenTo: true },
        { person: 'KP-0000124', role: 'suspect' },
      ],
      pacs: ['MERLIN-18-004411'],
      allocations: [{ team: 'Central North CAIT', officer: 'MP100234', at: '2018-08-01T11:00:00Z' }],
      offence: 'Child cruelty',
      crimeReference: '0101234/18',
      closure: { at: '2018-10-01T12:00:00Z', outcome: '1', rationale: 'Charged' },
    },
  },
})

/** A line of a record that belongs to an investigation, by the investigation's ref. */
function childKind<T extends { investigation: string }>(options: {
  kind: string
  table:
    | 'investigation_action'
    | 'supervisory_review'
    | 'strategy_discussion'
    | 'child_protection_conference'
    | 'police_protection'
  schema: z.ZodType<T>
  at: (r: T) => string
  atField: string
  /** The record's other instants that are events, by field: each refused in the future, as `at` is. */
  alsoHappened?: (r: T) => Record<string, string | undefined>
  references?: (r: T) => { field: string; kind: string; ref: string }[]
  /** The kinds `references` names, besides the investigation. */
  refersTo?: readonly string[]
  rows: (lines: ImportLine<T>[], idOf: (kind: string, ref: string) => string) => Record<string, unknown>[]
  after?: (trx: Transaction, lines: ImportLine<T>[], ids: Map<string, string>) => Promise<void>
  describe: ImportKind['describe']
}) {
  return defineImportKind<T>({
    kind: options.kind,
    schema: options.schema,
    refersTo: ['investigation', ...(options.refersTo ?? [])],
    references: (r) => [
      { field: 'investigation', kind: 'investigation', ref: r.investigation },
      ...(options.references?.(r) ?? []),
    ],
    lookup: (trx, refs) => lookupRefs(trx, options.table, refs),
    // The rules judge the investigation: a record imported in a later batch than its case (or alone) must
    // re-evaluate it, as the pages' writes do (found by `kestrel rules run --full`: a strategy discussion
    // whose batch began after its investigation's raised no INV-02 until the full sweep).
    async subjectsOf(trx, ids) {
      const { rows } = await sql<{ investigation_id: string }>`
        select distinct investigation_id from ${sql.table(options.table)} where id = any(${[...ids]}::uuid[])`.execute(
        trx,
      )
      return [{ kind: investigationKind.kind, ids: rows.map((r) => r.investigation_id) }]
    },
    async write(lines, { trx, clock, idOf }) {
      const now = clock.now()
      const latest = [...new Map(lines.map((l) => [l.ref, l])).values()]
      const opened = await openedAtOf(
        trx,
        latest.map((l) => idOf('investigation', l.record.investigation)),
      )
      const errors: ImportError[] = []
      for (const l of latest) {
        const at = new Date(options.at(l.record))
        const start = opened.get(idOf('investigation', l.record.investigation))
        for (const [field, other] of Object.entries(options.alsoHappened?.(l.record) ?? {}))
          if (other && new Date(other) > now)
            errors.push({ line: l.lineNumber, field, reason: 'must not be in the future' })
        if (at > now)
          errors.push({ line: l.lineNumber, field: options.atField, reason: 'must not be in the future' })
        else if (start && at < start)
          errors.push({
            line: l.lineNumber,
            field: options.atField,
            reason: 'must not be before the investigation was opened',
          })
      }
      check(errors)
      const rows = options.rows(latest, idOf)
      const ids = new Map<string, string>()
      const refs = latest.map((l) => l.ref)
      // A re-imported ref replaces its record.
      if (options.table === 'strategy_discussion') {
        await sql`delete from strategy_participant where strategy_discussion_id in (
          select id from strategy_discussion where ref = any(${refs}::text[]))`.execute(trx)
      }
      await sql`delete from ${sql.table(options.table)} where ref = any(${refs}::text[])`.execute(trx)
      for (let i = 0; i < rows.length; i += 2000) {
        // biome-ignore lint/suspicious/noExplicitAny: the table is one of the five named above
        const written = await (trx as any)
          .insertInto(options.table)
          .values(rows.slice(i, i + 2000))
          .returning(['id', 'ref'])
          .execute()
        for (const w of written as { id: string; ref: string }[]) ids.set(w.ref, w.id)
      }
      await options.after?.(trx, latest, ids)
      return ids
    },
    describe: options.describe,
  })
}

const actionSchema = z
  .object({
    investigation: ref,
    actionKind: list(actionKinds),
    description: z.string().trim().min(1).max(2000),
    owner: staffRef.optional(),
    dueAt: instant.optional(),
    directedBy: staffRef.optional(),
    directedByName: name.optional(),
    directedAt: instant,
    doneAt: instant.optional(),
  })
  .strict()
export const investigationActionImportKind = childKind({
  kind: 'investigation-action',
  table: 'investigation_action',
  schema: actionSchema,
  at: (r) => r.directedAt,
  atField: 'directedAt',
  alsoHappened: (r) => ({ doneAt: r.doneAt }),
  refersTo: ['staff'],
  references: (r) => [
    ...(r.owner ? [{ field: 'owner', kind: 'staff', ref: r.owner }] : []),
    ...(r.directedBy ? [{ field: 'directedBy', kind: 'staff', ref: r.directedBy }] : []),
  ],
  rows: (lines, idOf) =>
    lines.map(({ ref: r, record: a }) => ({
      ref: r,
      investigation_id: idOf('investigation', a.investigation),
      kind: a.actionKind,
      description: a.description,
      owner_staff_id: a.owner ? idOf('staff', a.owner) : null,
      due_at: a.dueAt ? new Date(a.dueAt) : null,
      directed_by_staff_id: a.directedBy ? idOf('staff', a.directedBy) : null,
      directed_by_name: a.directedByName ?? null,
      directed_at: new Date(a.directedAt),
      done_at: a.doneAt ? new Date(a.doneAt) : null,
      created_at: new Date(a.directedAt),
    })),
  describe: {
    summary:
      'A line of enquiry or action on an investigation: owner, due time, who directed it and when it was done.',
    example: {
      kind: 'investigation-action',
      ref: 'INV-18-000123-A1',
      investigation: 'INV-18-000123',
      actionKind: 'strategy_meeting',
      description: 'Arrange a strategy meeting with health',
      owner: 'MP100234',
      directedBy: 'MP100235',
      directedAt: '2018-08-03T10:00:00Z',
      dueAt: '2018-08-06T17:00:00Z',
    },
  },
})

const reviewSchema = z
  .object({
    investigation: ref,
    reviewedAt: instant,
    reviewer: staffRef.optional(),
    reviewerName: name.optional(),
    findings: z.string().trim().min(1).max(10000),
  })
  .strict()
  .refine((r) => r.reviewer || r.reviewerName, {
    path: ['reviewer'],
    message: 'give reviewer (a staff number) or reviewerName',
  })
export const supervisoryReviewImportKind = childKind({
  kind: 'supervisory-review',
  table: 'supervisory_review',
  schema: reviewSchema as unknown as z.ZodType<z.infer<typeof reviewSchema>>,
  at: (r) => r.reviewedAt,
  atField: 'reviewedAt',
  refersTo: ['staff'],
  references: (r) => (r.reviewer ? [{ field: 'reviewer', kind: 'staff', ref: r.reviewer }] : []),
  rows: (lines, idOf) =>
    lines.map(({ ref: r, record: v }) => ({
      ref: r,
      investigation_id: idOf('investigation', v.investigation),
      reviewed_at: new Date(v.reviewedAt),
      reviewer_staff_id: v.reviewer ? idOf('staff', v.reviewer) : null,
      reviewer_name: v.reviewerName ?? v.reviewer,
      findings: v.findings,
      created_at: new Date(v.reviewedAt),
    })),
  describe: {
    summary:
      'A supervisory review of an investigation: who, when and what was found (further work is investigation-action lines).',
    example: {
      kind: 'supervisory-review',
      ref: 'INV-18-000123-R1',
      investigation: 'INV-18-000123',
      reviewedAt: '2018-08-03T10:00:00Z',
      reviewer: 'MP100235',
      findings: 'Good progress; speak to the school',
    },
  },
})

const discussionSchema = z
  .object({
    investigation: ref,
    heldAt: instant,
    participants: z
      .array(z.object({ agency: list(agencies), name, role: z.string().trim().max(200).optional() }).strict())
      .min(1, 'needs at least one participant'),
    decisions: long.min(1, 'is required'),
    jointSafetyPlan: long.optional(),
    beginsSection47: z.boolean().default(false),
  })
  .strict()
type DiscussionLine = z.infer<typeof discussionSchema>
export const strategyDiscussionImportKind = childKind<DiscussionLine>({
  kind: 'strategy-discussion',
  table: 'strategy_discussion',
  schema: discussionSchema as unknown as z.ZodType<DiscussionLine>,
  at: (r) => r.heldAt,
  atField: 'heldAt',
  rows: (lines, idOf) =>
    lines.map(({ ref: r, record: s }) => ({
      ref: r,
      investigation_id: idOf('investigation', s.investigation),
      held_at: new Date(s.heldAt),
      decisions: s.decisions,
      joint_safety_plan: s.jointSafetyPlan || null,
      begins_section_47: s.beginsSection47,
      recorded_by_name: 'Recorded on import',
      created_at: new Date(s.heldAt),
    })),
  async after(trx, lines, ids) {
    const participants = lines.flatMap((l) =>
      l.record.participants.map((p) => ({
        strategy_discussion_id: ids.get(l.ref) as string,
        agency: p.agency,
        name: p.name,
        role: p.role ?? null,
      })),
    )
    for (let i = 0; i < participants.length; i += 2000)
      await trx
        .insertInto('strategy_participant')
        .values(participants.slice(i, i + 2000))
        .execute()
  },
  describe: {
    summary:
      'A strategy discussion: when, the participants by agency with names, decisions, the joint safety plan and whether it began s47 enquiries.',
    example: {
      kind: 'strategy-discussion',
      ref: 'INV-18-000123-S1',
      investigation: 'INV-18-000123',
      heldAt: '2018-08-01T15:00:00Z',
      participants: [
        { agency: 'police', name: 'DS Grey' },
        { agency: 'childrens_social_care', name: 'Sam Social' },
        { agency: 'health', name: 'Dr Patel' },
      ],
      decisions: 'Begin section 47 enquiries',
      jointSafetyPlan: 'Child to stay with grandmother',
      beginsSection47: true,
    },
  },
})

const conferenceSchema = z
  .object({ investigation: ref, heldAt: instant, policeAttended: z.boolean(), attendeeName: name.optional() })
  .strict()
export const conferenceImportKind = childKind({
  kind: 'child-protection-conference',
  table: 'child_protection_conference',
  schema: conferenceSchema,
  at: (r) => r.heldAt,
  atField: 'heldAt',
  rows: (lines, idOf) =>
    lines.map(({ ref: r, record: c }) => ({
      ref: r,
      investigation_id: idOf('investigation', c.investigation),
      held_at: new Date(c.heldAt),
      police_attended: c.policeAttended,
      police_attendee_name: c.attendeeName ?? null,
      created_at: new Date(c.heldAt),
    })),
  describe: {
    summary: 'An initial child protection conference: when, and whether the police attended.',
    example: {
      kind: 'child-protection-conference',
      ref: 'INV-18-000123-C1',
      investigation: 'INV-18-000123',
      heldAt: '2018-08-20T10:00:00Z',
      policeAttended: true,
      attendeeName: 'DC Jones',
    },
  },
})

const protectionSchema = z
  .object({
    investigation: ref,
    child: ref,
    startedAt: instant,
    designatedOfficerName: name.optional(),
    designatedAt: instant.optional(),
    endedAt: instant.optional(),
  })
  .strict()
  .refine((r) => !r.endedAt || Date.parse(r.endedAt) >= Date.parse(r.startedAt), {
    path: ['endedAt'],
    message: 'must not be before startedAt',
  })
type ProtectionLine = z.infer<typeof protectionSchema>
export const policeProtectionImportKind = childKind<ProtectionLine>({
  kind: 'police-protection',
  table: 'police_protection',
  schema: protectionSchema as unknown as z.ZodType<ProtectionLine>,
  at: (r) => r.startedAt,
  atField: 'startedAt',
  alsoHappened: (r) => ({ designatedAt: r.designatedAt, endedAt: r.endedAt }),
  refersTo: ['person'],
  references: (r) => [{ field: 'child', kind: 'person', ref: r.child }],
  rows: (lines, idOf) =>
    lines.map(({ ref: r, record: p }) => ({
      ref: r,
      investigation_id: idOf('investigation', p.investigation),
      person_id: idOf('person', p.child),
      started_at: new Date(p.startedAt),
      designated_officer_name: p.designatedOfficerName ?? null,
      designated_at: p.designatedOfficerName ? new Date(p.designatedAt ?? p.startedAt) : null,
      ended_at: p.endedAt ? new Date(p.endedAt) : null,
      created_at: new Date(p.startedAt),
    })),
  describe: {
    summary: 'Police protection under Children Act 1989 s46: the child, start, designated officer and end.',
    example: {
      kind: 'police-protection',
      ref: 'INV-18-000123-P1',
      investigation: 'INV-18-000123',
      child: 'KP-0000123',
      startedAt: '2018-08-01T02:00:00Z',
      designatedOfficerName: 'Insp Khan',
      designatedAt: '2018-08-01T03:00:00Z',
      endedAt: '2018-08-02T10:00:00Z',
    },
  },
})

/** In dependency order: the investigation before the records that point at it. */
export const investigationImportKinds: ImportKind[] = [
  investigationImportKind,
  investigationActionImportKind,
  supervisoryReviewImportKind,
  strategyDiscussionImportKind,
  conferenceImportKind,
  policeProtectionImportKind,
]
