// A loopback port nothing listens on now, for a server a test starts as another process
// (PostgreSQL, Redis, nginx, a Kefu child), which must be told its port up front.
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
