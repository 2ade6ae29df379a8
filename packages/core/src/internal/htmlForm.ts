/**
 * Reads the forms of an HTML page as a browser would submit them, for the login and permission pages of the
 * implicit flows. Built on htmlparser2's tokenizer, so that markup oddities (XHTML-style `</input>`, unquoted
 * attributes, entities in actions, raw `<script>` text) read as a browser reads them.
 *
 * The pages are not trusted, so the reader builds no tree and keeps no stack of open elements: it follows the
 * tokens once, with a browser's form pointer (a control belongs to the form opened last and not yet closed),
 * which costs the same whether a page nests ten elements or a hundred thousand, and never throws.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { decodeHTML } from "entities"
import { Tokenizer } from "htmlparser2"

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

interface Tag {
  readonly name: string
  readonly attribs: ReadonlyMap<string, string>
}

/** An `option` of a `select`, with its text. */
interface Choice {
  readonly tag: Tag
  text: string
}

/** A control as read: a `select` with its options, a `textarea` with its text. */
interface Control {
  readonly tag: Tag
  readonly choices: Array<Choice>
  text: string
}

interface Controls {
  readonly fields: Array<readonly [string, string]>
  readonly buttons: Array<Button>
}

const attr = (tag: Tag, name: string): string | undefined => tag.attribs.get(name)

const has = (tag: Tag, name: string): boolean => tag.attribs.has(name)

const resolve = (href: string | undefined, base: URL): URL => {
  try {
    return new URL(href === undefined || href.trim() === "" ? base.href : href.trim(), base)
  } catch {
    return new URL(base.href)
  }
}

const NOT_FIELDS = new Set(["submit", "image", "button", "reset", "file"])

const selectValue = (select: Control): Array<string> => {
  const valueOf = (choice: Choice) => attr(choice.tag, "value") ?? choice.text.trim()
  const enabled = select.choices.filter((choice) => !has(choice.tag, "disabled"))
  const selected = enabled.filter((choice) => has(choice.tag, "selected"))
  if (has(select.tag, "multiple")) return selected.map(valueOf)
  const chosen = selected.at(-1) ?? enabled[0]
  return chosen === undefined ? [] : [valueOf(chosen)]
}

const addControl = (control: Control, controls: Controls): void => {
  const tag = control.tag
  const name = attr(tag, "name")
  if (name === undefined || name === "" || has(tag, "disabled")) return
  switch (tag.name) {
    case "input": {
      const type = (attr(tag, "type") ?? "text").toLowerCase()
      if (type === "submit" || type === "image") {
        controls.buttons.push({ name, value: attr(tag, "value") ?? "" })
        return
      }
      if (NOT_FIELDS.has(type)) return
      if ((type === "checkbox" || type === "radio") && !has(tag, "checked")) return
      const fallback = type === "checkbox" || type === "radio" ? "on" : ""
      controls.fields.push([name, attr(tag, "value") ?? fallback])
      return
    }
    case "button": {
      const type = (attr(tag, "type") ?? "submit").toLowerCase()
      if (type === "submit") controls.buttons.push({ name, value: attr(tag, "value") ?? "" })
      return
    }
    case "select":
      for (const value of selectValue(control)) controls.fields.push([name, value])
      return
    case "textarea":
      // The tokenizer keeps a text area's content raw; browsers decode its entities.
      controls.fields.push([name, decodeHTML(control.text)])
      return
  }
}

/**
 * Every form of the page, in document order, with its action resolved against `pageUrl`.
 *
 * @since 0.1.0
 * @category Reading
 */
export const readForms = (html: string, pageUrl: string | URL): Array<Form> => {
  const base = new URL(pageUrl)
  const forms: Array<{ readonly tag: Tag; readonly controls: Controls }> = []
  const byId = new Map<string, Controls>()
  // Controls that name their form with a `form` attribute belong to it wherever they stand: placed at the end.
  const named: Array<Control> = []
  let form: Controls | undefined
  // The `select` or `textarea` being read, and the `option` of the select.
  let open: Control | undefined
  let choice: Choice | undefined

  const place = (control: Control) => {
    if (attr(control.tag, "form") !== undefined) named.push(control)
    else if (form !== undefined) addControl(control, form)
  }
  const finish = () => {
    if (open !== undefined) place(open)
    open = undefined
    choice = undefined
  }
  const openTag = (tag: Tag) => {
    if (open !== undefined) {
      // Inside a select only options count; their inner markup is text.
      if (tag.name === "option") open.choices.push(choice = { tag, text: "" })
      else if (tag.name === "optgroup") choice = undefined
      return
    }
    switch (tag.name) {
      case "form": {
        // As in browsers, a form inside an open form is ignored, and its controls go to the outer one.
        if (form !== undefined) return
        form = { fields: [], buttons: [] }
        forms.push({ tag, controls: form })
        const id = attr(tag, "id")
        if (id !== undefined && !byId.has(id)) byId.set(id, form)
        return
      }
      case "select":
      case "textarea":
        open = { tag, choices: [], text: "" }
        return
      case "input":
      case "button":
        place({ tag, choices: [], text: "" })
        return
    }
  }
  const closeTag = (name: string) => {
    if (open !== undefined) {
      if (name === open.tag.name) finish()
      else if (name === "option" || name === "optgroup") choice = undefined
      return
    }
    if (name === "form") form = undefined
  }
  const text = (data: string) => {
    if (choice !== undefined) choice.text += data
    else if (open?.tag.name === "textarea") open.text += data
  }

  let tagName = ""
  let attribs = new Map<string, string>()
  let attribName = ""
  let attribValue = ""
  const tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, {
    onopentagname: (start, end) => {
      tagName = html.slice(start, end).toLowerCase()
      attribs = new Map()
    },
    onattribname: (start, end) => {
      attribName = html.slice(start, end).toLowerCase()
      attribValue = ""
    },
    onattribdata: (start, end) => {
      attribValue += html.slice(start, end)
    },
    onattribentity: (codepoint) => {
      attribValue += String.fromCodePoint(codepoint)
    },
    // The first of two attributes of the same name wins, as in browsers.
    onattribend: () => {
      if (!attribs.has(attribName)) attribs.set(attribName, attribValue)
    },
    // HTML has no self-closing tags: `<x/>` opens `x` like `<x>`.
    onopentagend: () => openTag({ name: tagName, attribs }),
    onselfclosingtag: () => openTag({ name: tagName, attribs }),
    onclosetag: (start, end) => closeTag(html.slice(start, end).toLowerCase()),
    ontext: (start, end) => text(html.slice(start, end)),
    ontextentity: (codepoint) => text(String.fromCodePoint(codepoint)),
    oncdata: () => {},
    oncomment: () => {},
    ondeclaration: () => {},
    onprocessinginstruction: () => {},
    onend: finish
  })
  tokenizer.write(html)
  tokenizer.end()

  for (const control of named) {
    const controls = byId.get(attr(control.tag, "form")!)
    if (controls !== undefined) addControl(control, controls)
  }
  return forms.map(({ controls, tag }) => ({
    id: attr(tag, "id"),
    method: (attr(tag, "method") ?? "get").toUpperCase() === "POST" ? "POST" : "GET",
    action: resolve(attr(tag, "action"), base),
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
