// When the widget code loads if nobody opens the chat: once the browser is idle (at
// most 4 s after boot). Safari has no requestIdleCallback; two seconds is idle enough.
export function scheduleIdle(callback) {
  const idle = self.requestIdleCallback;
  const handle = idle ? idle(callback, { timeout: 4000 }) : setTimeout(callback, 2000);
  return () => (idle ? cancelIdleCallback : clearTimeout)(handle);
}
