import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import writeExcelFile from 'write-excel-file/node'
import type { Access } from '../access/access.ts'
import type { AccessLogService } from '../access/access-log.ts'
import { csvLine } from '../csv.ts'
import { HttpError } from './errors.ts'
import type { PageRequest } from './page.ts'

/**
 * A record list downloaded as CSV or XLSX (issue 22, item 4), the one way every list page does it: the list
 * gives its own query (its scope and the page's filters, read a batch at a time) and its columns; this writes
 * the file and logs every record in it as exported. The CSV streams: each batch is logged, then written,
 * then the next read, so a long list is never held whole and no record leaves before its read is logged.
 * The workbook is built in memory (the library writes a whole file), so it stops at `xlsxRowCap` rows.
 */

/** The most rows an XLSX export holds; a longer list is refused with a pointer to the CSV. */
export const xlsxRowCap = 100_000

/** The most rows a worksheet holds, its header included (the file format's limit): the cap keeps below it. */
export const sheetRowLimit = 1_048_576

/**
 * Refuses a workbook of more than `cap` rows below its header, with a 400 naming the limit and pointing to
 * the CSV: called as the rows are read, so a list past the cap is refused before it is all in memory, and
 * nothing is logged as exported. The page's download links say the cap (`exportHrefs`).
 */
export function checkXlsxRows(rows: number, cap = xlsxRowCap) {
  if (rows > cap)
    throw new HttpError(
      400,
      `This list has more than ${cap.toLocaleString('en-GB')} rows, too many for a spreadsheet download: download it as CSV, or filter it first`,
    )
}

/** Rows read from the database at a time. */
export const exportBatchSize = 1000

export interface ExportColumn<R> {
  header: string
  value(row: R): unknown
}

export interface RecordExport<R> {
  /** The file's name without its extension: 'kestrel-my-team'. */
  fileName: string
  /** The kind of record the access log names ('finding', 'pac'). */
  subjectKind: string
  columns: readonly ExportColumn<R>[]
  idOf(row: R): string
  /** The list's rows in batches of about `size`, in a stable order, as the page's own query reads them. */
  batches(size: number): AsyncIterable<readonly R[]>
}

/**
 * A list its service pages by offset and limit (the page's own paging), read a batch after another until one
 * comes back empty: a service may cap its page below the size asked (the PAC lists give at most 500).
 */
export async function* offsetBatches<R>(
  read: (offset: number, limit: number) => Promise<readonly R[]>,
  size: number,
): AsyncIterable<readonly R[]> {
  for (let offset = 0; ; ) {
    const rows = await read(offset, size)
    if (!rows.length) return
    yield rows
    offset += rows.length
  }
}

/** A list its service pages by page number (1 first) and page size: the pages in turn, until a short one. */
export async function* pageBatches<R>(
  read: (page: number, size: number) => Promise<readonly R[]>,
  size: number,
): AsyncIterable<readonly R[]> {
  for (let page = 1; ; page++) {
    const rows = await read(page, size)
    if (rows.length) yield rows
    if (rows.length < size) return
  }
}

/** A list read after the last row of the batch before (keyset paging), for lists long enough to need it. */
export async function* keysetBatches<R, K>(
  read: (after: K | null, limit: number) => Promise<readonly R[]>,
  keyOf: (row: R) => K,
  size: number,
): AsyncIterable<readonly R[]> {
  let after: K | null = null
  for (;;) {
    const rows = await read(after, size)
    const last = rows.at(-1)
    if (last === undefined) return
    yield rows
    after = keyOf(last)
  }
}

/** A list that is read whole (a queue the page shows at once), as one batch. */
export async function* oneBatch<R>(rows: () => Promise<readonly R[]>): AsyncIterable<readonly R[]> {
  yield await rows()
}

type Cell = string | number | boolean | null

/**
 * A value as both files hold it: an instant as ISO text in UTC (a spreadsheet date has no time zone, and
 * the CSV says the same), a number as a number, nothing as an empty cell.
 */
function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value
  return String(value)
}

export interface ExportRouteOptions<R> {
  /** The list page's own access. */
  access: Access
  accessLog: AccessLogService
  /**
   * The list for this request: its filters read from the query as the page reads them (a bad one a
   * ValidationError, so a 400 before anything is written) and its rows through the page's query and scope.
   */
  list(page: PageRequest): Promise<RecordExport<R>>
}

/**
 * Where a list page's downloads are: `/my-team` downloads from `/my-team.csv` and `/my-team.xlsx`; and the
 * most rows the XLSX holds, for the links to say.
 */
export function exportHrefs(path: string, query: unknown) {
  const asked = new URLSearchParams()
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>))
    if (key !== 'page' && typeof value === 'string' && value !== '') asked.append(key, value)
  const q = asked.size ? `?${asked}` : ''
  return { csvHref: `${path}.csv${q}`, xlsxHref: `${path}.xlsx${q}`, xlsxRowCap }
}

/** Registers GET `${path}.csv` and `${path}.xlsx` for a list page at `path`, under the page's access. */
export function exportRoutes<R>(app: FastifyInstance, path: string, options: ExportRouteOptions<R>) {
  if (!options.access || options.access.kind === 'public')
    throw new Error(`Export of ${path} must declare its access and must not be public`)
  const config = { access: options.access }

  for (const format of ['csv', 'xlsx'] as const)
    app.get(`${path}.${format}`, { config }, async (request, reply) => {
      const principal = request.principal
      if (!principal) throw new HttpError(401, 'Sign in to continue')
      const list = await options.list({
        request,
        reply,
        principal,
        params: (request.params ?? {}) as Record<string, string>,
        query: request.query as PageRequest['query'],
      })
      let batch = 0
      const logBatch = (rows: readonly R[]) =>
        options.accessLog.recordList({
          actorId: principal.id,
          actorName: principal.username,
          action: 'export',
          subjectKind: list.subjectKind,
          query: `GET ${request.url}`,
          ids: rows.map(list.idOf),
          requestId: request.id,
          detail: { format, batch: ++batch },
        })
      const header = list.columns.map((c) => c.header)
      const cells = (row: R) => list.columns.map((c) => cellOf(c.value(row)))
      reply.header('content-disposition', `attachment; filename="${list.fileName}.${format}"`)

      if (format === 'csv') {
        async function* lines() {
          yield csvLine(header)
          try {
            for await (const rows of list.batches(exportBatchSize)) {
              await logBatch(rows)
              yield rows.map((r) => csvLine(cells(r))).join('')
            }
          } catch (error) {
            // The status and the first rows are sent: the download ends short, and the log says why.
            request.log.error({ err: error }, `export of ${path} failed after ${batch} batches`)
            throw error
          }
        }
        return reply.type('text/csv; charset=utf-8').send(Readable.from(lines()))
      }

      const sheet: Cell[][] = [header]
      const read: R[][] = []
      for await (const rows of list.batches(exportBatchSize)) {
        read.push([...rows])
        for (const r of rows) sheet.push(cells(r))
        checkXlsxRows(sheet.length - 1)
      }
      // Logged once the whole workbook is known to be sent: a refused one exported nothing.
      for (const rows of read) if (rows.length) await logBatch(rows)
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await writeExcelFile(sheet).toBuffer())
    })
}
