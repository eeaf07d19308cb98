// The embedding API as a bundled site uses it (docs/embedding.md); compiled with
// core-usage.ts, see there.
import { boot, on, type KefuBootOptions } from 'kefu';

const options: KefuBootOptions = { siteId: 'acme', serverUrl: 'wss://chat.example.com/ws', locale: 'zh-CN' };
boot(options);
on('message', (detail) => {
  const author: 'agent' | 'system' = detail.author;
  void author;
});
// @ts-expect-error siteId is required
boot({ serverUrl: 'wss://chat.example.com/ws' });
// @ts-expect-error there is no such event
on('nonsense', () => {});
