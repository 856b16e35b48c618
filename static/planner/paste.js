// Pasting a block copied from a spreadsheet into a cell of the headcount grid: the rows fill
// that quarter and the ones after it, saved all or nothing by the server, which answers with
// the grid redrawn (and the reasons, if any value was refused). A single value pastes as
// usual. Without JavaScript the "Paste from a spreadsheet" form does the same.
(function () {
  "use strict";

  document.addEventListener("paste", function (event) {
    var cell = event.target;
    if (!(cell instanceof HTMLInputElement) || cell.readOnly) return;
    var table = cell.closest("table[data-paste-url]");
    var row = cell.closest("tr[data-quarter]");
    if (!table || !row || !window.htmx) return;
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.trim())) return; // one value: the browser's own paste
    event.preventDefault();
    var versions = Array.prototype.map.call(
      table.querySelectorAll("tr[data-quarter]"),
      function (tr) {
        var version = tr.querySelector("input[name=version]");
        return tr.dataset.quarter + ":" + (version ? version.value : "");
      }
    );
    window.htmx.ajax("POST", table.dataset.pasteUrl, {
      source: "#headcount-grid",
      target: "#headcount-grid",
      swap: "outerHTML",
      values: {
        first_quarter: row.dataset.quarter,
        text: text,
        versions: versions.join(","),
      },
    });
  });
})();
