// The forward form's search over units: typing narrows the unit list (accents optional,
// "so xay dung" finds "Sở Xây dựng"). Without JavaScript the list is a plain select.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase().trim();
  }
  document.querySelectorAll("input[data-filters]").forEach(function (input) {
    var select = document.getElementById(input.dataset.filters);
    if (!select) return;
    input.hidden = false;
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) label.hidden = false;
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/[^a-z0-9]+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        // Word starts, as the board's search: "an" finds "Công an", not "phân".
        var names = fold(option.textContent + " " + option.value).split(/[^a-z0-9]+/);
        var shown = !option.value || words.every(function (w) {
          return names.some(function (name) { return name.indexOf(w) === 0; });
        });
        option.hidden = !shown;
        option.disabled = !shown && !!option.value;
        if (shown && option.value && first === null) first = option;
      });
      var current = select.selectedOptions[0];
      if (first && (!current || current.hidden || !current.value)) select.value = first.value;
    });
  });
})();
