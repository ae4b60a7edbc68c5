import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Principal } from '../../platform/auth/principal.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { coercedInstant } from '../../platform/time-schemas.ts'
import { onlineAccess } from './access.ts'
import {
  identifierKinds,
  kiratLevels,
  materialCategories,
  sources,
  stages,
  teamKinds,
} from './online-case.ts'
import { noSuchCase } from './service/dependencies.ts'
import {
  caseInput,
  childInput,
  kiratInput,
  safeguardingInput,
  safeguardingKinds,
  stageInput,
} from './service/inputs.ts'
import { queueFilter } from './service/queue.ts'
import type { OnlineService } from './service.ts'

/* The online cases API: the queue, one case, and the records kept about a case. Role checks are the pages'. */

const tags = ['Online cases']
const ref = z.object({
  ref: z
    .string()
    .trim()
    .min(1, 'enter the case’s reference or id')
    .max(100, 'must be 100 characters or fewer'),
})
const person = z.object({ id: z.string(), ref: z.string(), name: z.string() }).nullable()

const caseOutput = z.object({
  case: z.object({
    id: z.string(),
    ref: z.string(),
    source: z.enum(sources),
    ncaReference: z.string().nullable(),
    receivedAt: z.date(),
    materialCategory: z.enum(materialCategories),
    materialDescription: z.string().nullable().describe('null for anyone outside the specialist online team'),
    materialLocation: z.string().nullable(),
    materialUploadedAt: z.date().nullable(),
    suspect: person,
    borough: z.string().nullable(),
    stage: z.enum(stages),
    stageAt: z.date(),
    msInStage: z.number().describe('Milliseconds in the current stage, from the stage changes'),
    allocatedTeamKind: z.enum(teamKinds).nullable(),
    outcomeCode: z.string().nullable(),
    closedAt: z.date().nullable(),
    closingReason: z.string().nullable(),
    version: z.number(),
  }),
  timeline: z.array(
    z.object({
      id: z.string(),
      stage: z.enum(stages),
      at: z.date(),
      returnedAt: z.date().nullable(),
      team: z.string().nullable(),
      officer: z.string().nullable(),
      teamKind: z.enum(teamKinds).nullable(),
      outcomeCode: z.string().nullable(),
      reason: z.string().nullable(),
      recordedBy: z.string(),
      recordedAt: z.date(),
      msInStage: z.number(),
    }),
  ),
  devices: z.array(
    z.object({
      id: z.string(),
      ref: z.string(),
      description: z.string(),
      kind: z.string(),
      status: z.string(),
      statusAt: z.date(),
      recommendation: z
        .string()
        .nullable()
        .describe('The latest triage decision; match details are not given here'),
    }),
  ),
  deviceCounts: z.object({
    seized: z.number(),
    triaged: z.number(),
    submitted: z.number(),
    returnedUnchecked: z.number(),
  }),
  identifiers: z.array(
    z.object({ kind: z.enum(identifierKinds), value: z.string(), seenAt: z.date().nullable() }),
  ),
  kirat: z.array(
    z.object({
      ref: z.string(),
      assessedAt: z.date(),
      level: z.enum(kiratLevels),
      answers: z.array(z.object({ question: z.string(), answer: z.string() })),
      assessor: z.string(),
    }),
  ),
  children: z.array(z.object({ ref: z.string(), person, identifiedAt: z.date() })),
  safeguarding: z.array(
    z.object({
      kind: z.enum(safeguardingKinds),
      at: z.date(),
      child: person,
      pacRef: z.string().nullable(),
      note: z.string().nullable(),
      recordedBy: z.string(),
    }),
  ),
})

/** A refusal naming the case itself means there is none the caller may see: a 404, as for one out of reach. */
function noCase(error: unknown): never {
  if (error instanceof ValidationError && error.errors.some((e) => e.field === 'case'))
    throw new NotFoundError(noSuchCase)
  throw error
}

