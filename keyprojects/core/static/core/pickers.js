/* Pickers that fit a hand (Tom Select, served locally):
   - a select with data-search-url (core.widgets.SearchSelect) searches as you type, within the
     user's scope, instead of listing thousands of projects or enterprises;
   - a multiple choice in a filter form becomes a searchable drop-down of checkboxes with chips,
     reading "All" (全部) when nothing is chosen: no Ctrl-click.
   Words come from the page (json_script "kp-pickers"). */
(function () {
  "use strict";
  if (typeof TomSelect === "undefined") return;
  const source = document.getElementById("kp-pickers");
  const words = source ? JSON.parse(source.textContent) : {};
  // Tom Select points the <label> at its own input; the original select, kept for the form, keeps
  // its name for assistive technology through aria-label.
  function named(el) {
    const label = el.labels && el.labels[0];
    if (label && !el.getAttribute("aria-label")) el.setAttribute("aria-label", label.textContent.trim());
    return el;
  }
  const render = {
    no_results: () => '<div class="no-results">' + (words.none || "") + "</div>",
    loading: () => '<div class="spinner-border spinner-border-sm m-2" role="status"></div>',
  };

  document.querySelectorAll("select[data-search-url]").forEach((el) => {
    const url = el.dataset.searchUrl;
    new TomSelect(named(el), {
      valueField: "value",
      labelField: "text",
      searchField: [],
      placeholder: words.type || "",
      loadThrottle: 250,
      preload: "focus",
      maxOptions: 20,
      load(query, callback) {
        fetch(url + "&q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then((r) => r.json())
          .then((j) => callback(j.results))
          .catch(() => callback());
      },
      render: render,
    });
  });

  document.querySelectorAll("form.filters select[multiple]").forEach((el) => {
    new TomSelect(named(el), {
      plugins: ["checkbox_options", "remove_button"],
      placeholder: words.all || "",
      hidePlaceholder: false,
      maxOptions: null,
      render: render,
    });
  });
})();
