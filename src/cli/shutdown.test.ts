import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { shutdownLimitMs } from './serve.ts'

// `kestrel serve` told to stop: it refuses new connections, answers the requests in flight and exits 0; a
// request still unanswered at the limit is named and the process exits 1 instead of running for ever.

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-shutdown-'))

interface Server {
  child: ChildProcess
  port: number
  stdout: () => string
  stderr: () => string
  exited: Promise<{ code: number | null; at: number }>
}

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

async function until(condition: () => boolean, what: string, limitMs = 90_000) {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`Waited ${limitMs / 1000} s for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function serve(): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    env: { PATH: process.env.PATH, NODE_ENV: 'test', KESTREL_DATA_DIR: dataDir, PORT: String(port) },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  )
  let gone = false
  exited.then(() => {
    gone = true
  })
  // The first start migrates a new embedded database: slow on a busy machine.
  await until(() => stdout.includes('Kestrel is running') || gone, 'the server to start')
  if (gone) throw new Error(`kestrel serve ended before it answered: ${stderr}`)
  return { child, port, stdout: () => stdout, stderr: () => stderr, exited }
}

/** A form post whose body arrives only when `finish` is called: a request in flight for as long as wanted. */
async function slowPost(port: number) {
  const body = 'username=someone&password=wrong-password'
  const socket = net.connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let answer = ''
  socket.on('data', (chunk) => {
    answer += chunk
  })
  socket.on('error', () => {})
  socket.write(
    `POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  )
  return {
    finish: () => socket.write(body.slice(10)),
    answer: () => answer,
    destroy: () => socket.destroy(),
  }
}

/** Time for the server to read what was sent. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300))

async function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

describe('stopping kestrel serve', () => {
  const servers: Server[] = []
  afterAll(() => {
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL')
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers the request in flight, refuses new connections, closes and exits 0', async () => {
    const server = await serve()
    servers.push(server)
    const request = await slowPost(server.port)
    await settle()
    const sent = Date.now()
    server.child.kill('SIGTERM')
    await until(() => server.stdout().includes('SIGTERM: stopping'), 'the server to hear SIGTERM', 10_000)
    // It does not take new connections, but waits: the request has not been answered yet.
    expect(await connects(server.port)).toBe(false)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(server.child.exitCode).toBeNull()
    expect(request.answer()).toBe('')
    request.finish()
    const { code, at } = await server.exited
    expect(request.answer()).toMatch(/^HTTP\/1\.1 [1-4]\d\d /)
    expect(code, server.stderr()).toBe(0)
    expect(at - sent).toBeLessThan(shutdownLimitMs)
    expect(server.stderr()).toBe('')
  }, 120_000)

  it('names the request still unanswered at the limit and exits 1', async () => {
    const server = await serve()
    servers.push(server)
    const request = await slowPost(server.port)
    await settle()
    const sent = Date.now()
    server.child.kill('SIGTERM')
    const { code, at } = await server.exited
    request.destroy()
    expect(code).toBe(1)
    expect(at - sent).toBeGreaterThanOrEqual(shutdownLimitMs)
    expect(at - sent).toBeLessThan(shutdownLimitMs + 5000)
    expect(server.stderr()).toMatch(
      /kestrel serve: stopped without finishing .*still in flight: POST \/login \(\d+ s\)/,
    )
  }, 120_000)
})
