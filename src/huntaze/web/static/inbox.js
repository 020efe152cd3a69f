// Keyboard shortcuts of the inbox, and the assistant's drafts put in the reply box, without
// inline script (the Content-Security-Policy forbids it). The list is in
// templates/inbox/_shortcuts.html; every shortcut is also a link or a button on the page.
//
// - n: next chat (the "Next chat" link) · a: approve the best draft and send it
// - 1, 2, 3: put that draft in the reply box · r: focus the reply box · Ctrl+Enter: send
// - /: jump to search · Esc: leave a field · ?: show or hide the list of shortcuts
"use strict";

(function () {
  function reply() {
    return document.getElementById("r-text");
  }

  function useDraft(number) {
    var link = document.querySelector('[data-use-draft="' + number + '"]');
    var box = reply();
    if (!link || !box) {
      return false;
    }
    box.value = link.getAttribute("data-draft-text") || "";
    var suggested = document.getElementById("r-suggested");
    if (suggested) {
      suggested.value = box.value;
    }
    var script = document.getElementById("r-script");
    if (script) {
      script.value = "";
    }
    return true;
  }

  function send() {
    var button = document.querySelector('#reply button[value="send"]');
    if (button) {
      button.form.requestSubmit(button);
    }
  }

  function typing(target) {
    return (
      target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
    );
  }

  function filterList() {
    var search = document.getElementById("inbox-search");
    if (!search) {
      return;
    }
    var wanted = search.value.trim().toLowerCase();
    document.querySelectorAll("#inbox-list tbody tr").forEach(function (row) {
      row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) === -1;
    });
  }

  // A draft's "Use" link fills the reply box in place (the link itself reloads the page with
  // the draft in the box when scripts do not run).
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-use-draft]") : null;
    if (link && useDraft(link.getAttribute("data-use-draft"))) {
      event.preventDefault();
      reply().focus();
    }
  });

  // The best draft goes into an empty reply box as soon as the assistant has read the message.
  document.addEventListener("htmx:afterSettle", function (event) {
    var box = reply();
    if (event.target instanceof Element && event.target.id === "assistant" && box && !box.value) {
      useDraft("1");
    }
    filterList();
  });

  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.id === "inbox-search") {
      filterList();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target === reply()) {
      event.preventDefault();
      send();
      return;
    }
    if (event.key === "Escape" && typing(event.target)) {
      event.target.blur();
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var help = document.getElementById("shortcuts");
    var next = document.querySelector("[data-shortcut-next]");
    var handled = true;
    if (event.key === "?" && help) {
      help.open = !help.open;
    } else if (event.key === "n" && next) {
      window.location.assign(next.getAttribute("href"));
    } else if (event.key === "a" && useDraft("1")) {
      send();
    } else if (/^[1-9]$/.test(event.key) && useDraft(event.key)) {
      reply().focus();
    } else if (event.key === "r" && reply()) {
      reply().focus();
    } else if (event.key === "/") {
      var search = document.getElementById("inbox-search");
      if (search) {
        search.focus();
      } else {
        window.location.assign("/inbox#inbox-search");
      }
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var search = document.getElementById("inbox-search");
    if (search && window.location.hash === "#inbox-search") {
      search.focus();
    }
  });
})();
