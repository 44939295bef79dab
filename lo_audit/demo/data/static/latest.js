// "Latest services": filled from /api/services by script, with a "Load more" button.
// Some records are only reachable from this list (their links are not in the page's HTML).
(function () {
  var list = document.getElementById("latest-services");
  var button = document.getElementById("load-more");
  if (!list || !button) { return; }
  var next = 1;
  function load() {
    fetch("/api/services?page=" + next)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.services.forEach(function (service) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = service.url;
          link.textContent = service.name;
          link.title = service.summary;
          item.appendChild(link);
          list.appendChild(item);
        });
        next = data.page + 1;
        button.hidden = data.page >= data.total_pages;
      });
  }
  button.addEventListener("click", load);
  button.hidden = false;
  load();
})();
