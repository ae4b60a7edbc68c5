import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Principal } from '../../../platform/auth/principal.ts'
import { type FieldError, NotFoundError } from '../../../platform/http/errors.ts'
import type { Services } from '../../../services.ts'
import { ageAt, displayName, ethnicityLabel, type FlagKind, flagLabels } from '../person.ts'
import type { Person } from '../service.ts'

export const peoplePath = '/people'

/** Who is reading, and what they asked, as the access log names a list read: 'GET /people?q=smith'. */
export function listViewer(request: FastifyRequest) {
  return {
    actor: request.principal as Principal,
    requestId: request.id,
    query: `${request.method} ${request.url}`,
  }
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

/** Loads the person a page is about; a merged record's address moves to the survivor's page. */
export async function personFor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  suffix = '',
): Promise<Person | undefined> {
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

/**
 * Loads the person a form that changes them is about, once the principal may change them: their area holds
 * the person, or they are the MASH or an admin (403 otherwise; the person is known force-wide). A form
 * shown (GET) is a read of the person, logged; shown again after a POST it is not read again.
 */
export async function personToChange(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  suffix = '',
): Promise<Person | undefined> {
  const person = await personFor(services, request, reply, suffix)
  if (!person) return undefined
  const principal = request.principal as Principal
  await services.children.mustEdit(principal, person.id)
  if (request.method === 'GET') await services.children.recordView(principal, person.id, request.id)
  return person
}

/** A select's items: a prompt, then each value with its label, the chosen one selected. */
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

/** The borough select of an address: a prompt, then the force's boroughs. */
export function boroughItems(boroughs: readonly { id: string; name: string }[], selected: string) {
  return [
    { value: '', text: 'Select a borough' },
    ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === selected })),
  ]
}

export const conflictReason =
  'Someone else changed this record while you were working on it. What you entered is kept below: ' +
  'check their change, then save again.'

/**
 * The error summary and field messages for problems a page finds itself, outside a form the page
 * handler checks (a merge to confirm again, a save that met someone else's change), each linking to its
 * field.
 */
export function summaryOf(errors: readonly FieldError[]) {
  const fieldErrors: Record<string, { text: string }> = {}
  for (const e of errors) fieldErrors[e.field] ??= { text: e.reason }
  return { errors: errors.map((e) => ({ text: e.reason, href: `#${e.field}` })), fieldErrors }
}

/** A save met someone else's change: the summary links to the record as it now is (`#version`). */
export const conflictSummary = (reason = conflictReason) => summaryOf([{ field: 'version', reason }])

/**
 * The record version a form carried, or null when it is not one. A missing or spoilt version is answered
 * as a conflict (409, with the record as it now is), as a stale one is, so forms carry it as a plain
 * hidden field rather than one the page handler would refuse as a bad request.
 */
export function versionNumber(value: string): number | null {
  const version = Number(value)
  return value !== '' && Number.isInteger(version) && version >= 1 ? version : null
}
