#pragma once
// The session's effects as text, the one format both sides read (docs/session.md,
// "Effects across the boundary"): each effect is a line, '\n' then a one-letter tag and
// its payload. JSON text has no raw newline, so nothing is escaped; and the shell's
// JavaScript makes the effects from their tags instead of parsing a JSON array of them,
// which was a fifth of the time per event. EffectWriter writes them (the session);
// readEffects reads them back (the simulator and the native tests; the shell's reader
// is web/core/core-reply.js).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"

namespace kefu::session {

enum class EffectTag : char {
  send = 's',        // s<frame JSON>
  append = 'a',      // a<n>, then n records, a line each
  snapshot = 'p',    // p, then the snapshot on the next line
  wake = 'w',        // w<at>: wake the session at `at` (0: no timer)
  connect = 'c',     // c
  disconnect = 'd',  // d
  render = 'r',      // r: the view changed
  unread = 'u',      // u<count>: notify unread, the commonest notice, a number to read
  notify = 'n',      // n<event> <detail JSON>
};

class EffectWriter {
 public:
  void add(EffectTag tag, std::string_view payload = {});
  void number(EffectTag tag, std::int64_t value);
  void notify(std::string_view event, std::string_view detailJson);
  // `records` holds `count` records, each after a '\n'.
  void append(const TextBuffer& records, std::size_t count);
  void snapshot(std::string_view text);
  // Appends the effects so far to `out` and clears them; the buffer keeps its space.
  void drainInto(std::string& out);

 private:
  TextBuffer text_;
};

// One effect read back. `text`: the frame (send), the snapshot, or the detail JSON
// (notify); `number`: wake's time, the unread count, append's record count.
struct Effect {
  char tag = 0;  // an EffectTag, or another byte for a line no tag names
  std::string text;
  std::string event;
  std::int64_t number = 0;
  std::vector<std::string> records;
};

// The lines EffectWriter wrote, read back in order. A number that is not one reads -1.
std::vector<Effect> readEffects(std::string_view lines);

}  // namespace kefu::session
