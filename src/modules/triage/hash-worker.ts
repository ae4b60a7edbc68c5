// Worker thread: hashes files sent by the pool in hashing-pool.ts.
import { parentPort } from 'node:worker_threads'
import sharp from 'sharp'
import { type HashFileOptions, hashFile } from './file-hasher.ts'

// One libvips thread per worker: the pool already runs one worker per core.
sharp.concurrency(1)
sharp.cache(false)

parentPort?.on('message', async (job: { id: number; file: string; options: HashFileOptions }) => {
  try {
    parentPort?.postMessage({ id: job.id, result: await hashFile(job.file, job.options) })
  } catch (e) {
    parentPort?.postMessage({ id: job.id, error: (e as Error).message })
  }
})
