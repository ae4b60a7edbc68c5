import { z } from 'zod'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/database.ts'
import { unstorableText } from '../text.ts'
import type { ImportKind, ImportLine, Reference, Transaction } from './kinds.ts'

export interface ImportError {
  line: number
  field?: string
  reason: string
}

export class ImportRejected extends Error {
  constructor(readonly errors: ImportError[]) {
    const first = errors[0]
    super(
      `Import rejected, nothing written: line ${first?.line}${first?.field ? ` ${first.field}` : ''}: ${first?.reason}` +
        (errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''),
    )
  }
}

export interface ImportOutcome {
  lines: number
  written: Record<string, number>
}

/** A record a batch wrote, for the access log. */
export interface ImportedRecord {
  kind: string
  ref: string
  id: string
}

/**
 * Called in the import's transaction with what was written, so rules are evaluated and the access log
 * appended before it commits: the ids written by subject kind, and every record written by a kind that
 * does not log its own access.
 */
export type AfterImport = (
  trx: Transaction,
  written: Map<string, string[]>,
  batch: {
    records: ImportedRecord[]
    actor: string
    changed: Map<string, string[]>
    /** What `beforeRewrite` answered for the rows the batch rewrote, merged by key. */
    before: Map<string, string[]>
  },
) => Promise<void>

/**
 * What the import's caller hears in its transaction: `beforeRewrite`, before a kind's lines rewrite rows
 * already held (its table, their ids), answers by key the ids it wants back (the standards engine: the
 * subjects that rules reading those rows map them to before they move), for the tables `watches` names
 * (the held rows of any other table are not looked up); `after`, once everything is written.
 */
export interface ImportHooks {
  watches?: (table: string) => boolean
  beforeRewrite?: (
    trx: Transaction,
    table: string,
    ids: string[],
  ) => Promise<ReadonlyMap<string, readonly string[]>>
  after?: AfterImport
}

const envelope = z.object({
  kind: z.string().min(1, 'kind is required'),
  ref: z.string().trim().min(1, 'ref is required').max(200, 'ref is longer than 200 characters'),
})

// A batch with thousands of bad lines should say enough to find the fault, not print them all.
const maxReportedErrors = 50

/**
 * The first half of an import, with no database: each line's JSON, envelope and fields checked against its
 * kind's schema, grouped by kind in file order. Throws ImportRejected with every line at fault (up to 50).
 */
export function parseBatch(
  text: string,
  byKind: ReadonlyMap<string, { definition: ImportKind }>,
): { lines: Map<string, ImportLine<unknown>[]>; count: number } {
  const errors: ImportError[] = []
  const lines = new Map<string, ImportLine<unknown>[]>()
  let count = 0
  const rows = text.split('\n')
  for (let index = 0; index < rows.length && errors.length < maxReportedErrors; index++) {
    const raw = (rows[index] as string).replace(/^\uFEFF/, '').trim()
    const lineNumber = index + 1
    if (!raw) continue
    count++
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch (error) {
      errors.push({ line: lineNumber, reason: `not valid JSON (${(error as Error).message})` })
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ line: lineNumber, reason: 'each line must be a JSON object' })
      continue
    }
    // Text the database cannot store would fail the batch's write with no line to name: found here instead.
    const unstorable = unstorableText(value)
    if (unstorable.length) {
      for (const { field, reason } of unstorable.slice(0, 5)) errors.push({ line: lineNumber, field, reason })
      continue
    }
    const head = envelope.safeParse(value)
    if (!head.success) {
      const issue = head.error.issues[0]
      errors.push({
        line: lineNumber,
        field: String(issue?.path[0] ?? ''),
        reason: issue?.message ?? 'invalid',
      })
      continue
    }
    const kind = byKind.get(head.data.kind)
    if (!kind) {
      errors.push({
        line: lineNumber,
        field: 'kind',
        reason: `unknown kind "${head.data.kind}" (known: ${[...byKind.keys()].join(', ')})`,
      })
      continue
    }
    const refCheck = kind.definition.refSchema?.safeParse(head.data.ref)
    if (refCheck && !refCheck.success) {
      errors.push({
        line: lineNumber,
        field: 'ref',
        reason: refCheck.error.issues[0]?.message ?? 'invalid ref',
      })
      continue
    }
    const { kind: _kind, ref: _ref, ...fields } = value as Record<string, unknown>
    const parsed = kind.definition.schema.safeParse(fields)
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) {
        errors.push({ line: lineNumber, field: issue.path.join('.') || undefined, reason: issue.message })
      }
      continue
    }
    const list = lines.get(head.data.kind) ?? []
    list.push({ lineNumber, ref: head.data.ref, record: parsed.data })
    lines.set(head.data.kind, list)
  }
  if (errors.length) throw new ImportRejected(errors)
  return { lines, count }
}

/**
 * The import contract: JSON Lines, one record a line, `{"kind": ..., "ref": ..., ...fields}`. Each batch
 * is one transaction: every line is validated and every reference resolved before anything is written,
 * and any failure rejects the batch with its line number and reason.
 */
