// Cookie banner: hides itself once a choice is made. It never covers the page content.
(function () {
  var banner = document.getElementById("cookie-banner");
  if (!banner) { return; }
  if (document.cookie.indexOf("cookie_choice=") !== -1) { banner.hidden = true; return; }
  banner.addEventListener("click", function (event) {
    var choice = event.target.getAttribute("data-cookie");
    if (!choice) { return; }
    document.cookie = "cookie_choice=" + choice + "; path=/; SameSite=Lax";
    banner.hidden = true;
  });
})();
