#pragma once
// CRC-32 (IEEE 802.3, the zlib/PNG one), for the binary index's checksum. A file of its
// own so it keeps -O2 while the rest of the index codec is compiled for size: checking
// the checksum is most of the time a large index takes to load.
#include <cstdint>
#include <string_view>

namespace kefu {

std::uint32_t crc32(std::string_view bytes);

}  // namespace kefu
