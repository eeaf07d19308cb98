import { KefuError } from './kefu-error.js';

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;
const BUILD_NAMES = { release: 'kefu-core', debug: 'kefu-core-debug' };
const loadedModules = new Map();

/**
 * Loads the wasm core once per build and resolves to the Emscripten module.
 * Browsers compile while downloading (compileStreaming, beside the module JS's download) and fall back to an
 * ArrayBuffer when the server sends the wrong MIME type; Node reads the file,
 * which also sidesteps Emscripten 3.1.6 calling fetch() on a file path.
 *
 * @param {{build?: 'release'|'debug', wasmUrl?: string|URL, moduleUrl?: string|URL}} [options]
 */
export function loadKefuCore(options = {}) {
  const build = options.build ?? 'release';
  if (!(build in BUILD_NAMES)) {
    return Promise.reject(new KefuError('invalid_argument', `unknown core build "${build}" (release or debug)`));
  }
  const key = `${build}|${options.wasmUrl ?? ''}|${options.moduleUrl ?? ''}`;
  if (!loadedModules.has(key)) {
    const loading = instantiateCore(BUILD_NAMES[build], options).catch((cause) => {
      loadedModules.delete(key); // a failed load (say, offline) may be retried later
      throw cause instanceof KefuError ? cause : new KefuError('core_load_failed', `could not load the Kefu core: ${cause?.message ?? cause}`);
    });
    loadedModules.set(key, loading);
  }
  return loadedModules.get(key);
}

async function instantiateCore(baseName, options) {
  const distUrl = (file) => new URL(`../../dist/${file}`, import.meta.url);
  if (isNode) {
    const [{ createRequire }, { readFile }] = await Promise.all([import('node:module'), import('node:fs/promises')]);
    // The ES flavour cannot run in Node (its Node branch calls require), so Node loads the CommonJS twin.
    const createModule = createRequire(import.meta.url)(fileFromUrl(options.moduleUrl ?? distUrl(`${baseName}.js`)));
    const wasmBytes = await readFile(options.wasmUrl ? fileFromUrl(options.wasmUrl) : distUrl(`${baseName}.wasm`));
    return startModule(createModule, (imports) => WebAssembly.instantiate(wasmBytes, imports));
  }
  // The wasm downloads and compiles while the module's JS downloads and runs (compiling
  // needs no imports): on a slow CPU the JS would otherwise hold the wasm's request back.
  const [{ default: createModule }, wasm] = await Promise.all([
    import(/* @vite-ignore */ String(options.moduleUrl ?? distUrl(`${baseName}.mjs`))),
    compileFromUrl(String(options.wasmUrl ?? distUrl(`${baseName}.wasm`))),
  ]);
  return startModule(createModule, (imports) => WebAssembly.instantiate(wasm, imports).then((instance) => ({ instance })));
}

function fileFromUrl(url) {
  const text = String(url);
  return text.startsWith('file:') ? new URL(text).pathname : text;
}

async function compileFromUrl(url) {
  if (typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(fetch(url, { credentials: 'same-origin' }));
    } catch (streamingError) {
      // Typically a server that does not send application/wasm; only a real network
      // or compile failure should reach the visitor, so retry the slow way.
      if (streamingError instanceof WebAssembly.CompileError || streamingError instanceof WebAssembly.LinkError) throw streamingError;
    }
  }
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new KefuError('core_load_failed', `fetching ${url} answered HTTP ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

function startModule(createModule, instantiate) {
  return new Promise((resolve, reject) => {
    createModule({
      instantiateWasm(imports, receiveInstance) {
        instantiate(imports).then((result) => receiveInstance(result.instance), reject);
        return {}; // tells Emscripten the instance arrives asynchronously
      },
      // Without these Emscripten prints to the console and, in Node, may exit the process.
      print() {},
      printErr() {},
      onAbort(what) {
        reject(new KefuError('core_aborted', `the Kefu core aborted: ${what}`));
      },
    }).then(resolve, reject);
  });
}
