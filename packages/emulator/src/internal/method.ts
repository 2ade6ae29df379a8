// What an emulated API method answers: a result, or an API error code with an optional message.
export type MethodResult =
  | { readonly _tag: "result"; readonly value: unknown }
  | { readonly _tag: "error"; readonly code: number; readonly message?: string | undefined }

export const result = (value: unknown): MethodResult => ({ _tag: "result", value })

export const failure = (code: number, message?: string): MethodResult => ({ _tag: "error", code, message })