export function importer(
  db: Database,
  clock: Clock,
  kinds: ImportKind[],
  hooks: ImportHooks = {},
  config?: Config,
  isMeasure: (id: string) => boolean = () => false,
) {
  const byKind = new Map(kinds.map((k, order) => [k.kind, { definition: k, order }]))

  async function run(text: string, actor: string): Promise<ImportOutcome> {
    const { lines, count } = parseBatch(text, byKind)
    // Kinds are written in registration order, which puts every kind after the kinds it points at.
    const ordered = [...lines.entries()].sort(
      ([a], [b]) => (byKind.get(a)?.order ?? 0) - (byKind.get(b)?.order ?? 0),
    )
    const written: Record<string, number> = {}
    await db.transaction().execute(async (trx) => {
      const ids = new Map<string, Map<string, string>>()
      const idsOf = (kind: string) => {
        let map = ids.get(kind)
        if (!map) {
          map = new Map()
          ids.set(kind, map)
        }
        return map
      }
      const bySubject = new Map<string, string[]>()
      const evaluateToo = (kind: string, ids: readonly string[]) =>
        bySubject.set(kind, [...new Set([...(bySubject.get(kind) ?? []), ...ids])])
      const records: ImportedRecord[] = []
      // The ids written by table, for the rules that read those tables (`dependsOn`).
      const changed = new Map<string, string[]>()
      const before = new Map<string, string[]>()
      for (const [kindName, kindLines] of ordered) {
        const definition = (byKind.get(kindName) as { definition: ImportKind }).definition
        await resolveReferences(trx, definition, kindLines, idsOf)
        if (definition.table && hooks.beforeRewrite && hooks.watches?.(definition.table)) {
          const held = await definition.lookup(
            trx,
            kindLines.map((l) => l.ref),
          )
          if (held.size)
            for (const [key, ids] of await hooks.beforeRewrite(trx, definition.table, [...held.values()]))
              before.set(key, [...(before.get(key) ?? []), ...ids])
        }
        const result = await definition.write(kindLines, {
          trx,
          clock,
          actor,
          config,
          isMeasure,
          alsoEvaluate: evaluateToo,
          idOf(kind, ref) {
            const id = idsOf(kind).get(ref)
            if (!id) throw new Error(`internal: ${kind} ${ref} was not resolved before write`)
            return id
          },
        })
        for (const [ref, id] of result) {
          idsOf(kindName).set(ref, id)
          if (!definition.logsItsOwnAccess) records.push({ kind: kindName, ref, id })
        }
        written[kindName] = kindLines.length
        if (definition.table)
          changed.set(definition.table, [...(changed.get(definition.table) ?? []), ...result.values()])
        if (definition.subjectKind) {
          bySubject.set(definition.subjectKind, [
            ...(bySubject.get(definition.subjectKind) ?? []),
            ...result.values(),
          ])
        }
        for (const { kind, ids } of (await definition.subjectsOf?.(trx, [...result.values()])) ?? [])
          evaluateToo(kind, ids)
      }
      if (hooks.after) await hooks.after(trx, bySubject, { records, actor, changed, before })
    })
    return { lines: count, written }
  }

  async function resolveReferences(
    trx: Transaction,
    definition: ImportKind,
    kindLines: ImportLine<unknown>[],
    idsOf: (kind: string) => Map<string, string>,
  ) {
    if (!definition.references) return
    const wanted = new Map<string, { reference: Reference; lineNumber: number }[]>()
    for (const line of kindLines) {
      for (const reference of definition.references(line.record)) {
        const list = wanted.get(reference.kind) ?? []
        list.push({ reference, lineNumber: line.lineNumber })
        wanted.set(reference.kind, list)
      }
    }
    const errors: ImportError[] = []
    for (const [targetKind, references] of wanted) {
      const target = byKind.get(targetKind)?.definition
      if (!target)
        throw new Error(`internal: kind ${definition.kind} points at unregistered kind ${targetKind}`)
      // The import order is derived from refersTo: a reference it does not declare could be written too late.
      if (targetKind !== definition.kind && !definition.refersTo?.includes(targetKind))
        throw new Error(
          `internal: kind ${definition.kind} points at ${targetKind} without declaring it in refersTo`,
        )
      const known = idsOf(targetKind)
      const missing = [...new Set(references.map((r) => r.reference.ref).filter((ref) => !known.has(ref)))]
      if (missing.length) {
        for (const [ref, id] of await target.lookup(trx, missing)) known.set(ref, id)
      }
      for (const { reference, lineNumber } of references) {
        if (!known.has(reference.ref) && errors.length < maxReportedErrors) {
          errors.push({
            line: lineNumber,
            field: reference.field,
            reason: `no ${targetKind} with ref "${reference.ref}" in this batch or in Kestrel`,
          })
        }
      }
    }
    if (errors.length) throw new ImportRejected(errors.sort((a, b) => a.line - b.line))
  }

  return { run, kinds: () => [...byKind.values()].map((k) => k.definition) }
}

export type Importer = ReturnType<typeof importer>
