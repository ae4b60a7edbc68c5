// The triage report as one self-contained, accessible HTML page, for an officer to read and
// attach to the case: no scripts, no external files, no image content, only hashes, paths,
// sizes and timestamps. Times are shown in Europe/London.
import { escapeHtml } from '../../platform/html.ts'
import type { KnownCategory } from './categories.ts'
import { DECISION_TEXT, type TriageReport } from './report.ts'

const london = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'Europe/London',
})
const when = (iso: string) =>
  `<time datetime="${escapeHtml(iso)}">${escapeHtml(london.format(new Date(iso)))}</time>`

function bytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = n / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(1)} ${units[u]}`
}

const CATEGORY_TEXT: Record<KnownCategory, string> = {
  A: 'Category A',
  B: 'Category B',
  C: 'Category C',
  ungraded: 'Known, not graded',
  ignorable: 'Non-pertinent',
}

function table(caption: string, head: string[], rows: string[][]): string {
  if (rows.length === 0) return `<h2>${escapeHtml(caption)}</h2><p>None.</p>`
  return `<table><caption><h2>${escapeHtml(caption)}</h2></caption>
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('\n')}</tbody></table>`
}

const code = (s: string) => `<code>${escapeHtml(s)}</code>`

export function renderReportHtml(r: TriageReport): string {
  const decisionClass = r.recommendation.decision
  const summary: [string, string][] = [
    ['Device', escapeHtml(r.device)],
    ['Folder triaged', code(r.root)],
    ['Started', when(r.startedAt)],
    [
      'Finished',
      `${when(r.finishedAt)}${r.complete ? '' : ` (stopped early: ${escapeHtml(r.interruption ?? 'interrupted')})`}`,
    ],
    ['Files', `${r.counts.files} (${escapeHtml(bytes(r.counts.bytes))})`],
    ['Images', String(r.counts.images)],
    ['Videos', String(r.counts.videos)],
    ['Exact matches', String(r.counts.exactMatches)],
    ['Near matches', String(r.counts.nearMatches)],
    ['Unreadable files', String(r.counts.unreadable)],
    ['Not followed or not read', String(r.counts.problems)],
    ['Hash sets', r.settings.hashSets.map(escape).join(', ') || 'none'],
    [
      'Near-match settings',
      `distance up to ${r.settings.threshold} of 256 bits; images of PDQ quality under ${r.settings.minimumQuality} matched exactly only; rotations and flips ${r.settings.dihedral ? 'checked' : 'not checked'}`,
    ],
  ]
  const categories = (['A', 'B', 'C', 'ungraded', 'ignorable'] as const).map((c) => [
    escapeHtml(CATEGORY_TEXT[c]),
    String(r.exactMatchesByCategory[c]),
    String(r.nearMatchesByCategory[c]),
  ])
  const known = (k: { set: string; category: KnownCategory; mediaId?: string }) =>
    `${escapeHtml(CATEGORY_TEXT[k.category])} in ${escapeHtml(k.set)}${k.mediaId ? ` (media ${escapeHtml(k.mediaId)})` : ''}`
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Device triage: ${escapeHtml(r.device)}: ${escapeHtml(DECISION_TEXT[r.recommendation.decision])}</title>
<style>
body { font-family: Arial, sans-serif; margin: 1.5rem; max-width: 80rem; color: #0b0c0c; background: #fff; line-height: 1.4; }
h1 { font-size: 2rem; } h2 { font-size: 1.4rem; margin: 0; text-align: left; }
caption { text-align: left; padding: 1.5rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: .4rem .6rem .4rem 0; text-align: left; vertical-align: top; }
td, th[scope=row] { font-weight: normal; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.5rem; }
dt { font-weight: bold; }
code { font-family: Consolas, monospace; word-break: break-all; }
.decision { border: 5px solid #0b0c0c; padding: 1rem 1.5rem; margin: 1rem 0 2rem; }
.submit-for-full-examination { border-color: #d4351c; }
.could-not-complete { border-color: #f47738; }
.no-known-material-found { border-color: #00703c; }
.decision p { font-size: 1.2rem; margin: .3rem 0; }
</style>
</head>
<body>
<main>
<h1>Device triage: ${escapeHtml(r.device)}</h1>
<section class="decision ${decisionClass}" aria-labelledby="decision">
<h2 id="decision">Recommendation: ${escapeHtml(DECISION_TEXT[r.recommendation.decision])}</h2>
<p>${escapeHtml(r.recommendation.reason)}</p>
</section>
<h2>Summary</h2>
<dl>${summary.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('\n')}</dl>
${table('Matches by category', ['Category', 'Exact matches', 'Near matches'], categories)}
${table(
  'Exact matches',
  ['File', 'Size', 'Modified', 'MD5', 'SHA-1', 'Known as'],
  r.exactMatches.map((m) => [
    code(m.path),
    escapeHtml(bytes(m.size)),
    when(m.modified),
    code(m.md5),
    code(m.sha1),
    m.known.map(known).join('<br>'),
  ]),
)}
${table(
  'Near matches',
  ['File', 'Size', 'Modified', 'PDQ', 'Quality', 'Distance', 'Orientation', 'Known as'],
  r.nearMatches.map((m) => [
    code(m.path),
    escapeHtml(bytes(m.size)),
    when(m.modified),
    code(m.pdq),
    String(m.quality),
    String(m.distance),
    escapeHtml(m.orientation),
    m.known.map((k) => `${known(k)}, distance ${k.distance}`).join('<br>'),
  ]),
)}
${table(
  'Unreadable files',
  ['File', 'Size', 'Reason'],
  r.unreadable.map((u) => [code(u.path), escapeHtml(bytes(u.size)), escapeHtml(u.reason)]),
)}
${table(
  'Not followed or not read',
  ['Path', 'What', 'Detail'],
  r.problems.map((p) => [code(p.path), escapeHtml(p.problem.replaceAll('-', ' ')), escapeHtml(p.detail)]),
)}
<p>This report holds file paths, sizes, times and hashes only. It contains no image content.</p>
</main>
</body>
</html>
`
}
