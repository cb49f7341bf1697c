#pragma once
// A deliberately naive model of demand paging with a page cache, written from docs/mmap.md alone
// (not from src/mmu/): frames in a plain vector searched linearly, LRU and FIFO by timestamps,
// file pages found by scanning every frame. It sees page-level events only (which virtual page is
// touched, and whether it is written, and msyncs); tests/reference/page_cache_reference_test.cpp
// compares it with the Mmu on random traces. Several processes are several ranges of its virtual
// page numbers (the test puts process p's pages at p << 40): files are shared between them by
// index, as the Mmu shares them by name.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cachescope::test {

struct RefMapping {
    std::uint64_t firstPage = 0;  // virtual page numbers [firstPage, firstPage + pages)
    std::uint64_t pages = 0;
    int file = 0;
    std::uint64_t filePage0 = 0;  // the file page firstPage shows
};

struct RefCounts {
    std::uint64_t faults = 0, minor = 0, swapIns = 0, fileMajor = 0;
    std::uint64_t readaheadRead = 0, readaheadUsed = 0, readaheadWasted = 0;
    std::uint64_t pageCacheEvictions = 0, fileWritebacks = 0, anonWrittenOut = 0, msyncWritebacks = 0;
    bool operator==(const RefCounts&) const = default;
};

class ReferencePageCache {
public:
    /// `filePages[f]` = pages of file f; `lru` false = FIFO.
    ReferencePageCache(std::uint32_t frames, bool lru, std::uint32_t readahead, std::vector<std::uint64_t> filePages,
                       std::vector<RefMapping> mappings)
        : frames_(frames), lru_(lru), readahead_(readahead), filePages_(std::move(filePages)),
          mappings_(std::move(mappings)) {}

    void touch(std::uint64_t vpage, bool write) {
        auto it = mapped_.find(vpage);
        if (it == mapped_.end()) it = mapped_.emplace(vpage, fault(vpage)).first;
        Frame& f = frame_[it->second];
        f.lastUse = ++clock_;
        f.dirty = f.dirty || write;
    }

    /// msync of virtual pages [first, first + pages): every dirty cached file page one of them
    /// shows is written back (counted once) and is clean after; nothing else changes.
    std::uint64_t msync(std::uint64_t first, std::uint64_t pages) {
        std::uint64_t n = 0;
        for (std::uint64_t v = first; v < first + pages; ++v) {
            const RefMapping* m = mappingOf(v);
            if (m == nullptr) continue;
            const std::uint64_t page = m->filePage0 + (v - m->firstPage);
            for (Frame& f : frame_)
                if (f.file == m->file && f.page == page && f.dirty) {
                    f.dirty = false;
                    ++n;
                }
        }
        counts_.msyncWritebacks += n;
        return n;
    }

    const RefCounts& counts() const { return counts_; }
    /// The frame `vpage` is mapped to now.
    std::optional<std::uint32_t> frameOf(std::uint64_t vpage) const {
        const auto it = mapped_.find(vpage);
        if (it == mapped_.end()) return std::nullopt;
        return it->second;
    }
    std::uint64_t filePagesCached() const {
        std::uint64_t n = 0;
        for (const Frame& f : frame_) n += f.file >= 0 ? 1 : 0;
        return n;
    }
    std::uint64_t dirtyFilePages() const {
        std::uint64_t n = 0;
        for (const Frame& f : frame_) n += f.file >= 0 && f.dirty ? 1 : 0;
        return n;
    }

private:
    struct Frame {
        int file = -1;  // -1: anonymous
        std::uint64_t page = 0;
        std::set<std::uint64_t> mappers;
        bool dirty = false, readaheadUnused = false;
        std::uint64_t loaded = 0, lastUse = 0;
    };

    const RefMapping* mappingOf(std::uint64_t vpage) const {
        for (const RefMapping& m : mappings_)
            if (vpage >= m.firstPage && vpage < m.firstPage + m.pages) return &m;
        return nullptr;
    }
    std::uint32_t victim() const {
        std::uint32_t best = 0;
        for (std::uint32_t i = 1; i < frame_.size(); ++i) {
            const std::uint64_t a = lru_ ? frame_[i].lastUse : frame_[i].loaded;
            const std::uint64_t b = lru_ ? frame_[best].lastUse : frame_[best].loaded;
            if (a < b) best = i;
        }
        return best;
    }
    void evict(std::uint32_t i) {
        Frame& f = frame_[i];
        if (f.file >= 0) {
            ++counts_.pageCacheEvictions;
            if (f.readaheadUnused) ++counts_.readaheadWasted;
            if (f.dirty) ++counts_.fileWritebacks;
        } else {
            if (f.dirty) ++counts_.anonWrittenOut;
            swapped_.insert(*f.mappers.begin());
        }
        for (const std::uint64_t v : f.mappers) mapped_.erase(v);
        f = Frame{};
    }
    /// A frame for a new page: the next never used, else the victim's.
    std::uint32_t take() {
        std::uint32_t i = 0;
        if (frame_.size() < frames_) {
            i = static_cast<std::uint32_t>(frame_.size());
            frame_.emplace_back();
        } else {
            i = victim();
            evict(i);
        }
        frame_[i].loaded = frame_[i].lastUse = ++clock_;
        return i;
    }
    std::uint32_t fault(std::uint64_t vpage) {
        ++counts_.faults;
        const RefMapping* m = mappingOf(vpage);
        if (m == nullptr) {
            if (swapped_.erase(vpage) != 0)
                ++counts_.swapIns;
            else
                ++counts_.minor;
            const std::uint32_t i = take();
            frame_[i].mappers.insert(vpage);
            return i;
        }
        const std::uint64_t page = m->filePage0 + (vpage - m->firstPage);
        for (std::uint32_t i = 0; i < frame_.size(); ++i)
            if (frame_[i].file == m->file && frame_[i].page == page) {
                ++counts_.minor;
                if (frame_[i].readaheadUnused) ++counts_.readaheadUsed;
                frame_[i].readaheadUnused = false;
                frame_[i].mappers.insert(vpage);
                return i;
            }
        ++counts_.fileMajor;
        const std::uint32_t demand = take();
        frame_[demand].file = m->file;
        frame_[demand].page = page;
        frame_[demand].mappers.insert(vpage);
        for (std::uint64_t p = page + 1; p <= page + readahead_ && p < filePages_[m->file]; ++p) {
            bool cached = false;
            for (const Frame& f : frame_) cached = cached || (f.file == m->file && f.page == p);
            if (cached) continue;
            if (frame_.size() == frames_ && victim() == demand) break;
            const std::uint32_t i = take();
            frame_[i].file = m->file;
            frame_[i].page = p;
            frame_[i].readaheadUnused = true;
            ++counts_.readaheadRead;
        }
        return demand;
    }

    std::uint32_t frames_;
    bool lru_;
    std::uint32_t readahead_;
    std::vector<std::uint64_t> filePages_;
    std::vector<RefMapping> mappings_;
    std::vector<Frame> frame_;
    std::map<std::uint64_t, std::uint32_t> mapped_;  // virtual page -> frame
    std::set<std::uint64_t> swapped_;                // anonymous pages evicted
    std::uint64_t clock_ = 0;
    RefCounts counts_;
};

}  // namespace cachescope::test
