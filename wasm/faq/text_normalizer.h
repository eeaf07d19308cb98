#pragma once
// Folds the many ways visitors write the same question into one form before anything
// is tokenized, for KB text and queries alike:
//   - full-width ASCII (ＡＢＣ１２３) → ASCII; ideographic space → space
//   - case folding (Latin, Greek, Cyrillic) and Latin diacritics (é → e)
//   - traditional → simplified Chinese, character by character (OpenCC's table, BMP)
//   - apostrophes inside words dropped (can't → cant), so both spellings meet
//   - punctuation, symbols, emoji and control characters → a separator
//   - a letter/digit boundary is a separator too (iphone12 → iphone 12)
// The result holds only word characters and single spaces, with no space at either end.
#include <string>
#include <string_view>

namespace kefu {

bool isCjkIdeograph(char32_t codePoint);
// A letter or digit that belongs to a space-separated word (not CJK).
bool isWordCharacter(char32_t codePoint);

std::u32string normalizeText(std::string_view utf8Text);

}  // namespace kefu
