// The UI's only script of its own, loaded as a module from this host (the UI's
// Content-Security-Policy allows nothing else): the tab's token, text selections, downloads.

const tokenKey = 'fieldwork.token';

export function getToken() { return sessionStorage.getItem(tokenKey); }
export function setToken(token) { sessionStorage.setItem(tokenKey, token); }
export function clearToken() { sessionStorage.removeItem(tokenKey); }

// Counts code points, as the API's offsets do (an emoji is one, not two UTF-16 units).
function codePoints(text) { return Array.from(text).length; }

// The selection inside the element, as code point offsets [start, end) into its text, or null.
export function selectionIn(id) {
  const root = document.getElementById(id);
  const selection = window.getSelection();
  if (!root || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(root, 0);
  before.setEnd(range.startContainer, range.startOffset);
  const start = codePoints(before.toString());
  const end = start + codePoints(range.toString());
  return end > start ? { start, end } : null;
}

// Selects [start, end) code points of the element's text (keyboard users and tests choose a span this way).
export function select(id, start, end) {
  const root = document.getElementById(id);
  if (!root) return false;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, started = false, node;
  while ((node = walker.nextNode())) {
    const points = Array.from(node.data);
    const next = seen + points.length;
    if (!started && start <= next) { range.setStart(node, points.slice(0, start - seen).join('').length); started = true; }
    if (started && end <= next) {
      range.setEnd(node, points.slice(0, end - seen).join('').length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
    seen = next;
  }
  return false;
}

// Saves text the page fetched with the user's token as a file.
export function download(fileName, mediaType, text) {
  const url = URL.createObjectURL(new Blob([text], { type: mediaType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
