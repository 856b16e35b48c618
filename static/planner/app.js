// Keyboard and screen-reader help on every page; the pages work without it.
//
// 1. A link styled as a button (<a role="button">) answers Space as a button does, not only
//    Enter.
// 2. A table wider than its box (on a phone, mostly) gets a hint above it, and its scrolling
//    box becomes a named region that the keyboard can reach and scroll.
// 3. What an htmx swap says in its role="status" elements (Saved, Planned 2 hires…) is read
//    out through one live region that is on the page from the start: screen readers do not
//    announce a live region that arrives with the swap.
// 4. A form swapped back with errors, having taken the focus with it, hands the focus to its
//    first refused field (which names its error through aria-describedby).
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    var link = event.target;
    if (event.key !== " " || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!(link instanceof HTMLAnchorElement) || link.getAttribute("role") !== "button") return;
    event.preventDefault(); // not the page scrolling down
    link.click();
  });

  var MARKED = "data-scroll-region";

  // The heading the box comes under: the nearest one before it in the document.
  function headingBefore(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-3]$/.test(before.tagName)) return before;
        var inside = before.querySelectorAll("h1, h2, h3");
        if (inside.length) return inside[inside.length - 1];
      }
    }
    return null;
  }

  function regionName(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var heading = headingBefore(wrap);
    if (heading && heading.textContent.trim()) {
      return heading.textContent.replace(/\s+/g, " ").trim();
    }
    var cue = document.getElementById("scroll-cue");
    return cue ? cue.content.textContent.trim() : "";
  }

  function markScrollers() {
    var template = document.getElementById("scroll-cue");
    var boxes = ".table-wrap, .chart-frame, .rules-document table";
    document.querySelectorAll(boxes).forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      var cue = wrap.previousElementSibling;
      var hasCue = cue !== null && cue.classList.contains("scroll-cue");
      if (scrolls && !wrap.hasAttribute(MARKED)) {
        var added = [];
        var wanted = { tabindex: "0", role: "region", "aria-label": regionName(wrap) };
        if (wrap.hasAttribute("aria-labelledby")) delete wanted["aria-label"];
        if (wrap instanceof HTMLTableElement) wanted = { tabindex: "0" }; // a table stays one
        Object.keys(wanted).forEach(function (name) {
          if (wrap.hasAttribute(name)) return;
          wrap.setAttribute(name, wanted[name]);
          added.push(name);
        });
        wrap.setAttribute(MARKED, added.join(" "));
        wrap.classList.add("scrolls");
        if (!hasCue && template) wrap.before(template.content.firstElementChild.cloneNode(true));
      } else if (!scrolls && wrap.hasAttribute(MARKED)) {
        wrap.getAttribute(MARKED).split(" ").forEach(function (name) {
          if (name) wrap.removeAttribute(name);
        });
        wrap.removeAttribute(MARKED);
        wrap.classList.remove("scrolls");
        if (hasCue) cue.remove();
      }
    });
  }

  var pending = false;
  function markSoon() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      markScrollers();
    });
  }

  var heard = [];
  function announceSoon(element) {
    if (!(element instanceof Element)) return;
    var found = Array.prototype.slice.call(element.querySelectorAll('[role="status"]'));
    if (element.matches('[role="status"]')) found.unshift(element);
    found.forEach(function (status) {
      var text = status.textContent.replace(/\s+/g, " ").trim();
      if (text && status.id !== "announcer" && heard.indexOf(text) === -1) heard.push(text);
    });
    var announcer = document.getElementById("announcer");
    if (heard.length === 0 || !announcer) return;
    // Emptied first, so that the same words twice ("Saved", "Saved") are read twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      if (heard.length === 0) return;
      announcer.textContent = heard.join(" ");
      heard = [];
    }, 100);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollers);
  } else {
    markScrollers();
  }
  window.addEventListener("resize", markSoon);
  function focusRefused(element) {
    var lost = !document.activeElement || document.activeElement === document.body;
    if (!lost || !(element instanceof Element)) return;
    var refused = element.querySelector('[aria-invalid="true"]');
    if (refused) refused.focus();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    markSoon();
    announceSoon(event.target);
    focusRefused(event.target);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    announceSoon(event.detail && event.detail.target);
  });
  document.addEventListener("toggle", markSoon, true); // a <details> opened a table
})();
