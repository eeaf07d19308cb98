#include "core/json_writer.h"

#include <algorithm>
#include <cmath>

#include "core/utf8.h"

namespace kefu {

void appendJsonString(std::string& out, std::string_view text) {
  // Grow geometrically: reserving the exact size would copy the whole output again for
  // every string appended to it.
  const std::size_t needed = out.size() + text.size() + 2;
  if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
  out.push_back('"');
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t runStart = 0;  // bytes that need no escaping are copied a run at a time
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\' && byte < 0x80) {
      ++i;
      continue;
    }
    if (byte >= 0x80) {
      std::size_t end = i;
      const char32_t cp = utf8::decodeAt(text, end);
      if (cp != utf8::kReplacement || end != i + 1) {
        i = end;  // well formed: stays in the run
        continue;
      }
    }
    out.append(text.data() + runStart, i - runStart);
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte >= 0x80) {
          out += "\xEF\xBF\xBD";  // a malformed byte
        } else {
          out += "\\u00";
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xF]);
        }
    }
    runStart = ++i;
  }
  out.append(text.data() + runStart, text.size() - runStart);
  out.push_back('"');
}

void appendJsonNumber(std::string& out, double value) {
  // Fixed point with six decimals, trailing zeros trimmed: enough for scores and
  // timings, and it keeps printf's floating-point formatter out of the wasm.
  if (!std::isfinite(value) || std::fabs(value) >= 1e15) {
    out += std::isfinite(value) ? (value < 0 ? "-1e15" : "1e15") : "null";
    return;
  }
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  const auto scaled = static_cast<unsigned long long>(std::llround(value * 1e6));
  out += std::to_string(scaled / 1000000);
  unsigned long long fraction = scaled % 1000000;
  if (fraction == 0) return;
  char digits[7] = "000000";
  for (int i = 5; i >= 0; --i, fraction /= 10) digits[i] = static_cast<char>('0' + fraction % 10);
  int length = 6;
  while (length > 0 && digits[length - 1] == '0') --length;
  out.push_back('.');
  out.append(digits, static_cast<std::size_t>(length));
}

}  // namespace kefu
