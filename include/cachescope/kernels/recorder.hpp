#pragma once
// How a kernel computes for real while every element load and store is recorded.
//
//   Recorder rec(sink);                                   // hands blocks of accesses to `sink`
//   Layout layout(options);                               // places tensors at deterministic addresses
//   Tensor<float> A = layout.tensor<float>(meta, "A", {n, n});
//   const std::uint16_t loadA = meta.addSite("load A[i][k]", A.region(), AccessKind::Read);
//   ...
//   float a = A.load(rec, loadA, i, k);                  // records R at &A[i][k], returns the value
//   C.store(rec, storeC, i, j, c + a * b);               // records W at &C[i][j], writes the value
//   rec.flush();                                          // at the end
//
// Addresses: tensors are laid out one after another from `base`, each starting at a multiple of
// `align` (a page by default, so tensors sit on distinct pages), the innermost dimension of each
// padded by `pad` elements (a classic fix for conflict misses). Element (i, j, ...) of a tensor is
// at base + elementSize * (i*stride0 + j*stride1 + ...). Tensor data live in ordinary host memory;
// only the recorded addresses are simulated ones.
//
// Instruction fetches (optional): every site has a 16-byte slot in a "code" region; with
// `fetches` on, each recorded access is preceded by a 4-byte fetch from its site's slot. The
// fetches carry their own site (`fetchSite`, "fetch code", in the code region), so attribution
// charges them to the code, not to the tensor the statement touches.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "cachescope/core/access.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

/// Receives recorded accesses in program order, in blocks.
class AccessSink {
public:
    virtual ~AccessSink() = default;
    virtual void consume(std::span<const Access> block) = 0;
};

class Recorder {
public:
    static constexpr std::size_t kBlock = 8192;
    /// Code addresses: site s is fetched at codeBase + 16 * s.
    explicit Recorder(AccessSink& sink, bool fetches = false, std::uint64_t codeBase = 0, std::uint16_t fetchSite = 0)
        : sink_(&sink), fetches_(fetches), codeBase_(codeBase), fetchSite_(fetchSite) {
        buffer_.resize(kBlock);
    }
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    void record(std::uint64_t address, std::uint32_t size, AccessKind kind, std::uint16_t site) {
        if (fetches_) push(Access{codeBase_ + 16 * std::uint64_t{site}, 4, AccessKind::Fetch, fetchSite_});
        push(Access{address, size, kind, site});
    }
    /// Hands everything recorded so far to the sink.
    void flush() {
        if (used_ > 0) sink_->consume(std::span<const Access>(buffer_.data(), used_));
        recorded_ += used_;
        used_ = 0;
    }
    /// Accesses recorded so far (fetches included).
    std::uint64_t recorded() const { return recorded_ + used_; }

private:
    void push(const Access& a) {
        buffer_[used_++] = a;
        if (used_ == kBlock) flush();
    }
    AccessSink* sink_;
    bool fetches_;
    std::uint64_t codeBase_;
    std::uint16_t fetchSite_;
    std::vector<Access> buffer_;
    std::size_t used_ = 0;
    std::uint64_t recorded_ = 0;
};

/// A tensor: real values in host memory plus where each element sits in the simulated space.
template <class T>
class Tensor {
public:
    Tensor() = default;
    Tensor(std::int32_t region, std::uint64_t base, std::vector<std::uint64_t> shape, std::vector<std::uint64_t> strides)
        : region_(region), base_(base), shape_(std::move(shape)), strides_(std::move(strides)) {
        std::uint64_t span = 1;  // elements up to and including the last one
        for (std::size_t d = 0; d < shape_.size(); ++d) span += (shape_[d] - 1) * strides_[d];
        data_.assign(shape_.empty() ? 1 : span, T{});
    }

    std::int32_t region() const { return region_; }
    const std::vector<std::uint64_t>& shape() const { return shape_; }
    std::uint64_t dim(std::size_t d) const { return shape_[d]; }

