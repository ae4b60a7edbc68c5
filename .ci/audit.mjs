// `npm audit` of the production dependencies, for CI (.ci/run). A high or critical advisory fails the run
// unless a decision record accepts it (below). When the registry's advisory endpoint cannot be reached
// (offline, or a mirror that serves packages but not advisories) nothing was audited: that is said plainly
// and the run goes on, because it says nothing about the code.
import { spawnSync } from 'node:child_process'

/** Advisories accepted by a decision record: advisory URL -> the record. None so far. */
const accepted = {}

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' })
let report
try {
  report = JSON.parse(run.stdout)
} catch {
  report = undefined
}
const counts = report?.metadata?.vulnerabilities
if (!counts) {
  const why =
    report?.message ??
    report?.error?.summary ??
    (run.stderr.trim().split('\n').at(-1) || `npm audit exited with ${run.status}`)
  console.warn(
    `WARNING: npm audit could not reach the registry's advisory endpoint; production dependencies were NOT audited.\n  ${why}`,
  )
  process.exit(0)
}

const serious = []
for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
  for (const via of vulnerability.via) {
    if (typeof via !== 'object' || !['high', 'critical'].includes(via.severity)) continue
    const record = accepted[via.url]
    console.log(
      `${via.severity}: ${name} ${vulnerability.range}: ${via.title} (${via.url})` +
        (record ? `, accepted in ${record}` : vulnerability.fixAvailable ? ', a fix is available' : ''),
    )
    if (!record) serious.push(via.url)
  }
}
const summary = Object.entries(counts)
  .filter(([severity, n]) => severity !== 'total' && n > 0)
  .map(([severity, n]) => `${n} ${severity}`)
console.log(
  `npm audit (production dependencies): ${summary.length ? summary.join(', ') : 'no advisories'}` +
    `${serious.length ? `; ${serious.length} high or critical not accepted by a decision record` : ''}`,
)
process.exit(serious.length ? 1 : 0)
