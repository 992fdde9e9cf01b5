// Searchable multi-select (Tom Select) for <select multiple data-picker>. Without JavaScript the
// plain select still works. Each option carries data-search, the server's search key (Turkish
// lowercase folded to ASCII); the typed text is folded the same way, so "ış" finds "IŞIK" and
// "cumra" finds "Çumra".
(function () {
  const FOLD = { ç: "c", ğ: "g", ı: "i", ö: "o", ş: "s", ü: "u", â: "a", î: "i", û: "u" };

  function searchKey(text) {
    return text
      .normalize("NFC")
      .toLocaleLowerCase("tr")
      .replace(/[çğıöşüâîû]/g, (ch) => FOLD[ch])
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ")
      .trim();
  }

  function setUp(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    const noResults = select.dataset.noResults || "";
    const removeLabel = select.dataset.removeLabel || "";
    const picker = new window.TomSelect(select, {
      plugins: { remove_button: { title: removeLabel } },
      searchField: ["search"],
      highlight: false,
      hideSelected: true,
      closeAfterSelect: false,
      clearAfterSelect: true,
      // The options are all on the page: filter at once, so a quick Enter picks what is shown.
      refreshThrottle: 0,
      maxOptions: null,
      score(query) {
        const key = searchKey(query);
        return (item) => (!key || (item.search || "").includes(key) ? 1 : 0);
      },
      render: {
        no_results() {
          const div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noResults;
          return div;
        },
      },
    });
    // The original select stays in the form (visually hidden) for submission; screen readers
    // should meet only the combobox that replaced it.
    picker.input.setAttribute("aria-hidden", "true");
    // Each chip's remove button says whom it removes ("Kaldır: Ayşe Işık"), not just "×".
    const nameRemoveButtons = () => {
      picker.control.querySelectorAll(".item[data-value]").forEach((item) => {
        const option = picker.options[item.dataset.value];
        const button = item.querySelector(".remove");
        if (option && button) {
          button.setAttribute("aria-label", `${removeLabel}: ${option.text}`);
        }
      });
    };
    nameRemoveButtons();
    picker.on("item_add", nameRemoveButtons);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[multiple][data-picker]").forEach(setUp);
  });
})();
