// The desk's and the triage's filter form (a <details>): open on a desktop-wide screen,
// as the page sent it at phone width (closed unless a filter is active). The current
// tab is scrolled into the one-line tab list at phone width. Without this script the
// form is open when a filter is active and a tap away otherwise.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 720px)").matches;
  var box = document.getElementById("filters-box");
  if (box && wide) {
    box.open = true;
  }
  var current = document.querySelector("#queues a[aria-current='page']");
  var list = document.getElementById("queues");
  if (current && list && !wide && list.scrollWidth > list.clientWidth) {
    list.scrollLeft = current.offsetLeft - list.offsetLeft - 16;
  }
})();
