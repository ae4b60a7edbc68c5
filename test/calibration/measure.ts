import { sql } from 'kysely'
import { setUpForce } from '../../src/force-setup.ts'
import { seedGenerators } from '../../src/modules.ts'
import { moduleJobs } from '../../src/platform/module.ts'
import { runSeed } from '../../src/platform/seed/seeder.ts'
import type { Services } from '../../src/services.ts'

/**
 * How often each rule fires on the demo force: the demo's data generated and imported as `npm start` does
 * (London set up, every generator through the import path, the modules' jobs once), then every rule swept
 * at the demo's end. Shared by the calibration test and `bench/calibrate.ts`.
 */
export interface RuleRate {
  ruleId: string
  /** The kind of record the rule judges (pac, custody-detention, ...). */
  kind: string
  /** Records of that kind in the database (null for kinds not counted here). */
  records: number | null
  /** Records the rule owes something on at the end (an obligation, met or not). */
  judged: number
  /** Records with an obligation breached or met late: the rule raised a finding on them. */
  raising: number
  /** raising / records (or / judged where the kind is not counted). */
  share: number
  /** raising / judged: how often the rule fires where it applies. */
  shareJudged: number
}

/** The table holding each subject kind's records, to count what a rule could have judged. */
const tableOfKind: Record<string, string> = {
  pac: 'pac',
  'custody-detention': 'custody_detention',
  'missing-episode': 'missing_episode',
  investigation: 'investigation',
  rso: 'rso',
  'online-case': 'online_case',
  device: 'device',
  borough: 'borough',
}

/** The demo force as `serve --demo` makes it: the force set up as a first start does, its records imported, the jobs run. */
export async function seedDemo(services: Services, options: { scale: number; seed: number; until: Date }) {
  await setUpForce(services.db)
  const outcome = await runSeed(services.imports, [...seedGenerators], options)
  for (const job of moduleJobs(services)) await job.run()
  return outcome
}

/** Per kind of record: how many there are and how many raise at least one rule (any finding breached). */
export interface KindRate {
  kind: string
  records: number
  breached: number
  share: number
}

/** Every rule's rate at asOf, from obligations computed from the data (not the stored findings). */
export async function ruleRates(services: Services, asOf: Date): Promise<RuleRate[]> {
  return (await calibration(services, asOf)).rules
}

/** Every rule's rate, and each counted kind's share of records raising any rule, at asOf. */
export async function calibration(
  services: Services,
  asOf: Date,
): Promise<{ rules: RuleRate[]; kinds: KindRate[] }> {
  const { standards, db } = services
  const counts = new Map<string, number | null>()
  const countOf = async (kind: string) => {
    if (!counts.has(kind)) {
      const table = tableOfKind[kind]
      if (!table) counts.set(kind, null)
      else {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
          db,
        )
        counts.set(kind, Number(rows[0]?.n ?? 0))
      }
    }
    return counts.get(kind) ?? null
  }
  const out: RuleRate[] = []
  const breachedByKind = new Map<string, Set<string>>()
  for (const rule of standards.rules()) {
    const { findings, results } = await standards.findingsAt(asOf, { ruleId: rule.id })
    const failed = results.find((r) => !r.ok)
    if (failed) throw new Error(`${rule.id} failed: ${failed.error}`)
    const judged = new Set(findings.map((f) => f.subjectId)).size
    const raising = new Set(
      findings.filter((f) => f.status === 'breached' || f.status === 'met_late').map((f) => f.subjectId),
    ).size
    const breached = breachedByKind.get(rule.appliesTo) ?? new Set<string>()
    for (const f of findings)
      if (f.status === 'breached' || f.status === 'met_late') breached.add(f.subjectId)
    breachedByKind.set(rule.appliesTo, breached)
    const records = await countOf(rule.appliesTo)
    const base = records ?? judged
    out.push({
      ruleId: rule.id,
      kind: rule.appliesTo,
      records,
      judged,
      raising,
      share: base ? raising / base : 0,
      shareJudged: judged ? raising / judged : 0,
    })
  }
  const kinds = [...breachedByKind].flatMap(([kind, breached]) => {
    const records = counts.get(kind)
    return typeof records === 'number' && records > 0
      ? [{ kind, records, breached: breached.size, share: breached.size / records }]
      : []
  })
  return { rules: out.sort((a, b) => a.ruleId.localeCompare(b.ruleId, 'en', { numeric: true })), kinds }
}

/** The rates as a plain text table, one rule a line. */
export function formatRates(rates: readonly RuleRate[], targets: Record<string, CalibrationTarget> = {}) {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  const header = [
    'rule',
    'kind',
    'records',
    'judged',
    'raising',
    'of records',
    'of judged',
    'target',
    'source',
  ]
  const rows = rates.map((r) => {
    const t = targets[r.ruleId]
    return [
      r.ruleId,
      r.kind,
      r.records === null ? '-' : String(r.records),
      String(r.judged),
      String(r.raising),
      pct(r.share),
      pct(r.shareJudged),
      t ? `${pct(t.min)}-${pct(t.max)} of ${t.of ?? 'records'}` : '',
      t?.source ?? '',
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n')
}

/** A rule's stated band: the share of its records it should raise at the demo's end. */
export interface CalibrationTarget {
  min: number
  max: number
  /** Which share the band is of: all records of the kind (the default) or those the rule judged. */
  of?: 'records' | 'judged'
  /** The fewest records judged for the share to be checked at all (a rate over three records is not one). */
  minJudged?: number
  source: string
}

/** Each kind's share of records with any breach, beside the report's share of cases not good. */
export function formatKinds(kinds: readonly KindRate[], targets: Record<string, CalibrationTarget> = {}) {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`
  return kinds
    .map((k) => {
      const t = targets[k.kind]
      return `${k.kind.padEnd(18)} ${String(k.breached).padStart(6)} of ${String(k.records).padEnd(6)} ${pct(k.share).padStart(6)}${t ? `  target ${pct(t.min)}-${pct(t.max)}: ${t.source}` : ''}`
    })
    .join('\n')
}
