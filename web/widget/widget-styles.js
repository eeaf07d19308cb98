// The panel's styles, adopted into the launcher's shadow root as a constructable
// stylesheet (a strict CSP does not treat those as inline styles). scripts/bundle.mjs
// also writes this text to dist/kefu-widget.css for engines without adoptedStyleSheets.
// The theme surface is the --kefu-* custom properties (docs/embedding.md); they
// inherit from the page through the shadow boundary.

import { ATTACHMENT_CSS } from './ui/attachment-styles.js';

export const WIDGET_CSS = `
.panel{--accent:var(--kefu-accent,#1664ff);--on-accent:var(--kefu-on-accent,#fff);--focus:var(--kefu-focus,#ffb000);
--bg:var(--kefu-panel-bg,#fff);--fg:var(--kefu-text,#1d2129);--muted:var(--kefu-muted,#4e5969);--line:var(--kefu-line,#e5e6eb);
--bubble:var(--kefu-bubble,#f2f3f5);--danger:var(--kefu-danger,#cb2634);
position:fixed;right:max(20px,env(safe-area-inset-right));bottom:calc(max(20px,env(safe-area-inset-bottom)) + 68px);
width:370px;height:min(600px,calc(100vh - 108px));height:min(600px,calc(100dvh - 108px));
display:flex;flex-direction:column;box-sizing:border-box;background:var(--bg);color:var(--fg);
font:14px/1.5 var(--kefu-font,system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif);
border-radius:var(--kefu-radius,12px);box-shadow:0 8px 32px #0003;overflow:hidden}
.panel *{box-sizing:border-box}
.panel[hidden]{display:none}
.panel :focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.header{display:flex;align-items:center;gap:8px;padding:12px 12px 12px 16px;background:var(--accent);color:var(--on-accent)}
.header-text{flex:1;min-width:0}
.title{margin:0;font-size:16px;font-weight:600}
.subtitle{margin:0;font-size:12px}
.icon-button{width:36px;height:36px;border:0;border-radius:50%;background:transparent;color:inherit;cursor:pointer;font:inherit;font-size:22px;line-height:1}
.icon-button:hover{background:#fff3}
.banner{padding:6px 16px;font-size:13px;background:#fff7e8;color:#7a4b00}
.banner.ok{background:#e8ffea;color:#0b5c1e}
.notice{margin:0;padding:6px 16px;font-size:12px;background:var(--bubble);color:var(--muted)}
.messages{flex:1;overflow-y:auto;padding:12px 16px;overscroll-behavior:contain}
.messages ol{margin:0;padding:0;list-style:none}
.message{display:flex;flex-direction:column;align-items:flex-start;margin:0 0 12px}
.message.visitor{align-items:flex-end}
.meta{font-size:12px;color:var(--muted);margin:0 4px 2px}
.bubble{max-width:85%;padding:8px 12px;border-radius:12px;background:var(--bubble);overflow-wrap:anywhere;white-space:pre-wrap}
.visitor .bubble{background:var(--accent);color:var(--on-accent)}
.visitor .bubble a{color:inherit}
.system .bubble{background:transparent;color:var(--muted);font-size:12px;padding:0 4px}
.bubble a{color:var(--accent)}
.delivery{font-size:12px;color:var(--muted);margin:2px 4px 0;display:flex;gap:8px;align-items:center}
.delivery.failed{color:var(--danger)}
.link-button{border:0;background:none;padding:0;color:var(--accent);font:inherit;text-decoration:underline;cursor:pointer}
.quick-replies{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;max-width:85%}
.chip{border:1px solid var(--accent);background:var(--bg);color:var(--accent);border-radius:16px;padding:4px 12px;font:inherit;font-size:13px;cursor:pointer;text-align:start}
.chip:hover{background:var(--accent);color:var(--on-accent)}
.status{padding:0 16px;font-size:12px;color:var(--muted);min-height:0}
.status p{margin:4px 0}
.actions{display:flex;justify-content:center;padding:4px 16px}
.actions[hidden]{display:none}
.footer{border-top:1px solid var(--line);padding:10px 12px}
.composer{display:flex;gap:8px;align-items:flex-end;position:relative}
.composer textarea,.form input,.form textarea{flex:1;width:100%;font:inherit;font-size:16px;padding:8px 10px;border:1px solid var(--line);border-radius:8px;background:var(--bg);color:var(--fg);resize:none}
.composer textarea{max-height:120px}
.primary{border:0;border-radius:8px;background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;padding:8px 16px;cursor:pointer;min-height:40px}
.secondary{border:1px solid var(--accent);border-radius:16px;background:var(--bg);color:var(--accent);font:inherit;padding:4px 14px;cursor:pointer;min-height:32px}
.typeahead{position:absolute;left:0;right:0;bottom:100%;margin:0 0 6px;padding:4px 0;list-style:none;background:var(--bg);border:1px solid var(--line);border-radius:8px;box-shadow:0 4px 16px #0002;max-height:220px;overflow-y:auto}
.typeahead[hidden]{display:none}
.typeahead li{padding:6px 12px;cursor:pointer}
.typeahead li[aria-selected=true],.typeahead li:hover{background:var(--bubble)}
.form{display:flex;flex-direction:column;gap:8px;margin:0}
.form h3{margin:0;font-size:15px}
.form p{margin:0;color:var(--muted);font-size:13px}
.form label{display:flex;flex-direction:column;gap:2px;font-size:13px}
.field-error{color:var(--danger);font-size:12px}
.field-error:empty{display:none}
.stars{display:flex;gap:4px;border:0;margin:0;padding:0}
.stars legend{padding:0;margin-bottom:4px;font-size:14px}
.form .star{position:relative;display:inline-grid;place-items:center;width:40px;height:40px;font-size:28px;line-height:1;color:#c9cdd4;cursor:pointer}
.star input{position:absolute;opacity:0;width:100%;height:100%;margin:0;cursor:pointer}
.form .star.on{color:#ffb400}
.star:has(:focus-visible){outline:3px solid var(--focus);border-radius:4px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.launcher[aria-expanded=true]:before{width:18px;height:18px;border-radius:2px;clip-path:polygon(20% 0,50% 30%,80% 0,100% 20%,70% 50%,100% 80%,80% 100%,50% 70%,20% 100%,0 80%,30% 50%,0 20%)}
${ATTACHMENT_CSS}
.panel [hidden]{display:none!important}
:host(.left) .panel{left:max(20px,env(safe-area-inset-left));right:auto}
.home{padding:4px 0 8px}
.home h3{margin:12px 0 6px;font-size:13px;font-weight:600;color:var(--muted)}
.home p{margin:0 0 4px}
.home .greeting{font-size:16px;font-weight:600;margin:4px 0 6px}
.home .reply-time{font-size:13px;color:var(--muted)}
.messages li.divider,.home .divider{text-align:center;font-size:12px;color:var(--muted);border-top:1px solid var(--line);padding-top:8px;margin-bottom:8px}
.home-images{display:flex;gap:4px}
.home .logo{max-height:40px;max-width:160px}
.home .avatar{width:36px;height:36px;border-radius:50%;object-fit:cover;border:2px solid var(--bg)}
.suggestions{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;align-items:flex-start;gap:6px}
.after-chat{display:flex;align-items:center;justify-content:space-between;gap:8px;flex-wrap:wrap}
.form.rating{gap:4px}
.form.rating .stars legend{margin:0;font-size:13px}
.rating-details{display:flex;gap:8px;width:100%}
.rating-details input{flex:1;min-width:0}
.ticket-done{font-size:14px!important;color:var(--fg)!important}
@media (max-width:480px){
.panel{inset:auto 0;right:0;bottom:auto;top:var(--kefu-viewport-top,0);width:100%;height:100vh;height:var(--kefu-viewport-height,100dvh);border-radius:0}
:host(.left) .panel{left:0;right:0}
:host(.kefu-open) .launcher{display:none}
}
@media (prefers-reduced-motion:no-preference){.panel{transition:opacity .15s}}
`;
