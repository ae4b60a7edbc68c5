import type { Config } from '../platform/config.ts'

export interface Command {
  name: string
  summary: string
  help: string
  /** Returns the process exit code. Configuration is read only by commands that need it. */
  run(args: string[], config: () => Config): Promise<number>
}
