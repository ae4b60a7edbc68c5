import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Access } from '../access/access.ts'
import type { Principal } from '../auth/principal.ts'
import { HttpError, ValidationError } from './errors.ts'
import {
  type FormSchema,
  type FormState,
  formState,
  parseForm,
  problemsFromFieldErrors,
  visibleFields,
} from './form.ts'
import type { FormBody } from './form-body.ts'

/**
 * The web pages' one way to declare a page, the twin of apiRoute. page() registers the GET and, with a
 * form, its POST, both under the page's access; reads and checks the form with its schema; shows the
 * page again with the error summary (in the form's field order) and what was typed when the input is
 * wrong, or when the service refuses it; and answers a saved form with a 303 to the next page (POST,
 * redirect, GET), so no page can forget its access, its validation or the redirect. CSRF is checked
 * for every unsafe request before any handler runs (app.ts), and stays there.
 */

/** A template to render and what it shows. */
export interface View {
  template: string
  context: Record<string, unknown>
  /** 200 unless said. */
  status?: number
}

export function view(template: string, context: Record<string, unknown> = {}, status?: number): View {
  return { template, context, status }
}

export interface PageRequest {
  request: FastifyRequest
  reply: FastifyReply
  /** Always present: pages hold data about people, so none is open to the public. */
  principal: Principal
  params: Record<string, string>
  query: FormBody
}

export interface PageGet<S extends FormSchema | undefined> extends PageRequest {
  /** The form as it was sent, when it is shown again because something in it is wrong; else undefined. */
  form: (S extends FormSchema ? FormState<S> : FormState) | undefined
}

export interface PagePost<S extends FormSchema | undefined> extends PageRequest {
  /** The form's values, typed by its schema. */
  input: S extends FormSchema ? z.output<S> : undefined
}

export interface PageOptions<S extends FormSchema | undefined> {
  access: Access
  /** The fields of the page's form in the order the page shows them. */
  form?: S
  /**
   * Where the form posts, when not the page's own path (an "add" page at /teams/new posting to /teams).
   * It must carry the same path parameters, so the page can be shown again from it.
   */
  action?: string
  /** Shows the page: first as asked for, and again with `form` when what was sent needs correcting. */
  get(page: PageGet<S>): Promise<View | FastifyReply>
  /**
   * Saves a valid form. Answers where to go next (a 303 there), or, for an answer that must be shown
   * once and never again on reload (a generated password), a view. A ValidationError naming fields of
   * the form shows the form again with those errors; any other error is answered as usual.
   */
  post?(page: PagePost<S>): Promise<string | View | FastifyReply>
}

function pageRequest(request: FastifyRequest, reply: FastifyReply): PageRequest {
  const principal = request.principal
  // The access hook has already sent anyone not signed in to the sign-in page; this is for the types.
  if (!principal) throw new HttpError(401, 'Sign in to continue')
  return {
    request,
    reply,
    principal,
    params: (request.params ?? {}) as Record<string, string>,
    query: request.query as FormBody,
  }
}

function show(reply: FastifyReply, shown: View | FastifyReply, state: FormState | undefined) {
  if (!('template' in shown)) return shown
  const status = state?.errors.length ? 400 : (shown.status ?? 200)
  return reply.code(status).render(shown.template, {
    errors: state?.errors ?? [],
    fieldErrors: state?.fieldErrors ?? {},
    ...shown.context,
  })
}

export function page<S extends FormSchema | undefined = undefined>(
  app: FastifyInstance,
  path: string,
  options: PageOptions<S>,
) {
  if (!options.access) throw new Error(`Page ${path} must declare its access`)
  if (options.access.kind === 'public') throw new Error(`Page ${path} must not be public`)
  if (options.post && !options.form) throw new Error(`Page ${path} posts without a form schema`)
  const config = { access: options.access }
  type Get = PageGet<S>

  app.get(path, { config }, async (request, reply) => {
    const shown = await options.get({ ...pageRequest(request, reply), form: undefined } as Get)
    return show(reply, shown, undefined)
  })

  const post = options.post
  const schema = options.form
  if (!post || !schema) return
  // parseForm names text the database cannot store on the form itself, so the shell leaves the body to it.
  app.post(options.action ?? path, { config: { ...config, checksOwnText: true } }, async (request, reply) => {
    const base = pageRequest(request, reply)
    const again = async (state: FormState) =>
      show(reply, await options.get({ ...base, form: state } as Get), state)

    const parsed = parseForm(schema, request.body as FormBody)
    if (!parsed.ok) {
      // A hidden field the page set (a record version) is wrong: nothing the person can correct here.
      if (parsed.hiddenErrors.length) throw new ValidationError(parsed.hiddenErrors)
      return again(parsed.state)
    }
    let next: string | View | FastifyReply
    try {
      next = await post({ ...base, input: parsed.input } as PagePost<S>)
    } catch (error) {
      const visible = visibleFields(schema)
      if (
        error instanceof ValidationError &&
        error.errors.every((e) => visible.has(e.field.replace(/-time$/, '')))
      ) {
        return again(formState(schema, parsed.values, problemsFromFieldErrors(error.errors)))
      }
      throw error
    }
    if (typeof next === 'string') return reply.redirect(next, 303)
    return show(reply, next, undefined)
  })
}
