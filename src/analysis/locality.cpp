// The locality picture: footprint scan, serving levels from hierarchy events, the grid.

#include "cachescope/analysis/locality.hpp"

#include <algorithm>
#include <array>

namespace cachescope {

namespace {

constexpr std::size_t kMaxChunks = std::size_t{1} << 15;
__extension__ using U128 = unsigned __int128;  // offset * rows of a band up to 2^64 bytes
/// The finest address slice a row stands for: a cache line of the usual size.
constexpr std::uint64_t kRowBytes = 64;

void sortUnique(std::vector<std::uint64_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

/// Gives each band its rows: at least min(8, rows / bands), the rest in proportion to its size
/// (largest remainders first, ties to the lower address).
void assignRows(std::vector<plot::AddressBand>& bands, std::uint32_t rows) {
    if (bands.empty()) return;
    const auto n = static_cast<std::uint32_t>(bands.size());
    const std::uint32_t minimum = std::max<std::uint32_t>(1, std::min<std::uint32_t>(8, rows / n));
    const std::uint32_t spare = rows > minimum * n ? rows - minimum * n : 0;
    long double total = 0;
    for (const plot::AddressBand& b : bands) total += static_cast<long double>(b.end - b.begin);
    std::vector<std::pair<long double, std::size_t>> remainders;
    std::uint32_t given = 0;
    for (std::size_t i = 0; i < bands.size(); ++i) {
        const long double share =
            total > 0 ? spare * static_cast<long double>(bands[i].end - bands[i].begin) / total : 0;
        const auto whole = static_cast<std::uint32_t>(share);
        bands[i].rows = minimum + whole;
        given += whole;
        remainders.emplace_back(share - whole, i);
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t k = 0; given < spare && k < remainders.size(); ++k, ++given) ++bands[remainders[k].second].rows;
    std::uint32_t row = 0;
    for (plot::AddressBand& b : bands) {
        const std::uint64_t lines = (b.end - b.begin) / kRowBytes + ((b.end - b.begin) % kRowBytes != 0);
        b.rows = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(b.rows, lines)));
        b.firstRow = row;
        row += b.rows;
    }
}

}  // namespace

// ---- FootprintScanner -------------------------------------------------------------------------

FootprintScanner::FootprintScanner(const TraceMetadata* metadata, LocalityOptions options)
    : FootprintScanner(std::vector<const TraceMetadata*>{metadata}, options) {}

FootprintScanner::FootprintScanner(const std::vector<const TraceMetadata*>& metadata, LocalityOptions options)
    : options_(options) {
    for (std::size_t p = 0; p < metadata.size(); ++p)
        if (metadata[p] != nullptr)
            for (Region r : metadata[p]->regions)
                if (r.size > 0) {
                    r.base ^= std::uint64_t{p} << 56;  // plotAddress
                    regions_.push_back(r);
                }
    std::stable_sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) { return a.base < b.base; });
    touched_.assign(regions_.size(), false);
}

void FootprintScanner::add(std::span<const Access> block) {
    for (const Access& a : block) {
        processesSeen_ |= std::uint32_t{1} << std::min<std::uint32_t>(a.process, 31);
        const std::uint64_t address = plotAddress(a);
        const std::uint64_t last = address + (a.size - 1);
        if (!regions_.empty()) {
            const Region& memo = regions_[lastRegion_];
            if (memo.contains(address) && memo.contains(last)) {
                touched_[lastRegion_] = true;
                continue;
            }
            // The region holding the first byte, by binary search on the bases.
            auto it = std::upper_bound(regions_.begin(), regions_.end(), address,
                                       [](std::uint64_t x, const Region& r) { return x < r.base; });
            if (it != regions_.begin() && std::prev(it)->contains(address)) {
                lastRegion_ = static_cast<std::size_t>(std::prev(it) - regions_.begin());
                touched_[lastRegion_] = true;
                if (regions_[lastRegion_].contains(last)) continue;
            }
        }
        addOutside(address, last);
    }
}

void FootprintScanner::addOutside(std::uint64_t first, std::uint64_t last) {
    lowestOutside_ = std::min(lowestOutside_, first);
    highestOutside_ = std::max(highestOutside_, last);
    for (std::uint64_t chunk = first >> chunkBits_; chunk <= (last >> chunkBits_); ++chunk) {
        if (chunk == lastChunk_) continue;
        lastChunk_ = chunk;
        chunks_.push_back(chunk);
        if (chunks_.size() >= 2 * kMaxChunks) {
            sortUnique(chunks_);
            while (chunks_.size() > kMaxChunks) {  // coarser chunks, same ranges
                ++chunkBits_;
                for (std::uint64_t& c : chunks_) c >>= 1;
                sortUnique(chunks_);
            }
            lastChunk_ = ~std::uint64_t{0};
            return addOutside(first, last);  // the rest at the new granularity (duplicates are harmless)
        }
    }
}

