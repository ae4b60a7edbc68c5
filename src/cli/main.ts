import { ConfigError, loadConfig } from '../platform/config.ts'
import { DatabaseStartError } from '../platform/db/database.ts'
import { commands } from './commands.ts'

/**
 * The `kestrel` command. Each subcommand lives in its own module and returns an exit code; anything it
 * cannot do is one clear line on stderr and a non-zero exit.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined
    const command = topic ? commands.find((c) => c.name === topic) : undefined
    if (command) {
      console.log(command.help)
      return 0
    }
    console.log(usage())
    return topic ? 1 : 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    console.error(`kestrel: unknown command "${name}". Run "kestrel help" for the list.`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help)
    return 0
  }
  try {
    return await command.run(rest, () => loadConfig())
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DatabaseStartError || error instanceof UsageError) {
      console.error(`kestrel ${name}: ${error.message}`)
      return error instanceof UsageError ? 2 : 1
    }
    throw error
  }
}

export class UsageError extends Error {}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    'Usage: kestrel <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "kestrel help <command>" or "kestrel <command> --help" for a command\'s options.',
  ].join('\n')
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(`kestrel: ${(error as Error).message}`)
      process.exitCode = 1
    },
  )
}
