// The Open311 keys page (/console/admin/open311): a "Copy" button next to the key shown
// once, and the issue form sent once per click (a second click while the first is on its
// way would only meet the "this form was already used" page). Without JavaScript the key
// stays in a read-only box to select and copy, and the server refuses a form sent twice.
(function () {
  "use strict";
  var button = document.getElementById("copy-key");
  if (button) {
    var box = document.getElementById(button.dataset.copies);
    var status = document.getElementById("copy-key-status");
    var say = function (text) { if (status) status.textContent = text; };
    var byHand = function () {
      box.focus();
      box.select();
      try {
        return document.execCommand("copy");
      } catch (e) {
        return false;
      }
    };
    box.addEventListener("focus", function () { box.select(); });
    button.addEventListener("click", function () {
      var done = function () { say(button.dataset.copied); };
      var failed = function () { say(byHand() ? button.dataset.copied : button.dataset.failed); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(box.value.trim()).then(done, failed);
      } else {
        failed();
      }
    });
    document.getElementById("copy-key-row").hidden = false;
  }
  var form = document.getElementById("open311-issue-form");
  if (form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) {
        event.preventDefault();
        return;
      }
      sent = true;
      var submit = document.getElementById("issue-key");
      if (submit) submit.setAttribute("aria-disabled", "true");
    });
    // Back to this page from the browser's history: the form may be sent again.
    window.addEventListener("pageshow", function () {
      sent = false;
      var submit = document.getElementById("issue-key");
      if (submit) submit.removeAttribute("aria-disabled");
    });
  }
})();
