/* Pickers (catalog.pickers, orgs.pickers): a search box for a long <select> and for the
   community tree; ticking "the whole subdistrict" ticks its communities. The pages work without
   this file: it only filters what is shown and keeps the ticks in step. */
(function () {
  "use strict";

  function searchBox(placeholder, testid) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-search";
    box.placeholder = placeholder || "";
    box.setAttribute("aria-label", placeholder || "");
    box.setAttribute("data-testid", testid);
    return box;
  }

  function matches(text, query) {
    return text.toLowerCase().indexOf(query) !== -1;
  }

  function enhanceSelect(select) {
    var box = searchBox(select.getAttribute("data-search-placeholder"), "search-" + select.name);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var query = box.value.trim().toLowerCase();
      var firstShown = null;
      Array.prototype.forEach.call(select.options, function (option) {
        var shown = !query || option.value === "" || matches(option.text, query);
        option.hidden = !shown;
        if (shown && option.value !== "" && firstShown === null) { firstShown = option; }
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.hidden; });
      });
      if (!select.multiple && query && firstShown !== null) {
        var current = select.options[select.selectedIndex];
        if (!current || current.hidden || current.value === "") {
          firstShown.selected = true;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      }
    });
  }

  function enhanceTree(tree) {
    var box = searchBox(tree.getAttribute("data-search-placeholder"), "tree-search");
    tree.insertBefore(box, tree.firstChild);
    var branches = tree.querySelectorAll("[data-tree-subdistrict]");
    box.addEventListener("input", function () {
      var query = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(branches, function (branch) {
        var name = branch.querySelector("summary").textContent;
        var named = query && matches(name, query);
        var any = false;
        Array.prototype.forEach.call(branch.querySelectorAll("[data-tree-community]"), function (leaf) {
          var shown = !query || named || matches(leaf.getAttribute("data-search"), query);
          leaf.hidden = !shown;
          any = any || shown;
        });
        branch.hidden = !any;
        if (query) { branch.open = any; }
      });
    });
    Array.prototype.forEach.call(branches, function (branch) {
      var whole = branch.querySelector("[data-tree-whole]");
      var leaves = branch.querySelectorAll("[data-tree-community] input[type=checkbox]");
      whole.addEventListener("change", function () {
        Array.prototype.forEach.call(leaves, function (leaf) { leaf.checked = whole.checked; });
      });
      Array.prototype.forEach.call(leaves, function (leaf) {
        leaf.addEventListener("change", function () {
          if (!leaf.checked) { whole.checked = false; }
        });
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker=search]"), enhanceSelect);
    Array.prototype.forEach.call(document.querySelectorAll("[data-community-tree]"), enhanceTree);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
