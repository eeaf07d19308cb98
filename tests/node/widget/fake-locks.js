// Test doubles for the browser APIs the tab code uses, shared by the widget tests.

// A minimal Web Locks stand-in: an exclusive lock granted in request order, released
// when the holder's promise settles; an aborted waiter is dropped.
export function fakeLocks() {
  const queues = new Map();
  function grantNext(name) {
    const queue = queues.get(name);
    if (!queue || queue.holding || queue.waiting.length === 0) return;
    const next = queue.waiting.shift();
    queue.holding = true;
    Promise.resolve(next.callback()).then(next.resolve, next.reject).finally(() => {
      queue.holding = false;
      grantNext(name);
    });
  }
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        if (!queues.has(name)) queues.set(name, { holding: false, waiting: [] });
        const waiter = { callback, resolve, reject };
        queues.get(name).waiting.push(waiter);
        options.signal?.addEventListener('abort', () => {
          const queue = queues.get(name);
          const index = queue.waiting.indexOf(waiter);
          if (index >= 0) {
            queue.waiting.splice(index, 1);
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
          }
        });
        grantNext(name);
      });
    },
  };
}