std::vector<plot::AddressBand> FootprintScanner::bands() const {
    std::vector<plot::AddressBand> named;
    for (std::size_t i = 0; i < regions_.size(); ++i)
        if (touched_[i])
            named.push_back({regions_[i].name, regions_[i].base, regions_[i].base + regions_[i].size, 0, 0});

    // Unnamed: runs of consecutive chunks, minus the named regions.
    std::vector<std::uint64_t> chunks = chunks_;
    sortUnique(chunks);
    std::vector<plot::AddressBand> unnamed;
    for (std::size_t i = 0; i < chunks.size();) {
        std::size_t j = i + 1;
        while (j < chunks.size() && chunks[j] == chunks[j - 1] + 1) ++j;
        const std::uint64_t begin = chunks[i] << chunkBits_;
        std::uint64_t end = (chunks[j - 1] + 1) << chunkBits_;
        if (end == 0) end = ~std::uint64_t{0};  // the range reaches the top of the address space
        std::uint64_t from = begin;
        for (const plot::AddressBand& r : named) {
            if (r.end <= from || r.begin >= end) continue;
            if (r.begin > from) unnamed.push_back({"", from, r.begin, 0, 0});
            from = r.end;
        }
        if (from < end) unnamed.push_back({"", from, end, 0, 0});
        i = j;
    }
    // Too many unnamed ranges: close the smallest gaps between neighbours (named regions stay apart).
    while (unnamed.size() > std::max<std::uint32_t>(1, options_.maxUnnamedBands)) {
        std::size_t best = 0;
        std::uint64_t bestGap = ~std::uint64_t{0};
        for (std::size_t i = 0; i + 1 < unnamed.size(); ++i) {
            const bool namedBetween = std::any_of(named.begin(), named.end(), [&](const plot::AddressBand& r) {
                return r.begin >= unnamed[i].end && r.end <= unnamed[i + 1].begin;
            });
            const std::uint64_t gap = unnamed[i + 1].begin - unnamed[i].end;
            if (!namedBetween && gap < bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        if (bestGap == ~std::uint64_t{0}) break;
        unnamed[best].end = unnamed[best + 1].end;
        unnamed.erase(unnamed.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
    // The outer unnamed ends shrink to the lines actually touched (chunks are 4 KiB or coarser).
    if (!unnamed.empty()) {
        const std::uint64_t low = lowestOutside_ / kRowBytes * kRowBytes;
        const std::uint64_t high = highestOutside_ / kRowBytes * kRowBytes;
        unnamed.front().begin = std::max(unnamed.front().begin, low);
        if (high <= ~std::uint64_t{0} - kRowBytes) unnamed.back().end = std::min(unnamed.back().end, high + kRowBytes);
    }
    std::vector<plot::AddressBand> all = named;
    all.insert(all.end(), unnamed.begin(), unnamed.end());
    if ((processesSeen_ & (processesSeen_ - 1)) != 0)  // more than one process
        for (plot::AddressBand& b : all) {
            const std::string process = "p" + std::to_string(b.begin >> 56);
            b.labelMask = b.begin >> 56 << 56;  // the axis prints the process's own addresses
            b.name = b.name.empty() ? process : process + " " + b.name;
        }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
    assignRows(all, options_.rows);
    return all;
}

std::vector<plot::AddressBand> scanBands(TraceReader& trace, LocalityOptions options) {
    std::array<Access, 4096> block;
    std::size_t n = trace.read(block);
    std::vector<const TraceMetadata*> metadata;  // known once reading started
    for (std::uint32_t p = 0; p < trace.describedProcesses(); ++p) metadata.push_back(trace.processMetadata(p));
    FootprintScanner scanner(metadata, options);
    for (; n > 0; n = trace.read(block)) scanner.add(std::span<const Access>(block.data(), n));
    return scanner.bands();
}

// ---- LocalityObserver -------------------------------------------------------------------------

LocalityObserver::LocalityObserver(const Hierarchy& hierarchy, std::vector<plot::AddressBand> bands,
                                   LocalityOptions options)
    : hierarchy_(&hierarchy), options_(options), bands_(std::move(bands)) {
    options_.columns = std::max<std::uint32_t>(options_.columns, 2);
    options_.rows = std::max<std::uint32_t>(options_.rows, 1);
    std::uint32_t deepest = 0;
    for (std::uint32_t c = 0; c < hierarchy.caches().size(); ++c) deepest = std::max(deepest, hierarchy.level(c));
    memoryTier_ = deepest;  // levels 1..deepest are tiers 0..deepest-1
    byTier_.assign(memoryTier_ + 1, 0);
    std::sort(bands_.begin(), bands_.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
    std::uint32_t rows = 0;
    for (plot::AddressBand& b : bands_) {
        b.rows = std::max<std::uint32_t>(b.rows, 1);
        rows = std::max(rows, b.firstRow + b.rows);
    }
    options_.rows = std::max<std::uint32_t>(rows, 1);
    counts_.assign(std::size_t{options_.columns} * options_.rows * tiers(), 0);
}

std::vector<std::string> LocalityObserver::tierNames() const {
    std::vector<std::string> names;
    for (std::uint32_t t = 0; t < memoryTier_; ++t) names.push_back("L" + std::to_string(t + 1));
    names.push_back("memory");
    return names;
}

void LocalityObserver::onTraceBlock(std::span<const Access> block) {
    for (const Access& a : block) pending_.push_back({plotAddress(a), a.size, 0});
}

void LocalityObserver::onReference(const Access& a) {
    piece_ = a;
    first_ = a.kind == AccessKind::Fetch ? hierarchy_->firstInstructionCache() : hierarchy_->firstDataCache();
    events_.clear();
    pieceTier_ = 0;
    if (first_ == Hierarchy::kMemory) {  // no cache on this side: memory serves it
        open_ = false;
        pieceDone(memoryTier_);
        return;
    }
    const AddressLayout& layout = hierarchy_->caches()[first_].layout();
    lastLine_ = layout.line(a.address + (a.size - 1));
    open_ = true;
}

void LocalityObserver::onCacheAccess(const CacheEvent& e) {
    if (!open_) return;  // page-walk reads and anything else between references
    const bool ownPiece = e.cache == first_ && e.kind == piece_.kind && e.address >= piece_.address &&
                          e.address - piece_.address < piece_.size;
    if (!ownPiece) {
        events_.push_back({e.cache, e.kind, e.address, e.size, e.hit});
        return;
    }
    // Events come after everything they caused, so the chain below this line piece is in events_.
    const std::uint32_t tier = e.hit ? hierarchy_->level(first_) - 1 : chainTier(first_, e.kind, e.address);
    pieceTier_ = std::max(pieceTier_, tier);
    events_.clear();
    if (e.line == lastLine_) {
        open_ = false;
        pieceDone(pieceTier_);
    }
}

void LocalityObserver::onMemoryAccess(const MemoryEvent& e) {
    if (open_) events_.push_back({Hierarchy::kMemory, e.kind, e.address, e.size, false});
}

std::uint32_t LocalityObserver::chainTier(std::uint32_t first, AccessKind kind, std::uint64_t address) const {
    // The request a miss at cache c sends on: a no-write-allocate write goes on as the write;
    // anything else fetches the line (a fetch for instructions, else a read). An exclusive cache's
    // read miss goes on as the same read. A whole-line write allocates without going below.
    auto onward = [&](std::uint32_t c, AccessKind k) {
        if (k == AccessKind::Write && !hierarchy_->caches()[c].config().writeAllocate) return AccessKind::Write;
        return k == AccessKind::Fetch ? AccessKind::Fetch : AccessKind::Read;
    };
    std::uint32_t c = first;
    AccessKind k = kind;
    for (std::size_t hops = 0; hops <= hierarchy_->caches().size(); ++hops) {
        const std::uint32_t next = hierarchy_->next(c);
        const AccessKind nk = onward(c, k);
        const Event* found = nullptr;
        for (const Event& ev : events_)
            if (ev.cache == next && ev.kind == nk && address >= ev.address && address - ev.address < ev.size) {
                found = &ev;
                break;
            }
        if (next == Hierarchy::kMemory) return found != nullptr ? memoryTier_ : hierarchy_->level(c) - 1;
        if (found == nullptr) return hierarchy_->level(c) - 1;  // nothing went below: served here
        if (found->hit) return hierarchy_->level(next) - 1;
        c = next;
        k = nk;
    }
    return memoryTier_;
}

void LocalityObserver::pieceDone(std::uint32_t tier) {
    if (pending_.empty()) {  // not announced by onTraceBlock: the reference is the piece
        draw(plotAddress(piece_), tier);
        return;
    }
    Pending& p = pending_.front();
    p.tier = std::max(p.tier, tier);
    p.remaining -= std::min<std::uint64_t>(p.remaining, piece_.size);
    if (p.remaining == 0) {
        draw(p.address, p.tier);
        pending_.pop_front();
    }
}

void LocalityObserver::halveTime() {
    // Two neighbouring columns become one (their counts add up); references per column double.
    const std::uint32_t columns = options_.columns;
    const std::size_t t = tiers();
    auto add = [](std::uint32_t a, std::uint32_t b) { return a > ~std::uint32_t{0} - b ? ~std::uint32_t{0} : a + b; };
    for (std::uint32_t r = 0; r < options_.rows; ++r) {
        std::uint32_t* row = &counts_[std::size_t{r} * columns * t];
        for (std::uint32_t c = 0; c < columns / 2; ++c)
            for (std::size_t k = 0; k < t; ++k) row[c * t + k] = add(row[2 * c * t + k], row[(2 * c + 1) * t + k]);
        if (columns % 2 != 0)
            for (std::size_t k = 0; k < t; ++k) row[(columns / 2) * t + k] = row[(columns - 1) * t + k];
        std::fill(row + ((columns + 1) / 2) * t, row + columns * t, std::uint32_t{0});
    }
    perColumn_ *= 2;
}

void LocalityObserver::draw(std::uint64_t address, std::uint32_t tier) {
    const std::uint64_t index = references_++;
    ++byTier_[tier];
    lastTier_ = tier;
    while (index / perColumn_ >= options_.columns) halveTime();
    const auto column = static_cast<std::uint32_t>(index / perColumn_);

    if (bands_.empty()) {
        ++outside_;
        return;
    }
    std::size_t b = lastBand_;
    if (!(address >= bands_[b].begin && address < bands_[b].end)) {
        auto it = std::upper_bound(bands_.begin(), bands_.end(), address,
                                   [](std::uint64_t x, const plot::AddressBand& band) { return x < band.begin; });
        if (it == bands_.begin() || address >= std::prev(it)->end) {
            ++outside_;
            return;
        }
        b = static_cast<std::size_t>(std::prev(it) - bands_.begin());
        lastBand_ = b;
    }
    const plot::AddressBand& band = bands_[b];
    // Row = floor(offset * rows / size): the same proportion the address axis uses, so the line at
    // a tick sits on the tick and the last row is used (not ceil(size / rows) bytes per row).
    const auto offset = static_cast<U128>(address - band.begin);
    const auto inBand = static_cast<std::uint32_t>(
        std::min<U128>(offset * band.rows / (band.end - band.begin), band.rows - 1));
    std::uint32_t& count =
        counts_[(std::size_t{band.firstRow + inBand} * options_.columns + column) * tiers() + tier];
    if (count != ~std::uint32_t{0}) ++count;
}

plot::LocalityPicture LocalityObserver::picture(const std::string& title) const {
    plot::LocalityPicture p;
    p.title = title;
    // Only the columns in use (between half and all of them once the time axis has doubled).
    const std::uint64_t used = references_ == 0 ? 1 : (references_ + perColumn_ - 1) / perColumn_;
    p.columns = static_cast<std::uint32_t>(std::min<std::uint64_t>(used, options_.columns));
    p.rows = options_.rows;
    p.cells.resize(std::size_t{p.columns} * p.rows);
    const std::size_t t = tiers();
    for (std::uint32_t r = 0; r < p.rows; ++r)
        for (std::uint32_t c = 0; c < p.columns; ++c) {
            const std::uint32_t* n = &counts_[(std::size_t{r} * options_.columns + c) * t];
            std::uint8_t best = 0;  // 0 = no reference
            std::uint32_t most = 0;
            for (std::size_t k = 0; k < t; ++k)
                if (n[k] != 0 && n[k] >= most) {  // >=: ties go to the deeper tier
                    most = n[k];
                    best = static_cast<std::uint8_t>(k + 1);
                }
            p.cells[std::size_t{r} * p.columns + c] = best;
        }
    p.referencesPerColumn = perColumn_;
    p.references = references_;
    p.tierNames = tierNames();
    p.tierReferences = byTier_;
    p.bands = bands_;
    return p;
}

}  // namespace cachescope
