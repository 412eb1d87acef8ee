// The rule builder and live preview of a policy item's form (no inline script: the CSP forbids it).
(function () {
  const button = document.getElementById("rule-preview");
  const out = document.getElementById("rule-preview-out");
  const form = button.closest("form");
  let timer = null;
  function esc(s) { const d = document.createElement("div"); d.textContent = s || ""; return d.innerHTML; }
  function run() {
    const data = new FormData(form);
    const policy = form.querySelector("[name=policy]");
    if (policy && policy.disabled) data.set("policy", policy.value);
    fetch(button.dataset.url, {method: "POST", body: data, headers: {"X-CSRFToken": data.get("csrfmiddlewaretoken")}})
      .then(r => r.json()).then(j => {
        if (j.error) { out.innerHTML = '<div class="alert alert-danger py-1" data-testid="preview-error">' + esc(j.error) + '</div>'; return; }
        let html = '<table class="table table-sm"><tbody>';
        for (const row of j.rows) {
          html += '<tr data-testid="preview-row"><td>' + esc(row.enterprise) + '</td><td>' + esc(row.status) + '</td><td>' + esc(row.amount) + (row.amount_b ? ' / ' + esc(row.amount_b) : '') + '</td><td class="small text-muted">' + esc(row.result) + '</td></tr>';
        }
        out.innerHTML = html + '</tbody></table>';
      });
  }
  button.addEventListener("click", run);
  // The builder writes the rule's text: the text stays the rule, the builder only types it.
  const condition = form.querySelector("[name=condition_text]");
  if (condition) {
    const box = document.getElementById("rule-builder-template").content.cloneNode(true);
    condition.closest(".mb-3, div").before(box);
    const append = (part) => { condition.value = condition.value.trim() ? condition.value.trim() + " 且 " + part : part; run(); };
    document.getElementById("rb-add").addEventListener("click", () => {
      const period = document.getElementById("rb-period").value;
      const field = document.getElementById("rb-field").value + (period ? "(" + period + ")" : "");
      const word = document.getElementById("rb-word");
      const value = document.getElementById("rb-value").value.trim();
      if (!value) return;
      const number = value + document.getElementById("rb-unit").value;
      const suffix = word.selectedOptions[0].dataset.suffix;
      let part = suffix ? field + " " + number + word.value : field + " " + word.value + " " + number;
      if (document.getElementById("rb-incl").checked) part += "(含)";
      if (document.getElementById("rb-open").checked) part += " [有歧义]";
      append(part);
    });
    document.getElementById("rb-add-title").addEventListener("click", () => append("已认定 " + document.getElementById("rb-title").value));
    document.getElementById("rb-first").addEventListener("click", () => {
      const value = document.getElementById("rb-value").value.trim() || "2";
      const number = value + document.getElementById("rb-unit").value;
      append("营业收入 突破 " + number + " [有歧义] 且 以前年度最高营业收入 不满 " + number);
    });
  }
  for (const name of ["condition_text", "formula_text"]) {
    const field = form.querySelector("[name=" + name + "]");
    if (field) field.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 600); });
  }
})();
