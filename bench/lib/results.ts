import type { CaseloadFigure } from './caseload.ts'
import type { DashboardFigure } from './dashboard.ts'
import type { ExportFigure } from './export.ts'
import type { ImportFigures } from './import.ts'
import type { ColdStartFigure, LoadFigure, MyTeamFigure } from './pages.ts'
import type { EvaluateFigure, SweepFigure } from './sweep.ts'

export interface BenchResults {
  startedAt: string
  command: string
  scale: number
  seed: number
  until: string
  machine: { cores: number; cpu: string; memoryGb: number; node: string; os: string }
  database: { kind: 'pglite' | 'postgres'; version: string }
  seedSeconds?: number
  import?: ImportFigures
  sweep?: SweepFigure[]
  evaluate?: EvaluateFigure[]
  myTeam?: MyTeamFigure
  caseload?: CaseloadFigure
  dashboard?: DashboardFigure
  export?: ExportFigure
  coldStart?: ColdStartFigure
  load?: LoadFigure & { note?: string }
  triage?: Record<string, unknown>
  errors: { phase: string; error: string }[]
  /** The seed generators the run imported, when not all of them (`--generators`). */
  generators?: string[]
}
