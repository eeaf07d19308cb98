add_library(kefu_warnings INTERFACE)
target_compile_options(kefu_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)

if(KEFU_SANITIZE AND NOT EMSCRIPTEN)
  # The core promises never to crash on hostile input; the native test run proves it
  # under the sanitizers, which see what a plain run would survive by luck.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
