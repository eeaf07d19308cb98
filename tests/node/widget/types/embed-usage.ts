// Compiled with `tsc --noEmit` by tests/node/widget/embed-types.test.js: the embedding
// declarations must describe real usage, and the @ts-expect-error lines must stay errors.
import { boot, identify, off, on, open, send, shutdown, type KefuEvents } from '../../../../web/index.js';

boot({ siteId: 'acme', serverUrl: 'wss://chat.example.com/ws', locale: 'zh-CN', theme: { accent: '#07c160' } });
on('unread', ({ count }) => document.title.startsWith(String(count)));
const onError = (error: KefuEvents['error']) => console.log(error.code);
on('error', onError);
off('error', onError);
identify({ id: 'u-1', hash: 'ab' });
send('你好');
open();
shutdown();

// @ts-expect-error siteId is required
boot({ serverUrl: 'wss://x/ws' });
// @ts-expect-error no such event
on('opened', () => {});
// @ts-expect-error unread carries a count, not text
on('unread', ({ text }) => text);
// @ts-expect-error send takes text
send(42);
