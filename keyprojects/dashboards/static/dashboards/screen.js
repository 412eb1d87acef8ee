// The meeting room's screen reloads itself every data-refresh-seconds (a file: the CSP allows no inline script).
setTimeout(() => window.location.reload(), 1000 * parseInt(document.body.dataset.refreshSeconds, 10));
