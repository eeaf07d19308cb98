// The small markup bot, agent and KB text may carry: line breaks, **bold**, links
// written as [label](url) and bare http(s) URLs. Everything else is text. Parsing
// yields plain tokens; rendering builds DOM nodes with textContent, never innerHTML,
// so no input can become markup. Only absolute http, https, mailto and tel URLs make
// links; HTML entities are never decoded, so entity-encoded schemes
// ("javascript&#58;...") stay inert text.

const ALLOWED_LINK = /^(?:https?:\/\/[^\s<>"'`\u0000-\u001f\u007f]+|mailto:[^\s<>"'`\u0000-\u001f\u007f]+|tel:\+?[0-9().\-\s]{3,32})$/i;
const BARE_URL = /https?:\/\/[^\s<>"'`\u0000-\u001f\u007f\u3000-\u303f\uff01-\uff5e]+/gi;
const MAX_TOKENS = 2000;

/** True when `href` may become a link target. */
export function isSafeHref(href) {
  if (typeof href !== 'string' || !ALLOWED_LINK.test(href)) return false;
  try {
    const { protocol } = new URL(href);
    return protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:' || protocol === 'tel:';
  } catch {
    return false;
  }
}

/**
 * @param {string} text
 * @returns {({type:'text',text:string}|{type:'bold',text:string}|{type:'link',text:string,href:string}|{type:'break'})[]}
 */
export function parseRichText(text) {
  const tokens = [];
  const source = String(text ?? '');
  const lines = source.split(/\r\n|\r|\n/);
  lines.forEach((line, index) => {
    if (index > 0) tokens.push({ type: 'break' });
    parseLine(line, tokens);
  });
  return mergeText(tokens).slice(0, MAX_TOKENS);
}

function parseLine(line, tokens) {
  let rest = line;
  while (rest.length > 0) {
    const bold = rest.match(/\*\*([^*]+?)\*\*/);
    const link = rest.match(/\[([^\]\n]{1,300})\]\(([^()\s]{1,2000})\)/);
    const next = [bold, link].filter(Boolean).sort((a, b) => a.index - b.index)[0];
    if (!next) {
      pushWithBareUrls(rest, tokens);
      return;
    }
    pushWithBareUrls(rest.slice(0, next.index), tokens);
    if (next === bold) {
      tokens.push({ type: 'bold', text: bold[1] });
    } else if (isSafeHref(link[2])) {
      tokens.push({ type: 'link', text: link[1], href: link[2] });
    } else {
      tokens.push({ type: 'text', text: link[0] });
    }
    rest = rest.slice(next.index + next[0].length);
  }
}

function pushWithBareUrls(text, tokens) {
  let last = 0;
  for (const match of text.matchAll(BARE_URL)) {
    // Sentence punctuation right after a URL belongs to the sentence.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    tokens.push({ type: 'text', text: text.slice(last, match.index) });
    tokens.push(isSafeHref(url) ? { type: 'link', text: url, href: url } : { type: 'text', text: url });
    last = match.index + url.length;
  }
  tokens.push({ type: 'text', text: text.slice(last) });
}

function mergeText(tokens) {
  const merged = [];
  for (const token of tokens) {
    if (token.type === 'text') {
      if (token.text === '') continue;
      const previous = merged[merged.length - 1];
      if (previous?.type === 'text') {
        previous.text += token.text;
        continue;
      }
    }
    merged.push(token);
  }
  return merged;
}

/** Appends the tokens to `parent` as DOM nodes. */
export function renderRichText(parent, text) {
  const doc = parent.ownerDocument;
  for (const token of parseRichText(text)) {
    if (token.type === 'text') {
      parent.append(doc.createTextNode(token.text));
    } else if (token.type === 'break') {
      parent.append(doc.createElement('br'));
    } else if (token.type === 'bold') {
      const strong = doc.createElement('strong');
      strong.textContent = token.text;
      parent.append(strong);
    } else {
      const anchor = doc.createElement('a');
      anchor.textContent = token.text;
      anchor.href = token.href;
      anchor.target = '_blank';
      anchor.rel = 'noopener noreferrer nofollow';
      parent.append(anchor);
    }
  }
  return parent;
}
