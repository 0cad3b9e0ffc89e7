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
