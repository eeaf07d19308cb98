// Compiled with `tsc --noEmit` by tests/node/widget/embed-types.test.js: the embedding
// declarations must describe real usage, and the @ts-expect-error lines must stay errors.
import { boot, getState, identify, newConversation, off, on, open, prefill, send, setLocale, shutdown, update, type KefuEvents } from '../../../../web/index.js';

boot({ siteId: 'acme', serverUrl: 'wss://chat.example.com/ws', locale: 'zh-CN', theme: { accent: '#07c160' } });
on('unread', ({ count }) => document.title.startsWith(String(count)));
const onError = (error: KefuEvents['error']) => console.log(error.code);
on('error', onError);
off('error', onError);
identify({ id: 'u-1', hash: 'ab' });
send('你好');
open();
boot({ siteId: 'acme', position: 'left', texts: { en: { greeting: 'Hi!', brandName: 'ACME' } }, suggestions: ['Where is my order?'], logo: '/logo.png' });
update({ attributes: { plan: 'pro', seats: 12, trial: false } });
setLocale('zh-TW');
prefill('我想退款');
newConversation();
getState().then(({ open: isOpen, unread, phase }) => isOpen && unread > 0 && phase === 'with_agent');
on('rated', ({ stars }) => stars === 5);
on('conversation_started', () => {});
shutdown();

// @ts-expect-error siteId is required
boot({ serverUrl: 'wss://x/ws' });
// @ts-expect-error no such event
on('opened', () => {});
// @ts-expect-error unread carries a count, not text
on('unread', ({ text }) => text);
// @ts-expect-error send takes text
send(42);
// @ts-expect-error attributes are flat values
update({ attributes: { plan: { tier: 'pro' } } });
// @ts-expect-error left or right
boot({ siteId: 'acme', position: 'top' });
