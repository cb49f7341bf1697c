#include "cachescope/alloc/size_index.hpp"

#include <algorithm>
#include <cassert>

namespace cachescope::alloc {

unsigned SizeIndex::nextClass(unsigned c) const {
    if (c >= kClasses) return kClasses;
    unsigned w = c / 64;
    if (const std::uint64_t bits = nonEmpty_[w] & (~std::uint64_t{0} << (c % 64)); bits != 0)
        return w * 64 + static_cast<unsigned>(__builtin_ctzll(bits));
    // The summary says which words have a class set: the first one above w.
    const std::uint64_t words = summary_ & (~std::uint64_t{0} << w << 1);
    if (words == 0) return kClasses;
    w = static_cast<unsigned>(__builtin_ctzll(words));
    return w * 64 + static_cast<unsigned>(__builtin_ctzll(nonEmpty_[w]));
}

unsigned SizeIndex::prevClass(unsigned c) const {
    if (c == 0) return kClasses;
    --c;  // the highest candidate
    unsigned w = c / 64;
    if (const std::uint64_t bits = nonEmpty_[w] & (~std::uint64_t{0} >> (63 - c % 64)); bits != 0)
        return w * 64 + 63u - static_cast<unsigned>(__builtin_clzll(bits));
    const std::uint64_t words = summary_ & ((std::uint64_t{1} << w) - 1);
    if (words == 0) return kClasses;
    w = 63u - static_cast<unsigned>(__builtin_clzll(words));
    return w * 64 + 63u - static_cast<unsigned>(__builtin_clzll(nonEmpty_[w]));
}

void SizeIndex::insert(std::uint64_t size, std::uint64_t address) {
    assert(size > 0);
    const Key k{size, address};
    const unsigned c = classOf(size);
    std::vector<Key>& v = classes_[c];
    // From the back: a class holds few blocks, so shifting them one by one beats a memmove call.
    v.push_back(k);
    std::size_t i = v.size() - 1;
    for (; i > 0 && k < v[i - 1]; --i) v[i] = v[i - 1];
    assert(i == 0 || v[i - 1] < k);
    v[i] = k;
    nonEmpty_[c / 64] |= std::uint64_t{1} << (c % 64);
    summary_ |= std::uint64_t{1} << (c / 64);
    ++count_;
}

void SizeIndex::erase(std::uint64_t size, std::uint64_t address) {
    const Key k{size, address};
    const unsigned c = classOf(size);
    std::vector<Key>& v = classes_[c];
    const auto at = std::lower_bound(v.begin(), v.end(), k);
    assert(at != v.end() && !(k < *at) && "SizeIndex::erase: not there");
    for (auto next = at + 1; next != v.end(); ++next) *(next - 1) = *next;
    v.pop_back();
    if (v.empty()) {
        nonEmpty_[c / 64] &= ~(std::uint64_t{1} << (c % 64));
        if (nonEmpty_[c / 64] == 0) summary_ &= ~(std::uint64_t{1} << (c / 64));
    }
    --count_;
}

SizeIndex::Key SizeIndex::lowerBound(Key k) const {
    const unsigned c = classOf(k.size);
    const std::vector<Key>& v = classes_[c];
    if (const auto at = std::lower_bound(v.begin(), v.end(), k); at != v.end()) return *at;
    const unsigned n = nextClass(c + 1);
    return n == kClasses ? Key{} : classes_[n].front();
}

SizeIndex::Key SizeIndex::after(Key k) const {
    const unsigned c = classOf(k.size);
    const std::vector<Key>& v = classes_[c];
    if (const auto at = std::upper_bound(v.begin(), v.end(), k); at != v.end()) return *at;
    const unsigned n = nextClass(c + 1);
    return n == kClasses ? Key{} : classes_[n].front();
}

SizeIndex::Key SizeIndex::before(Key k) const {
    const unsigned c = classOf(k.size);
    const std::vector<Key>& v = classes_[c];
    if (const auto at = std::lower_bound(v.begin(), v.end(), k); at != v.begin()) return *(at - 1);
    const unsigned p = prevClass(c);
    return p == kClasses ? Key{} : classes_[p].back();
}

SizeIndex::Key SizeIndex::max() const {
    const unsigned p = prevClass(kClasses);
    return p == kClasses ? Key{} : classes_[p].back();
}

}  // namespace cachescope::alloc
