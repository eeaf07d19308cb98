#!/usr/bin/env node
// node bench/console/trace-summary.mjs TRACE.json
//
// What the console page's main thread did in a `npm run bench:console -- --trace FILE`
// run, in thread (CPU) time, which unlike wall time does not stretch when other processes
// take the machine's cores: the whole run, per keystroke (the key's events, and the
// frame that follows it), per other frame, and the rendering phases. Prints one JSON line.
import { readFileSync } from 'node:fs';

const { traceEvents } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// The page's renderer: the CrRendererMain thread that ran the console's scripts.
const pages = new Set(traceEvents.filter((e) => e.name === 'FunctionCall').map((e) => e.pid));
const thread = traceEvents.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' && pages.has(e.pid));
const events = traceEvents.filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
const cpuMs = (e) => (e.tdur ?? e.dur) / 1000;
const total = (list) => Number(list.reduce((sum, e) => sum + cpuMs(e), 0).toFixed(1));
const percentile = (list, p) => {
  const sorted = list.map(cpuMs).sort((a, b) => a - b);
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)].toFixed(2)) : null;
};
const named = (name) => events.filter((e) => e.name === name);

const tasks = named('ThreadControllerImpl::RunTask');
const frames = named('ProxyMain::BeginMainFrame');
// A key's keydown, keypress, input… run in one input task; the frame after it draws the text.
const keys = named('EventDispatch').filter((e) => e.args.data.type === 'keypress');
const keyTasks = keys.map((key) => tasks.findLast((task) => task.ts <= key.ts));
const keyFrames = new Set(keys.map((key) => frames.find((frame) => frame.ts > key.ts)).filter(Boolean));
const otherFrames = frames.filter((frame) => !keyFrames.has(frame));
const spanSeconds = (tasks.at(-1).ts + tasks.at(-1).dur - tasks[0].ts) / 1e6;

console.log(JSON.stringify({
  spanSeconds: Number(spanSeconds.toFixed(1)),
  mainThreadCpuMs: total(tasks),
  keystrokes: keys.length,
  keyTaskCpuP50Ms: percentile(keyTasks, 0.5),
  keyTaskCpuP95Ms: percentile(keyTasks, 0.95),
  keyFrameCpuP50Ms: percentile([...keyFrames], 0.5),
  keyFrameCpuP95Ms: percentile([...keyFrames], 0.95),
  otherFrames: otherFrames.length,
  otherFrameCpuP50Ms: percentile(otherFrames, 0.5),
  otherFrameCpuP95Ms: percentile(otherFrames, 0.95),
  tasksOver16msCpu: tasks.filter((task) => cpuMs(task) > 16).length,
  intersectionObserverMs: total(named('IntersectionObserverController::computeIntersections')),
  layoutMs: total(named('Layout')),
  paintMs: total(named('Paint')),
  layerizeMs: total(named('Layerize')),
  scriptMs: total(named('FunctionCall')),
}));
