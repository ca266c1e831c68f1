// Search before create: while a household's contact details are typed, ask the server for
// likely existing households of the organisation and list them above the form. POST (names
// never go into a URL); text is set with textContent only (no HTML from the server).
(function () {
  "use strict";

  function field(form, suffix) {
    // The inline's empty template (``__prefix__``) is not a form anyone fills in.
    return form.querySelector(
      '[name^="contact_details-"][name$="-' + suffix + '"]:not([name*="__prefix__"])'
    );
  }

  function endpoint() {
    var path = window.location.pathname;
    var at = path.indexOf("/displacement/household/");
    return at < 0 ? null : path.slice(0, at) + "/displacement/household/duplicates/";
  }

  function householdId() {
    var match = window.location.pathname.match(/\/displacement\/household\/(\d+)\/change\//);
    return match ? match[1] : "";
  }

  function render(box, heading, suggestions) {
    box.replaceChildren();
    box.hidden = suggestions.length === 0;
    if (!suggestions.length) {
      return;
    }
    var title = document.createElement("p");
    title.className = "font-semibold";
    title.textContent = heading;
    box.appendChild(title);
    var list = document.createElement("ul");
    suggestions.forEach(function (s) {
      var item = document.createElement("li");
      if (s.url) {
        var link = document.createElement("a");
        link.href = s.url;
        link.target = "_blank";
        link.className = "underline";
        link.textContent = s.household;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" " + [s.full_name, s.phone].filter(Boolean).join(", ")));
      } else {
        item.textContent = s.ask;
      }
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function start() {
    var form = document.querySelector("form#household_form");
    var url = endpoint();
    if (!form || !url) {
      return;
    }
    var box = document.createElement("div");
    box.id = "household-duplicates";
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.className = "border border-amber-400 bg-amber-50 text-amber-900 rounded p-3 mb-4";
    box.hidden = true;
    form.insertBefore(box, form.firstChild);
    var timer = null;
    var last = "";

    function ask() {
      var body = new URLSearchParams();
      ["full_name", "phone", "date_of_birth"].forEach(function (name) {
        var input = field(form, name);
        body.append(name, input ? input.value : "");
      });
      var origin = form.querySelector(
        'select[name^="displacements-"][name$="-origin"]:not([name*="__prefix__"])'
      );
      body.append("origin", origin ? origin.value : "");
      body.append("household", householdId());
      var token = form.querySelector('[name="csrfmiddlewaretoken"]');
      var key = body.toString();
      if (key === last) {
        return;
      }
      last = key;
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
        body: body,
      })
        .then(function (response) {
          return response.ok ? response.json() : { title: "", suggestions: [] };
        })
        .then(function (data) {
          render(box, data.title || "", data.suggestions || []);
        })
        .catch(function () {});
    }

    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
