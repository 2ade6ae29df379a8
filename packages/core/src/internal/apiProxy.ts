/**
 * The dynamic method proxy of the Python clients' `API` object: `api.users.getInfo(params)` calls
 * `users.getInfo`.
 *
 * @since 0.1.0
 */
import type { Params } from "../Params.js"

/**
 * Any method of any group: `api.<group>.<name>(params)`.
 *
 * @since 0.1.0
 * @category Models
 */
export type ApiProxy<R> = {
  readonly [group: string]: {
    readonly [name: string]: (params?: Params) => R
  }
}

// Names that runtimes and libraries probe on any object; answering them with a method would make a proxy
// look like a promise, an iterable or a JSON value.
const probed = new Set(["then", "toJSON", "constructor", "valueOf", "toString", "inspect", "asymmetricMatch"])

const name = (key: string | symbol): string | undefined =>
  typeof key === "string" && !probed.has(key) && !key.startsWith("$$") ? key : undefined

/**
 * Builds the proxy over a call function.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = <R>(call: (method: string, params?: Params) => R): ApiProxy<R> =>
  new Proxy({} as ApiProxy<R>, {
    get: (_target, groupKey) => {
      const group = name(groupKey)
      if (group === undefined) return undefined
      return new Proxy({}, {
        get: (_inner, methodKey) => {
          const method = name(methodKey)
          if (method === undefined) return undefined
          return (params?: Params) => call(`${group}.${method}`, params)
        }
      })
    }
  })
