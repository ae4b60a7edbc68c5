import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Database, Executor, Transaction } from '../../../platform/db/database.ts'
import { inTransaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isoDay } from '../../../platform/time-schemas.ts'
import { type CaseType, caseTypes } from '../case-types.ts'
import { drawSample, SampleTooLarge, type Strata, strataChoices } from '../sampling.ts'
import { type Candidate, candidatesIn, type Scope } from './candidates.ts'

/*
 * Audit programmes: a scope, a size, strata and a seed; the sample drawn from Kestrel's own records when the
 * programme is made, and stored. The seed is stored with it, so anyone can draw the sample again from the same
 * scope and get the same cases (sampleOf), which is how a programme's fairness is checked.
 */

const listed = (values: readonly string[]) => `must be one of ${values.join(', ')}`

const programmeFields = z.object({
  name: z.string().trim().min(1, 'enter a name').max(200, 'must be at most 200 characters'),
  caseTypes: z
    .array(z.enum(caseTypes, { message: listed(caseTypes) }))
    .min(1, 'choose at least one case type'),
  bcus: z.array(z.string().refine(isUuid, 'must be the id of a BCU')).default([]),
  from: isoDay('must be a date like 2018-04-01'),
  to: isoDay('must be a date like 2018-06-30'),
  sampleSize: z.number().int('must be a whole number').min(1, 'must be 1 or more').max(100000),
  strata: z.enum(strataChoices, { message: listed(strataChoices) }).default('case_type_bcu'),
  seed: z.string().trim().min(1).max(100).optional().describe('The seed; one is made when left out'),
  moderationPercent: z
    .number()
    .int('must be a whole number')
    .min(0)
    .max(100, 'must be 100 or less')
    .default(10),
})
const periodInOrder = (p: { from: string; to: string }) => p.to >= p.from
export const programmeInput = programmeFields
  .strict()
  .refine(periodInOrder, { path: ['to'], message: 'must not be before from' })
export type ProgrammeInput = z.output<typeof programmeInput>

/**
 * A programme as an import line gives it: its BCUs by code, and its seed always given, so the sample drawn
 * at import is the one the programme's author drew (the demo's programmes are imported this way).
 */
export const programmeLine = programmeFields
  .extend({
    bcus: z
      .array(z.string().regex(/^[A-Z0-9]{1,10}$/, 'must be BCU codes'))
      .default([])
      .describe('The BCUs sampled, by code; every BCU when empty'),
    seed: z.string().trim().min(1, 'enter the seed the sample is drawn with').max(100),
  })
  .strict()
  .refine(periodInOrder, { path: ['to'], message: 'must not be before from' })
export type ProgrammeLine = z.output<typeof programmeLine>

export interface ProgrammeDeps {
  db: Database
  now: () => Date
  /** The force's BCUs, to check the ones a scope names. */
  bcuIds: () => Promise<string[]>
}

const candidateKey = (c: Candidate) => `${c.kind}:${c.id}`

/** The sample a scope and seed give: the same cases for the same seed and scope, in a fixed order. */
export async function sampleOf(q: Executor, scope: Scope, size: number, seed: string, strata: Strata) {
  const candidates = (await candidatesIn(q, scope)).map((c) => ({ ...c, key: candidateKey(c) }))
  try {
    return drawSample(candidates, size, seed, strata)
  } catch (error) {
    if (error instanceof SampleTooLarge)
      throw new ValidationError([
        {
          field: 'sampleSize',
          reason: `must not be more than the ${error.available} cases in scope`,
        },
      ])
    throw error
  }
}

export async function createProgramme(deps: ProgrammeDeps, input: ProgrammeInput, actor: string) {
  const known = new Set(await deps.bcuIds())
  const unknown = input.bcus.findIndex((b) => !known.has(b))
  if (unknown >= 0) throw new ValidationError([{ field: 'bcus', reason: 'must be BCUs of this force' }])
  const seed = input.seed ?? randomBytes(8).toString('hex')
  return inTransaction(deps.db, (trx) => insertProgramme(trx, { ...input, seed }, { actor, now: deps.now() }))
}

/** Draws a programme's sample from the records held and stores both, on the caller's transaction. */
export async function insertProgramme(
  trx: Transaction,
  input: ProgrammeInput & { seed: string },
  by: { actor: string; now: Date; ref?: string },
) {
  const { seed } = input
  const scope: Scope = { caseTypes: input.caseTypes, bcuIds: input.bcus, from: input.from, to: input.to }
  const sample = await sampleOf(trx, scope, input.sampleSize, seed, input.strata)
  const programme = await trx
    .insertInto('audit_programme')
    .values({
      ...(by.ref ? { ref: by.ref.toUpperCase() } : {}),
      name: input.name,
      case_types: [...input.caseTypes],
      bcu_ids: [...input.bcus],
      period_from: input.from,
      period_to: input.to,
      sample_size: input.sampleSize,
      strata: input.strata,
      seed,
      moderation_percent: input.moderationPercent,
      created_by: by.actor,
    })
    .returning(['id', 'ref', 'version'])
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('audit_sample')
    .values(
      sample.map((c, i) => ({
        programme_id: programme.id,
        position: i + 1,
        case_type: c.caseType,
        subject_kind: c.kind,
        subject_id: c.id,
        subject_ref: c.ref,
        borough_id: c.boroughId,
        bcu_id: c.bcuId,
        team_id: c.teamId,
        person_id: c.personId,
      })),
    )
    .execute()
  await recordMany(trx, [
    {
      table: 'audit_programme',
      id: programme.id,
      version: programme.version,
      action: 'create',
      changedBy: by.actor,
      changedAt: by.now,
      changes: { ...input, seed, sampled: sample.length },
    },
  ])
  return { id: programme.id, ref: programme.ref, seed, sampled: sample.length }
}

export async function programmes(q: Executor) {
  return q
    .selectFrom('audit_programme as p')
    .select((eb) => [
      'p.id',
      'p.ref',
      'p.name',
      'p.period_from',
      'p.period_to',
      'p.sample_size',
      eb
        .selectFrom('audit')
        .select((a) => a.fn.countAll<string>().as('n'))
        .whereRef('audit.programme_id', '=', 'p.id')
        .as('audited'),
    ])
    .orderBy('p.created_at', 'desc')
    .execute()
}

/** A programme with its sample, each case with its audit once made; by id or ref. */
export async function programme(q: Executor, key: string) {
  const found = await q
    .selectFrom('audit_programme')
    .selectAll()
    .where(isUuid(key) ? 'id' : 'ref', '=', isUuid(key) ? key : key.toUpperCase())
    .executeTakeFirst()
  if (!found) throw new NotFoundError('There is no such audit programme')
  const sample = await q
    .selectFrom('audit_sample as s')
    .leftJoin('audit as a', (join) =>
      join.onRef('a.programme_id', '=', 's.programme_id').onRef('a.subject_id', '=', 's.subject_id'),
    )
    .select([
      's.position',
      's.case_type',
      's.subject_kind',
      's.subject_id',
      's.subject_ref',
      's.borough_id',
      's.bcu_id',
      's.team_id',
      's.person_id',
      'a.ref as audit_ref',
      'a.grade',
    ])
    .where('s.programme_id', '=', found.id)
    .orderBy('s.position')
    .execute()
  return {
    ...found,
    caseTypes: found.case_types as CaseType[],
    strata: found.strata as Strata,
    sample,
  }
}
