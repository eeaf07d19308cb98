#pragma once
// CRC-32 (IEEE 802.3, the zlib/PNG one), for the binary index's checksum.
#include <cstdint>
#include <string_view>

namespace kefu {

std::uint32_t crc32(std::string_view bytes);

}  // namespace kefu
