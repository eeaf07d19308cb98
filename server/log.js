// Structured logs: one JSON object per line on stdout, so any log pipeline can parse
// them. Message text is never logged (it is the visitors' private data); ids are.

export function createLogger({ level = 'info', write = (line) => process.stdout.write(`${line}\n`), now = () => new Date().toISOString() } = {}) {
  const order = { debug: 10, info: 20, warn: 30, error: 40 };
  const threshold = order[level] ?? 20;
  const log = (severity) => (event, fields = {}) => {
    if (order[severity] < threshold) return;
    write(JSON.stringify({ time: now(), level: severity, event, ...fields }));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
