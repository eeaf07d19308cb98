#include "faq/text_normalizer.h"

#include "base/utf8.h"
#include "faq/t2s_table.h"

namespace kefu {

namespace {

// Base letters for U+00C0..U+00FF and U+0100..U+017F; '*' marks a non-letter (× ÷).
constexpr std::string_view kLatin1Base = "aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty";
constexpr std::string_view kLatinExtendedABase =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssss"
    "ttttttuuuuuuuuuuuuwwyyyzzzzzzs";
static_assert(kLatin1Base.size() == 64 && kLatinExtendedABase.size() == 128, "one base letter per code point");

constexpr char32_t kSeparator = U' ';

bool isApostrophe(char32_t cp) { return cp == U'\'' || cp == 0x2019; }

// One code point in, one out; kSeparator for anything that is not part of a word.
char32_t foldCodePoint(char32_t cp) {
  if (cp == 0x3000) return kSeparator;
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return cp + 32;
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) return cp;
    return kSeparator;
  }
  if (cp >= 0xC0 && cp <= 0xFF) {
    const char base = kLatin1Base[cp - 0xC0];
    return base == '*' ? kSeparator : static_cast<char32_t>(base);
  }
  if (cp >= 0x100 && cp <= 0x17F) return static_cast<char32_t>(kLatinExtendedABase[cp - 0x100]);
  if (cp >= 0x391 && cp <= 0x3A9) return cp + 0x20;  // Greek capitals
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;  // Cyrillic capitals
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  if (isCjkIdeograph(cp)) return t2s::toSimplified(cp);
  return isWordCharacter(cp) ? cp : kSeparator;
}

bool isDigit(char32_t cp) { return cp >= '0' && cp <= '9'; }

}  // namespace

bool isCjkIdeograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF) || cp == 0x3007;
}

bool isWordCharacter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || isDigit(cp);
  if (cp >= 0xC0 && cp <= 0x24F) return cp != 0xD7 && cp != 0xF7;  // Latin letters
  if (cp >= 0x370 && cp <= 0x52F) return cp != 0x37E && cp != 0x387;  // Greek, Cyrillic
  if (cp >= 0x3040 && cp <= 0x30FF) return cp != 0x30FB;                // kana
  if (cp >= 0xAC00 && cp <= 0xD7A3) return true;                         // Hangul
  if (cp >= 0x0E00 && cp <= 0x0E7F) return true;                         // Thai
  if (cp >= 0x0600 && cp <= 0x06FF) return cp < 0x060C || cp > 0x061F;   // Arabic letters
  if (cp >= 0x0590 && cp <= 0x05FF) return cp >= 0x05D0;                 // Hebrew letters
  return false;
}

std::u32string normalizeText(std::string_view utf8Text) {
  const std::vector<char32_t> input = utf8::decode(utf8Text);
  std::u32string out;
  out.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    const char32_t raw = input[i];
    // "can't" and "cant" are the same word to a visitor; elsewhere an apostrophe separates.
    if (isApostrophe(raw) && !out.empty() && out.back() != kSeparator && i + 1 < input.size() &&
        foldCodePoint(input[i + 1]) != kSeparator && !isCjkIdeograph(input[i + 1])) {
      continue;
    }
    const char32_t folded = foldCodePoint(raw);
    if (folded == kSeparator) {
      if (!out.empty() && out.back() != kSeparator) out.push_back(kSeparator);
      continue;
    }
    if (!out.empty() && out.back() != kSeparator && !isCjkIdeograph(folded) && !isCjkIdeograph(out.back()) &&
        isDigit(folded) != isDigit(out.back())) {
      out.push_back(kSeparator);
    }
    out.push_back(folded);
  }
  if (!out.empty() && out.back() == kSeparator) out.pop_back();
  return out;
}

}  // namespace kefu
