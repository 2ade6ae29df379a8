// The OK.ru login and permission pages, with the structure of the vendor's: the same forms, field names,
// st.cmd values, relative actions, hidden fr.posted and fr.token, and the button_accept_request button.
import type * as Seed from "../Seed.js"
import type { PageSession } from "./state.js"

export const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const head = (title: string) =>
  `<!DOCTYPE html>
<html>
<head>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
    <link href="//st.mycdn.me/res/css/prod/widget/oauth.css" type="text/css" rel="stylesheet">
</head>
<script>
    try {    top.location.toString(); } catch(e) {    top.location = location; }
</script>`

export const loginPage = (options: { readonly error?: string }) =>
  `${head("Одноклассники")}
<body>
<div id="hook_Block_OAuth2Login" class="hookBlock">
    <form method="post"
          action="/dk?cmd=OAuth2Login&amp;st.cmd=OAuth2Login">
        <div class="ext-widget __no-footer" id="widget-el">
            <div class="ext-widget_h"><a href="https://ok.ru/feed?st.cmd=userMain" class="ext-widget_h_ico" target="_blank"></a>
                <div class="ext-widget_h_tx">Одноклассники</div>
            </div>
            <div class="ext-widget_cnt-w __center">
                <div class="ext-widget_cnt js-ext-widget-content">
                    <div class="widget-oauth"><input name="fr.posted" type="hidden" value="set"></input>
${options.error === undefined ? "" : `                        <div class="form_i form_i__error">${escapeHtml(options.error)}</div>\n`}                        <div class="form_i"><span class="input-l"><label for="field_email">Логин, адрес почты или телефон</label></span>
                            <div class="it_w"><input tabindex="1" name="fr.email" id="field_email" type="text" value="" class="it"></input></div>
                        </div>
                        <div class="form_i"><span class="input-l"><label for="field_password">пароль</label><a href="https://ok.ru/dk?st.cmd=anonymRecoveryStart" target="_blank">Забыли пароль?</a></span>
                            <div class="it_w"><input tabindex="2" name="fr.password" id="field_password" type="password" class="it"></input></div>
                        </div>
                        <div class="form_i"><label class="irc_w __modern __o"><input name="fr.remember" checked="checked" id="field_remember" type="checkbox" value="on" class="irc"></input><span class="irc-vis"></span><span class="irc_l">запомнить меня</span></label>
                        </div>
                        <div class="form-actions"><input value="Войти" tabindex="3" type="submit" class="button-pro __wide form-actions_yes"></input><a href="https://ok.ru/dk?st.cmd=anonymRegistrationEnterPhone" class="button-pro __wide __sec mt-4x" target="_blank">Зарегистрироваться</a></div>
                    </div>
                </div>
            </div>
        </div>
    </form>
</div>
</body>
</html>`

export const permissionPage = (options: {
  readonly token: string
  readonly user: Seed.OkUser
  readonly session: PageSession
}) => {
  const name = escapeHtml(`${options.user.first_name} ${options.user.last_name}`)
  const cancel = escapeHtml(
    `${options.session.redirectUri}${options.session.responseType === "code" ? "?" : "#"}error=access_denied`
  )
  return `${head("Одноклассники")}
<body>
<div id="hook_Block_OAuth2Permissions" class="hookBlock">
    <form method="POST"
          action="/dk?st.cmd=OAuth2Permissions&amp;cmd=OAuth2Permissions">
        <input name="fr.posted" type="hidden" value="set"></input><input
            name="fr.token" type="hidden"
            value="${escapeHtml(options.token)}"></input>
        <div class="ext-widget" id="widget-el">
            <div class="ext-widget_h">
                <div class="ext-widget_menu __enabled">
                    <div id="widget-layout-menu-trigger" class="ext-widget_menu_trigger"><span class="ext-widget_menu_t">${
    escapeHtml(options.user.first_name)
  }</span></div>
                    <div id="widget-layout-menu" class="ext-widget_menu_cnt invisible">
                        <div class="ext-widget_menu_h"><span class="ext-widget_menu_t">${name}</span></div>
                        <div class="ext-widget_menu_body"><a href="/dk?st.cmd=OAuth2Login&amp;st.layout=w&amp;st.client_id=${
    escapeHtml(options.session.clientId)
  }" class="button-pro __sec __small __wide">сменить</a></div>
                    </div>
                </div>
            </div>
            <div class="ext-widget_cnt-w __center">
                <div class="ext-widget_cnt js-ext-widget-content">
                    <div class="widget-oauth-permissions">
                        <div class="ext-widget-app-card_title">
                            Приложение <span class="ext-widget-app-card_name">okmail demo</span>
                            запрашивает доступ к вашему аккаунту
                        </div>
                    </div>
                </div>
            </div>
            <div class="ext-widget_f">
                <button onclick="this.className +=' __disabled'"
                        name="button_accept_request"
                        class="button-pro form-actions_yes">Войти
                </button>
                <a href="${cancel}" class="button-pro __sec ml-2x">Отменить</a></div>
        </div>
    </form>
</div>
</body>
</html>`
}

export const unknownClientPage = (detail = "Приложение не найдено (invalid client_id)") =>
  `${head("Одноклассники — ошибка")}
<body>
<div class="ext-widget"><div class="ext-widget_cnt">
    <h1>Ошибка авторизации</h1>
    <p>${escapeHtml(detail)}</p>
</div></div>
</body>
</html>`
