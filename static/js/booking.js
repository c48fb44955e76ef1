/* Booking: show a chosen day's free times without a page load.

   Progressive enhancement only. Without this script every date chip is a plain
   link that the server answers with the same page, times included. With it, a
   click on a chip fetches /book/slots as JSON and builds the same markup the
   server renders (templates/booking/_calendar.html), keeps the address bar in
   step (history.pushState) so reload and back work, and moves focus to the new
   heading. Any failure simply follows the link.

   Runs only where the calendar has data-slots-url (the booking times page);
   the "move your booking" page has none and is left alone. */
(function () {
  "use strict";

  var calendar = document.querySelector(".calendar[data-slots-url]");
  var times = document.getElementById("times");
  if (!calendar || !times || !window.fetch || !window.URL || !window.history || !history.pushState) {
    return;
  }

  var action = times.getAttribute("data-action");
  var hidden;
  try {
    hidden = JSON.parse(times.getAttribute("data-hidden") || "null");
  } catch (error) {
    hidden = null;
  }
  /* [[name, value], ...] in the server's order, so the query string reads the same. */
  if (!action || !Array.isArray(hidden) || !hidden.every(function (pair) {
    return Array.isArray(pair) && pair.length === 2 && typeof pair[0] === "string";
  })) {
    return;
  }

  var WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var START_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/;
  var DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

  var latest = 0;
  var controller = null;

  function chips() {
    return calendar.querySelectorAll("a.date-chip[data-date]");
  }

  function chipFor(date) {
    var list = chips();
    for (var i = 0; i < list.length; i += 1) {
      if (list[i].getAttribute("data-date") === date) {
        return list[i];
      }
    }
    return null;
  }

  function withoutHash(url) {
    return url.split("#")[0];
  }

  /* "Tuesday 1 December 2026", like the server's `day` filter. */
  function longDay(date) {
    var match = DATE_PATTERN.exec(date);
    if (!match) {
      return date;
    }
    var year = Number(match[1]);
    var month = Number(match[2]) - 1;
    var dayOfMonth = Number(match[3]);
    var weekday = new Date(Date.UTC(year, month, dayOfMonth)).getUTCDay();
    return WEEKDAYS[weekday] + " " + dayOfMonth + " " + MONTHS[month] + " " + year;
  }

  /* GMT or BST for a UTC start such as 2026-11-30T09:00Z, like the server's `zone` filter. */
  function zoneName(start, timeZone) {
    var moment = new Date(start);
    if (isNaN(moment.getTime())) {
      return timeZone;
    }
    try {
      var local = new Intl.DateTimeFormat("en-GB", {
        timeZone: timeZone, hour: "numeric", minute: "numeric", hourCycle: "h23"
      }).formatToParts(moment);
      var hour = 0;
      var minute = 0;
      local.forEach(function (part) {
        if (part.type === "hour") { hour = Number(part.value); }
        if (part.type === "minute") { minute = Number(part.value); }
      });
      var offset = (hour * 60 + minute) - (moment.getUTCHours() * 60 + moment.getUTCMinutes());
      offset = ((offset % 1440) + 1440 + 720) % 1440 - 720;
      if (timeZone === "Europe/London") {
        if (offset === 0) { return "GMT"; }
        if (offset === 60) { return "BST"; }
      }
      var named = new Intl.DateTimeFormat("en-GB", { timeZone: timeZone, timeZoneName: "short" })
        .formatToParts(moment)
        .filter(function (part) { return part.type === "timeZoneName"; });
      return named.length ? named[0].value : timeZone;
    } catch (error) {
      return timeZone;
    }
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /* The same markup as the chosen-day part of _calendar.html. */
  function buildTimes(date, slots, timeZone) {
    var nodes = [];
    var heading = element("h2", { id: "times-title", tabindex: "-1" }, "Free times on " + longDay(date));
    nodes.push(heading);

    if (!slots.length) {
      nodes.push(element("p", {}, "There are no free times on that date. Please choose another."));
      return { nodes: nodes, heading: heading };
    }

    var form = element("form", { method: "get", action: action, "class": "form" });
    hidden.forEach(function (pair) {
      form.appendChild(element("input", { type: "hidden", name: pair[0], value: String(pair[1]) }));
    });

    var fieldset = element("fieldset", { "class": "choice-group" });
    fieldset.appendChild(element("legend", {}, "Times are UK time (" + zoneName(slots[0].start, timeZone) + ")"));
    var grid = element("div", { "class": "slot-grid" });
    slots.forEach(function (slot, index) {
      var id = "slot-" + (index + 1);
      var choice = element("div", { "class": "choice slot" });
      var input = element("input", { type: "radio", name: "start", id: id, value: slot.start });
      input.required = true;
      if (index === 0) {
        input.checked = true;
        input.defaultChecked = true;
      }
      choice.appendChild(input);
      choice.appendChild(element("label", { "for": id }, slot.time));
      grid.appendChild(choice);
    });
    fieldset.appendChild(grid);
    form.appendChild(fieldset);
    form.appendChild(element("button", { type: "submit", "class": "button button--primary" }, "Continue"));
    nodes.push(form);
    return { nodes: nodes, heading: heading };
  }

  /* Swap the section's content, keeping anything marked data-times-keep (the waiting-list link). */
  function replaceTimes(nodes) {
    var keep = times.querySelector("[data-times-keep]");
    Array.prototype.slice.call(times.childNodes).forEach(function (child) {
      if (child !== keep) {
        times.removeChild(child);
      }
    });
    nodes.forEach(function (node) {
      times.insertBefore(node, keep);
    });
  }

  function markChosen(date) {
    Array.prototype.forEach.call(chips(), function (chip) {
      var chosen = chip.getAttribute("data-date") === date;
      chip.classList.toggle("date-chip--chosen", chosen);
      if (chosen) {
        chip.setAttribute("aria-current", "date");
      } else {
        chip.removeAttribute("aria-current");
      }
    });
  }

  function validSlots(data, date) {
    if (!data || data.date !== date || !Array.isArray(data.slots)) {
      return null;
    }
    var slots = data.slots.filter(function (slot) {
      return slot && typeof slot.start === "string" && START_PATTERN.test(slot.start) &&
        typeof slot.time === "string" && slot.time;
    });
    return slots.length === data.slots.length ? slots : null;
  }

  function setBusy(chip, busy) {
    if (busy) {
      times.setAttribute("aria-busy", "true");
      chip.classList.add("date-chip--loading");
    } else {
      times.removeAttribute("aria-busy");
      Array.prototype.forEach.call(chips(), function (each) {
        each.classList.remove("date-chip--loading");
      });
    }
  }

  /* how: "push" after a click, "pop" after back/forward. */
  function showDate(chip, how) {
    var date = chip.getAttribute("data-date");
    var href = chip.href;
    var ticket = latest += 1;
    if (controller) {
      controller.abort();
    }
    controller = window.AbortController ? new AbortController() : null;

    var url = new URL(calendar.getAttribute("data-slots-url"), window.location.href);
    url.searchParams.set("date", date);

    function fallBack() {
      if (ticket !== latest) {
        return;
      }
      if (how === "pop" || withoutHash(href) === withoutHash(window.location.href)) {
        window.location.reload();
      } else {
        window.location.href = href;
      }
    }

    setBusy(chip, true);
    fetch(url.toString(), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (ticket !== latest) {
          return;
        }
        var slots = validSlots(data, date);
        if (!slots) {
          throw new Error("Unexpected answer from the server");
        }
        var focusWasInside = times.contains(document.activeElement);
        var built = buildTimes(date, slots, data.timezone || "Europe/London");
        replaceTimes(built.nodes);
        markChosen(date);
        setBusy(chip, false);
        if (how === "push") {
          var state = { bookingDate: date };
          if (withoutHash(href) === withoutHash(window.location.href)) {
            history.replaceState(state, "", href);
          } else {
            history.pushState(state, "", href);
          }
        }
        if (how === "push" || focusWasInside) {
          built.heading.focus();
        }
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") {
          return;
        }
        setBusy(chip, false);
        fallBack();
      });
  }

  /* What the section showed on arrival, to put back when going back to "no date chosen". */
  var initialChip = calendar.querySelector("a.date-chip--chosen[data-date]");
  var initialDate = initialChip ? initialChip.getAttribute("data-date") : null;
  var initialNodes = Array.prototype.map.call(times.childNodes, function (node) {
    return node.cloneNode(true);
  });
  history.replaceState({ bookingDate: initialDate }, "", window.location.href);

  calendar.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return; /* new tab, new window, download: let the browser do it */
    }
    var chip = event.target.closest ? event.target.closest("a.date-chip[data-date]") : null;
    if (!chip || !calendar.contains(chip)) {
      return;
    }
    event.preventDefault();
    showDate(chip, "push");
  });

  window.addEventListener("popstate", function (event) {
    var state = event.state;
    if (!state || !Object.prototype.hasOwnProperty.call(state, "bookingDate")) {
      return;
    }
    if (state.bookingDate) {
      var chip = chipFor(state.bookingDate);
      if (chip) {
        showDate(chip, "pop");
      } else {
        window.location.reload();
      }
      return;
    }
    latest += 1;
    if (controller) {
      controller.abort();
    }
    var focusWasInside = times.contains(document.activeElement);
    replaceTimes(initialNodes.filter(function (node) {
      return !(node.nodeType === 1 && node.hasAttribute("data-times-keep"));
    }).map(function (node) {
      return node.cloneNode(true);
    }));
    markChosen(null);
    times.removeAttribute("aria-busy");
    if (focusWasInside) {
      var heading = document.getElementById("times-title");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
  });
}());
