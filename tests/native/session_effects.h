#pragma once
// The session's effects as the shell sees them ({"type": "send", "frame": {…}},
// {"type": "persist", "append": [record…]} or {"snapshot": text}, …), made as
// web/core/core-reply.js makes them, from the lines the session wrote, read with the
// core's own reader (session/effects.h).
#include <string>
#include <vector>

#include "base/json_text.h"
#include "session/effects.h"
#include "session/session.h"

inline std::vector<kefu::Json> drainEffects(kefu::session::Session& session) {
  using kefu::Json;
  using kefu::session::EffectTag;
  std::string text;
  session.drainEffectsText(text);
  std::vector<Json> drained;
  for (const auto& effect : kefu::session::readEffects(text)) {
    switch (static_cast<EffectTag>(effect.tag)) {
      case EffectTag::send:
        drained.push_back(Json{{"type", "send"}, {"frame", Json::parse(effect.text, nullptr, /*allow_exceptions=*/false)}});
        break;
      case EffectTag::append:
        drained.push_back(Json{{"type", "persist"}, {"append", effect.records}});
        break;
      case EffectTag::snapshot:
        drained.push_back(Json{{"type", "persist"}, {"snapshot", effect.text}});
        break;
      case EffectTag::wake:
        drained.push_back(Json{{"type", "wake"}, {"at", effect.number}});
        break;
      case EffectTag::connect:
        drained.push_back(Json{{"type", "connect"}});
        break;
      case EffectTag::disconnect:
        drained.push_back(Json{{"type", "disconnect"}});
        break;
      case EffectTag::render:
        drained.push_back(Json{{"type", "render"}});
        break;
      case EffectTag::unread:
        drained.push_back(Json{{"type", "notify"}, {"event", "unread"}, {"detail", {{"count", effect.number}}}});
        break;
      case EffectTag::notify:
        drained.push_back(Json{{"type", "notify"},
                               {"event", effect.event},
                               {"detail", Json::parse(effect.text, nullptr, /*allow_exceptions=*/false)}});
        break;
      default:
        drained.push_back(Json{{"type", "unknown"}, {"line", effect.text}});
        break;
    }
  }
  return drained;
}
