import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import type { Services } from '../../services.ts'
import { dateInputItems, type ParsedDate, parseDateInput } from '../organisation/form-dates.ts'
import { personWriters } from './access.ts'
import {
  ageAt,
  displayName,
  ethnicities,
  ethnicityLabel,
  flagLabels,
  genders,
  isIsoDate,
  type PersonInput,
} from './person.ts'
import {
  actorOf,
  type Body,
  capitalise,
  formErrors,
  identity,
  listViewer,
  peoplePath,
  personToChange,
  selectItems,
  splitDate,
  text,
} from './routes.ts'
import type { Person } from './service.ts'

/**
 * Pages that change a person's record once it exists: edit the details, end a flag or a household
 * membership, and merge two records of one person. Each form carries the version the user read, so a
 * change made by someone else in the meantime answers 409 with what the user typed kept on the page.
 * Every one of them, shown or saved, is for those who may change the person (`personToChange`: the area
 * holding them, the MASH or an admin; 403 for anyone else).
 */

const conflictReason =
  'Someone else changed this record while you were working on it. What you entered is kept below: ' +
  'check their change, then save again.'

const strings = (body: Body) =>
  Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >

const versionOf = (body: Body, key = 'version') => {
  const value = Number(text(body, key))
  return Number.isInteger(value) && value >= 1 ? value : null
}

