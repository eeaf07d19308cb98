// Styles of the attachment parts (attachment-tray.js, attachment-view.js), appended to
// the panel's stylesheet (widget-styles.js).
export const ATTACHMENT_CSS = `
.attach-bar{display:flex;align-items:center;gap:8px;padding:0 12px 6px;font-size:12px;color:var(--muted)}
.attach-bar[hidden]{display:none}
.attach-button{display:inline-grid;place-items:center;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg);font:inherit;font-size:24px;line-height:1;min-width:40px;min-height:40px;cursor:pointer}
.attach-button:hover{border-color:var(--accent)}
.attach-status{flex:1;display:flex;align-items:center;gap:6px;min-width:0}
.attach-status progress{flex:0 0 80px}
.attach-status .field-error{margin:0}
.panel.dragging .messages{outline:3px dashed var(--accent);outline-offset:-6px}
.attachment-image{display:block;max-width:100%;max-height:240px;width:auto;height:auto;border-radius:8px;background:var(--line)}
.attachment-link{display:inline-flex;align-items:center;gap:6px;color:inherit}
.message.visitor .attachment-link{color:var(--on-accent)}
input.attach-input{display:none}
`;
