// evalbot's Mini App pages (loaded only after telegram-web-app.js, only on
// pages opened inside Telegram): Telegram's theme as CSS variables, the
// sign-in with initData on /tg, "select all" on the review board, and the
// self-assessment's provisional result as the official chooses. Every form
// works without it.
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
  // The self-assessment: the provisional total and grade follow the choice
  // (POST /me/assess/preview computes them, nothing is saved); «Tính lại và
  // lưu» still saves. A failed request leaves the page as it was.
  var self = document.querySelector("form.self-assess");
  var shown = document.querySelector("p.provisional strong");
  if (self && shown && window.fetch && window.FormData) {
    var seq = 0;
    self.addEventListener("change", function (e) {
      if (e.target.tagName !== "SELECT") {
        return;
      }
      var n = ++seq;
      fetch("/me/assess/preview", { method: "POST", body: new URLSearchParams(new FormData(self)), credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (j && n === seq) {
            shown.textContent = j.provisional;
          }
        })
        .catch(function () {});
    });
  }
  var form = document.getElementById("tg-signin");
  if (form && app.initData) {
    form.elements.init_data.value = app.initData;
    form.submit();
  }
})();
