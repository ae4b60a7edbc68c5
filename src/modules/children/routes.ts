import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import type { Services } from '../../services.ts'
import { dateErrorHref, dateInputItems, type ParsedDate, parseDateInput } from '../organisation/form-dates.ts'
import { personReaders, personWriterRoles, personWriters } from './access.ts'
import { boroughsOf } from './boroughs.ts'
import {
  ageAt,
  displayName,
  ethnicities,
  ethnicityLabel,
  type FlagKind,
  flagKinds,
  flagLabels,
  genders,
  type HouseholdRole,
  householdRoles,
  isIsoDate,
  type PersonInput,
  protectionPlanCategories,
  type RelationshipKind,
  relationshipKinds,
} from './person.ts'
import { personRecordRoutes } from './record-routes.ts'
import { type Person, PossibleDuplicateError } from './service.ts'

// Declared in access.ts; the shell's menu still finds the readers here.

export const peoplePath = '/people'

export type Body = Record<string, unknown> | undefined

export function text(body: Body, key: string): string {
  const value = body?.[key]
  return typeof value === 'string' ? value.trim() : ''
}

export function actorOf(request: FastifyRequest): Principal {
  return request.principal as Principal
}

/** Who is reading, and what they asked, as the access log names a list read: 'GET /people?q=smith'. */
export function listViewer(request: FastifyRequest) {
  return { actor: actorOf(request), requestId: request.id, query: `${request.method} ${request.url}` }
}

/** GOV.UK error summary entries and inline messages, date fields linking to their first box in error. */
export function formErrors(errors: FieldError[], dates: Record<string, ParsedDate> = {}) {
  const summary = errors.map((e) => ({
    text: e.reason,
    href: dates[e.field] ? dateErrorHref(e.field, dates[e.field]?.errorParts ?? []) : `#${e.field}`,
  }))
  const inline: Record<string, { text: string }> = {}
  for (const e of errors) inline[e.field] ??= { text: e.reason }
  return { errors: summary, fieldErrors: inline }
}

const tagClass: Record<FlagKind, string> = {
  looked_after: 'govuk-tag--blue',
  child_protection_plan: 'govuk-tag--red',
  child_in_need: 'govuk-tag--orange',
  cse_risk: 'govuk-tag--red',
  cce_risk: 'govuk-tag--red',
  missing_history: 'govuk-tag--yellow',
  send: 'govuk-tag--purple',
  mental_health: 'govuk-tag--purple',
}

/** What every page about one person shows at the top: who they are, how old, and their current flags. */
export async function identity(services: Services, person: Person) {
  const today = services.children.today()
  const age = ageAt(person, today)
  const flags = await services.children.flagsOn(person.id, today)
  return {
    person,
    name: displayName(person),
    age: age ? `${age.estimated ? 'about ' : ''}${age.years}` : 'not known',
    isChild: age !== null && age.years < 18,
    flags: flags.map((f) => ({ ...f, label: flagLabels[f.flag], classes: tagClass[f.flag] })),
    ethnicity: ethnicityLabel(person.ethnicity),
  }
}

/**
 * Loads the person a form that changes them is about, once the principal may change them: their area holds
 * the person, or they are the MASH or an admin (403 otherwise; the person is known force-wide). A form
 * shown (GET) is a read of the person, logged.
 */
export async function personToChange(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  suffix = '',
): Promise<Person | undefined> {
  const person = await personFor(services, request, reply, suffix)
  if (!person) return undefined
  await services.children.mustEdit(actorOf(request), person.id)
  if (request.method === 'GET') await services.children.recordView(actorOf(request), person.id, request.id)
  return person
}

/** Loads the person a page is about; a merged record's address moves to the survivor's page. */
export async function personFor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  suffix = '',
) {
  const { id } = request.params as { id: string }
  const person = await services.children.find(id)
  if (!person) throw new NotFoundError('There is no person with this reference')
  if (person.id !== id) {
    // Forms post to the person's id; a write sent by reference (or to a merged record) is refused, not
    // redirected, so it answers as a write and never lands as a read of someone else's page.
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw new NotFoundError('Send changes to the person by their id, not their reference')
    reply.redirect(`${peoplePath}/${person.id}${suffix}`, 303)
    return undefined
  }
  return person
}

