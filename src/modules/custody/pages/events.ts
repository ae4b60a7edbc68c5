import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal } from '../../../platform/auth/principal.ts'
import { dateInputItems } from '../../../platform/http/date-input.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import {
  type FormState,
  formState,
  parseForm,
  problemsFromFieldErrors,
  visibleFields,
} from '../../../platform/http/form.ts'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import type { DateTimeParts } from '../../../platform/http/form-fields.ts'
import { custodyAccess } from '../access.ts'
import { type EventKind, eventInput, eventKindLabels, eventKinds } from '../custody.ts'
import { type EventForm, eventFields, eventForms } from '../forms.ts'
import { detentionPage } from './detention.ts'
import { type CustodyPageDeps, custodyPath, nowParts } from './shared.ts'

const isEventKind = (kind: string): kind is EventKind => (eventKinds as readonly string[]).includes(kind)

type Typed = Record<string, unknown>

/** What the template needs to draw one kind's fields: what was typed, and each field's error. */
function fieldsView(
  kind: EventKind,
  typed: Typed,
  state: FormState<EventForm> | undefined,
  related: { value: string; text: string }[],
) {
  return eventFields[kind].map((field) => {
    const error = state?.fieldErrors[field.name]
    const value = typeof typed[field.name] === 'string' ? (typed[field.name] as string) : ''
    const base = { ...field, id: field.name, error, value }
    if (field.type === 'datetime') {
      const parts = (typed[field.name] as DateTimeParts | undefined) ?? {
        day: '',
        month: '',
        year: '',
        time: '',
      }
      return {
        ...base,
        dateItems: state ? state.dateItems(field.name) : dateInputItems(parts),
        time: parts.time,
        timeError: Boolean(state?.fieldErrors[`${field.name}-time`]),
      }
    }
    if (field.type === 'select' || field.type === 'related') {
      const choices =
        field.type === 'related'
          ? related
          : Object.entries(field.options ?? {}).map(([option, words]) => ({ value: option, text: words }))
      return {
        ...base,
        items: [
          { value: '', text: 'Choose' },
          ...choices.map((c) => ({ ...c, selected: c.value === value })),
        ],
      }
    }
    if (field.type === 'boolean') {
      return {
        ...base,
        items: [
          { value: 'yes', text: 'Yes', checked: value === 'yes' },
          { value: 'no', text: 'No', checked: value === 'no' },
        ],
      }
    }
    return base
  })
}

/**
 * The summary of what the service found wrong: every problem, not only each field's first (a review can
 * be both before the arrest and before detention was authorised), in the order the form shows the fields;
 * a time's to its time box, a date's to its first box.
 */
function everyProblem(kind: EventKind, problems: readonly FieldError[]) {
  const order = ['kind', ...eventFields[kind].map((f) => f.name)]
  const datetimes = new Set(eventFields[kind].filter((f) => f.type === 'datetime').map((f) => f.name))
  const href = (field: string) =>
    field.endsWith('-time') ? `#${field}` : datetimes.has(field) ? `#${field}-day` : `#${field}`
  return problems
    .map((problem) => ({ problem, at: order.indexOf(problem.field.replace(/-time$/, '')) }))
    .sort((a, b) => a.at - b.at)
    .map(({ problem }) => ({ text: problem.reason, href: href(problem.field) }))
}

/**
 * Recording what happened in custody. The kind is chosen on the detention page (a plain GET form, so it
 * works without JavaScript) and each kind asks for its own fields, so the form's schema is the kind's
 * (forms.ts) and the POST reads it as the page handler would: what is wrong is shown on the form in
 * field order, with what was typed; a wrong hidden field (kind, version) is a bad request.
 */
export function eventPages(app: FastifyInstance, deps: CustodyPageDeps) {
  const { custody, clock } = deps

  async function eventFormView(
    request: FastifyRequest,
    id: string,
    kind: EventKind,
    typed: Typed,
    state?: FormState<EventForm>,
  ) {
    const view = await custody.get(id, request.principal as Principal)
    const related =
      kind === 'review_told'
        ? view.events.filter((e) => e.kind === 'review' && e.inPerson === false)
        : kind === 'la_response'
          ? view.events.filter((e) => e.kind === 'accommodation_request')
          : []
    return {
      pageTitle: eventKindLabels[kind],
      detention: view.detention,
      child: view.child,
      suiteName: view.suiteName,
      kind,
      errors: state?.errors ?? [],
      fields: fieldsView(
        kind,
        typed,
        state,
        related.map((e) => ({
          value: e.id,
          text: `${eventKindLabels[e.kind]} at ${e.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        })),
      ),
      version: typeof typed.version === 'string' ? typed.version : String(view.detention.version),
    }
  }

  app.get(
    `${custodyPath}/detentions/:id/events/new`,
    { config: { access: custodyAccess.recordEvent } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const kind = formText(request.query as FormBody, 'kind')
      if (!isEventKind(kind)) {
        return reply.code(400).render('custody/views/detention.njk', {
          ...(await detentionPage(deps, request, id)),
          errors: [{ text: 'Choose what happened', href: '#kind' }],
          kindError: { text: 'Choose what happened' },
        })
      }
      const typed = { at: nowParts(clock.now()) }
      return reply.render('custody/views/event-form.njk', await eventFormView(request, id, kind, typed))
    },
  )

  app.post(
    `${custodyPath}/detentions/:id/events`,
    { config: { access: custodyAccess.recordEvent } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const body = request.body as FormBody
      const kind = formText(body, 'kind')
      if (!isEventKind(kind)) throw new ValidationError([{ field: 'kind', reason: 'Choose what happened' }])
      const schema = eventForms[kind]
      const parsed = parseForm(schema, body)
      const again = async (state: FormState<EventForm>) =>
        reply
          .code(400)
          .render(
            'custody/views/event-form.njk',
            await eventFormView(request, id, kind, state.values as Typed, state),
          )
      if (!parsed.ok) {
        if (parsed.hiddenErrors.length) throw new ValidationError(parsed.hiddenErrors)
        return again(parsed.state)
      }
      const { version, kind: _sent, ...fields } = parsed.input as Typed & { version: number }
      const input = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
      let problems: FieldError[]
      const event = eventInput.safeParse({ kind, ...input })
      if (!event.success) {
        problems = event.error.issues.map((i) => ({ field: String(i.path[0] ?? 'kind'), reason: i.message }))
      } else {
        try {
          await custody.addEvent(id, version, event.data, request.principal as Principal)
          return reply.redirect(`${custodyPath}/detentions/${id}#timeline`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          problems = error.errors
        }
      }
      // A problem naming no field of this form is the event's as a whole: listed first, under its kind.
      const visible = visibleFields(schema)
      const named = problems.map((p) =>
        visible.has(p.field.replace(/-time$/, '')) ? p : { ...p, field: 'kind' },
      )
      const state = formState(schema, parsed.values, problemsFromFieldErrors(named))
      return again({ ...state, errors: everyProblem(kind, named) })
    },
  )
}
