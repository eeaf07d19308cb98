// Embind surface of the chat session (see bindings.cpp for the conventions).
#include <emscripten/bind.h>

#include "bindings/session_helpers.h"

EMSCRIPTEN_BINDINGS(kefu_session) {
  emscripten::class_<kefu::SessionApi>("ChatSession")
      .constructor<>()
      .function("_configure", &kefu::js::configureSession)
      .function("_address", &kefu::js::sessionAddress)
      .function("_startFresh", &kefu::js::startFresh)
      .function("_restore", &kefu::js::restoreSession)
      .function("_handleView", &kefu::js::handleEvent)
      .function("_frameView", &kefu::js::handleFrame)
      .function("_viewView", &kefu::js::sessionView)
      .function("_suggest", &kefu::js::sessionSuggest);
}