export function selectItems(
  values: readonly string[],
  selected: string,
  labels: (v: string) => string = (v) => v,
) {
  return [
    { value: '', text: 'Select' },
    ...values.map((v) => ({ value: v, text: labels(v), selected: v === selected })),
  ]
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export function childrenRoutes(app: FastifyInstance, services: Services) {
  const { children } = services

  // Search: by name (sound-alike), date of birth and reference.
  app.get(peoplePath, { config: { access: personReaders } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const q = text(query, 'q')
    const hasParts = ['dob-day', 'dob-month', 'dob-year'].some((k) => text(query, k))
    const dobText = text(query, 'dob')
    const dob = hasParts
      ? parseDateInput(query, 'dob', { label: 'Date of birth', required: false })
      : undefined
    const errors: FieldError[] = []
    if (dob?.error) errors.push({ field: 'dob', reason: dob.error })
    if (dobText && !isIsoDate(dobText))
      errors.push({ field: 'dob', reason: 'Date of birth must be a real date' })
    const dobValue = dob?.value ?? (isIsoDate(dobText) ? dobText : undefined)
    const searched = Boolean(q || dobValue)
    const results =
      !errors.length && searched ? await children.search({ q, dob: dobValue }, listViewer(request)) : []
    const today = children.today()
    return reply.render('children/views/search.njk', {
      pageTitle: 'Search people',
      q,
      searched,
      dobItems: dateInputItems(dob?.parts ?? splitDate(dobValue), dob?.errorParts ?? []),
      results: results.map((p) => ({ ...p, name: displayName(p), age: ageAt(p, today) })),
      canCreate: request.principal?.roles.some((r) => personWriterRoles.includes(r)),
      ...formErrors(errors, dob ? { dob } : {}),
    })
  })

  const personForm = async (
    reply: FastifyReply,
    values: Record<string, string>,
    extra: Record<string, unknown> = {},
  ) => {
    const boroughs = await boroughsOf(services.db, services.clock)
    return reply.render('children/views/create.njk', {
      pageTitle: 'Add a person',
      values,
      genderItems: genders.map((g) => ({ value: g, text: capitalise(g), checked: values.gender === g })),
      ethnicityItems: selectItems(
        ethnicities.map((e) => e.code),
        values.ethnicity ?? '',
        ethnicityLabel,
      ),
      boroughItems: [
        { value: '', text: 'Select a borough' },
        ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === values.boroughId })),
      ],
      dobItems: dateInputItems(
        {
          day: values['dateOfBirth-day'] ?? '',
          month: values['dateOfBirth-month'] ?? '',
          year: values['dateOfBirth-year'] ?? '',
        },
        (extra.dobErrorParts as never) ?? [],
      ),
      fromItems: dateInputItems(
        {
          day: values['addressFrom-day'] ?? '',
          month: values['addressFrom-month'] ?? '',
          year: values['addressFrom-year'] ?? '',
        },
        (extra.fromErrorParts as never) ?? [],
      ),
      errors: [],
      fieldErrors: {},
      ...extra,
    })
  }

  app.get(`${peoplePath}/new`, { config: { access: personWriters } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    return personForm(reply, {
      familyName: text(query, 'familyName'),
      givenNames: text(query, 'givenNames'),
      gender: 'not known',
      ethnicity: 'NS',
    })
  })

  app.post(`${peoplePath}/new`, { config: { access: personWriters } }, async (request, reply) => {
    const body = request.body as Body
    const values = Object.fromEntries(
      Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string'),
    ) as Record<string, string>
    const dob = parseDateInput(body, 'dateOfBirth', { label: 'Date of birth', required: false })
    const hasAddress = Boolean(text(body, 'address'))
    const from = parseDateInput(body, 'addressFrom', {
      label: 'Date they started living there',
      required: hasAddress,
    })
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
    if (hasAddress && from.error) errors.push({ field: 'addressFrom', reason: from.error })
    const input: PersonInput = {
      familyName: text(body, 'familyName'),
      givenNames: text(body, 'givenNames'),
      dateOfBirth: dob.value,
      estimatedAgeYears: estimate,
      gender: (text(body, 'gender') || 'not known') as PersonInput['gender'],
      ethnicity: (text(body, 'ethnicity') || 'NS') as PersonInput['ethnicity'],
    }
    const dates = { dateOfBirth: dob, addressFrom: from }
    const again = (errs: FieldError[], extra: Record<string, unknown> = {}) =>
      personForm(reply.code(errs.length ? 400 : 200), values, {
        ...formErrors(errs, dates),
        dobErrorParts: dob.errorParts,
        fromErrorParts: from.errorParts,
        ...extra,
      })
    if (errors.length) return again(errors)
    try {
      const person = await children.create(
        {
          ...input,
          address: hasAddress
            ? {
                address: text(body, 'address'),
                postcode: text(body, 'postcode') || null,
                boroughId: text(body, 'boroughId') || null,
                fromDate: from.value as string,
                toDate: null,
              }
            : null,
        },
        actorOf(request),
        { confirmedNotDuplicate: text(body, 'confirmNotDuplicate') === 'yes' },
      )
      return reply.redirect(`${peoplePath}/${person.id}`, 303)
    } catch (error) {
      if (error instanceof ValidationError)
        return again(error.errors.map((e) => ({ ...e, field: formField(e.field) })))
      if (error instanceof PossibleDuplicateError) {
        const today = children.today()
        await children.recordList(
          listViewer(request),
          error.candidates.map((p) => p.id),
          { detail: { reason: 'possible duplicates of a new person' } },
        )
        return again([], {
          duplicates: error.candidates.map((p) => ({ ...p, name: displayName(p), age: ageAt(p, today) })),
        })
      }
      throw error
    }
  })

  // The child's page and its tabs: every view is written to the access log.
  const personPage = (
    suffix: string,
    template: string,
    section: string,
    load: (person: Person, request: FastifyRequest) => Promise<Record<string, unknown>>,
  ) =>
    app.get(`${peoplePath}/:id${suffix}`, { config: { access: personReaders } }, async (request, reply) => {
      // A merged record's own page says where it went; its tabs and its ref lead to the survivor.
      if (suffix === '') {
        const record = await children.findRecord((request.params as { id: string }).id)
        if (record?.mergedInto) return mergedPage(request, reply, record)
      }
      const person = await personFor(services, request, reply, suffix)
      if (!person) return reply
      await children.recordView(actorOf(request), person.id, request.id)
      const header = await identity(services, person)
      const writer = actorOf(request).roles.some((r) => personWriterRoles.includes(r))
      const canEdit = writer && (await children.canEdit(actorOf(request), person.id))
      return reply.render(template, {
        pageTitle: `${header.name}: ${section}`,
        section,
        ...header,
        canEdit,
        // A writer from another area sees why the forms are not offered.
        heldElsewhere: writer && !canEdit,
        ...(await load(person, request)),
      })
    })

  const mergedPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    record: Person & { mergedAt: Date | null },
  ) => {
    await children.recordView(actorOf(request), record.id, request.id)
    const survivor = await children.find(record.id)
    return reply.render('children/views/merged.njk', {
      pageTitle: `${displayName(record)}: merged record`,
      record,
      name: displayName(record),
      ethnicity: ethnicityLabel(record.ethnicity),
      survivor,
      survivorName: survivor ? displayName(survivor) : '',
    })
  }

  personPage('', 'children/views/person.njk', 'Summary', async (person) => ({
    allFlags: (await children.flags(person.id)).map((f) => ({ ...f, label: flagLabels[f.flag] })),
    addresses: await children.addresses(person.id),
  }))

  // The household tab lists other people (name, age): one list read naming them, besides the page's read.
  personPage('/household', 'children/views/household.njk', 'Household', async (person, request) => {
    const today = children.today()
    const households = await children.householdOn(person.id, today)
    const relationships = await children.relationships(person.id)
    const others = [
      ...households.flatMap((h) => h.members.map((m) => m.person.id)),
      ...relationships.map((r) => r.other.id),
    ].filter((id) => id !== person.id)
    if (others.length)
      await children.recordList(listViewer(request), others, {
        detail: { reason: 'household of', personId: person.id },
      })
    return {
      households: households.map((h) => ({
        ...h,
        members: h.members.map((m) => ({
          ...m,
          name: displayName(m.person),
          self: m.person.id === person.id,
        })),
      })),
      memberships: await children.memberships(person.id),
      relationships: relationships.map((r) => ({ ...r, otherName: displayName(r.other) })),
    }
  })

  // Each provider lists only what the reader may see: another BCU's PACs and episodes stay off the page.
  personPage('/timeline', 'children/views/timeline.njk', 'Timeline', async (person, request) => ({
    items: await children.timeline(person.id, reachOf(request.principal as Principal)),
  }))

  // Forms that add to a person's record: flag, address, household membership, relationship.
  interface SubForm {
    path: string
    title: string
    template: string
    dates: { name: string; label: string; required: boolean }[]
    view(values: Record<string, string>): Promise<Record<string, unknown>> | Record<string, unknown>
    /** Fields that must be answered, checked with the dates so the user sees every problem at once. */
    required: { field: string; reason: string }[]
    save(person: Person, body: Body, dates: Record<string, string | null>, actor: Principal): Promise<unknown>
    back: string
  }

  const subForm = (form: SubForm) => {
    const render = async (
      reply: FastifyReply,
      person: Person,
      values: Record<string, string>,
      parsed: Record<string, ParsedDate>,
      errors: FieldError[],
    ) =>
      reply.code(errors.length ? 400 : 200).render(form.template, {
        pageTitle: `${form.title}: ${displayName(person)}`,
        title: form.title,
        person,
        name: displayName(person),
        values,
        action: `${peoplePath}/${person.id}${form.path}`,
        back: `${peoplePath}/${person.id}${form.back}`,
        dateItems: Object.fromEntries(
          form.dates.map((d) => [
            d.name,
            dateInputItems(
              parsed[d.name]?.parts ?? { day: '', month: '', year: '' },
              parsed[d.name]?.errorParts ?? [],
            ),
          ]),
        ),
        ...(await form.view(values)),
        ...formErrors(errors, parsed),
      })

    app.get(
      `${peoplePath}/:id${form.path}`,
      { config: { access: personWriters } },
      async (request, reply) => {
        const person = await personToChange(services, request, reply, form.path)
        if (!person) return reply
        return render(reply, person, {}, {}, [])
      },
    )

    app.post(
      `${peoplePath}/:id${form.path}`,
      { config: { access: personWriters } },
      async (request, reply) => {
        const person = await personToChange(services, request, reply, form.path)
        if (!person) return reply
        const body = request.body as Body
        const values = Object.fromEntries(
          Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>
        const parsed: Record<string, ParsedDate> = {}
        const errors: FieldError[] = []
        for (const d of form.dates) {
          parsed[d.name] = parseDateInput(body, d.name, { label: d.label, required: d.required })
          const error = parsed[d.name]?.error
          if (error) errors.push({ field: d.name, reason: error })
        }
        const missing = form.required.filter((r) => !text(body, r.field))
        if (errors.length || missing.length)
          return render(reply, person, values, parsed, [...missing, ...errors])
        try {
          await form.save(
            person,
            body,
            Object.fromEntries(form.dates.map((d) => [d.name, parsed[d.name]?.value ?? null])),
            actorOf(request),
          )
        } catch (error) {
          if (error instanceof ValidationError) return render(reply, person, values, parsed, error.errors)
          throw error
        }
        return reply.redirect(`${peoplePath}/${person.id}${form.back}`, 303)
      },
    )
  }

  subForm({
    path: '/flags/new',
    title: 'Add a flag',
    template: 'children/views/flag-form.njk',
    required: [{ field: 'flag', reason: 'Select a flag' }],
    back: '#flags',
    dates: [
      { name: 'fromDate', label: 'Start date', required: true },
      { name: 'toDate', label: 'End date', required: false },
    ],
    view: (values) => ({
      flagItems: flagKinds.map((f) => ({ value: f, text: flagLabels[f], checked: values.flag === f })),
      categories: protectionPlanCategories.join(', '),
    }),
    save: (person, body, dates, actor) =>
      children.addFlag(
        person.id,
        {
          flag: text(body, 'flag') as FlagKind,
          detail: text(body, 'detail') || null,
          fromDate: dates.fromDate as string,
          toDate: dates.toDate ?? null,
        },
        actor,
      ),
  })

  subForm({
    path: '/addresses/new',
    title: 'Add an address',
    template: 'children/views/address-form.njk',
    required: [{ field: 'address', reason: 'Enter the address' }],
    back: '#addresses',
    dates: [{ name: 'fromDate', label: 'Date they started living there', required: true }],
    view: async (values) => ({
      boroughItems: [
        { value: '', text: 'Select a borough' },
        ...(await boroughsOf(services.db, services.clock)).map((b) => ({
          value: b.id,
          text: b.name,
          selected: b.id === values.boroughId,
        })),
      ],
    }),
    save: (person, body, dates, actor) =>
      children.addAddress(
        person.id,
        {
          address: text(body, 'address'),
          postcode: text(body, 'postcode') || null,
          boroughId: text(body, 'boroughId') || null,
          fromDate: dates.fromDate as string,
          toDate: null,
        },
        actor,
      ),
  })

  subForm({
    path: '/households/new',
    title: 'Add to a household',
    template: 'children/views/membership-form.njk',
    required: [{ field: 'role', reason: 'Select a role in the household' }],
    back: '/household',
    dates: [
      { name: 'fromDate', label: 'Date they started living there', required: true },
      { name: 'toDate', label: 'Date they left', required: false },
    ],
    view: (values) => ({
      roleItems: householdRoles.map((r) => ({ value: r, text: capitalise(r), checked: values.role === r })),
    }),
    save: (person, body, dates, actor) =>
      children.addMembership(
        person.id,
        {
          householdRef: text(body, 'householdRef') || null,
          role: text(body, 'role') as HouseholdRole,
          fromDate: dates.fromDate as string,
          toDate: dates.toDate ?? null,
        },
        actor,
      ),
  })

  subForm({
    path: '/relationships/new',
    title: 'Add a relationship',
    template: 'children/views/relationship-form.njk',
    required: [
      { field: 'kind', reason: 'Select the relationship' },
      { field: 'otherRef', reason: 'Enter the reference of the other person' },
    ],
    back: '/household',
    dates: [{ name: 'fromDate', label: 'Start date', required: false }],
    view: (values) => ({
      kindItems: relationshipKinds.map((k) => ({
        value: k,
        text: `${capitalise(k)} of the person named below`,
        checked: values.kind === k,
      })),
    }),
    save: (person, body, dates, actor) =>
      children.addRelationship(
        person.id,
        {
          otherRef: text(body, 'otherRef'),
          kind: text(body, 'kind') as RelationshipKind,
          fromDate: dates.fromDate ?? null,
          toDate: null,
        },
        actor,
      ),
  })

  personRecordRoutes(app, services)
}

/** The service names the first address's fields address.*; the form's inputs are named on their own. */
function formField(field: string): string {
  const names: Record<string, string> = {
    'address.address': 'address',
    'address.postcode': 'postcode',
    'address.boroughId': 'boroughId',
    'address.fromDate': 'addressFrom',
  }
  return names[field] ?? field
}

export function splitDate(value: string | undefined) {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null
  return match
    ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1] as string }
    : { day: '', month: '', year: '' }
}
