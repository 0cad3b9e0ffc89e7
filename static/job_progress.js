// The close page's progress bar: ask the job's state every second; reload when it ends.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("close-progress");
  if (!box) return;
  const bar = document.getElementById("close-bar");
  const percent = document.getElementById("close-percent");
  const stage = document.getElementById("close-stage");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.status, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        bar.value = job.percent;
        bar.textContent = `${job.percent}%`;
        percent.textContent = job.percent;
        stage.textContent = job.stage;
        if (job.finished) {
          setTimeout(() => window.location.reload(), 400);
          return;
        }
      }
    } catch (error) {
      // The server is busy or restarting: ask again.
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 300);
});
