// Searchable selects: every <select data-search-url> becomes a Tom Select that asks the
// server (at most 20 matches, within the user's scope) as the user types, so a page never
// renders thousands of options. The form still validates the chosen id on the server.
(function () {
  function init(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const url = select.dataset.searchUrl;
    // The empty choice (请选择… / 全部村) becomes the placeholder; an optional select
    // (a list filter) gets a clear button to go back to it.
    const empty = select.querySelector('option[value=""]');
    new TomSelect(select, {
      plugins: select.required ? {} : { clear_button: { title: "清除" } },
      valueField: "id",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      preload: "focus",
      loadThrottle: 250,
      allowEmptyOption: false,
      placeholder: empty ? empty.textContent : select.dataset.placeholder || "",
      load(query, callback) {
        const sep = url.includes("?") ? "&" : "?";
        fetch(url + sep + "q=" + encodeURIComponent(query), { credentials: "same-origin" })
          .then((response) => response.json())
          .then((data) => { this.clearOptions(); callback(data.results); })
          .catch(() => callback());
      },
      // Done once chosen: leave the box, so it shrinks back to one line before the user
      // reaches for the button below it (a focused box wraps its search field).
      onItemAdd() { this.blur(); },
      render: {
        no_results: () => '<div class="no-results">没有匹配项，请换个关键字</div>',
        loading: () => '<div class="px-2 py-1 text-muted small">搜索中…</div>',
      },
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-search-url]").forEach(init);
  });
})();
