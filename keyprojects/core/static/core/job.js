// A running job's page follows its progress (a file, not an inline script: the CSP allows none).
(function () {
  const box = document.getElementById("job");
  if (["done", "failed"].includes(box.dataset.status)) return;
  const poll = () => fetch(box.dataset.url, {headers: {Accept: "application/json"}}).then(r => r.json()).then(j => {
    const bar = document.getElementById("job-progress");
    bar.style.width = j.percent + "%"; bar.textContent = j.percent + "%";
    document.getElementById("job-message").textContent = j.message;
    if (j.status === "done" || j.status === "failed") { window.location.reload(); } else { setTimeout(poll, 1000); }
  });
  setTimeout(poll, 500);
})();
