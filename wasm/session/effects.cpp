#include "session/effects.h"

#include <algorithm>
#include <cstring>

#include "session/object_writer.h"

namespace kefu::session {

void EffectWriter::add(EffectTag tag, std::string_view payload) {
  char* at = text_.extend(2 + payload.size());
  at[0] = '\n';
  at[1] = static_cast<char>(tag);
  if (!payload.empty()) std::memcpy(at + 2, payload.data(), payload.size());
}

void EffectWriter::number(EffectTag tag, std::int64_t value) {
  char digits[24];
  add(tag, integerText(value, digits));
}

void EffectWriter::notify(std::string_view event, std::string_view detailJson) {
  char* at = text_.extend(3 + event.size() + detailJson.size());
  *at++ = '\n';
  *at++ = static_cast<char>(EffectTag::notify);
  std::memcpy(at, event.data(), event.size());
  at += event.size();
  *at++ = ' ';
  std::memcpy(at, detailJson.data(), detailJson.size());
}

void EffectWriter::append(const TextBuffer& records, std::size_t count) {
  number(EffectTag::append, static_cast<std::int64_t>(count));
  text_ += records;
}

void EffectWriter::snapshot(std::string_view text) {
  add(EffectTag::snapshot);
  text_.push_back('\n');
  text_ += text;
}

void EffectWriter::drainInto(std::string& out) {
  out.append(text_.view().data(), text_.size());
  text_.clear();
}

namespace {

std::int64_t numberAfterTag(std::string_view line) {
  const std::string_view digits = line.substr(line.empty() ? 0 : 1);
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  std::int64_t value = 0;
  for (const char digit : digits) value = value * 10 + (digit - '0');
  return value;
}

}  // namespace

std::vector<Effect> readEffects(std::string_view text) {
  std::vector<Effect> effects;
  std::size_t at = 0;  // the '\n' before the next line
  auto nextLine = [&]() -> std::string_view {
    if (at >= text.size()) return {};
    const std::size_t start = at + 1;
    at = std::min(text.find('\n', start), text.size());
    return text.substr(start, at - start);
  };
  while (at < text.size()) {
    const std::string_view line = nextLine();
    Effect effect;
    effect.tag = line.empty() ? '\0' : line[0];
    const std::string_view payload = line.substr(line.empty() ? 0 : 1);
    switch (static_cast<EffectTag>(effect.tag)) {
      case EffectTag::send:
        effect.text = payload;
        break;
      case EffectTag::append:
        effect.number = numberAfterTag(line);
        for (std::int64_t n = effect.number; n > 0; --n) effect.records.emplace_back(nextLine());
        break;
      case EffectTag::snapshot:
        effect.text = nextLine();
        break;
      case EffectTag::wake:
      case EffectTag::unread:
        effect.number = numberAfterTag(line);
        break;
      case EffectTag::notify: {
        const std::size_t space = std::min(payload.find(' '), payload.size());
        effect.event = payload.substr(0, space);
        effect.text = payload.substr(std::min(space + 1, payload.size()));
        break;
      }
      default:
        effect.text = line;
        break;
    }
    effects.push_back(std::move(effect));
  }
  return effects;
}

}  // namespace kefu::session
