#include "cachescope/core/address.hpp"

#include <stdexcept>
#include <string>

namespace cachescope {

AddressLayout::AddressLayout(std::uint64_t lineSize, std::uint64_t sets) {
    if (!isPowerOfTwo(lineSize))
        throw std::invalid_argument("line size must be a power of two, got " + std::to_string(lineSize));
    if (!isPowerOfTwo(sets))
        throw std::invalid_argument("set count must be a power of two, got " + std::to_string(sets));
    lineBits_ = log2Exact(lineSize);
    setBits_ = log2Exact(sets);
    setMask_ = sets - 1;
}

}  // namespace cachescope
