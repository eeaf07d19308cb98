#!/usr/bin/env node
// `npm start`: serves the demo until Ctrl-C. PORT picks the port (default 8080).
import { startStaticServer } from './static-server.mjs';

const port = Number(process.env.PORT ?? 8080);
const { url, close } = await startStaticServer({ port });
console.log(`Kefu demo: ${url}/examples/demo/`);
console.log('Press Ctrl-C to stop.');
const stop = async () => {
  await close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
