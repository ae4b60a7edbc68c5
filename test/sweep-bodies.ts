/**
 * Plausible bodies for the sweep's writes, so a write across areas is refused for its area and not only
 * for an empty form: the fields of the page's own form, filled as a person would, and for the API a
 * minimal instance of the operation's documented request schema.
 */

/** A form as a page shows it: where it posts and its fields, filled. */
export interface FormFound {
  action: string
  fields: [string, string][]
}

const attribute = (tag: string, name: string): string | undefined => {
  const match = new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)
  return match ? decodeEntities(match[1] as string) : undefined
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** The day before `now`, as a GOV.UK date input's parts: in the past, and after any fixture record. */
function yesterday(now: Date): { day: string; month: string; year: string; iso: string } {
  const d = new Date(now.getTime() - 86_400_000)
  return {
    day: String(d.getUTCDate()),
    month: String(d.getUTCMonth() + 1),
    year: String(d.getUTCFullYear()),
    iso: d.toISOString().slice(0, 10),
  }
}

/** A value a person might type into an empty field, by its name and type. */
function typed(name: string, type: string, now: Date): string {
  const day = yesterday(now)
  if (/-day$/.test(name)) return day.day
  if (/-month$/.test(name)) return day.month
  if (/-year$/.test(name)) return day.year
  if (/time$/i.test(name) || type === 'time') return '10:00'
  if (type === 'date') return day.iso
  if (type === 'number') return '1'
  if (type === 'email') return 'sweep@example.invalid'
  return 'Sweep'
}

/** Every form that posts, with its fields filled: values kept, blanks typed, the first choice taken. */
export function postForms(html: string, now: Date): FormFound[] {
  const forms: FormFound[] = []
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, head = '', inner = ''] = match
    if ((attribute(head, 'method') ?? 'get').toLowerCase() !== 'post') continue
    const action = attribute(head, 'action')
    if (!action) continue
    const fields: [string, string][] = []
    const chosen = new Set<string>()
    for (const [tag] of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(tag, 'name')
      if (!name || name === '_csrf') continue
      const type = (attribute(tag, 'type') ?? 'text').toLowerCase()
      const value = attribute(tag, 'value') ?? ''
      if (type === 'radio' || type === 'checkbox') {
        if (chosen.has(name)) continue
        chosen.add(name)
        fields.push([name, value || 'on'])
      } else if (type !== 'submit' && type !== 'button' && type !== 'file')
        fields.push([name, value || typed(name, type, now)])
    }
    for (const [, head2 = '', text = ''] of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
      const name = attribute(head2, 'name')
      if (name) fields.push([name, decodeEntities(text).trim() || 'Sweep'])
    }
    for (const [, head2 = '', options = ''] of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attribute(head2, 'name')
      const values = [...options.matchAll(/<option\b[^>]*>/gi)].map((o) => attribute(o[0], 'value') ?? '')
      const value = values.find((v) => v !== '')
      if (name && value !== undefined) fields.push([name, value])
    }
    forms.push({ action: decodeEntities(action), fields })
  }
  return forms
}

type Schema = {
  type?: string | string[]
  format?: string
  enum?: unknown[]
  const?: unknown
  default?: unknown
  minimum?: number
  minLength?: number
  minItems?: number
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
}

/** A minimal instance of a JSON schema: its required properties, each with the simplest value it takes. */
export function instanceOf(schema: Schema, now: Date): unknown {
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  if (schema.default !== undefined) return schema.default
  const option = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0]
  if (option) return instanceOf(option, now)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type) {
    case 'object': {
      const value: Record<string, unknown> = {}
      for (const name of schema.required ?? []) value[name] = instanceOf(schema.properties?.[name] ?? {}, now)
      return value
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => instanceOf(schema.items ?? {}, now))
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1)
    case 'boolean':
      return false
    case 'string': {
      const day = yesterday(now)
      if (schema.format === 'date-time') return `${day.iso}T10:00:00Z`
      if (schema.format === 'date') return day.iso
      if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000'
      return 'Sweep'.padEnd(schema.minLength ?? 0, 'x')
    }
    default:
      return 'Sweep'
  }
}
