// Pairing form: choosing a reserve reloads the page with mentor suggestions for them;
// "选择" on a suggestion fills in the mentor (through Tom Select when it is on).
document.addEventListener("DOMContentLoaded", () => {
  const cadre = document.getElementById("id_cadre");
  if (cadre) {
    cadre.addEventListener("change", () => {
      if (cadre.value) window.location.search = "?cadre=" + encodeURIComponent(cadre.value);
    });
  }
  document.querySelectorAll("[data-mentor]").forEach((button) => {
    button.addEventListener("click", () => {
      const mentor = document.getElementById("id_mentor");
      if (mentor.tomselect) {
        mentor.tomselect.addOption({ id: button.dataset.mentor, text: button.dataset.label });
        mentor.tomselect.setValue(button.dataset.mentor);
      } else {
        if (!mentor.querySelector(`option[value="${button.dataset.mentor}"]`)) {
          mentor.add(new Option(button.dataset.label, button.dataset.mentor));
        }
        mentor.value = button.dataset.mentor;
      }
    });
  });
});
