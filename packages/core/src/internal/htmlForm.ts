/**
 * Reads the forms of an HTML page as a browser would submit them, for the login and permission pages of the
 * implicit flows. Built on htmlparser2, so that markup oddities (XHTML-style `</input>`, unquoted attributes,
 * entities in actions) read as a browser reads them.
 *
 * @since 0.1.0
 */
import type { ChildNode, Element } from "domhandler"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { decodeHTML } from "entities"
import { parseDocument } from "htmlparser2"

/**
 * A submit button of a form: `name` and the `value` it sends when pressed.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Button {
  readonly name: string
  readonly value: string
}

/**
 * A form as read from a page: its id, method, resolved action URL, the fields it would submit as it stands
 * (hidden and text inputs, checked boxes, selected options, text areas), and its named submit buttons.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Form {
  readonly id: string | undefined
  readonly method: "GET" | "POST"
  readonly action: URL
  readonly fields: ReadonlyArray<readonly [name: string, value: string]>
  readonly buttons: ReadonlyArray<Button>
}

const isElement = (node: ChildNode): node is Element => node.type === "tag" || node.type === "script" ||
  node.type === "style"

const walk = (nodes: ReadonlyArray<ChildNode>, visit: (element: Element) => boolean | void): void => {
  for (const node of nodes) {
    if (!isElement(node)) continue
    // A visitor returning true has consumed the element's subtree.
    if (visit(node) === true) continue
    walk(node.children, visit)
  }
}

const textOf = (nodes: ReadonlyArray<ChildNode>): string => {
  let out = ""
  for (const node of nodes) {
    if (node.type === "text") out += node.data
    else if (isElement(node)) out += textOf(node.children)
  }
  return out
}

const attr = (element: Element, name: string): string | undefined => element.attribs[name]

const has = (element: Element, name: string): boolean => Object.hasOwn(element.attribs, name)

const resolve = (href: string | undefined, base: URL): URL => {
  try {
    return new URL(href === undefined || href.trim() === "" ? base.href : href.trim(), base)
  } catch {
    return new URL(base.href)
  }
}

const NOT_FIELDS = new Set(["submit", "image", "button", "reset", "file"])

const selectValue = (select: Element): Array<string> => {
  const options: Array<Element> = []
  walk(select.children, (element) => {
    if (element.name === "option") options.push(element)
  })
  const valueOf = (option: Element) => attr(option, "value") ?? textOf(option.children).trim()
  const enabled = options.filter((option) => !has(option, "disabled"))
  const selected = enabled.filter((option) => has(option, "selected"))
  if (has(select, "multiple")) return selected.map(valueOf)
  const chosen = selected.at(-1) ?? enabled[0]
  return chosen === undefined ? [] : [valueOf(chosen)]
}

interface Controls {
  readonly fields: Array<readonly [string, string]>
  readonly buttons: Array<Button>
}

const addControl = (element: Element, controls: Controls): void => {
  const name = attr(element, "name")
  if (name === undefined || name === "" || has(element, "disabled")) return
  switch (element.name) {
    case "input": {
      const type = (attr(element, "type") ?? "text").toLowerCase()
      if (type === "submit" || type === "image") {
        controls.buttons.push({ name, value: attr(element, "value") ?? "" })
        return
      }
      if (NOT_FIELDS.has(type)) return
      if ((type === "checkbox" || type === "radio") && !has(element, "checked")) return
      const fallback = type === "checkbox" || type === "radio" ? "on" : ""
      controls.fields.push([name, attr(element, "value") ?? fallback])
      return
    }
    case "button": {
      const type = (attr(element, "type") ?? "submit").toLowerCase()
      if (type === "submit") controls.buttons.push({ name, value: attr(element, "value") ?? "" })
      return
    }
    case "select":
      for (const value of selectValue(element)) controls.fields.push([name, value])
      return
    case "textarea":
      // htmlparser2 keeps a text area's content raw; browsers decode its entities.
      controls.fields.push([name, decodeHTML(textOf(element.children))])
      return
  }
}

const CONTROLS = new Set(["input", "button", "select", "textarea"])

/**
 * Every form of the page, in document order, with its action resolved against `pageUrl`.
 *
 * @since 0.1.0
 * @category Reading
 */
export const readForms = (html: string, pageUrl: string | URL): Array<Form> => {
  const base = new URL(pageUrl)
  const document = parseDocument(html, { decodeEntities: true, lowerCaseAttributeNames: true })
  const forms: Array<{ element: Element; controls: Controls }> = []
  const byId = new Map<string, Controls>()
  const outside: Array<Element> = []

  walk(document.children, (element) => {
    if (element.name === "form") {
      const controls: Controls = { fields: [], buttons: [] }
      forms.push({ element, controls })
      const id = attr(element, "id")
      if (id !== undefined) byId.set(id, controls)
      walk(element.children, (inner) => {
        if (CONTROLS.has(inner.name) && attr(inner, "form") === undefined) {
          addControl(inner, controls)
          return true
        }
      })
      return true
    }
  })
  // Controls that name their form with a `form` attribute belong to it wherever they stand.
  walk(document.children, (element) => {
    if (CONTROLS.has(element.name) && attr(element, "form") !== undefined) outside.push(element)
  })
  for (const element of outside) {
    const controls = byId.get(attr(element, "form")!)
    if (controls !== undefined) addControl(element, controls)
  }

  return forms.map(({ controls, element }) => ({
    id: attr(element, "id"),
    method: (attr(element, "method") ?? "get").toUpperCase() === "POST" ? "POST" : "GET",
    action: resolve(attr(element, "action"), base),
    fields: controls.fields,
    buttons: controls.buttons
  }))
}

/**
 * The first form of the page that has every one of the named fields or buttons.
 *
 * @since 0.1.0
 * @category Reading
 */
export const findForm = (
  html: string,
  pageUrl: string | URL,
  names: ReadonlyArray<string>
): Option.Option<Form> =>
  Option.fromNullable(
    readForms(html, pageUrl).find((form) =>
      names.every((name) =>
        form.fields.some(([field]) => field === name) || form.buttons.some((button) => button.name === name)
      )
    )
  )

/**
 * Whether the form has a field of that name.
 *
 * @since 0.1.0
 * @category Reading
 */
export const hasField = (form: Form, name: string): boolean => form.fields.some(([field]) => field === name)

/**
 * The fields to submit: the form's own, with `fill` replacing the value of a field of the same name (or adding
 * it), and the named submit button pressed. Fails with the missing button's name when the form has none such.
 *
 * @since 0.1.0
 * @category Submitting
 */
export const submission = (
  form: Form,
  options: { readonly fill?: Readonly<Record<string, string>>; readonly button?: string } = {}
): Either.Either<Array<readonly [string, string]>, string> => {
  const fill = options.fill ?? {}
  const filled = new Set<string>()
  const out: Array<readonly [string, string]> = []
  for (const [name, value] of form.fields) {
    if (Object.hasOwn(fill, name)) {
      if (filled.has(name)) continue
      filled.add(name)
      out.push([name, fill[name]!])
    } else {
      out.push([name, value])
    }
  }
  for (const name of Object.keys(fill)) {
    if (!filled.has(name)) out.push([name, fill[name]!])
  }
  if (options.button !== undefined) {
    const button = form.buttons.find((candidate) => candidate.name === options.button)
    if (button === undefined) return Either.left(options.button)
    out.push([button.name, button.value])
  }
  return Either.right(out)
}
