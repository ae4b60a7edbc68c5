import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../platform/http/api.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { custodyAccess } from './access.ts'
import { eventInput, eventKinds } from './custody.ts'
import { type CustodyService, detentionInput } from './service.ts'

const id = z.object({ id: z.string().uuid({ message: 'must be a detention id' }) })

const eventOutput = z
  .object({ id: z.string(), kind: z.enum(eventKinds), at: z.date() })
  .catchall(z.unknown())
  .describe('An event of the detention’s timeline with its typed fields')

const clocksOutput = z.object({
  inCustody: z.boolean(),
  nextReviewDue: z.date().nullable(),
  nextDeadline: z.object({ label: z.string(), at: z.date(), remainingMs: z.number() }).nullable(),
  limitAt: z.date().nullable(),
  appropriateAdultWaitHours: z.number().nullable(),
  hoursSinceCharge: z.number().nullable(),
  /** CUS-09: the next escalation or renewed request due while a child refused bail stays. */
  nextEscalationDue: z.date().nullable(),
  /** CUS-14: the appropriate adult at the charge. */
  appropriateAdultAtCharge: z.enum(['present', 'not_present', 'not_recorded', 'not_arrived']).nullable(),
  /** CUS-15: no appropriate adult has arrived yet, so a review must record what was done about it. */
  appropriateAdultAwaited: z.boolean(),
})

const detentionOutput = z.object({
  id: z.string(),
  ref: z.string(),
  childRef: z.string().nullable(),
  custodySuiteId: z.string(),
  offences: z.array(z.string()),
  arrestedAt: z.date(),
  ageAtArrest: z.number().nullable(),
  appearsUnder18: z.boolean(),
  pacRef: z.string().nullable(),
  /** False for a PAC held only in another system, kept by its reference. */
  pacInKestrel: z.boolean(),
  /** When the PAC was made or linked; null for one held elsewhere whose time was not given. */
  pacLinkedAt: z.date().nullable(),
  version: z.number(),
  clocks: clocksOutput,
  events: z.array(eventOutput),
})

/** The custody API: detentions with their timelines, each request checked against the caller's need to know. */
export function custodyApi(app: FastifyInstance, custody: CustodyService) {
  const show = async (detentionId: string, principal: Parameters<CustodyService['get']>[1]) => {
    const view = await custody.get(detentionId, principal)
    const c = view.clocks
    return {
      id: view.detention.id,
      ref: view.detention.ref,
      childRef: view.child?.ref ?? null,
      custodySuiteId: view.detention.suiteId,
      offences: view.detention.offences,
      arrestedAt: view.detention.arrestedAt,
      ageAtArrest: view.detention.ageAtArrest,
      appearsUnder18: view.detention.appearsUnder18,
      pacRef: view.detention.pacRef,
      pacInKestrel: view.detention.pacId !== null,
      pacLinkedAt: view.detention.pacLinkedAt,
      version: view.detention.version,
      clocks: {
        inCustody: c.inCustody,
        nextReviewDue: c.nextReviewDue,
        nextDeadline: c.nextDeadline,
        limitAt: c.limit?.limitAt ?? null,
        appropriateAdultWaitHours: c.aaWait?.hours ?? null,
        hoursSinceCharge: c.sinceCharge?.hours ?? null,
        nextEscalationDue: c.escalation?.dueAt ?? null,
        appropriateAdultAtCharge: c.adultAtCharge,
        appropriateAdultAwaited: c.adultAwaited,
      },
      events: view.events.map((e) =>
        Object.fromEntries(Object.entries(e).filter(([, v]) => v !== null && v !== undefined)),
      ) as z.input<typeof eventOutput>[],
    }
  }

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/custody/detentions',
    access: custodyAccess.read,
    summary: 'Children in custody in the caller’s suites, with their PACE clocks',
    tags: ['Custody'],
    query: z.object({ recentHours: z.coerce.number().int().min(0).max(168).optional() }),
    response: z.object({
      detentions: z.array(
        z.object({
          id: z.string(),
          ref: z.string(),
          childRef: z.string().nullable(),
          suite: z.string(),
          inCustody: z.boolean(),
          nextDeadline: z.object({ label: z.string(), at: z.date(), remainingMs: z.number() }).nullable(),
        }),
      ),
    }),
    handler: async ({ principal, query, request }) => {
      const { items } = await custody.list(
        principal,
        { query: `GET ${request.url}`, requestId: request.id },
        { recentHours: query.recentHours ?? 0 },
      )
      return {
        detentions: items.map((i) => ({
          id: i.detention.id,
          ref: i.detention.ref,
          childRef: i.child?.ref ?? null,
          suite: i.suiteName,
          inCustody: i.clocks.inCustody,
          nextDeadline: i.clocks.nextDeadline,
        })),
      }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/custody/detentions/:id',
    access: custodyAccess.read,
    summary: 'One detention with its timeline and clocks',
    description: 'A 404 for a detention outside the caller’s need to know, as for one that does not exist.',
    tags: ['Custody'],
    params: id,
    response: detentionOutput,
    handler: async ({ principal, params }) => show(params.id, principal),
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/custody/detentions',
    access: custodyAccess.recordDetention,
    summary: 'Record a child’s detention, with any events already known',
    description:
      'Refused with a 400 naming the field when the person was 18 or over at arrest (unless appearsUnder18), when ' +
      'events are out of order (charged before arrest, a review before detention was authorised), or a strip ' +
      'search has no authorising officer. An event may point at an earlier one in the same list as "#<index>".',
    tags: ['Custody'],
    body: detentionInput.extend({ events: z.array(eventInput).max(500).default([]) }),
    response: detentionOutput,
    status: 201,
    handler: async ({ principal, body }) => {
      const { events, ...detention } = body
      const created = await custody.create({ detention, events }, principal)
      return show(created.id, principal)
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/custody/detentions/:id/events',
    access: custodyAccess.recordEvent,
    summary: 'Add an event to a detention’s timeline',
    description: 'Send the detention’s current version; a stale one is a 409.',
    tags: ['Custody'],
    params: id,
    body: z.object({ version: z.number().int().min(1), event: eventInput }),
    response: detentionOutput,
    status: 201,
    handler: async ({ principal, params, body }) => {
      try {
        await custody.addEvent(params.id, body.version, body.event, principal)
      } catch (error) {
        // The service names an event's own fields; on the API they sit under `event`.
        if (error instanceof ValidationError) {
          throw new ValidationError(
            error.errors.map((e) => ({ field: `event.${e.field}`, reason: e.reason })),
          )
        }
        throw error
      }
      return show(params.id, principal)
    },
  })
}
