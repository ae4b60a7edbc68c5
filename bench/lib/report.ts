import { readFileSync, writeFileSync } from 'node:fs'
import type { BenchResults } from './results.ts'

const fmt = (n: number | null | undefined, unit = '') =>
  n === null || n === undefined || Number.isNaN(n) ? 'n/a' : `${n.toLocaleString('en-GB')}${unit}`
const round1 = (n: number) => Math.round(n * 10) / 10
const x = (n: number | null | undefined) => (n === null || n === undefined ? 'n/a' : `${n}x`)

/** The markers around a run's results: the whole force's, or those of a run of some generators only. */
const markers = (generators: string[] | undefined) => {
  const name = generators ? `results-${generators.join('-')}` : 'results'
  return {
    begin: `<!-- ${name}:begin (written by npm run bench; edit the text around it, not inside) -->`,
    end: `<!-- ${name}:end -->`,
  }
}

/** The results as Markdown: the part of bench/README.md that each run rewrites. */
export function resultsMarkdown(r: BenchResults): string {
  const out: string[] = []
  out.push(`Last run: ${r.startedAt}, \`${r.command}\``)
  out.push('')
  out.push(
    `Machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGb} GB, Node ${r.machine.node}, ` +
      `${r.machine.os}; database ${r.database.version} (${r.database.kind}); scale ${r.scale}, seed ${r.seed}, ` +
      `data up to ${r.until}.`,
  )
  out.push('')
  if (r.generators)
    out.push(
      `Generators: ${r.generators.join(', ')} only (\`--generators\`): the rest of the force is not in this database.`,
      '',
    )
  if (r.import) {
    const i = r.import
    out.push('### Import against COPY')
    out.push('')
    out.push('| | records | seconds | records/s |')
    out.push('|---|---:|---:|---:|')
    out.push(
      `| importer (\`imports.run\`, batches of ${i.batchSize}) | ${fmt(i.records)} | ${i.importSeconds} | ${fmt(i.importRate)} |`,
    )
    for (const g of i.byGenerator)
      out.push(`| &nbsp; of which ${g.name} | ${fmt(g.records)} | ${g.seconds} | ${fmt(g.rate)} |`)
    out.push(
      `| COPY of the same lines into a one-column text table | ${fmt(i.copyRows)} | ${i.copySeconds} | ${fmt(i.copyRate)} |`,
    )
    out.push('')
    out.push(`**Import / COPY: ${i.ratio}** (target: at least 0.5). COPY: ${i.copyMethod}.`)
    out.push('')
    if (i.validateRate)
      out.push(
        `For reference, the import's validation alone (JSON, envelope and schema of every line, no database; ` +
          `\`parseBatch\`): ${fmt(i.validateRate)} records/s, ${i.validateRatio} of COPY's rate.`,
        '',
      )
  }
  if (r.sweep) {
    out.push('### Full sweep per rule against count(*) over its tables')
    out.push('')
    out.push(
      '| rule | form | obligations | count(*) ms | first sweep ms | ratio | steady sweep ms | ratio | count(*) with findings ms | steady ratio to it | floor ms | steady ÷ floor |',
    )
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for (const s of r.sweep) {
      out.push(
        `| ${s.ruleId}${s.ok ? '' : ' (failed)'} | ${s.form} | ${fmt(s.obligations)} | ${fmt(s.countMs)} | ${fmt(s.firstMs)} | ${x(s.firstRatio)} | ${fmt(s.steadyMs)} | ${x(s.steadyRatio)} | ${fmt(s.withFindingsMs ?? null)} | ${x(s.withFindingsRatio ?? null)} | ${fmt(s.floorMs ?? null)} | ${x(s.floorRatio ?? null)} |`,
      )
    }
    out.push('')
    out.push(
      'Target: within 3x. "form": `query` rules return their obligations query and are compared with the stored ' +
        'findings inside the database; `rows` rules compute their obligations in JavaScript, which the engine ' +
        'then sends to the database for the comparison. "steady": the median of three sweeps after the first, ' +
        "when nothing has changed. count(*): a plain `select count(*)` over each table in the rule's `tables`, " +
        'summed, median of five; "n/a" for a rule that does not name its tables. The last two columns are a ' +
        "reference, not the target: the same count(*) plus a count(*) of the rule's stored findings, the least " +
        'a sweep that compares obligations with stored findings must read. "floor" (issue 18: each rule\'s ' +
        "full sweep within 3x of it): the rule's own obligations query cut to its keys, fully joined with its " +
        'stored findings on (subject, obligation key) and counted, median of five; "n/a" for a `rows` rule.',
    )
    out.push('')
  }
  if (r.evaluate) {
    out.push('### Single-record evaluation (`afterWrite` for one record, in its own transaction)')
    out.push('')
    out.push('| record kind | rules | samples | median ms | p99 ms |')
    out.push('|---|---:|---:|---:|---:|')
    for (const e of r.evaluate)
      out.push(`| ${e.kind} | ${e.rules} | ${e.samples} | ${e.medianMs} | ${e.p99Ms} |`)
    out.push('')
    out.push('Target: under 10 ms median. The time covers every rule of the kind, with begin and commit.')
    out.push('')
  }
  if (r.myTeam) {
    const m = r.myTeam
    out.push('### "My team"')
    out.push('')
    out.push(
      `Supervisor of the team with the most open findings (${fmt(m.teamOpenFindings)} open; with the BCU's ` +
        `findings no team owns, ${fmt(m.inScope)} in scope; the page shows ${fmt(m.rowsShown)} rows), ` +
        `${m.samples} requests through \`app.inject\` in the same process: **p50 ${m.p50Ms} ms, ` +
        `p95 ${m.p95Ms} ms** at scale ${r.scale} (target: p95 under 100 ms at scale 10).`,
    )
    out.push('')
    if (m.bcuLead)
      out.push(
        `A BCU lead of that team's BCU (every open finding of the BCU in scope: ${fmt(m.bcuLead.inScope)}): ` +
          `p50 ${m.bcuLead.p50Ms} ms, p95 ${m.bcuLead.p95Ms} ms.`,
        '',
      )
  }
  if (r.caseload) {
    const c = r.caseload
    out.push("### Offender managers' pages")
    out.push('')
    out.push(
      `${fmt(c.activeRsos)} active RSOs, ${fmt(c.managers)} managers, the busiest holding ${fmt(c.busiestManagerRsos)}; ` +
        'each page through `app.inject` in the same process, 20 warm-ups then the samples:',
    )
    out.push('')
    out.push('| page | reader | rows shown | samples | p50 ms | p95 ms |')
    out.push('|---|---|---:|---:|---:|---:|')
    for (const p of c.pages)
      out.push(
        `| \`${p.page.replace(/[0-9a-f-]{36}/g, ':id')}\` | ${p.reader} | ${fmt(p.rowsShown)} | ${p.samples} | ${p.p50Ms} | ${p.p95Ms} |`,
      )
    out.push('')
    out.push('Target (issue 19): the caseload page p95 under 100 ms at scale 10 on PostgreSQL.')
    out.push('')
  }
  if (r.export) {
    const e = r.export
    out.push('### A record list downloaded as CSV')
    out.push('')
    out.push(
      `${e.note}: **${fmt(e.csvRowsRead)} rows (${fmt(round1(e.csvBytes / 1024 ** 2))} MB) in ${e.exportSeconds} s ` +
        `(${e.exportCpuSeconds} s of Node CPU), peak RSS ${fmt(e.exportPeakRssGrowthMb)} MB above where it stood**. ` +
        `Baseline, ${e.baseline}: ${fmt(e.rows)} rows in ${e.baselineSeconds} s (${e.baselineCpuSeconds} s of Node CPU), ` +
        `peak RSS ${fmt(e.baselinePeakRssGrowthMb)} MB above. One-minute load average ${e.loadAverage} on ` +
        `${r.machine.cores} cores.`,
    )
    out.push('')
    out.push('Target (issue 22): 100,000 rows streamed in under 5 s without holding them all in memory.')
    out.push('')
  }
  if (r.dashboard) {
    const d = r.dashboard
    out.push("### The leaders' dashboard")
    out.push('')
    out.push(
      `${d.measures} measures, the force and ${d.areas - 1} BCUs. Storing the figures: the hourly job (three months) ` +
        `${d.refreshSeconds} s, then 24 months of every measure for the force, which its trend pages read, ` +
        `${d.trendFillSeconds} s for ${fmt(d.trendFigures)} figures (${fmt(d.figuresStored)} stored in all). Then each page as a force lead, through ` +
        '`app.inject` in the same process, 5 warm-ups then the samples:',
    )
    out.push('')
    out.push('| page | samples | p50 ms | p95 ms | p95 ÷ floor |')
    out.push('|---|---:|---:|---:|---:|')
    for (const p of [...d.pages, d.floor])
      out.push(
        `| ${p.page} | ${p.samples} | ${p.p50Ms} | ${p.p95Ms} | ${d.floor.p95Ms ? (p.p95Ms / d.floor.p95Ms).toFixed(1) : 'n/a'} |`,
      )
    out.push('')
    out.push(
      'The floor is `GET /health` through the same server (it reads nothing). Target (issue 22): every ' +
        'dashboard page p95 under 100 ms at scale 10 with 24 months of trends, on PostgreSQL.',
    )
    out.push('')
  }
  if (r.coldStart) {
    out.push('### Cold start')
    out.push('')
    out.push(
      `\`kestrel serve\` on an empty embedded database, from spawning the process to the first 200 on /health ` +
        `(it creates and migrates the database): **median ${fmt(r.coldStart.medianMs)} ms** ` +
        `(runs: ${r.coldStart.runsMs.join(', ')} ms).`,
    )
    out.push('')
  }
  if (r.load) {
    const l = r.load
    out.push('### Load: an authenticated page')
    out.push('')
    out.push(
      `autocannon, ${l.connections} connections for ${l.seconds} s against \`kestrel serve\` on 127.0.0.1 ` +
        `(${r.machine.cores} cores shared by server, database and autocannon), GET ${l.url} signed in: ` +
        `**${fmt(l.requestsPerSecond)} requests/s, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms** ` +
        `(${fmt(l.requests)} requests, ${l.non2xx} not 2xx, ${l.errors} errors). ${l.note ?? ''}`,
    )
    out.push('')
  }
  if (r.triage) {
    out.push('### Triage')
    out.push('')
    out.push('```json')
    out.push(JSON.stringify(r.triage, null, 2))
    out.push('```')
    out.push('')
  }
  return out.join('\n')
}

/** Rewrites the results part of bench/README.md, keeping the text around it. */
export function writeReadme(file: string, results: BenchResults) {
  const { begin, end } = markers(results.generators)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    text = `# Benchmarks\n\n${begin}\n${end}\n`
  }
  const a = text.indexOf(begin)
  const b = text.indexOf(end)
  const body = `${begin}\n\n${resultsMarkdown(results)}\n${end}`
  text =
    a >= 0 && b > a ? text.slice(0, a) + body + text.slice(b + end.length) : `${text.trimEnd()}\n\n${body}\n`
  writeFileSync(file, text)
}
