// Every widget node is made here: properties are assigned as DOM properties and text
// goes in as text nodes, so no string ever reaches an HTML parser (no innerHTML) and no
// `style` attribute is ever written (a strict CSP would block it).

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {{className?: string, attrs?: Record<string, string>, on?: Record<string, EventListener>, [property: string]: any}} [props]
 * @param {...(Node|string|null|undefined|false)} children
 */
export function createElement(doc, tag, props = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'attrs') {
      for (const [attribute, text] of Object.entries(value)) node.setAttribute(attribute, text);
    } else if (name === 'on') {
      for (const [event, listener] of Object.entries(value)) node.addEventListener(event, listener);
    } else {
      node[name] = value;
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? doc.createTextNode(child) : child);
  }
  return node;
}
