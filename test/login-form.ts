import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'

/** Posting the sign-in form as a browser would, from a chosen address: the sign-in tests share these. */

export function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  const found = all.find((c) => c.startsWith(`${name}=`))
  return found?.split(';')[0]
}

export interface LoginOptions {
  /** The address the request comes from (the socket's), default 10.0.0.1. */
  ip?: string
  extraCookie?: string
  headers?: Record<string, string>
}

/** Loads the sign-in page and returns what its form needs to be posted. */
export async function openLoginPage(
  kestrel: { app: FastifyInstance },
  ip = '10.0.0.1',
  query = '',
  headers: Record<string, string> = {},
) {
  const page = await kestrel.app.inject({ url: `/login${query}`, remoteAddress: ip, headers })
  expect(page.statusCode).toBe(200)
  const cookie = cookieFrom(page.headers['set-cookie'], 'kestrel_login_csrf') ?? ''
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const returnTo = /name="returnTo" value="([^"]*)"/.exec(page.body)?.[1] ?? ''
  return { cookie, csrf, returnTo, body: page.body }
}

export async function postLogin(
  kestrel: { app: FastifyInstance },
  form: { username: string; password: string; returnTo?: string },
  options: LoginOptions = {},
) {
  const ip = options.ip ?? '10.0.0.1'
  const page = await openLoginPage(kestrel, ip, '', options.headers)
  return kestrel.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: {
      ...options.headers,
      cookie: [page.cookie, options.extraCookie].filter(Boolean).join('; '),
    },
    payload: {
      _csrf: page.csrf,
      returnTo: form.returnTo ?? page.returnTo,
      username: form.username,
      password: form.password,
    },
  })
}
