import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCommandApi } from '../../../web/embed/command-api.js';

function harness({ failLoads = 0 } = {}) {
  const log = [];
  let idle = null;
  let loads = 0;
  let activate = null;
  const api = createCommandApi({
    loadWidget: async () => {
      loads += 1;
      if (loads <= failLoads) throw new Error('offline');
      return {
        mount: ({ config, emit }) => {
          log.push(['mount', config.siteId]);
          emit('ready', {});
          return { command: (name, args) => log.push([name, ...args]), destroy: () => log.push(['destroy']) };
        },
      };
    },
    showLauncher: (config, onActivate) => {
      log.push(['launcher', config.siteId]);
      activate = onActivate;
      return { setVisible: (visible) => log.push(['visible', visible]), remove: () => log.push(['launcher-removed']), host: {}, root: {} };
    },
    scheduleIdle: (callback) => {
      idle = callback;
      return () => (idle = null);
    },
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { api, log, settle, runIdle: () => idle?.(), clickLauncher: () => activate(), loads: () => loads };
}

test('commands made before boot and load are replayed in order once the widget mounts', async () => {
  const { api, log, settle, runIdle } = harness();
  api.run('identify', [{ id: 'u1' }]);
  api.run('boot', [{ siteId: 'demo' }]);
  api.run('send', ['你好']);
  api.run('close', []);
  runIdle();
  await settle();
  assert.deepEqual(log, [['launcher', 'demo'], ['mount', 'demo'], ['identify', { id: 'u1' }], ['send', '你好'], ['close']]);
});

test('the launcher appears at boot; the widget loads only on idle or first open', async () => {
  const { api, log, settle, loads, clickLauncher } = harness();
  api.run('boot', [{ siteId: 'demo' }]);
  await settle();
  assert.equal(loads(), 0);
  assert.deepEqual(log, [['launcher', 'demo']]);
  clickLauncher();
  await settle();
  assert.equal(loads(), 1);
  assert.deepEqual(log.slice(1), [['mount', 'demo'], ['toggle']]);
});

test('booting twice is harmless', async () => {
  const { api, log, runIdle, settle, loads } = harness();
  api.run('boot', [{ siteId: 'demo' }]);
  api.run('boot', [{ siteId: 'other' }]);
  runIdle();
  await settle();
  assert.equal(loads(), 1);
  assert.deepEqual(log, [['launcher', 'demo'], ['mount', 'demo']]);
});

test('listeners get events; a throwing listener is reported, not fatal', async () => {
  const { api, runIdle, settle } = harness();
  const seen = [];
  api.run('on', ['ready', () => seen.push('ready')]);
  api.run('on', ['ready', () => {
    throw new Error('host bug');
  }]);
  api.run('on', ['error', (error) => seen.push(error.code)]);
  api.run('boot', [{ siteId: 'demo' }]);
  runIdle();
  await settle();
  assert.deepEqual(seen, ['ready', 'listener_failed']);
});

test('a failed widget load reports widget_load_failed and the next open retries', async () => {
  const { api, log, settle, loads } = harness({ failLoads: 1 });
  const errors = [];
  api.run('on', ['error', (error) => errors.push(error.code)]);
  api.run('boot', [{ siteId: 'demo' }]);
  api.run('open', []);
  await settle();
  assert.deepEqual(errors, ['widget_load_failed']);
  api.run('open', []);
  await settle();
  assert.equal(loads(), 2);
  assert.deepEqual(log.slice(1), [['mount', 'demo'], ['open']], 'the open that failed is not replayed');
});

test('bad boot options are reported as errors and boot nothing', () => {
  const { api, log } = harness();
  const errors = [];
  api.run('on', ['error', (error) => errors.push(error.code)]);
  api.run('boot', [{}]);
  api.run('boot', ['demo']);
  assert.deepEqual(errors, ['invalid_boot', 'invalid_boot']);
  api.run('boot', [{ siteId: 'good' }]);
  assert.deepEqual(log, [['launcher', 'good']]);
});

test('other commands reach the widget unchanged, for it to validate', async () => {
  const { api, log, settle, runIdle } = harness();
  api.run('boot', [{ siteId: 'demo' }]);
  api.run('explode', [1]);
  runIdle();
  await settle();
  assert.deepEqual(log.at(-1), ['explode', 1]);
});

test('off removes a listener', async () => {
  const { api, runIdle, settle } = harness();
  let calls = 0;
  const listener = () => (calls += 1);
  api.run('on', ['ready', listener]);
  api.run('off', ['ready', listener]);
  api.run('boot', [{ siteId: 'demo' }]);
  runIdle();
  await settle();
  assert.equal(calls, 0);
});

test('shutdown removes everything and a later boot starts fresh', async () => {
  const { api, log, settle, runIdle } = harness();
  api.run('boot', [{ siteId: 'demo' }]);
  runIdle();
  await settle();
  api.run('shutdown', []);
  assert.deepEqual(log.slice(-2), [['destroy'], ['launcher-removed']]);
  api.run('send', ['queued before the new boot']);
  api.run('boot', [{ siteId: 'again' }]);
  runIdle();
  await settle();
  assert.deepEqual(log.slice(-3), [['launcher', 'again'], ['mount', 'again'], ['send', 'queued before the new boot']]);
});

test('show and hide toggle the launcher even before the widget loads', () => {
  const { api, log } = harness();
  api.run('boot', [{ siteId: 'demo' }]);
  api.run('hide', []);
  assert.deepEqual(log.at(-1), ['visible', false]);
});
