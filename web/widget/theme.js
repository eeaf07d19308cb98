// `boot({theme: {accent: '#07c160', radius: '4px'}})`: the same custom properties a page
// can set in CSS (docs/embedding.md), as a rule in the widget's own stylesheet. Values
// are checked so a theme cannot close the rule and add others.

const SAFE_VALUE = /^[^;{}<>\\]{1,100}$/;

/** @param {Record<string, string>|undefined} theme @returns {string} CSS text */
export function themeCss(theme) {
  if (!theme || typeof theme !== 'object') return '';
  const declarations = [];
  for (const [name, value] of Object.entries(theme)) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name) || typeof value !== 'string' || !SAFE_VALUE.test(value)) continue;
    declarations.push(`--kefu-${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}:${value}`);
  }
  return declarations.length ? `\n:host{${declarations.join(';')}}` : '';
}
