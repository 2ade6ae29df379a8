// The Mail.Ru login, permission, "in development", unknown-application and recovery pages, with the structure
// of the vendor's: the login form posting to the auth host with Page, FailPage, Login, Domain and Password; the
// permission form posting to the connect host with its hidden fields and the agree=1 button.
import { escapeHtml } from "./okPages.js"

const head = `<!DOCTYPE html>
<html>
<head>
  <meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
  <title>Mail.Ru &mdash; Запрос доступа</title>
  <link rel="stylesheet" href="//img.imgsmail.ru/r/my/app/oauth.css" type="text/css"/>
</head>
<body>
<div id="wrp" class="auth-dialog">`

const header = (account: string) =>
  `  <div class="header">
    <span class="header__logo">Мой Мир@Mail.Ru</span>
    <div class="header__account">${account}</div>
  </div>`

const permissionList = (appName: string) =>
  `    <div id="permission-list" class="permissions">
      <p><b class="site-name">${escapeHtml(appName)}</b> просит вас разрешить следующие действия:</p>
      <ul class="permissions-list">
        <li>Получать информацию о вашей анкете, списке друзей, фотографиях и музыке</li>
        <li><i class="ico icoFoto"></i>Создавать альбомы и размещать там изображения</li>
        <li><i class="ico icoMessages"></i>Отправлять личные сообщения другим пользователям</li>
      </ul>
    </div>`

export const loginPage = (options: {
  readonly action: string
  readonly page: string
  readonly failPage: string
  readonly appName: string
  readonly failed: boolean
}) =>
  `${head}
${header("")}
  <div class="content">
    <h1>Необходим доступ к вашим данным</h1>
${permissionList(options.appName)}
${options.failed ? `    <div class="login-form__error">Неверное имя пользователя или пароль</div>\n` : ""}    <form id="login-form" method="post" action="${escapeHtml(options.action)}" class="login-form">
      <input type="hidden" name="Page" value="${escapeHtml(options.page)}"/>
      <input type="hidden" name="FailPage" value="${escapeHtml(options.failPage)}"/>
      <div id="content" class="login-form__content">
        <div class="login-form__2col">
          <div class="login-form__right">
            <div class="login-form__select">
              <select tabindex="2" name="Domain" class="login-form__domain" id="domain-select">
                <option value="mail.ru">@mail.ru</option>
                <option value="inbox.ru">@inbox.ru</option>
                <option value="bk.ru">@bk.ru</option>
                <option value="list.ru">@list.ru</option>
              </select>
            </div>
          </div>
          <div class="login-form__left">
            <label class="login-form__name" id="login-label">
              <input tabindex="1" type="text" name="Login" id="login" class="ui-form-input" placeholder="Почтовый ящик"/>
            </label>
          </div>
        </div>
        <label class="login-form__password" id="password-label">
          <input tabindex="3" type="password" name="Password" id="password" class="ui-form-input" placeholder="Пароль"/>
        </label>
      </div>
      <div class="login-form__footer">
        <button tabindex="4" type="submit" class="ui-button-main">Войти и разрешить</button>
        <a href="http://e.mail.ru/cgi-bin/passremind" target="_blank" tabindex="5" class="ui-button-link">Забыли пароль?</a>
      </div>
    </form>
  </div><!--content-->
</div><!--popup-->
</body>
</html>`

export const permissionPage = (options: {
  readonly action: string
  readonly userName: string
  readonly appName: string
  readonly hidden: ReadonlyArray<readonly [string, string]>
  readonly cancel: string
}) =>
  `${head}
${header(`<span class="header__account-name">${escapeHtml(options.userName)}</span> &bull; <a href="#change-account" id="change-account-link">Выйти</a>`)}
  <div class="content">
    <form id="login" method="post" action="${escapeHtml(options.action)}">
${options.hidden.map(([name, value]) => `      <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}"/>`).join("\n")}
      <div id="content">
        <h1>Необходим доступ к вашим данным</h1>
${permissionList(options.appName)}
      </div>
      <div class="highlight tar">
        <button type="submit" class="ui-button-main" id="accept" name="agree" value="1">Я согласен, разрешить</button>
        <a href="${escapeHtml(options.cancel)}" tabindex="5" class="ui-button-link">Не согласен, закрыть</a>
      </div>
    </form>
  </div><!--content-->
</div><!--popup-->
</body>
</html>`

export const inDevelopmentPage = () =>
  `${head}
${header("")}
  <div class="content">
    <div id="content">
      <h1>Авторизация запрещена</h1>
      <p>Приложение находится в разработке, поэтому авторизация не доступна</p>
    </div>
    <div class="highlight tar">
      <button tabindex="4" type="button" class="ui-button-main" id="close">Закрыть</button>
    </div>
  </div><!--content-->
</div><!--popup-->
</body>
</html>`

export const noApplicationPage = (detail = "Не указано приложение") =>
  `${head}
${header("")}
  <div class="content">
    <div id="content">
      <h1>Ошибка</h1>
      <p>${escapeHtml(detail)}</p>
    </div>
  </div><!--content-->
</div><!--popup-->
</body>
</html>`

export const recoveryPage = () =>
  `${head}
${header("")}
  <div class="content">
    <h1>Восстановление доступа</h1>
    <p>Ваш почтовый ящик заблокирован. Чтобы восстановить доступ, подтвердите, что он принадлежит вам.</p>
  </div><!--content-->
</div><!--popup-->
</body>
</html>`

export const blankPage = () => `<!DOCTYPE html><html><head><title>success</title></head><body></body></html>`
