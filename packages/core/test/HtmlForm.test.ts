import * as HtmlForm from "../src/internal/htmlForm.js"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Pages from "./pages.js"

const only = (html: string, url: string) => {
  const forms = HtmlForm.readForms(html, url)
  assert.strictEqual(forms.length, 1)
  return forms[0]!
}

describe("HtmlForm", () => {
  it("reads the OK login form: relative action, hidden, text, password and checked fields", () => {
    const form = only(Pages.okLoginPage, "https://connect.ok.ru/dk?st.cmd=OAuth2Login&st.client_id=1")
    assert.strictEqual(form.method, "POST")
    assert.strictEqual(form.action.href, "https://connect.ok.ru/dk?cmd=OAuth2Login&st.cmd=OAuth2Login")
    assert.deepStrictEqual(form.fields, [["fr.posted", "set"], ["fr.email", ""], ["fr.password", ""], [
      "fr.remember",
      "on"
    ]])
    assert.deepStrictEqual(form.buttons, [])
  })

  it("reads the OK permission form and presses its accept button", () => {
    const form = only(Pages.okPermissionsPage, "https://connect.ok.ru/dk?st.cmd=OAuth2Permissions")
    assert.strictEqual(form.action.searchParams.get("st.cmd"), "OAuth2Permissions")
    assert.deepStrictEqual(form.buttons, [{ name: "button_accept_request", value: "" }])
    const fields = Either.getOrThrow(HtmlForm.submission(form, { button: "button_accept_request" }))
    assert.deepStrictEqual(fields, [["fr.posted", "set"], ["fr.token", "perm-token-123"], ["button_accept_request", ""]])
  })

  it("reads the Mail.Ru login form: absolute action, hidden pages, the domain select", () => {
    const form = only(Pages.mailruLoginPage, "https://connect.mail.ru/oauth/authorize?client_id=123456")
    assert.strictEqual(form.id, "login-form")
    assert.strictEqual(form.action.href, "https://auth.mail.ru/cgi-bin/auth")
    const names = form.fields.map(([name]) => name)
    assert.deepStrictEqual(names, ["Page", "FailPage", "Domain", "Login", "Password"])
    assert.deepStrictEqual(form.fields[2], ["Domain", "mail.ru"])
    assert.include(form.fields[0]![1], "https://connect.mail.ru/oauth/authorize?response_type=token")
    const filled = Either.getOrThrow(
      HtmlForm.submission(form, { fill: { Login: "ivan", Domain: "inbox.ru", Password: "secret" } })
    )
    assert.deepStrictEqual(filled.slice(2), [["Domain", "inbox.ru"], ["Login", "ivan"], ["Password", "secret"]])
  })

  it("reads the Mail.Ru permission form with its agree button", () => {
    const form = Option.getOrThrow(
      HtmlForm.findForm(Pages.mailruPermissionsPage, "https://connect.mail.ru/oauth/authorize", ["agree"])
    )
    assert.strictEqual(form.action.href, "https://connect.mail.ru/oauth/authorize")
    assert.isTrue(HtmlForm.hasField(form, "client_id"))
    const fields = Either.getOrThrow(HtmlForm.submission(form, { button: "agree" }))
    assert.deepStrictEqual(fields.at(-1), ["agree", "1"])
  })

  it("finds no form on the in-development page", () => {
    assert.deepStrictEqual(HtmlForm.readForms(Pages.mailruInDevelopmentPage, "https://connect.mail.ru/"), [])
    assert.isTrue(Option.isNone(HtmlForm.findForm(Pages.mailruInDevelopmentPage, "https://connect.mail.ru/", [])))
  })

  it("submits as a browser would: unchecked boxes, disabled and nameless controls stay out", () => {
    const html = `<form action="go" method="get">
      <input name="a" value="1"><input name="b" type="checkbox" value="x"><input name="c" type="radio" value="r1">
      <input name="c" type="radio" value="r2" checked><input name="d" disabled value="no"><input value="nameless">
      <select name="s"><option value="1">one</option><option selected>two</option></select>
      <select name="m" multiple><option value="p" selected>p</option><option value="q">q</option><option selected>r</option></select>
      <textarea name="t">line &amp; more</textarea><input type="file" name="f"><input type="reset" name="r">
      <button name="go" value="yes">Go</button><button type="button" name="no">No</button>
    </form><input form="other" name="outside" value="o"><form id="other" action="https://example.test/x"></form>`
    const [first, second] = HtmlForm.readForms(html, "https://example.test/dir/page")
    assert.strictEqual(first!.method, "GET")
    assert.strictEqual(first!.action.href, "https://example.test/dir/go")
    assert.deepStrictEqual(first!.fields, [["a", "1"], ["c", "r2"], ["s", "two"], ["m", "p"], ["m", "r"], [
      "t",
      "line & more"
    ]])
    assert.deepStrictEqual(first!.buttons, [{ name: "go", value: "yes" }])
    assert.deepStrictEqual(second!.fields, [["outside", "o"]])
    assert.deepStrictEqual(HtmlForm.submission(first!, { button: "missing" }), Either.left("missing"))
  })

  it("resolves a missing action to the page itself", () => {
    const form = only("<form method=post><input name=x value=1></form>", "https://example.test/p?q=1")
    assert.strictEqual(form.action.href, "https://example.test/p?q=1")
    assert.deepStrictEqual(form.fields, [["x", "1"]])
  })

  for (const depth of [10_000, 100_000]) {
    it(`reads a form under ${depth} nested elements without overflowing the stack`, () => {
      const html = `${"<div>".repeat(depth)}<form method=post action=/go><input name=a value=1>` +
        `${"<span>".repeat(depth)}<select name=s><option>${"<b>".repeat(depth)}deep</select>` +
        `${"</span>".repeat(depth)}</form>${"</div>".repeat(depth)}`
      const form = only(html, "https://example.test/p")
      assert.strictEqual(form.action.href, "https://example.test/go")
      assert.deepStrictEqual(form.fields, [["a", "1"], ["s", "deep"]])
    })
  }

  // Tags, attributes and text that forms are made of, in any order and any nesting, closed or not.
  const markup = FastCheck.array(
    FastCheck.oneof(
      FastCheck.constantFrom(
        "<form>", "</form>", "<form action=\"x?a=1&amp;b\" method=post>", "<form action='http://[::1'>",
        "<input name=a>", "<input type=checkbox name=b checked>", "<input form=f name=c>", "<form id=f>",
        "<select name=s multiple>", "<option selected>", "</select>", "<textarea name=t>", "</textarea>",
        "<button name=go>", "<div>", "</div>", "<!--", "-->", "<script>", "</script>", "<![CDATA[", "&amp;",
        "<input name=", "\"", "'", ">", "<"
      ),
      FastCheck.string()
    ),
    { maxLength: 60 }
  ).map((parts) => parts.join(""))

  it.prop("reads any string as a list of forms, never a throw", [FastCheck.string()], ([html]) => {
    assert.isArray(HtmlForm.readForms(html, "https://example.test/p"))
  })

  it.prop("reads any mix of form markup as a list of forms, never a throw", [markup], ([html]) => {
    for (const form of HtmlForm.readForms(html, "https://example.test/p")) {
      assert.instanceOf(form.action, URL)
      assert.isTrue(Either.isRight(HtmlForm.submission(form)))
    }
  })
})
