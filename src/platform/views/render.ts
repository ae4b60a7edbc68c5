import path from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/**
 * One Nunjucks environment for every page. Templates are found by path: platform templates by name
 * ("layout.njk"), a module's as "<module>/views/<page>.njk", and the GOV.UK and MoJ macros by their
 * package paths ("govuk/components/...", "moj/components/...").
 */
export function createViewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader(
      [
        path.join(root, 'src/platform/views/templates'),
        path.join(root, 'src/modules'),
        path.join(root, 'src/standards'),
        path.join(root, 'node_modules/govuk-frontend/dist'),
        path.join(root, 'node_modules/@ministryofjustice/frontend'),
      ],
      { noCache: false },
    ),
    { autoescape: true, throwOnUndefined: false },
  )
  const london = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
  const londonDate = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
  // Every time a person reads is shown in Europe/London, whatever the server's zone.
  env.addFilter('dateTime', (value: unknown) => (value ? london.format(new Date(value as string)) : ''))
  env.addFilter('date', (value: unknown) => (value ? londonDate.format(new Date(value as string)) : ''))
  env.addFilter('isoDate', (value: unknown) =>
    value ? new Date(value as string).toISOString().slice(0, 10) : '',
  )
  // Counts as people read them: 36,570, not 36570.
  const grouped = new Intl.NumberFormat('en-GB')
  env.addFilter('count', (value: unknown) => grouped.format(Number(value ?? 0)))
  env.addGlobal('assetPath', '/assets')
  return env
}

export const projectRoot = root