export function personRecordRoutes(app: FastifyInstance, services: Services) {
  const { children } = services

  // ---- edit a person's details ----

  const detailValues = (person: Person): Record<string, string> => {
    const dob = splitDate(person.dateOfBirth ?? undefined)
    return {
      familyName: person.familyName,
      givenNames: person.givenNames,
      'dateOfBirth-day': dob.day,
      'dateOfBirth-month': dob.month,
      'dateOfBirth-year': dob.year,
      estimatedAgeYears:
        !person.dateOfBirth && person.estimatedAgeYears !== null ? String(person.estimatedAgeYears) : '',
      gender: person.gender,
      ethnicity: person.ethnicity,
      version: String(person.version),
    }
  }

  const editPage = (
    reply: FastifyReply,
    person: Person,
    values: Record<string, string>,
    errors: FieldError[] = [],
    dates: Record<string, ParsedDate> = {},
    conflict?: Person,
  ) =>
    reply.code(conflict ? 409 : errors.length ? 400 : 200).render('children/views/edit.njk', {
      pageTitle: `Change details: ${displayName(person)}`,
      person,
      name: displayName(person),
      values,
      // After a conflict the form carries the version now stored, so saving again is a deliberate choice.
      version: conflict ? conflict.version : values.version,
      conflict: conflict
        ? {
            ...conflict,
            name: displayName(conflict),
            ethnicity: ethnicityLabel(conflict.ethnicity),
            age: ageAt(conflict, children.today()),
          }
        : undefined,
      genderItems: genders.map((g) => ({ value: g, text: capitalise(g), checked: values.gender === g })),
      ethnicityItems: selectItems(
        ethnicities.map((e) => e.code),
        values.ethnicity ?? '',
        ethnicityLabel,
      ),
      dobItems: dateInputItems(
        {
          day: values['dateOfBirth-day'] ?? '',
          month: values['dateOfBirth-month'] ?? '',
          year: values['dateOfBirth-year'] ?? '',
        },
        dates.dateOfBirth?.errorParts ?? [],
      ),
      ...formErrors(conflict ? [{ field: 'version', reason: conflictReason }, ...errors] : errors, dates),
    })

  app.get(`${peoplePath}/:id/edit`, { config: { access: personWriters } }, async (request, reply) => {
    const person = await personToChange(services, request, reply, '/edit')
    if (!person) return reply
    return editPage(reply, person, detailValues(person))
  })

  app.post(`${peoplePath}/:id/edit`, { config: { access: personWriters } }, async (request, reply) => {
    const person = await personToChange(services, request, reply, '/edit')
    if (!person) return reply
    const body = request.body as Body
    const values = strings(body)
    const dob = parseDateInput(body, 'dateOfBirth', { label: 'Date of birth', required: false })
    const dates = { dateOfBirth: dob }
    const errors: FieldError[] = []
    if (dob.error) errors.push({ field: 'dateOfBirth', reason: dob.error })
    const estimateText = text(body, 'estimatedAgeYears')
    let estimate: number | null = null
    if (estimateText) {
      if (/^\d{1,3}$/.test(estimateText)) estimate = Number(estimateText)
      else
        errors.push({ field: 'estimatedAgeYears', reason: 'Estimated age must be a whole number of years' })
    }
    if (dob.value && estimate !== null)
      errors.push({
        field: 'estimatedAgeYears',
        reason: 'Give a date of birth or an estimated age, not both',
      })
    const version = versionOf(body)
    if (errors.length) return editPage(reply, person, values, errors, dates)
    const patch: PersonInput = {
      familyName: text(body, 'familyName'),
      givenNames: text(body, 'givenNames'),
      dateOfBirth: dob.value,
      estimatedAgeYears: estimate,
      gender: (text(body, 'gender') || 'not known') as PersonInput['gender'],
      ethnicity: (text(body, 'ethnicity') || 'NS') as PersonInput['ethnicity'],
    }
    try {
      if (version === null) throw new ConflictError()
      await children.update(person.id, version, patch, actorOf(request))
    } catch (error) {
      if (error instanceof ValidationError) return editPage(reply, person, values, error.errors, dates)
      if (error instanceof ConflictError) {
        // The page shows the record as it is now: a read.
        await children.recordView(actorOf(request), person.id, request.id)
        return editPage(reply, person, values, [], dates, await children.get(person.id))
      }
      throw error
    }
    return reply.redirect(`${peoplePath}/${person.id}`, 303)
  })

  // ---- end a flag, end a household membership ----

  interface Ending<R extends { id: string; fromDate: string; version: number }> {
    /** The path under /people/:id, with :recordId for the flag or membership. */
    path: string
    title: string
    legend: string
    back: string
    load(person: Person, recordId: string): Promise<R | undefined>
    describe(record: R): { key: string; value: string }[]
    end(
      recordId: string,
      version: number,
      toDate: string,
      person: Person,
      request: FastifyRequest,
    ): Promise<void>
  }

  const ending = <R extends { id: string; fromDate: string; version: number }>(form: Ending<R>) => {
    const render = async (
      reply: FastifyReply,
      person: Person,
      recordId: string,
      values: Record<string, string>,
      parsed: ParsedDate | undefined,
      errors: FieldError[],
      conflict = false,
    ) => {
      const record = await form.load(person, recordId)
      if (!record) throw new NotFoundError('There is no such record for this person')
      return reply.code(conflict ? 409 : errors.length ? 400 : 200).render('children/views/end-form.njk', {
        pageTitle: `${form.title}: ${displayName(person)}`,
        title: form.title,
        legend: form.legend,
        name: displayName(person),
        rows: form.describe(record),
        action: `${peoplePath}/${person.id}${form.path.replace(':recordId', record.id)}`,
        back: `${peoplePath}/${person.id}${form.back}`,
        version: conflict || !values.version ? String(record.version) : values.version,
        dateItems: dateInputItems(
          parsed?.parts ?? { day: '', month: '', year: '' },
          parsed?.errorParts ?? [],
        ),
        ...formErrors(
          conflict ? [{ field: 'version', reason: conflictReason }, ...errors] : errors,
          parsed ? { toDate: parsed } : {},
        ),
      })
    }
    const recordIdOf = (request: FastifyRequest) => (request.params as { recordId: string }).recordId
    const suffixOf = (request: FastifyRequest) => form.path.replace(':recordId', recordIdOf(request))

    app.get(
      `${peoplePath}/:id${form.path}`,
      { config: { access: personWriters } },
      async (request, reply) => {
        const person = await personToChange(services, request, reply, suffixOf(request))
        if (!person) return reply
        return render(reply, person, recordIdOf(request), {}, undefined, [])
      },
    )

    app.post(
      `${peoplePath}/:id${form.path}`,
      { config: { access: personWriters } },
      async (request, reply) => {
        const person = await personToChange(services, request, reply, suffixOf(request))
        if (!person) return reply
        const recordId = recordIdOf(request)
        const body = request.body as Body
        const values = strings(body)
        const parsed = parseDateInput(body, 'toDate', { label: 'End date', required: true })
        const record = await form.load(person, recordId)
        if (!record) throw new NotFoundError('There is no such record for this person')
        const errors: FieldError[] = []
        if (parsed.error) errors.push({ field: 'toDate', reason: parsed.error })
        else if (parsed.value && isIsoDate(parsed.value) && parsed.value < record.fromDate)
          errors.push({ field: 'toDate', reason: 'End date must be the same as or after the start date' })
        if (errors.length) return render(reply, person, recordId, values, parsed, errors)
        try {
          const version = versionOf(body)
          if (version === null) throw new ConflictError()
          await form.end(recordId, version, parsed.value as string, person, request)
        } catch (error) {
          if (error instanceof ValidationError)
            return render(reply, person, recordId, values, parsed, error.errors)
          if (error instanceof ConflictError) return render(reply, person, recordId, values, parsed, [], true)
          throw error
        }
        return reply.redirect(`${peoplePath}/${person.id}${form.back}`, 303)
      },
    )
  }

  const day = (value: string | null) => (value ? new Date(`${value}T12:00:00Z`) : null)
  const longDate = (value: string | null) =>
    day(value)?.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' }) ?? 'Current'

  ending({
    path: '/flags/:recordId/end',
    title: 'End a flag',
    legend: 'Date the flag ended',
    back: '#flags',
    load: async (person, id) => (await children.flags(person.id)).find((f) => f.id === id),
    describe: (flag) => [
      { key: 'Flag', value: flagLabels[flag.flag] + (flag.detail ? `: ${flag.detail}` : '') },
      { key: 'Started', value: longDate(flag.fromDate) },
      { key: 'Ends', value: longDate(flag.toDate) },
    ],
    end: (id, version, toDate, _person, request) => children.endFlag(id, version, toDate, actorOf(request)),
  })

  ending({
    path: '/households/:recordId/end',
    title: 'End a household membership',
    legend: 'Date they left the household',
    back: '/household',
    load: async (person, id) => (await children.memberships(person.id)).find((m) => m.id === id),
    describe: (m) => [
      { key: 'Household', value: m.householdRef },
      { key: 'Role', value: capitalise(m.role) },
      { key: 'Lived there from', value: longDate(m.fromDate) },
      { key: 'Left', value: longDate(m.toDate) },
    ],
    end: (id, version, toDate, _person, request) =>
      children.endMembership(id, version, toDate, actorOf(request)),
  })

  // ---- merge two records of one person ----

  app.get(`${peoplePath}/:id/merge`, { config: { access: personWriters } }, async (request, reply) => {
    const person = await personToChange(services, request, reply, '/merge')
    if (!person) return reply
    const query = request.query as Record<string, unknown>
    const q = text(query, 'q')
    const hasParts = ['dob-day', 'dob-month', 'dob-year'].some((k) => text(query, k))
    const dob = hasParts
      ? parseDateInput(query, 'dob', { label: 'Date of birth', required: false })
      : undefined
    const errors: FieldError[] = dob?.error ? [{ field: 'dob', reason: dob.error }] : []
    const searched = Boolean(q || dob?.value)
    const found =
      searched && !errors.length
        ? (await children.search({ q, dob: dob?.value ?? undefined }, listViewer(request))).filter(
            (p) => p.id !== person.id,
          )
        : []
    const today = children.today()
    return reply.code(errors.length ? 400 : 200).render('children/views/merge-search.njk', {
      pageTitle: `Merge with another record: ${displayName(person)}`,
      ...(await identity(services, person)),
      section: 'Merge with another record',
      q,
      searched,
      dobItems: dateInputItems(dob?.parts ?? { day: '', month: '', year: '' }, dob?.errorParts ?? []),
      results: found.map((p) => ({ ...p, name: displayName(p), age: ageAt(p, today) })),
      ...formErrors(errors, dob ? { dob } : {}),
    })
  })

  /** Both records side by side, in the order survivor then merged. */
  const mergeCheck = async (
    reply: FastifyReply,
    person: Person,
    other: Person,
    keepOther: boolean,
    errors: FieldError[] = [],
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
    return reply.code(status).render('children/views/merge-check.njk', {
      pageTitle: 'Check the merge before you confirm it',
      person,
      name: displayName(person),
      survivor: await describe(survivor),
      merged: await describe(merged),
      action: base,
      swap: keepOther ? base : `${base}?keep=other`,
      back: `${peoplePath}/${person.id}/merge`,
      ...formErrors(errors),
    })
  }

  /** The record to merge with: it changes too, so the principal must be able to change it (403 otherwise). */
  const otherRecord = async (request: FastifyRequest, person: Person) => {
    const { otherId } = request.params as { otherId: string }
    const other = await children.findRecord(otherId)
    if (!other) throw new NotFoundError('There is no person with this id')
    if (other.id === person.id) throw new NotFoundError('Choose another record to merge with this one')
    if (other.mergedInto)
      throw new ConflictError('That record has already been merged into another; choose the surviving record')
    await children.mustEdit(actorOf(request), other.id)
    return other
  }

  app.get(
    `${peoplePath}/:id/merge/:otherId`,
    { config: { access: personWriters } },
    async (request, reply) => {
      const { otherId } = request.params as { otherId: string }
      const person = await personToChange(services, request, reply, `/merge/${otherId}`)
      if (!person) return reply
      const other = await otherRecord(request, person)
      // Both records side by side: one list read naming both (the person's own read is logged too).
      await children.recordList(listViewer(request), [person.id, other.id], {
        detail: { reason: 'records to merge' },
      })
      return mergeCheck(reply, person, other, text(request.query as Body, 'keep') === 'other')
    },
  )

  app.post(
    `${peoplePath}/:id/merge/:otherId`,
    { config: { access: personWriters } },
    async (request, reply) => {
      const { otherId } = request.params as { otherId: string }
      const person = await personToChange(services, request, reply, `/merge/${otherId}`)
      if (!person) return reply
      const other = await otherRecord(request, person)
      const body = request.body as Body
      const survivorId = text(body, 'survivorId')
      if (survivorId !== person.id && survivorId !== other.id)
        return mergeCheck(
          reply,
          person,
          other,
          false,
          [{ field: 'survivorId', reason: 'Choose which record to keep' }],
          400,
        )
      const keepOther = survivorId === other.id
      const mergedId = keepOther ? person.id : other.id
      const survivorVersion = versionOf(body, 'survivorVersion')
      const mergedVersion = versionOf(body, 'mergedVersion')
      try {
        if (survivorVersion === null || mergedVersion === null) throw new ConflictError()
        await children.merge(survivorId, mergedId, actorOf(request), { survivorVersion, mergedVersion })
      } catch (error) {
        if (error instanceof ConflictError) {
          // Show both records as they are now: the user confirms again what they would merge.
          const fresh = await children.findRecord(person.id)
          const freshOther = await children.findRecord(other.id)
          if (!fresh || !freshOther || fresh.mergedInto || freshOther.mergedInto) throw error
          await children.recordList(listViewer(request), [fresh.id, freshOther.id], {
            detail: { reason: 'records to merge' },
          })
          return mergeCheck(
            reply,
            fresh,
            freshOther,
            keepOther,
            [{ field: 'version', reason: conflictReason.replace('What you entered is kept below: ', '') }],
            409,
          )
        }
        if (error instanceof ValidationError)
          return mergeCheck(reply, person, other, keepOther, error.errors, 400)
        throw error
      }
      return reply.redirect(`${peoplePath}/${survivorId}`, 303)
    },
  )
}
