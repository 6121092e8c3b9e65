// Keeps what was typed into a form marked data-draft="KEY" in this browser until it is sent, so that an
// inspector on a weak connection loses nothing to a reload or a lost tab. A page marked
// data-draft-clear="KEY" (the answer to a successful submission) drops the draft. The page works without it.
(function () {
  "use strict";
  var cleared = document.querySelector("[data-draft-clear]");
  if (cleared) {
    try { localStorage.removeItem("draft:" + cleared.getAttribute("data-draft-clear")); } catch (e) {}
  }
  var forms = document.querySelectorAll("form[data-draft]");
  Array.prototype.forEach.call(forms, function (form) {
    var key = "draft:" + form.getAttribute("data-draft");
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && typeof saved === "object") {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.name !== "csrf" && el.type !== "file" && typeof saved[el.name] === "string" && !el.value) {
          el.value = saved[el.name];
        }
      });
    }
    form.addEventListener("input", function () {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.name !== "csrf" && el.type !== "file" && el.value) { data[el.name] = el.value; }
      });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) {}
    });
  });
})();
