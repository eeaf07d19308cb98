#pragma once
#include <fstream>
#include <sstream>
#include <string>

// Reads a file under the repository root; the suite runs natively and, through
// NODERAWFS, as wasm under Node, so both see the same fixtures.
inline std::string readRepoFile(const std::string& relativePath) {
  std::ifstream in(std::string(KEFU_SOURCE_DIR) + "/" + relativePath, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
