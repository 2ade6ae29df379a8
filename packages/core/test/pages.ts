// Pages with the structure of the vendors' login and permission pages (forms, field names, actions, markup
// quirks such as XHTML-style </input> and &amp; in actions), written for these tests.

export const okLoginPage = `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>Одноклассники</title></head>
<script type="text/javascript">try { top.location.toString() } catch (e) { top.location = location }</script>
<body><div id="hook_Block_OAuth2Login" class="hookBlock">
<form method="post" action="/dk?cmd=OAuth2Login&amp;st.cmd=OAuth2Login">
  <div class="widget-oauth"><input name="fr.posted" type="hidden" value="set"></input>
    <div class="it_w"><input tabindex="1" name="fr.email" id="field_email" type="text" value="" class="it"></input></div>
    <div class="it_w"><input tabindex="2" name="fr.password" id="field_password" type="password" class="it"></input></div>
    <label><input name="fr.remember" checked="checked" id="field_remember" type="checkbox" value="on"></input>запомнить меня</label>
    <div class="form-actions"><input value="Войти" tabindex="3" type="submit" class="button-pro"></input>
    <a href="https://ok.ru/dk?st.cmd=anonymRegistrationEnterPhone">Зарегистрироваться</a></div>
  </div>
  <script>(function () { var el = document.getElementById('widget-el') })()</script>
</form></div></body></html>`

export const okPermissionsPage = `<!DOCTYPE html>
<html><head><title>Одноклассники</title></head><body>
<div id="hook_Block_OAuth2Permissions" class="hookBlock">
<form method="POST" action="/dk?st.cmd=OAuth2Permissions&amp;cmd=OAuth2Permissions">
  <input name="fr.posted" type="hidden" value="set"></input><input
    name="fr.token" type="hidden" value="perm-token-123"></input>
  <div class="ext-widget_menu_t">Иван</div>
  <div class="ext-widget_f">
    <button onclick="this.className +=' __disabled'" name="button_accept_request" class="button-pro">Войти
    </button>
    <a href="http://localhost#error=access_denied" class="button-pro __sec">Отменить</a></div>
</form></div></body></html>`

export const mailruLoginPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Mail.Ru &mdash; Запрос доступа</title></head><body>
<div id="wrp" class="auth-dialog"><div class="content">
<form id="login-form" method="post" action="https://auth.mail.ru/cgi-bin/auth" class="login-form">
  <input type="hidden" name="Page" value="https://connect.mail.ru/oauth/authorize?response_type=token&client_id=123456&login=1&redirect_uri=http%3A%2F%2Fconnect.mail.ru%2Foauth%2Fsuccess.html"/>
  <input type="hidden" name="FailPage" value="https://connect.mail.ru/oauth/authorize?response_type=token&client_id=123456&fail=1"/>
  <select tabindex="2" name="Domain" class="login-form__domain" id="domain-select">
    <option value="mail.ru">@mail.ru</option>
    <option value="inbox.ru">@inbox.ru</option>
    <option value="bk.ru">@bk.ru</option>
    <option value="list.ru">@list.ru</option>
  </select>
  <input tabindex="1" type="text" name="Login" id="login" class="ui-form-input" placeholder="Почтовый ящик"/>
  <input tabindex="3" type="password" name="Password" id="password" class="ui-form-input" placeholder="Пароль"/>
  <button tabindex="4" type="submit" class="ui-button-main">Войти и разрешить</button>
</form></div></div></body></html>`

export const mailruPermissionsPage = `<!DOCTYPE html>
<html><head><title>Mail.Ru &mdash; Запрос доступа</title></head><body>
<div id="content"><h1>Необходим доступ к вашим данным</h1>
<form id="login" method="post" action="https://connect.mail.ru/oauth/authorize">
  <input type="hidden" name="sig" value="abcde"/>
  <input type="hidden" name="client_id" value="123456"/>
  <input type="hidden" name="redirect_uri" value="http://connect.mail.ru/oauth/success.html"/>
  <input type="hidden" name="response_type" value="token"/>
  <input type="hidden" name="state" value=""/>
  <input type="hidden" name="login" value="1"/>
  <button type="submit" class="ui-button-main" id="accept" name="agree" value="1">Я согласен, разрешить</button>
</form></div></body></html>`

export const mailruInDevelopmentPage = `<!DOCTYPE html>
<html><head><title>Mail.Ru &mdash; Запрос доступа</title></head><body>
<div id="content"><h1>Авторизация запрещена</h1>
<p>Приложение находится в разработке, поэтому авторизация не доступна</p></div>
<button tabindex="4" type="button" class="ui-button-main" id="close">Закрыть</button>
</body></html>`
