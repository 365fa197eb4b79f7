// Small behaviours of the admin pages (loaded on every page; no inline scripts under the CSP):
// - a settings form with a "mode" select shows only the fields of that mode (data-modes), and
//   of the chosen pacer (data-pacers);
// - a form with data-confirm asks before it is sent;
// - a <time data-local> the server wrote in UTC shows in the reader's own time zone.

function applyMode(form) {
  const select = form.querySelector('select[name="mode"]');
  if (!select) return;
  const mode = select.value;
  const pacer = form.querySelector('select[name="pacer"]');
  for (const field of form.querySelectorAll("[data-modes]")) {
    field.hidden = !field.dataset.modes.split(" ").includes(mode);
  }
  for (const field of form.querySelectorAll("[data-pacers]")) {
    const chosen = pacer ? pacer.value || "adaptive" : "adaptive";  // empty: the default pacer
    field.hidden = field.hidden || !field.dataset.pacers.split(" ").includes(chosen);
  }
  // A section whose every field is hidden disappears as a whole.
  for (const section of form.querySelectorAll("fieldset.section")) {
    const fields = section.querySelectorAll(".field");
    section.hidden = fields.length > 0 && [...fields].every((f) => f.hidden);
  }
}

for (const form of document.querySelectorAll("form[data-mode-form]")) {
  applyMode(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "mode" || event.target.name === "pacer") applyMode(form);
  });
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

const pad = (n) => String(n).padStart(2, "0");
for (const el of document.querySelectorAll("time[data-local]")) {
  const at = new Date(el.dateTime);
  if (Number.isNaN(at.getTime())) continue;
  el.title = el.textContent;  // the UTC the server wrote, on hover
  el.textContent = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} `
    + `${pad(at.getHours())}:${pad(at.getMinutes())}`
    + (el.dataset.local === "seconds" ? `:${pad(at.getSeconds())}` : "");
}