export function onlineApi(app: FastifyInstance, online: OnlineService) {
  const show = async (key: string, principal: Principal, requestId?: string) =>
    caseOutput.parse(await online.view(key, principal, requestId))

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/online-cases',
    access: onlineAccess.read,
    summary: 'The open online cases the caller may see, by stage, as the queue stood at a time',
    description:
      'Every open case within the caller’s need to know (the specialist online team: every case; a child abuse ' +
      'team, supervisors and leads: their area’s; a frontline officer: the cases allocated to them), longest in ' +
      'its stage first, with the counts per stage. `asOf` gives the queue as it stood then.',
    tags,
    query: queueFilter,
    response: z.object({
      asOf: z.date(),
      total: z.number(),
      counts: z.record(z.string(), z.number()),
      cases: z.array(
        z.object({
          id: z.string(),
          ref: z.string(),
          stage: z.enum(stages),
          stageAt: z.date(),
          msInStage: z.number(),
          kirat: z.enum(kiratLevels).nullable(),
          children: z.number(),
          borough: z.string().nullable(),
          teamKind: z.enum(teamKinds).nullable(),
        }),
      ),
    }),
    handler: async ({ principal, query, request }) => {
      const q = await online.queue(principal, query, { query: `GET ${request.url}`, requestId: request.id })
      return { asOf: q.asOf, total: q.total, counts: q.counts, cases: q.items }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/online-cases/:ref',
    access: onlineAccess.read,
    summary: 'One online case with its timeline, KIRAT assessments and household',
    description:
      'By reference (ONL-...) or id. A 404 for a case outside the caller’s need to know, as for one that does ' +
      'not exist. The material’s description is given only to the specialist online team.',
    tags,
    params: ref,
    response: caseOutput,
    handler: async ({ principal, params, request }) => show(params.ref, principal, request.id),
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/online-cases',
    access: onlineAccess.record,
    summary: 'Record a new online case as received',
    description:
      'A 400 names each field wrong: a missing NCA reference, a date in the future, a suspect not in the person index.',
    tags,
    body: caseInput,
    response: caseOutput,
    status: 201,
    handler: async ({ principal, body, request }) => {
      const saved = await online.recordCase(body, principal)
      return show(saved.id, principal, request.id)
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/online-cases/:ref/stages',
    access: onlineAccess.investigate,
    summary: 'Move a case to a stage, recorded with who and when',
    description:
      'A 400 names what is wrong: a stage out of order (allocated before received, a warrant before the address ' +
      'is confirmed), a date in the future, an allocation of a very high or high case to a non-specialist team ' +
      'without a reason, a closing with children and no welfare visit or social care referral without a ' +
      'supervisor’s reason. A 403 for an allocation by someone who may not allocate.',
    tags,
    params: ref,
    body: stageInput,
    response: caseOutput,
    handler: async ({ principal, params, body, request }) => {
      await online.changeStage({ case: params.ref, ...body }, principal).catch(noCase)
      return show(params.ref, principal, request.id)
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/online-outcomes',
    access: onlineAccess.read,
    summary: 'Outcomes by who investigated: the report’s table for a period and area',
    description:
      'Cases given an outcome in [from, until), by the kind of team they were allocated to before it, grouped ' +
      'from the Home Office outcome codes (a transfer to another force is left out), over the cases the caller may see.',
    tags,
    query: z
      .object({
        from: coercedInstant('must be a date and time'),
        until: coercedInstant('must be a date and time'),
        bcu: z.uuid({ message: 'must be a BCU’s id' }).optional(),
      })
      .strict(),
    response: z.object({
      outcomes: z.array(
        z.object({
          teamKind: z.enum(teamKinds),
          total: z.number(),
          counts: z.object({ no_further_action: z.number(), no_crime: z.number(), positive: z.number() }),
          shares: z.object({
            no_further_action: z.number().nullable(),
            no_crime: z.number().nullable(),
            positive: z.number().nullable(),
          }),
        }),
      ),
    }),
    handler: async ({ principal, query }) => {
      if (query.until <= query.from)
        throw new ValidationError([{ field: 'until', reason: 'must be after from' }])
      return {
        outcomes: await online.outcomes(principal, {
          from: query.from,
          until: query.until,
          bcuId: query.bcu ?? null,
        }),
      }
    },
  })

  const record = <S extends z.ZodObject>(
    path: string,
    schema: S,
    summary: string,
    save: (input: z.output<S> & { case: string }, principal: Principal) => Promise<unknown>,
  ) =>
    apiRoute(app, {
      method: 'POST',
      url: `/api/v1/online-cases/:ref/${path}`,
      access: path === 'kirat' ? onlineAccess.record : onlineAccess.investigate,
      summary,
      description: 'A 400 names each field wrong; a 404 for a case outside the caller’s need to know.',
      tags,
      params: ref,
      body: schema,
      response: caseOutput,
      status: 201,
      handler: async ({ principal, params, body, request }) => {
        await save({ ...(body as z.output<S>), case: params.ref }, principal).catch(noCase)
        return show(params.ref, principal, request.id)
      },
    })
  record('kirat', kiratInput.omit({ case: true }), 'Record a KIRAT assessment with its answers', (input, p) =>
    online.recordKirat(input as z.output<typeof kiratInput>, p),
  )
  record(
    'children',
    childInput.omit({ case: true }),
    'Record a child identified in the suspect’s household',
    (input, p) => online.identifyChild(input as z.output<typeof childInput>, p),
  )
  record(
    'safeguarding',
    safeguardingInput.omit({ case: true }),
    'Record a PAC, social care referral or welfare visit',
    (input, p) => online.recordSafeguarding(input as z.output<typeof safeguardingInput>, p),
  )
}
