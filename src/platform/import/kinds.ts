import type { z } from 'zod'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Transaction } from '../db/database.ts'

export type { Transaction }

/** One validated line of an import, with where it came from. */
export interface ImportLine<T> {
  lineNumber: number
  ref: string
  record: T
}

/** A field of a line that names another record by its `ref`. */
export interface Reference {
  field: string
  kind: string
  ref: string
}

export interface ImportContext {
  trx: Transaction
  clock: Clock
  /** Who the import runs as, for history rows. */
  actor: string
  /** The force's configuration, for kinds whose rules depend on it (a missing episode's grade scale). */
  config: Config | undefined
  /** The id of a referenced record; every reference was checked to exist before `write` is called. */
  idOf(kind: string, ref: string): string
  /** Whether an id names a measure of the dashboard's registry (evidence of a recommendation may cite one). */
  isMeasure(id: string): boolean
  /**
   * Records besides the lines' own whose rules the write changed, found while writing (a re-imported case
   * leaves the caseloads its old history was counted in): the importer evaluates them with the lines'.
   */
  alsoEvaluate(subjectKind: string, ids: readonly string[]): void
}

/**
 * What a module registers for each kind of record it accepts in JSON Lines. The importer validates every
 * line with `schema`, checks every reference exists (in the database or earlier in the batch), then calls
 * `write` once per kind with all that kind's lines, so a module can write them set-wise.
 */
export interface ImportKind<T = unknown> {
  kind: string
  /** Validates `ref` where a kind's refs have a form of their own (a BCU code, a staff number). */
  refSchema?: z.ZodType<string>
  /** Validates a line without its `kind` and `ref`. */
  schema: z.ZodType<T>
  /** The other records a line points at, by ref. */
  references?(record: T): Reference[]
  /** Every kind `references` can name: the import order puts those kinds first. */
  refersTo?: readonly string[]
  /** Ids of existing records of this kind, by ref. */
  lookup(trx: Transaction, refs: string[]): Promise<Map<string, string>>
  /**
   * Inserts or updates the lines' records by ref and returns each ref's id. Lines arrive in file order;
   * a later line with the same ref updates the earlier one.
   */
  write(lines: ImportLine<T>[], context: ImportContext): Promise<Map<string, string>>
  /** The subject kind the standards engine knows these records by, when rules apply to them. */
  subjectKind?: string
  /**
   * The table whose rows `write` returns the ids of, so rules that read it (a rule's `dependsOn`) judge the
   * records it bears on again.
   */
  table?: string
  /**
   * Other records whose rules the written records change (an assessment changes its RSO's findings, an
   * allocation the caseloads of the managers it moves between), by subject kind, read after the write on
   * the import's transaction: the importer evaluates their rules with the lines' own.
   */
  subjectsOf?(trx: Transaction, ids: readonly string[]): Promise<{ kind: string; ids: readonly string[] }[]>
  /**
   * The kind's `write` appends its own access-log rows (the person index logs the people a line touched);
   * otherwise the importer logs one "import" row for each record a batch writes.
   */
  logsItsOwnAccess?: boolean
  /** Documentation for docs/import-format.md. */
  describe: { summary: string; example: Record<string, unknown> }
}

/**
 * Declares a kind with its line type checked inside; the registry holds kinds of every line type, so the
 * result is erased to ImportKind<unknown> (the importer only hands a kind lines its own schema produced).
 */
export function defineImportKind<T>(kind: ImportKind<T>): ImportKind {
  return kind as unknown as ImportKind
}
