import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Database } from '../src/platform/db/database.ts'
import type { SignedInUser } from './app.ts'

/** A signed-in user (session cookie) or an API token (sent as a bearer token). */
export type Caller = SignedInUser | string

export type FormFields = Record<string, string | string[]>

/** The headers a caller sends: a session with its CSRF token, or a bearer token. */
export function callerHeaders(caller: Caller): Record<string, string> {
  return typeof caller === 'string'
    ? { authorization: `Bearer ${caller}` }
    : { cookie: caller.cookie, 'x-csrf-token': caller.csrfToken }
}

/** A form as a browser posts it, with the session's CSRF token; a list is sent as repeated fields. */
export function formPayload(caller: SignedInUser, fields: FormFields): string {
  const params = new URLSearchParams({ _csrf: caller.csrfToken })
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
  return params.toString()
}

/**
 * The requests tests send, as a browser or an API client would: pages by GET, forms by POST with the CSRF
 * token in the body (as the form carries it), JSON with the token in a header or as a bearer token.
 */
export function requestsTo(app: () => FastifyInstance) {
  const json = (method: 'POST' | 'PUT' | 'PATCH') => (caller: Caller, url: string, body: unknown) =>
    app().inject({
      method,
      url,
      headers: { ...callerHeaders(caller), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    })
  return {
    get: (caller: Caller, url: string): Promise<LightMyRequestResponse> =>
      app().inject({ method: 'GET', url, headers: callerHeaders(caller) }),
    postForm: (caller: SignedInUser, url: string, fields: FormFields): Promise<LightMyRequestResponse> =>
      app().inject({
        method: 'POST',
        url,
        headers: { cookie: caller.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: formPayload(caller, fields),
      }),
    postJson: json('POST'),
    putJson: json('PUT'),
    patchJson: json('PATCH'),
  }
}

/** The texts of the options of a page's select (by its id), in order, as a reader sees them. */
export function optionsOf(html: string, id: string): string[] {
  const start = html.indexOf(`id="${id}"`)
  const select = html.slice(start, html.indexOf('</select>', start))
  return [...select.matchAll(/<option [^>]*>([^<]*)<\/option>/g)].map((m) => (m[1] ?? '').trim())
}

/**
 * The actions the access log holds for one query (a route with its filters, as lists and exports name their
 * reads): an export is logged once, as the export, not also as the list it read.
 */
export async function loggedActions(db: Database, query: string): Promise<string[]> {
  const rows = await db
    .selectFrom('access_log')
    .select('action')
    .where('subject_id', '=', query)
    .orderBy('seq')
    .execute()
  return rows.map((r) => r.action)
}
