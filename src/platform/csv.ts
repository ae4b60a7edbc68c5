/**
 * CSV as a spreadsheet opens it (RFC 4180): a cell with a comma, quote or line break is quoted, quotes
 * doubled; a cell starting with =, +, - or @ is prefixed with ' so a spreadsheet does not run it as a formula.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  const raw = value instanceof Date ? value.toISOString() : String(value)
  const text = typeof value === 'string' && /^[=+\-@]/.test(raw) ? `'${raw}` : raw
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One line, ended with CRLF as the format asks: what a streamed export writes a row at a time. */
export function csvLine(row: readonly unknown[]): string {
  return `${row.map(csvCell).join(',')}\r\n`
}

/** A header line and the rows. */
export function csvOf(header: readonly unknown[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map(csvLine).join('')
}
