// libFuzzer target: a frame's text as the core reads it from the server (and as the
// simulator's server reads the client's). Beyond "no crash, no sanitizer report", it
// checks two promises frame.h makes: the flat fast path accepts exactly what the full
// parse accepts, and a frame that was accepted is accepted again once written back out.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/flat_json.h"
#include "base/json_text.h"
#include "protocol/frame.h"

using namespace kefu;
using namespace kefu::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ProtocolLimits limits;
  // A site's lower text limit runs other branches of the length checks.
  if (size > 0 && data[0] % 2 == 1) limits.maxTextChars = 8;
  static FlatObject flat;
  const bool isFlat = flat.parse(text);
  for (const Direction direction : {Direction::toClient, Direction::toServer}) {
    auto parsed = parseFrame(text, direction, limits);
    if (isFlat && isValidFlatFrame(flat, direction, limits) != parsed.ok()) __builtin_trap();
    if (!parsed.ok()) continue;
    // Written out, "1e2" grows to "100.0": only a text still within the size limit must pass.
    const std::string again = toJsonText(parsed.value());
    if (again.size() <= limits.maxFrameBytes && !parseFrame(again, direction, limits).ok()) __builtin_trap();
  }
  return 0;
}
