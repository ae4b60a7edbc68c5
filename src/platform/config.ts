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
  KESTREL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KESTREL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  KESTREL_FORCE_NAME: z.string().default('Metropolitan Police Service'),
  KESTREL_BANK_HOLIDAYS_FILE: z.string().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_ROLES_CLAIM: z.string().default('roles'),
})

export type Config = {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string }
  baseUrl: string
  secureCookies: boolean
  sessionHours: number
  metricsPort: number | undefined
  logLevel: string
  forceName: string
  bankHolidaysFile: string | undefined
  oidc: { issuer: string; clientId: string; clientSecret: string | undefined; rolesClaim: string } | undefined
}

export class ConfigError extends Error {}

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
    metricsPort: e.KESTREL_METRICS_PORT,
    // Request logs suit a server's log collector; on a developer's terminal only warnings are worth reading.
    logLevel: e.KESTREL_LOG_LEVEL ?? (e.NODE_ENV === 'production' ? 'info' : 'warn'),
    forceName: e.KESTREL_FORCE_NAME,
    bankHolidaysFile: e.KESTREL_BANK_HOLIDAYS_FILE,
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
