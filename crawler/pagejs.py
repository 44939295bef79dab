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
(() => {
  // Network and DOM activity, for WAIT_QUIET: fetch/XHR in flight and the time of the last change.
  const s = {pending: 0, last: performance.now()};
  Object.defineProperty(window, '__loAudit', {value: s, enumerable: false});
  const touch = () => { s.last = performance.now(); };
  const done = () => { s.pending = Math.max(0, s.pending - 1); touch(); };
  const fetch0 = window.fetch;
  if (fetch0) window.fetch = function (...args) {
    s.pending++; touch();
    try { const p = fetch0.apply(this, args); p.then(done, done); return p; } catch (e) { done(); throw e; }
  };
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    s.pending++; touch();
    this.addEventListener('loadend', done, {once: true});
    try { return send0.apply(this, args); } catch (e) { done(); throw e; }
  };
  try { new MutationObserver(touch).observe(document, {childList: true, subtree: true, characterData: true}); } catch (e) {}
})();
"""

WAIT_QUIET = """([idle, cap]) => new Promise(resolve => {
  const start = performance.now();
  const tick = () => {
    const s = window.__loAudit, now = performance.now();
    if (!s) return resolve('untracked');
    if (s.pending === 0 && now - s.last >= idle && document.readyState !== 'loading') return resolve('quiet');
    if (now - start >= cap) return resolve('cap');
    setTimeout(tick, Math.max(5, Math.min(25, idle - (now - s.last))));
  };
  tick();
})"""
"""Resolves once no fetch/XHR is in flight and the DOM has not changed for ``idle`` ms (at
most ``cap`` ms): one round trip instead of polling from Python."""

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

SERIALIZE = """() => { const d = document.doctype;
  return (d ? new XMLSerializer().serializeToString(d) : '') + document.documentElement.outerHTML; }"""

SETTLE = VISIBLE + "const dismiss = (() => {" + DISMISS_COOKIES.removeprefix(VISIBLE) + "})();" + r"""
const serialize = """ + SERIALIZE + r""";
return ([cookieSelectors, selectors, pattern]) => {
  const banner = dismiss(cookieSelectors);
  const re = new RegExp(pattern, 'i');
  const usable = el => visible(el) && !el.disabled && el.getAttribute('aria-disabled') !== 'true';
  let more = false;
  for (const s of selectors) {
    try { for (const el of document.querySelectorAll(s)) if (usable(el)) { more = true; break; } } catch (e) {}
    if (more) break;
  }
  if (!more) {
    for (const el of document.querySelectorAll('button, [role=button], a[href="#"], a[href^="javascript"], a:not([href]), input[type=button]')) {
      const t = (el.innerText || el.value || '').trim();
      if (t.length < 40 && re.test(t) && usable(el)) { more = true; break; }
    }
  }
  return {banner, more, html: banner || more ? null : serialize()};
};
"""
"""One round trip for the common case: dismiss a cookie banner, look for "load more"
candidates (without clicking) and, when there is nothing to do, return the document."""

COUNT_LINKS = "() => document.querySelectorAll('a[href]').length + document.body.innerText.length"


def as_function(body: str) -> str:
    """Wrap a script body that ``return``s a function into an expression Playwright can call."""
    return "(arg) => { const f = (() => {" + body + "})(); return f(arg); }"
