# Header-only dependencies are staged into a build-local include dir rather than
# adding /usr/include: under the Emscripten toolchain /usr/include would shadow the
# wasm sysroot's libc headers, and find_package does not see host packages there.
# KEFU_THIRD_PARTY_ROOT lets an emsdk or a non-Debian host point elsewhere.
set(KEFU_THIRD_PARTY_ROOT "/usr/include" CACHE PATH "Where nlohmann/json.hpp and catch2/catch.hpp live")
set(KEFU_STAGED_INCLUDE "${CMAKE_BINARY_DIR}/third_party/include")

foreach(header_dir nlohmann catch2)
  if(NOT EXISTS "${KEFU_THIRD_PARTY_ROOT}/${header_dir}")
    message(FATAL_ERROR "Missing ${KEFU_THIRD_PARTY_ROOT}/${header_dir}: run scripts/setup (installs nlohmann-json3-dev and catch2)")
  endif()
  file(COPY "${KEFU_THIRD_PARTY_ROOT}/${header_dir}" DESTINATION "${KEFU_STAGED_INCLUDE}")
endforeach()

add_library(kefu_third_party INTERFACE)
# SYSTEM keeps warnings from third-party headers out of our -Werror-clean build.
target_include_directories(kefu_third_party SYSTEM INTERFACE "${KEFU_STAGED_INCLUDE}")
