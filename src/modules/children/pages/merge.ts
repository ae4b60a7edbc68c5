import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { hidden } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { personWriters } from '../access.ts'
import { ageAt, displayName, ethnicityLabel, flagLabels } from '../person.ts'
import type { Person } from '../service.ts'
import { readSearch } from './search.ts'
import {
  conflictReason,
  conflictSummary,
  identity,
  listViewer,
  peoplePath,
  personToChange,
  summaryOf,
  versionNumber,
} from './shared.ts'

/**
 * Merging two records of one person: find the other record, check both side by side, choose the one
 * to keep and confirm. Both records change, so the principal must be able to change both (403 otherwise);
 * the confirmation carries the version of each as read, and a change in the meantime answers 409.
 */
const mergeForm = z.object({
  survivorId: hidden(),
  survivorVersion: hidden(),
  mergedVersion: hidden(),
})

export function mergePages(app: FastifyInstance, services: Services) {
  const { children } = services

  page(app, `${peoplePath}/:id/merge`, {
    access: personWriters,
    get: async ({ request, reply, query }) => {
      const person = await personToChange(services, request, reply, '/merge')
      if (!person) return reply
      const search = readSearch(query, { isoDate: false })
      const searched = Boolean(search.q || search.dob)
      const found =
        searched && !search.problems
          ? (await children.search({ q: search.q, dob: search.dob }, listViewer(request))).filter(
              (p) => p.id !== person.id,
            )
          : []
      const today = children.today()
      return view(
        'children/views/merge-search.njk',
        {
          pageTitle: `Merge with another record: ${displayName(person)}`,
          ...(await identity(services, person)),
          section: 'Merge with another record',
          q: search.q,
          searched,
          dobItems: search.dobItems,
          results: found.map((p) => ({ ...p, name: displayName(p), age: ageAt(p, today) })),
          errors: search.problems?.errors ?? [],
          fieldErrors: search.problems?.fieldErrors ?? {},
        },
        search.problems ? 400 : 200,
      )
    },
  })

  /** Both records side by side, in the order survivor then merged. */
  const mergeCheck = async (
    person: Person,
    other: Person,
    keepOther: boolean,
    problems: ReturnType<typeof summaryOf> | undefined,
    status = 200,
  ) => {
    const [survivor, merged] = keepOther ? [other, person] : [person, other]
    const today = children.today()
    const describe = async (p: Person) => {
      const age = ageAt(p, today)
      return {
        ...p,
        name: displayName(p),
        age: age ? `${age.estimated ? 'about ' : ''}${age.years}` : 'Not known',
        ethnicity: ethnicityLabel(p.ethnicity),
        flags: (await children.flags(p.id)).map(
          (f) => `${flagLabels[f.flag]}${f.detail ? `: ${f.detail}` : ''}${f.toDate ? ' (ended)' : ''}`,
        ),
        addresses: (await children.addresses(p.id)).length,
        households: (await children.memberships(p.id)).length,
        relationships: (await children.relationships(p.id)).length,
      }
    }
    const base = `${peoplePath}/${person.id}/merge/${other.id}`
    return view(
      'children/views/merge-check.njk',
      {
        pageTitle: 'Check the merge before you confirm it',
        person,
        name: displayName(person),
        survivor: await describe(survivor),
        merged: await describe(merged),
        action: base,
        swap: keepOther ? base : `${base}?keep=other`,
        back: `${peoplePath}/${person.id}/merge`,
        ...problems,
      },
      status,
    )
  }

  /** The record to merge with: it changes too, so the principal must be able to change it (403 otherwise). */
  const otherRecord = async (request: FastifyRequest, person: Person) => {
    const { otherId } = request.params as { otherId: string }
    const other = await children.findRecord(otherId)
    if (!other) throw new NotFoundError('There is no person with this id')
    if (other.id === person.id) throw new NotFoundError('Choose another record to merge with this one')
    if (other.mergedInto)
      throw new ConflictError('That record has already been merged into another; choose the surviving record')
    await children.mustEdit(request.principal as Principal, other.id)
    return other
  }

  /** Both records are shown side by side: one list read naming both (the person's own read is logged too). */
  const bothRead = (request: FastifyRequest, person: Person, other: Person) =>
    children.recordList(listViewer(request), [person.id, other.id], {
      detail: { reason: 'records to merge' },
    })

  page(app, `${peoplePath}/:id/merge/:otherId`, {
    access: personWriters,
    form: mergeForm,
    get: async ({ request, reply, params, query }) => {
      const person = await personToChange(services, request, reply, `/merge/${params.otherId}`)
      if (!person) return reply
      const other = await otherRecord(request, person)
      await bothRead(request, person, other)
      return mergeCheck(person, other, formText(query, 'keep') === 'other', undefined)
    },
    post: async ({ request, reply, params, input, principal }) => {
      const person = await personToChange(services, request, reply, `/merge/${params.otherId}`)
      if (!person) return reply
      const other = await otherRecord(request, person)
      const { survivorId } = input
      if (survivorId !== person.id && survivorId !== other.id)
        return mergeCheck(
          person,
          other,
          false,
          summaryOf([{ field: 'survivorId', reason: 'Choose which record to keep' }]),
          400,
        )
      const keepOther = survivorId === other.id
      const mergedId = keepOther ? person.id : other.id
      const survivorVersion = versionNumber(input.survivorVersion)
      const mergedVersion = versionNumber(input.mergedVersion)
      try {
        if (survivorVersion === null || mergedVersion === null) throw new ConflictError()
        await children.merge(survivorId, mergedId, principal, { survivorVersion, mergedVersion })
      } catch (error) {
        if (error instanceof ConflictError) {
          // Show both records as they are now: the user confirms again what they would merge.
          const fresh = await children.findRecord(person.id)
          const freshOther = await children.findRecord(other.id)
          if (!fresh || !freshOther || fresh.mergedInto || freshOther.mergedInto) throw error
          await bothRead(request, fresh, freshOther)
          const reason = conflictReason.replace('What you entered is kept below: ', '')
          return mergeCheck(fresh, freshOther, keepOther, conflictSummary(reason), 409)
        }
        if (error instanceof ValidationError)
          return mergeCheck(person, other, keepOther, summaryOf(error.errors), 400)
        throw error
      }
      return `${peoplePath}/${survivorId}`
    },
  })
}
