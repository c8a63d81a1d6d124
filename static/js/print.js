// Print buttons ([data-print]) open the browser's print dialog; a print view (body with
// data-autoprint) opens it once the page has loaded.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  if (document.body && document.body.hasAttribute("data-autoprint")) {
    window.addEventListener("load", function () { window.print(); });
  }
})();
