// evalbot's Mini App pages (loaded only after telegram-web-app.js, only on
// pages opened inside Telegram): Telegram's theme as CSS variables, the
// sign-in with initData on /tg, and "select all" on the review board. Every
// form works without it.
(function () {
  "use strict";
  var root = document.documentElement;
  var app = window.Telegram && window.Telegram.WebApp;
  if (!app) {
    return;
  }
  var theme = app.themeParams || {};
  Object.keys(theme).forEach(function (k) {
    root.style.setProperty("--tg-theme-" + k.replace(/_/g, "-"), theme[k]);
  });
  root.classList.add("tg");
  if (app.colorScheme === "dark") {
    root.classList.add("tg-dark");
  }
  if (app.ready) {
    app.ready();
  }
  if (app.expand) {
    app.expand();
  }
  var form = document.getElementById("tg-signin");
  if (form && app.initData) {
    form.elements.init_data.value = app.initData;
    form.submit();
  }
})();
