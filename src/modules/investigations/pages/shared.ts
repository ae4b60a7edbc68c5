import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { Access } from '../../../platform/access/access.ts'
import { type Reach, reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ConflictError, type FieldError } from '../../../platform/http/errors.ts'
import { type FormSchema, type FormState, readForm } from '../../../platform/http/form.ts'
import type { FormBody } from '../../../platform/http/form-body.ts'
import { text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { londonInstant } from '../../../platform/time.ts'
import type { Services } from '../../../services.ts'
import { investigationWorkers } from '../access.ts'
import type { InvestigationActor } from '../service.ts'

export const investigationsPath = '/investigations'

export function actorOf(principal: Principal): InvestigationActor {
  return {
    id: principal.id,
    username: principal.username,
    displayName: principal.displayName,
    staffId: principal.staffId,
  }
}

export const tabs = ['summary', 'people', 'actions', 'reviews', 'strategy', 'timeline'] as const
export type Tab = (typeof tabs)[number]
export const tabLabels: Record<Tab, string> = {
  summary: 'Summary',
  people: 'People',
  actions: 'Actions',
  reviews: 'Reviews',
  strategy: 'Strategy',
  timeline: 'Timeline',
}

export const tabPath = (id: string, tab: Tab) =>
  tab === 'summary' ? `${investigationsPath}/${id}` : `${investigationsPath}/${id}/${tab}`

/**
 * A name the service's errors use for a group of inputs (the rows of people, "Link at least one child")
 * or for the form as a whole, with no input of its own: listed in the schema where the page shows it, so
 * its error takes its place in the summary. Nothing is sent under it, so it is always ''.
 */
export const group = () => text()

/** The instant a London wall-clock 'YYYY-MM-DDTHH:MM' (a dateTimeInput) names. */
export const instantOf = (local: string) => londonInstant(local.slice(0, 10), local.slice(11, 16))

/**
 * What was typed, as the investigation templates read it: one value per input name, so a date's boxes
 * are `<name>-day`, `-month`, `-year` and `-time`.
 */
export function typed(values: Record<string, unknown> | undefined): Record<string, unknown> {
  const flat: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value && typeof value === 'object' && !Array.isArray(value) && 'day' in value) {
      for (const [part, box] of Object.entries(value)) flat[`${name}-${part}`] = box
    } else flat[name] = value
  }
  return flat
}

/**
 * Service errors about rows (`people.0.person`, the first row sent) named as the form's inputs are
 * (`people-2-person`, the row on the page). `rowOf` says which page row the n-th row sent was.
 */
export function rowErrors(errors: readonly FieldError[], rowOf: (n: number) => number = (n) => n) {
  return errors.map((e) => {
    const row = /^([a-zA-Z]+)\.(\d+)\.(.*)$/.exec(e.field)
    return row ? { ...e, field: `${row[1]}-${rowOf(Number(row[2]))}-${row[3]}` } : e
  })
}

const conflictMessage =
  'Someone else changed this investigation while you were working on it. What you entered is kept below: ' +
  'check the case, then save again.'

/** The case a form is about, as its reader may see it (not found outside their reach). */
export const caseFor = (services: Services, id: string, principal: Principal, requestId: string) =>
  services.investigations.read(id, reachOf(principal), actorOf(principal), requestId)

type Case = Awaited<ReturnType<typeof caseFor>>

export interface CaseFormSave<S extends FormSchema> {
  id: string
  version: number
  input: z.output<S>
  actor: InvestigationActor
  reach: Reach
  principal: Principal
}

/**
 * A form that records something on a case: GET shows it, a saved POST goes back to the case's tab. What
 * was typed is kept when the form is shown again, and when someone else changed the case meanwhile (a
 * 409, with the summary saying so), so nothing typed is lost.
 */
export function caseForm<S extends FormSchema>(
  app: FastifyInstance,
  services: Services,
  options: {
    path: string
    template: string
    title: string
    tab: Tab
    /** Who may record it; the case's workers unless the step has its own. */
    access?: Access
    form: S
    /** What else the template shows, from the case and what was typed. */
    extra?: (
      c: Case,
      values: Record<string, unknown>,
      request: { principal: Principal; query: FormBody },
    ) => Promise<Record<string, unknown>> | Record<string, unknown>
    save(page: CaseFormSave<S>): Promise<unknown>
  },
) {
  const template = `investigations/views/${options.template}`
  async function context(
    params: Record<string, string>,
    principal: Principal,
    query: FormBody,
    requestId: string,
    values: Record<string, unknown>,
    state?: Pick<FormState, 'errorParts'>,
  ) {
    const c = await caseFor(services, params.id as string, principal, requestId)
    return {
      pageTitle: options.title,
      heading: options.title,
      c,
      i: c.investigation,
      values,
      errorParts: state?.errorParts ?? {},
      ...(await options.extra?.(c, values, { principal, query })),
    }
  }
  page(app, `${investigationsPath}/:id/${options.path}`, {
    access: options.access ?? investigationWorkers,
    form: options.form,
    get: async ({ params, principal, query, request, form }) =>
      view(
        template,
        await context(params, principal, query, request.id, form ? typed(form.values) : {}, form),
      ),
    post: async ({ params, principal, query, request, input }) => {
      const id = params.id as string
      const { version } = input as { version: number }
      try {
        await options.save({
          id,
          version,
          input: input as z.output<S>,
          actor: actorOf(principal),
          reach: reachOf(principal),
          principal,
        })
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error
        const values = typed(readForm(options.form, request.body as FormBody))
        return view(
          template,
          {
            ...(await context(params, principal, query, request.id, values)),
            errors: [{ text: conflictMessage, href: '#version' }],
            fieldErrors: { version: { text: conflictMessage } },
          },
          409,
        )
      }
      return tabPath(id, options.tab)
    },
  })
}
