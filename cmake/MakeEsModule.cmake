# Derives dist/kefu-core.mjs from the CommonJS/UMD loader Emscripten writes, so one
# link serves both `require()` in Node and `import` in browsers. The UMD text guards
# its own `module.exports`, so appending an ES export is all an ES module needs.
# Usage: cmake -DINPUT=kefu-core.js -DOUTPUT=kefu-core.mjs -DEXPORT_NAME=createKefuCore -P MakeEsModule.cmake
file(READ "${INPUT}" loader_text)
file(WRITE "${OUTPUT}" "${loader_text}\nexport default ${EXPORT_NAME};\n")
# The repository's package.json says "type": "module"; this marks dist/*.js as the
# CommonJS it is, so Node's require() accepts it.
get_filename_component(dist_dir "${OUTPUT}" DIRECTORY)
file(WRITE "${dist_dir}/package.json" "{\"type\": \"commonjs\"}\n")
