#!/usr/bin/env node
// `npm start`: the whole product on localhost — the reference server with the demo
// knowledge base, the demo company website, the WeChat-style page and the agent
// console. PORT picks the port (default 8080); data lives in .kefu-data/ (git-ignored);
// KEFU_SERVER_CONFIG names a config file. Ctrl-C stops it cleanly.
import { join } from 'node:path';
import { closeOnSignals, startKefuServer } from '../server/server.js';
import { isWithinBusinessHours, describeBusinessHours } from '../server/routing/business-hours.js';
import { repoRoot } from './shipped-files.mjs';

const server = await startKefuServer({
  configPath: process.env.KEFU_SERVER_CONFIG,
  port: Number(process.env.PORT ?? 8080),
  host: '127.0.0.1',
  dataDir: join(repoRoot, '.kefu-data'),
});
const site = server.config.sites.demo;
const base = `http://localhost:${new URL(server.httpUrl).port}`;
const openNow = isWithinBusinessHours(site.businessHours, Date.now());
// While no console account exists, a one-time link creates the first admin.
const setupToken = await server.accounts.setupToken();
const lines = [
  '',
  `Kefu is running (data in .kefu-data/, durability "${server.config.durability}").`,
  `  Demo company website   ${base}/          (English: ${base}/en/)`,
  `  WeChat-style page      ${base}/wechat/`,
  `  Agent console          ${base}/console/`,
  ...(setupToken === null ? [] : [`                         first start: create the admin at ${base}/console/#setup=${setupToken}`]),
  `  FAQ-only core demo     ${base}/examples/demo/`,
  '',
  site.businessHours
    ? `Agents answer ${describeBusinessHours(site.businessHours, 'en')}; it is ${openNow ? 'within' : 'outside'} those hours now${openNow ? '' : ', so a hand-off becomes leave-a-message\n(to try the agent side now: KEFU_SERVER_CONFIG=file.json with {"sites": {"demo": {"businessHours": null}}})'}.`
    : 'Agents answer at any hour.',
  site.offlineWhenNoAgent ? 'A hand-off queues only while an agent is logged in to the console.' : '',
  'Press Ctrl-C to stop.',
  '',
];
process.stderr.write(lines.filter((line, i, all) => line !== '' || all[i - 1] !== '').join('\n') + '\n');

closeOnSignals(server);
