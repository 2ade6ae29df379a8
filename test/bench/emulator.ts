/**
 * The benchmark's server process: the emulator exactly as `Emulator.layerServer` serves it, plus two trivial
 * endpoints that show what the server side can do when it does nothing (an Effect `HttpServer` and a bare
 * `node:http` server answering a fixed JSON body), all on 127.0.0.1 ports picked by the system.
 *
 * It runs in its own process so that the server and the client under test do not share one event loop: the
 * numbers of `run.ts` are the client's. It prints one `READY {json}` line with its URLs, empties the emulator's
 * request log every second (the log is kept for tests; over a benchmark it would grow by a million entries and
 * slow the server down as the run goes on), and exits when its stdin closes or on SIGTERM.
 *
 * Started by `run.ts`, `memory.ts` and `profile.ts`; by hand: `tsx test/bench/emulator.ts`.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Emulator, EmulatorControl } from "@okmail/emulator"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

/** The body both trivial endpoints answer: about the size of a small API answer. */
export const noopBody = JSON.stringify({ ok: true, note: "okmail benchmark trivial endpoint" })

const effectNoop = Layer.scoped(
  HttpServer.HttpServer,
  Effect.gen(function*() {
    const server = yield* HttpServer.HttpServer
    yield* server.serve(Effect.succeed(HttpServerResponse.text(noopBody, { contentType: "application/json" })))
    return server
  })
).pipe(Layer.provide(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })))

const nodeNoop = Effect.acquireRelease(
  Effect.async<ReturnType<typeof createServer>>((resume) => {
    const server = createServer((request, response) => {
      // Drain the request body so that the connection stays usable, as a real endpoint would.
      request.resume()
      request.on("end", () => {
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(noopBody) })
        response.end(noopBody)
      })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

const main = Effect.gen(function*() {
  const emulator = yield* Emulator.EmulatorServer
  const control = yield* EmulatorControl.EmulatorControl
  const effectServer = yield* HttpServer.HttpServer
  const node = yield* nodeNoop
  const effectAddress = effectServer.address
  const ready = {
    pid: process.pid,
    baseUrl: emulator.baseUrl,
    effectNoopUrl: effectAddress._tag === "TcpAddress" ? `http://127.0.0.1:${effectAddress.port}/noop` : "",
    nodeNoopUrl: `http://127.0.0.1:${(node.address() as AddressInfo).port}/noop`
  }
  yield* Effect.forkScoped(Effect.repeat(control.clearRequests, Schedule.spaced("1 second")))
  yield* Console.log(`READY ${JSON.stringify(ready)}`)
  // The parent holds our stdin open for as long as it needs us; when it goes, so do we.
  yield* Effect.async<void>((resume) => {
    process.stdin.on("end", () => resume(Effect.void))
    process.stdin.on("close", () => resume(Effect.void))
    process.stdin.resume()
  })
}).pipe(Effect.scoped)

NodeRuntime.runMain(main.pipe(Effect.provide(Layer.merge(Emulator.layerServer({ port: 0 }), effectNoop))))
