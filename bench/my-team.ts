// "My team" against an existing database (for example one made by `kestrel seed`), without the full
// benchmark: the same measurement as the benchmark's myteam phase.
//   DATABASE_URL=postgres://... node --import tsx bench/my-team.ts
import { buildKestrel } from '../src/kestrel.ts'
import { loadConfig } from '../src/platform/config.ts'
import { openPostgres } from '../src/platform/db/database.ts'
import { benchMyTeam } from './lib/pages.ts'

const handle = await openPostgres(process.env.DATABASE_URL as string, 4)
const config = loadConfig({
  NODE_ENV: 'development',
  KESTREL_LOG_LEVEL: process.env.KESTREL_LOG_LEVEL ?? 'silent',
})
const kestrel = await buildKestrel(config, handle)
console.log(JSON.stringify(await benchMyTeam(kestrel, 50), null, 2))
await kestrel.app.close()
await handle.close()
