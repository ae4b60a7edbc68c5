import { isIP } from 'node:net'
import path from 'node:path'
import { z } from 'zod'

/**
 * One typed configuration, read once from the environment. Local defaults make `npm start` work on a bare
 * machine; production (NODE_ENV=production) refuses to start without the values that must not be guessed.
 */
const environment = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  KESTREL_DATA_DIR: z.string().default('./data'),
  KESTREL_BASE_URL: z.string().url().optional(),
  KESTREL_SECURE_COOKIES: z.enum(['true', 'false']).optional(),
  KESTREL_SESSION_HOURS: z.coerce.number().positive().default(8),
  KESTREL_SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  KESTREL_TRUSTED_PROXIES: z.string().default(''),
  KESTREL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KESTREL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  KESTREL_FORCE_NAME: z.string().default('Metropolitan Police Service'),
  KESTREL_BANK_HOLIDAYS_FILE: z.string().optional(),
  KESTREL_MISSING_GRADES: z.string().optional(),
  KESTREL_DASHBOARD_FIGURE_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  KESTREL_AUDIT_CHECKPOINT: z.string().optional(),
  KESTREL_AUDIT_CHECKPOINT_KEY: z.string().min(16, 'give at least 16 characters').optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_ROLES_CLAIM: z.string().default('roles'),
})

export class ConfigError extends Error {}

/**
 * The risk grades of the APP continuum for missing children, lowest first: "absent" (no apparent risk) is
 * the 2016 APP's lowest category, "very_low" the current APP's. A force grades on a scale drawn from these.
 */
export const missingGradeContinuum = ['absent', 'very_low', 'low', 'medium', 'high'] as const
export type MissingGrade = (typeof missingGradeContinuum)[number]
/** The default scale: the APP continuum the inspection report describes (November 2016). */
export const defaultMissingGrades: readonly MissingGrade[] = ['absent', 'low', 'medium', 'high']

/** KESTREL_MISSING_GRADES as a scale: known grades, no repeats, at least three, lowest to highest. */
export function parseMissingGrades(value: string): readonly MissingGrade[] {
  const grades = value.split(',').map((g) => g.trim())
  const known = missingGradeContinuum.join(', ')
  for (const g of grades) {
    if (!missingGradeContinuum.includes(g as MissingGrade))
      throw new ConfigError(
        `Configuration error: KESTREL_MISSING_GRADES: ${JSON.stringify(g)} is not a grade (known: ${known})`,
      )
  }
  if (grades.length < 3)
    throw new ConfigError(
      'Configuration error: KESTREL_MISSING_GRADES: give at least 3 grades, like absent,low,medium,high',
    )
  const rank = (g: string) => missingGradeContinuum.indexOf(g as MissingGrade)
  for (let i = 1; i < grades.length; i++) {
    if (rank(grades[i] as string) <= rank(grades[i - 1] as string))
      throw new ConfigError(
        `Configuration error: KESTREL_MISSING_GRADES: list each grade once, lowest to highest (${known})`,
      )
  }
  return grades as MissingGrade[]
}

/**
 * KESTREL_TRUSTED_PROXIES as a list of addresses and CIDR ranges. Only a request from one of these may name
 * its client in X-Forwarded-For: believing the header from anyone would let a client choose the address
 * the sign-in throttle counts it under.
 */
export function parseTrustedProxies(value: string): string[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/')
    const family = isIP(address)
    const bits = family === 4 ? 32 : 128
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)
    if (!family || !prefixOk || rest.length)
      throw new ConfigError(
        `Configuration error: KESTREL_TRUSTED_PROXIES: ${JSON.stringify(entry)} is not an IP address or CIDR range, like 10.0.0.5 or 10.0.0.0/24`,
      )
  }
  return entries
}

export type Config = {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string }
  baseUrl: string
  secureCookies: boolean
  sessionHours: number
  /** A session with no request for this long ends, whatever its absolute limit. */
  sessionIdleMinutes: number
  /** The proxies whose X-Forwarded-For is believed (addresses and CIDR ranges); none by default. */
  trustedProxies: string[]
  metricsPort: number | undefined
  logLevel: string
  forceName: string
  /** How old a dashboard figure may be before it is taken again (KESTREL_DASHBOARD_FIGURE_MINUTES). */
  dashboardFigureMinutes: number
  bankHolidaysFile: string | undefined
  /** The force's risk grades for missing children, lowest first. */
  missingGrades: readonly MissingGrade[]
  oidc: { issuer: string; clientId: string; clientSecret: string | undefined; rolesClaim: string } | undefined
  /**
   * Where the access log's head is anchored (docs/access-log-and-api.md): an append-only file, an http(s)
   * endpoint, or a syslog line on stderr; the key signs each checkpoint when set.
   */
  auditCheckpoint: {
    sink: { kind: 'file'; path: string } | { kind: 'http'; url: string } | { kind: 'log' }
    key: string | undefined
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(source)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(`Configuration error: ${issue?.path.join('.')}: ${issue?.message}`)
  }
  const e = parsed.data
  if (e.NODE_ENV === 'production' && !e.DATABASE_URL) {
    throw new ConfigError('Configuration error: DATABASE_URL is required when NODE_ENV=production')
  }
  if (e.DATABASE_URL && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    throw new ConfigError('Configuration error: DATABASE_URL must start with postgres:// or postgresql://')
  }
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) {
    throw new ConfigError('Configuration error: OIDC_CLIENT_ID is required when OIDC_ISSUER is set')
  }
  const missingGrades = e.KESTREL_MISSING_GRADES?.trim()
    ? parseMissingGrades(e.KESTREL_MISSING_GRADES)
    : defaultMissingGrades
  const baseUrl = e.KESTREL_BASE_URL ?? `http://localhost:${e.PORT}`
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'pglite', dataDir: path.resolve(e.KESTREL_DATA_DIR) },
    baseUrl,
    secureCookies: e.KESTREL_SECURE_COOKIES
      ? e.KESTREL_SECURE_COOKIES === 'true'
      : baseUrl.startsWith('https:'),
    sessionHours: e.KESTREL_SESSION_HOURS,
    sessionIdleMinutes: e.KESTREL_SESSION_IDLE_MINUTES,
    trustedProxies: parseTrustedProxies(e.KESTREL_TRUSTED_PROXIES),
    metricsPort: e.KESTREL_METRICS_PORT,
    // Request logs suit a server's log collector; on a developer's terminal only warnings are worth reading.
    logLevel: e.KESTREL_LOG_LEVEL ?? (e.NODE_ENV === 'production' ? 'info' : 'warn'),
    forceName: e.KESTREL_FORCE_NAME,
    dashboardFigureMinutes: e.KESTREL_DASHBOARD_FIGURE_MINUTES,
    bankHolidaysFile: e.KESTREL_BANK_HOLIDAYS_FILE,
    missingGrades,
    auditCheckpoint: {
      sink: !e.KESTREL_AUDIT_CHECKPOINT?.trim()
        ? { kind: 'log' }
        : /^https?:\/\//.test(e.KESTREL_AUDIT_CHECKPOINT)
          ? { kind: 'http', url: e.KESTREL_AUDIT_CHECKPOINT }
          : { kind: 'file', path: path.resolve(e.KESTREL_AUDIT_CHECKPOINT) },
      key: e.KESTREL_AUDIT_CHECKPOINT_KEY,
    },
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            rolesClaim: e.OIDC_ROLES_CLAIM,
          }
        : undefined,
  }
}
