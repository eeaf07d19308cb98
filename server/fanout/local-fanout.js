// The fan-out bus of a server that runs alone (`fanout: {kind: "local"}`): there is no
// other instance to tell, so publishing reaches nobody and nothing ever arrives. Same
// interface as RedisFanout (redis-fanout.js).
import { randomUUID } from 'node:crypto';

export class LocalFanout {
  instanceId = randomUUID();
  shared = false; // no other instance shares the store

  /** Tells the other instances; here there are none. */
  publish() {}

  /** `handler(message)` for each message another instance published; never called here. */
  subscribe() {}

  /** `handler()` after the bus lost messages; never called here. */
  onGap() {}

  async dispose() {}
}
