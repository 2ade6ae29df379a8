/**
 * Batching of lookups by id: many requests for one item each, made at once (`Effect.forEach(ids, get, {
 * batching: true })`, or concurrent requests in one `Effect.all`), become as few API calls as the method's limit
 * on ids allows. Built on Effect's `Request` and `RequestResolver`, so requests for the same id are made once and
 * a cache can be added with `Effect.withRequestCaching`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Request from "effect/Request"
import * as RequestResolver from "effect/RequestResolver"

/**
 * A request for the item with `id`; requests of the same `group` (such as the same list of fields) share calls.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ById<A, E> extends Request.Request<Option.Option<A>, E> {
  readonly _tag: "ById"
  readonly id: string
  readonly group: string
}

/**
 * The request for the item with `id` in `group`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const byId = <A, E>(id: string, group = ""): ById<A, E> => Request.tagged<ById<A, E>>("ById")({ id, group })

/**
 * What a resolver needs: the most ids one call takes, the call (`fetch`, for one group and its ids), and how to
 * read an item's id. An id the call does not answer for resolves to `Option.none()`; a failed call fails every
 * request it was made for, with its typed error.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options<A, E, R> {
  readonly maxBatchSize: number
  readonly fetch: (group: string, ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, E, R>
  readonly idOf: (item: A) => string
}

const chunks = <T>(items: ReadonlyArray<T>, size: number): Array<ReadonlyArray<T>> => {
  const out: Array<ReadonlyArray<T>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/**
 * Makes the resolver that answers `ById` requests with as few calls as `maxBatchSize` allows.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const resolver = <A, E, R>(options: Options<A, E, R>): RequestResolver.RequestResolver<ById<A, E>, R> =>
  RequestResolver.makeBatched((requests: ReadonlyArray<ById<A, E>>) => {
    const groups = new Map<string, Array<ById<A, E>>>()
    for (const request of requests) {
      const group = groups.get(request.group)
      if (group === undefined) groups.set(request.group, [request])
      else group.push(request)
    }
    const size = Math.max(1, Math.floor(options.maxBatchSize))
    return Effect.forEach(groups, ([group, members]) => {
      const ids = [...new Set(members.map((request) => request.id))]
      return Effect.forEach(chunks(ids, size), (chunk) => {
        const waiting = members.filter((request) => chunk.includes(request.id))
        return options.fetch(group, chunk).pipe(
          Effect.matchEffect({
            onFailure: (error) => Effect.forEach(waiting, (request) => Request.fail(request, error), { discard: true }),
            onSuccess: (items) => {
              const found = new Map(items.map((item) => [options.idOf(item), item]))
              return Effect.forEach(
                waiting,
                (request) => Request.succeed(request, Option.fromNullable(found.get(request.id))),
                { discard: true }
              )
            }
          })
        )
      }, { concurrency: "unbounded", discard: true })
    }, { concurrency: "unbounded", discard: true })
  })
