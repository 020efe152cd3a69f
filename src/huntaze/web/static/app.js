// Behaviour every page shares, without inline script (the Content-Security-Policy forbids it).
//
// - `data-confirm="text"` on a button, link or form asks the person before going on; the text is
//   read from the attribute (escaped by Jinja), never evaluated.
// - `data-autosubmit` on a select or input submits its form when the value changes.
"use strict";

(function () {
  function confirmed(element) {
    var question = element.getAttribute("data-confirm");
    return question === null || window.confirm(question);
  }

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
      if (target && target.tagName !== "FORM" && !confirmed(target)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") && !confirmed(form)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof Element && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit();
    }
  });
})();
