"""JavaScript run inside rendered pages: cookie banners, "load more" buttons, and the
init script that neutralises ``window.print``. Kept as constants so they can be read."""

from __future__ import annotations

COOKIE_SELECTORS = (
    "#onetrust-accept-btn-handler", "#onetrust-reject-all-handler", ".cc-btn.cc-allow", ".cc-btn.cc-dismiss",
    ".cc-btn", "#ccc-notify-accept", "#ccc-recommended-settings", "#accept-cookies", "#acceptCookies",
    ".cookie-accept", "[data-cookie-accept]", "button[name=cookies][value=accept]",
    ".govuk-cookie-banner button[value=accept]", "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
    ".js-cookie-accept", "#cookie-accept", "#cookieAccept",
)

INIT_SCRIPT = """
window.print = () => {};
window.open = () => null;
"""

VISIBLE = "const visible = el => !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));"

DISMISS_COOKIES = VISIBLE + r"""
const texts = /^(accept|accept all|accept all cookies|accept cookies|accept and close|allow all|allow all cookies|allow cookies|reject|reject all|reject all cookies|reject cookies|i agree|agree|ok|okay|got it|i understand|continue)$/i;
return (selectors) => {
  for (const s of selectors) {
    try { const el = document.querySelector(s); if (visible(el)) { el.click(); return s; } } catch (e) {}
  }
  const boxes = document.querySelectorAll('[id*=cookie i],[class*=cookie i],[id*=consent i],[class*=consent i],[aria-label*=cookie i],[role=dialog],[aria-modal=true]');
  for (const box of boxes) {
    for (const el of box.querySelectorAll('button, a, [role=button], input[type=button], input[type=submit]')) {
      const t = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ');
      if (texts.test(t) && visible(el)) { el.click(); return t; }
    }
  }
  return null;
};
"""

CLICK_LOAD_MORE = VISIBLE + r"""
return ([selectors, pattern]) => {
  const re = new RegExp(pattern, 'i');
  const usable = el => visible(el) && !el.disabled && el.getAttribute('aria-disabled') !== 'true';
  for (const s of selectors) {
    try { for (const el of document.querySelectorAll(s)) if (usable(el)) { el.click(); return true; } } catch (e) {}
  }
  const candidates = document.querySelectorAll('button, [role=button], a[href="#"], a[href^="javascript"], a:not([href]), input[type=button]');
  for (const el of candidates) {
    const t = (el.innerText || el.value || '').trim();
    if (t.length < 40 && re.test(t) && usable(el)) { el.click(); return true; }
  }
  return false;
};
"""

COUNT_LINKS = "() => document.querySelectorAll('a[href]').length + document.body.innerText.length"


def as_function(body: str) -> str:
    """Wrap a script body that ``return``s a function into an expression Playwright can call."""
    return "(arg) => { const f = (() => {" + body + "})(); return f(arg); }"
