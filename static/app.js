// A little help where it matters, and nothing the pages need to work.
"use strict";

// Ask before irreversible actions: forms carry their question in data-confirm.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// On the result form, show only the fields that matter for the chosen outcome.
document.addEventListener("DOMContentLoaded", () => {
  const outcome = document.querySelector("select#outcome");
  if (!outcome) return;
  const fieldOf = (id) => document.getElementById(id)?.closest(".field");
  const update = () => {
    const value = outcome.value;
    for (const id of ["achieved_quantity", "completed_on"]) {
      const field = fieldOf(id);
      if (field) field.hidden = value === "cancelled";
    }
    const reason = fieldOf("cancel_reason");
    if (reason) reason.hidden = value !== "cancelled";
  };
  outcome.addEventListener("change", update);
  update();
});

// After a refusal, the summary of errors takes the focus: its links lead to each field.
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("error-summary")?.focus();
});

// On a phone the menu folds behind its button; without this script it simply stays open.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) return;
  const show = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("folded", !open);
  };
  toggle.hidden = false;
  show(false);
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      show(false);
      toggle.focus();
    }
  });
});

// A table wider than its place on a phone becomes one card per row (style.css, table.stacked):
// each cell is labelled with its column's name, and the rows keep their table roles for screen
// readers, which lose them when a table is no longer displayed as one.
const PHONE = window.matchMedia("(max-width: 50rem)");

function columnNames(table) {
  const names = [];
  const taken = [];
  for (const [r, row] of Array.from(table.tHead ? table.tHead.rows : []).entries()) {
    let column = 0;
    for (const cell of row.cells) {
      while (taken[r] && taken[r][column]) column += 1;
      const hidden = cell.querySelector(".sr-only");
      const text = hidden && hidden.textContent.trim() === cell.textContent.trim()
        ? "" : cell.textContent.replace(/\s+/g, " ").trim();
      for (let c = column; c < column + cell.colSpan; c += 1) {
        for (let below = r; below < r + cell.rowSpan; below += 1) {
          (taken[below] = taken[below] || [])[c] = true;
        }
        if (text) names[c] = names[c] && names[c] !== text ? `${names[c]} · ${text}` : text;
      }
      column += cell.colSpan;
    }
  }
  return names;
}

function label(table) {
  if (table.dataset.labelled) return;
  table.dataset.labelled = "1";
  const names = columnNames(table);
  table.setAttribute("role", "table");
  for (const section of [table.tHead, ...table.tBodies, table.tFoot]) {
    if (section) section.setAttribute("role", "rowgroup");
  }
  for (const row of table.rows) {
    row.setAttribute("role", "row");
    let column = 0;
    for (const cell of row.cells) {
      const header = cell.tagName === "TH";
      const inHead = row.parentElement === table.tHead;
      cell.setAttribute("role", inHead ? "columnheader" : header ? "rowheader" : "cell");
      if (!inHead && !header && names[column]) cell.dataset.label = names[column];
      column += cell.colSpan;
    }
  }
}

// A column squeezed to a few words a line (under 100 px, its text over 100 px tall) reads worse
// than a card, even when the table fits.
function cramped(table) {
  const range = document.createRange();
  for (const body of table.tBodies) {
    for (const row of Array.from(body.rows).slice(0, 10)) {
      for (const cell of row.cells) {
        if (cell.clientWidth >= 100) continue;
        range.selectNodeContents(cell);
        if (range.getBoundingClientRect().height > 100) return true;
      }
    }
  }
  return false;
}

function fitTables() {
  for (const table of document.querySelectorAll("main table")) {
    table.classList.remove("stacked");
    const place = table.parentElement;
    const wide = table.offsetWidth > place.clientWidth + 1;
    const stack = PHONE.matches && (wide || cramped(table));
    if (stack) {
      label(table);
      table.classList.add("stacked");
    }
    // A table that still scrolls inside its own box can be reached from the keyboard.
    if (place.classList.contains("table-wrap")) {
      if (wide && !stack) place.tabIndex = 0;
      else place.removeAttribute("tabindex");
    }
  }
}

document.addEventListener("DOMContentLoaded", fitTables);
// A table inside a closed <details> has no width until it opens.
document.addEventListener("toggle", fitTables, true);
let fitting = 0;
window.addEventListener("resize", () => {
  cancelAnimationFrame(fitting);
  fitting = requestAnimationFrame(fitTables);
});
