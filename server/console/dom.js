// Builds elements from text only (textContent, never HTML): everything shown here
// was typed by visitors, so nothing may be parsed as markup.
export function el(tag, { className, text, attrs = {}, on = {} } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  for (const [event, handler] of Object.entries(on)) node.addEventListener(event, handler);
  for (const child of children) if (child) node.append(child);
  return node;
}

export function formatTime(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleString(undefined, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}
