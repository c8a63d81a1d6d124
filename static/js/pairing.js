// Pairing form: choosing a reserve reloads the page with mentor suggestions for them;
// "选择" on a suggestion fills in the mentor.
document.addEventListener("DOMContentLoaded", () => {
  const cadre = document.getElementById("id_cadre");
  if (cadre) {
    cadre.addEventListener("change", () => {
      if (cadre.value) window.location.search = "?cadre=" + encodeURIComponent(cadre.value);
    });
  }
  document.querySelectorAll("[data-mentor]").forEach((button) => {
    button.addEventListener("click", () => {
      document.getElementById("id_mentor").value = button.dataset.mentor;
    });
  });
});
