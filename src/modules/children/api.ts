import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../platform/http/api.ts'
import { problem } from '../../platform/http/app.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import type { Services } from '../../services.ts'
import { personReaders, personWriters } from './access.ts'
import { boroughsOf, matchBoroughNames } from './boroughs.ts'
import { ethnicityCodes, flagKinds, genders, type PersonInput } from './person.ts'
import { type Person, PossibleDuplicateError } from './service.ts'

const isoDate = isoDay('must be a date as YYYY-MM-DD')
const tags = ['People']

const personSummary = z.object({
  id: z.string().describe('Kestrel id: what other records (PACs, episodes) point at'),
  ref: z.string(),
  familyName: z.string(),
  givenNames: z.string(),
  dateOfBirth: z.string().nullable(),
  estimatedAgeYears: z.number().nullable(),
  estimatedAgeOn: z.string().nullable(),
  gender: z.string(),
  ethnicity: z.string(),
  version: z.number().describe('Send back on PATCH; a stale version gets 409'),
})

const personDetail = personSummary.extend({
  flags: z.array(
    z.object({
      flag: z.enum(flagKinds),
      detail: z.string().nullable(),
      from: z.string(),
      to: z.string().nullable(),
    }),
  ),
  addresses: z.array(
    z.object({
      address: z.string(),
      postcode: z.string().nullable(),
      borough: z.string().nullable(),
      from: z.string(),
      to: z.string().nullable(),
    }),
  ),
  currentBoroughId: z.string().nullable(),
})

const personFields = {
  familyName: z.string().trim().min(1, 'is required').max(200),
  givenNames: z.string().trim().max(200),
  dateOfBirth: isoDate.nullable(),
  estimatedAge: z.number().int().min(0).max(120).nullable(),
  gender: z.enum(genders),
  ethnicity: z.enum(ethnicityCodes as [string, ...string[]]),
}

const createBody = z
  .object({
    ref: z.string().trim().min(1).max(200).optional(),
    ...personFields,
    givenNames: personFields.givenNames.default(''),
    dateOfBirth: isoDate.optional(),
    estimatedAge: personFields.estimatedAge.optional(),
    gender: personFields.gender.default('not known'),
    ethnicity: personFields.ethnicity.default('NS'),
    address: z
      .object({
        address: z.string().trim().min(1),
        postcode: z.string().trim().optional(),
        borough: z.string().trim().min(1),
        from: isoDate,
      })
      .strict()
      .optional(),
    confirmNotDuplicate: z
      .boolean()
      .default(false)
      .describe('Set after checking the possible duplicates a 409 listed'),
  })
  .strict()

const patchBody = z
  .object({ version: z.number().int().min(1), ...personFields })
  .partial()
  .required({ version: true })
  .strict()

const summary = (p: Person) => ({ ...p })

export function childrenApiRoutes(app: FastifyInstance, services: Services) {
  const { children } = services

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/people',
    access: personReaders,
    summary: 'Search people by name (sound-alike), date of birth or reference',
    tags,
    query: z.object({ q: z.string().max(200).optional(), dob: isoDate.optional() }).strict(),
    response: z.object({ people: z.array(personSummary) }),
    handler: async ({ query, principal, request }) => ({
      people: (
        await children.search(
          { q: query.q, dob: query.dob },
          { actor: principal, requestId: request.id, query: `GET ${request.url}` },
        )
      ).map(summary),
    }),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/people/:ref',
    access: personReaders,
    summary: "A person with their current flags and addresses; a merged record's ref gives the survivor",
    description: 'Every read is written to the access log.',
    tags,
    params: z.object({ ref: z.string().min(1).max(200) }),
    response: personDetail,
    handler: async ({ params, principal, request }) => {
      const person = await children.get(params.ref)
      await children.recordView(principal, person.id, request.id)
      const [flags, addresses, currentBoroughId] = await Promise.all([
        children.flagsOn(person.id),
        children.addresses(person.id),
        children.boroughOn(person.id),
      ])
      return {
        ...person,
        flags: flags.map((f) => ({ flag: f.flag, detail: f.detail, from: f.fromDate, to: f.toDate })),
        addresses: addresses.map((a) => ({
          address: a.address,
          postcode: a.postcode,
          borough: a.boroughName,
          from: a.fromDate,
          to: a.toDate,
        })),
        currentBoroughId,
      }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/people',
    access: personWriters,
    summary: 'Add a person; answers 409 with possible duplicates unless confirmNotDuplicate is true',
    tags,
    body: createBody,
    response: personSummary,
    status: 201,
    handler: async ({ body, principal, request, reply }) => {
      let boroughId: string | null = null
      if (body.address) {
        const found = matchBoroughNames(await boroughsOf(services.db), [body.address.borough])
        boroughId = found.get(body.address.borough) ?? null
        if (!boroughId)
          throw new ValidationError([
            { field: 'address.borough', reason: `no borough named "${body.address.borough}" in this force` },
          ])
      }
      const input: PersonInput & { ref?: string } = {
        ...(body.ref ? { ref: body.ref } : {}),
        familyName: body.familyName,
        givenNames: body.givenNames,
        dateOfBirth: body.dateOfBirth ?? null,
        estimatedAgeYears: body.estimatedAge ?? null,
        gender: body.gender,
        ethnicity: body.ethnicity as PersonInput['ethnicity'],
      }
      try {
        const person = await children.create(
          {
            ...input,
            address: body.address
              ? {
                  address: body.address.address,
                  postcode: body.address.postcode ?? null,
                  boroughId,
                  fromDate: body.address.from,
                  toDate: null,
                }
              : null,
          },
          principal,
          { confirmedNotDuplicate: body.confirmNotDuplicate },
        )
        return summary(person)
      } catch (error) {
        if (error instanceof PossibleDuplicateError) {
          await children.recordList(
            { actor: principal, requestId: request.id, query: `POST ${request.url}` },
            error.candidates.map((p) => p.id),
            { detail: { reason: 'possible duplicates of a new person' } },
          )
          return reply
            .code(409)
            .type('application/problem+json')
            .send({
              ...problem(409, error.message, request),
              possibleDuplicates: error.candidates.map(summary),
            })
        }
        throw error
      }
    },
  })

  apiRoute(app, {
    method: 'PATCH',
    url: '/api/v1/people/:ref',
    access: personWriters,
    summary: "Change a person's details; send the version you read (409 if someone changed it since)",
    description:
      'Only the area holding the person (the borough of their current address), the MASH or an admin may ' +
      'change them: anyone else gets 403 and nothing changes. A person with no address in a borough may be ' +
      'changed by any role that writes.',
    tags,
    params: z.object({ ref: z.string().min(1).max(200) }),
    body: patchBody,
    response: personSummary,
    handler: async ({ params, body, principal }) => {
      const person = await children.get(params.ref)
      const { version, estimatedAge, ethnicity, ...rest } = body
      const patch: Partial<PersonInput> = {
        ...rest,
        ...(estimatedAge !== undefined ? { estimatedAgeYears: estimatedAge } : {}),
        ...(ethnicity !== undefined ? { ethnicity: ethnicity as PersonInput['ethnicity'] } : {}),
      }
      return summary(await children.update(person.id, version, patch, principal))
    },
  })
}
