#include "base/flat_json.h"

#include "base/utf8.h"

namespace kefu {

namespace {

constexpr std::uint64_t kMaxSafeInteger = 9007199254740991ull;

class Reader {
 public:
  Reader(std::string_view text, std::string& decoded) : text_(text), decoded_(decoded) {}

  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' || text_[pos_] == '\t')) ++pos_;
  }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool atEnd() const { return pos_ == text_.size(); }

  bool string(std::string_view& out) {
    if (!take('"')) return false;
    const std::size_t start = pos_;
    std::size_t decodedStart = std::string::npos;  // set once the string has an escape
    while (pos_ < text_.size()) {
      const auto byte = static_cast<unsigned char>(text_[pos_]);
      if (byte == '"') {
        if (decodedStart == std::string::npos) {
          out = text_.substr(start, pos_ - start);
        } else {
          out = std::string_view(decoded_).substr(decodedStart);
        }
        ++pos_;
        return true;
      }
      if (byte < 0x20) return false;
      if (byte == '\\') {
        if (decodedStart == std::string::npos) {
          decodedStart = decoded_.size();
          decoded_.append(text_.data() + start, pos_ - start);
        }
        if (!escape()) return false;
        continue;
      }
      std::size_t next = pos_;
      if (byte >= 0x80) {
        utf8::decodeAt(text_, next);
        if (next == pos_ + 1) return false;  // malformed: the general parser says why
      } else {
        next = pos_ + 1;
      }
      if (decodedStart != std::string::npos) decoded_.append(text_.data() + pos_, next - pos_);
      pos_ = next;
    }
    return false;
  }

  bool value(FlatObject::Value& out) {
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '"') {
      out.kind = FlatObject::Kind::string;
      return string(out.text);
    }
    if (c >= '0' && c <= '9') return number(out);
    if (literal("true")) {
      out.kind = FlatObject::Kind::boolean;
      out.boolean = true;
      return true;
    }
    if (literal("false")) {
      out.kind = FlatObject::Kind::boolean;
      out.boolean = false;
      return true;
    }
    if (literal("null")) {
      out.kind = FlatObject::Kind::null;
      return true;
    }
    return false;  // nested, negative, or not JSON
  }

 private:
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool number(FlatObject::Value& out) {
    const std::size_t start = pos_;
    std::uint64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ - start >= 16) return false;  // beyond 2^53 anyway
      value = value * 10 + static_cast<std::uint64_t>(text_[pos_] - '0');
      ++pos_;
    }
    if (pos_ - start > 1 && text_[start] == '0') return false;  // leading zero: not JSON
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) return false;
    if (value > kMaxSafeInteger) return false;
    out.kind = FlatObject::Kind::number;
    out.number = value;
    return true;
  }

  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool escape() {
    if (pos_ + 1 >= text_.size()) return false;
    const char c = text_[pos_ + 1];
    pos_ += 2;
    switch (c) {
      case '"': decoded_.push_back('"'); return true;
      case '\\': decoded_.push_back('\\'); return true;
      case '/': decoded_.push_back('/'); return true;
      case 'b': decoded_.push_back('\b'); return true;
      case 'f': decoded_.push_back('\f'); return true;
      case 'n': decoded_.push_back('\n'); return true;
      case 'r': decoded_.push_back('\r'); return true;
      case 't': decoded_.push_back('\t'); return true;
      case 'u': {
        if (pos_ + 4 > text_.size()) return false;
        char32_t codePoint = 0;
        for (int i = 0; i < 4; ++i) {
          const int digit = hexDigit(text_[pos_ + i]);
          if (digit < 0) return false;
          codePoint = (codePoint << 4) | static_cast<char32_t>(digit);
        }
        // Surrogate pairs are rare in frames; the general parser decodes them.
        if (codePoint >= 0xD800 && codePoint <= 0xDFFF) return false;
        pos_ += 4;
        utf8::append(decoded_, codePoint);
        return true;
      }
      default: return false;
    }
  }

  std::string_view text_;
  std::string& decoded_;
  std::size_t pos_ = 0;
};

}  // namespace

bool FlatObject::parse(std::string_view json) {
  fields_.clear();
  decoded_.clear();
  // Decoded text is never longer than its escaped form, so this one reservation keeps
  // every view into decoded_ valid.
  if (json.find('\\') != std::string_view::npos) decoded_.reserve(json.size());
  Reader reader(json, decoded_);
  reader.skipSpace();
  if (!reader.take('{')) return false;
  reader.skipSpace();
  if (!reader.take('}')) {
    do {
      reader.skipSpace();
      std::pair<std::string_view, Value> field;
      if (!reader.string(field.first)) return false;
      reader.skipSpace();
      if (!reader.take(':')) return false;
      reader.skipSpace();
      if (!reader.value(field.second)) return false;
      for (const auto& earlier : fields_) {
        if (earlier.first == field.first) return false;  // which one wins is the general parser's call
      }
      fields_.push_back(field);
      reader.skipSpace();
    } while (reader.take(','));
    if (!reader.take('}')) return false;
  }
  reader.skipSpace();
  return reader.atEnd();
}

const FlatObject::Value* FlatObject::find(std::string_view key) const {
  for (const auto& field : fields_) {
    if (field.first == key) return &field.second;
  }
  return nullptr;
}

const std::string_view* FlatObject::string(std::string_view key) const {
  const Value* value = find(key);
  return value != nullptr && value->kind == Kind::string ? &value->text : nullptr;
}

std::int64_t FlatObject::number(std::string_view key, std::int64_t fallback) const {
  const Value* value = find(key);
  return value != nullptr && value->kind == Kind::number ? static_cast<std::int64_t>(value->number) : fallback;
}

}  // namespace kefu