    template <class... I>
    std::uint64_t offset(I... index) const {
        assert(sizeof...(I) == shape_.size());
        std::uint64_t off = 0;
        std::size_t d = 0;
        ((off += static_cast<std::uint64_t>(index) * strides_[d++]), ...);
        return off;
    }
    template <class... I>
    std::uint64_t address(I... index) const {
        return base_ + sizeof(T) * offset(index...);
    }
    /// Unrecorded access, for initialising inputs and checking results.
    template <class... I>
    T& at(I... index) {
        return data_[offset(index...)];
    }
    template <class... I>
    const T& at(I... index) const {
        return data_[offset(index...)];
    }
    /// Recorded load.
    template <class... I>
    T load(Recorder& rec, std::uint16_t site, I... index) const {
        const std::uint64_t off = offset(index...);
        rec.record(base_ + sizeof(T) * off, sizeof(T), AccessKind::Read, site);
        return data_[off];
    }
    /// Recorded store.
    template <class... I>
    void store(Recorder& rec, std::uint16_t site, T value, I... index) {
        const std::uint64_t off = offset(index...);
        rec.record(base_ + sizeof(T) * off, sizeof(T), AccessKind::Write, site);
        data_[off] = value;
    }

private:
    std::int32_t region_ = -1;
    std::uint64_t base_ = 0;
    std::vector<std::uint64_t> shape_, strides_;
    std::vector<T> data_;
};

/// Places one tensor: its offset from Layout::Options::base for `bytes` bytes aligned to `align`.
using TensorPlacer = std::function<std::uint64_t(std::uint64_t bytes, std::uint64_t align)>;

/// Places tensors at deterministic addresses and describes them in the trace metadata.
class Layout {
public:
    struct Options {
        std::uint64_t base = 0x10000000;  // first tensor
        std::uint64_t align = 4096;       // every tensor starts at a multiple (a power of two)
        std::uint64_t pad = 0;            // elements added to each tensor's innermost dimension
        /// Host bytes all tensors together may take (their values live in this process's memory);
        /// tensor() throws UsageError past it, before allocating. 0 = defaultMemoryBudget().
        std::uint64_t memoryBudget = 0;
        /// When set, places each tensor: returns its offset from `base` for `bytes` bytes aligned to
        /// `align` (a simulated allocator's address, `run --placement`); when empty, each tensor
        /// starts at the first multiple of `align` after the previous one.
        TensorPlacer place;
    };
    explicit Layout(Options options);

    /// Adds region `name` (shape outermost first, row-major with the innermost dimension padded)
    /// to `meta` and returns the tensor. `layoutName` describes the dimension order ("NCHW", ...).
    template <class T>
    Tensor<T> tensor(TraceMetadata& meta, std::string name, std::vector<std::uint64_t> shape,
                     std::string layoutName = "row-major") {
        std::vector<std::uint64_t> strides(shape.size(), 1);
        std::uint64_t pitch = 1;
        for (std::size_t d = shape.size(); d-- > 0;) {
            strides[d] = pitch;
            const std::uint64_t extent = shape[d] + (d + 1 == shape.size() ? options_.pad : 0);
            pitch = extent != 0 && pitch > ~std::uint64_t{0} / extent ? ~std::uint64_t{0} : pitch * extent;  // saturates
        }
        const std::uint64_t size = reserve(name, shape, pitch, sizeof(T));
        const std::uint64_t base = options_.place ? options_.base + options_.place(size, options_.align) : alignUp(next_);
        meta.regions.push_back(Region{std::move(name), base, size, sizeof(T), shape, std::move(layoutName), strides});
        next_ = std::max(next_, base + size);
        return Tensor<T>(static_cast<std::int32_t>(meta.regions.size() - 1), base, std::move(shape), std::move(strides));
    }
    /// Adds a "code" region with a 16-byte slot per site (call after every site is added) and
    /// returns its base, for Recorder's fetches.
    std::uint64_t code(TraceMetadata& meta) {
        const std::uint64_t base = alignUp(next_);
        const std::uint64_t size = 16 * (meta.sites.size() + 1);  // + the fetch site
        meta.regions.push_back(Region{"code", base, size, 4, {}, "code", {}});
        next_ = base + size;
        return base;
    }

    /// Host bytes of the tensors made so far.
    std::uint64_t bytes() const { return bytes_; }

private:
    std::uint64_t alignUp(std::uint64_t a) const { return (a + options_.align - 1) & ~(options_.align - 1); }
    /// pitch * elementSize, added to bytes(); throws UsageError (naming the tensor, its shape and
    /// the total) when that overflows or passes the budget.
    std::uint64_t reserve(const std::string& name, const std::vector<std::uint64_t>& shape, std::uint64_t pitch,
                          std::uint64_t elementSize);
    Options options_;
    std::uint64_t next_;
    std::uint64_t bytes_ = 0;
};

}  // namespace cachescope
