// The registry import's progress bar: polls progress.json every second while the import runs,
// and reloads the page once it ends (to show the result or the problems). No inline script (CSP).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.running !== "1") {
    return;
  }
  var bar = document.getElementById("import-bar");
  var count = document.getElementById("import-count");
  var status = document.getElementById("import-status");
  var reload = document.getElementById("import-reload");
  if (reload) {
    reload.hidden = true;
  }
  function poll() {
    fetch(box.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        if (!answer.ok) {
          throw new Error(String(answer.status));
        }
        return answer.json();
      })
      .then(function (progress) {
        bar.value = progress.percent;
        bar.textContent = progress.percent + "%";
        count.textContent = progress.rows_done + " / " + progress.rows_total;
        status.textContent = progress.status_label;
        if (progress.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        if (reload) {
          reload.hidden = false;
        }
      });
  }
  window.setTimeout(poll, 1000);
})();
