#pragma once
// The page cache: file pages held in the MMU's frames (docs/mmap.md).
//
// A trace's file-backed regions (Region::file) become FileMappings: ranges of a process's virtual
// addresses that show consecutive pages of a file. A file page is cached at most once, keyed by
// (file, page index), whichever mapping brought it in, so two mappings of one file (or a mapping
// and read()'s window on the page cache) share its frame. The frames are the MMU's own: file pages
// and anonymous pages compete under one page-replacement policy, and the MMU asks this class
// only what it needs on its fault and eviction paths (the TLB-hit path never looks here).
//
// Worked example (4 KiB pages): regions "a" at 0x10000000 and "b" at 0x20000000 both map file
// "data" from offset 0. A read of 0x10001008 faults: file page 1 is not cached, a major fault
// reads it into a frame (and readahead pages 2, 3, ... with mmu.readahead); a later read of
// 0x20001000 faults too (b's page is not mapped yet) but finds file page 1 cached: a minor fault
// maps b's page to the same frame. Evicting that frame unmaps both pages.
//
// A value like the Mmu that owns it: copying it is part of a snapshot; the state is per cached
// page (a slot of the page replacer), never per configured frame.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cachescope/mmu/flat_map.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

/// A file whose pages can be cached.
struct MappedFile {
    std::string name;
    std::uint64_t size = 0;   // bytes
    std::uint64_t pages = 0;  // ceil(size / page size): readahead stops at the last
    friend bool operator==(const MappedFile&, const MappedFile&) = default;
};

/// A file-backed range of one process's virtual addresses.
struct FileMapping {
    std::uint8_t process = 0;   // the address space (docs/mmu.md, "Processes")
    std::uint64_t base = 0;     // first virtual byte: a multiple of the page size
    std::uint64_t size = 0;     // bytes
    std::uint32_t file = 0;     // index into PageCache::files()
    std::uint64_t offset = 0;   // file offset of `base`: a multiple of the page size
    bool copyWindow = false;    // file_access "read": read()'s window; its reads are bytes copied
    std::string region;         // the region's name, for messages
    friend bool operator==(const FileMapping&, const FileMapping&) = default;
};

/// A virtual page mapped to a cached file page: the MMU's page key in a process.
struct PageMapper {
    std::uint8_t process = 0;
    std::uint64_t key = 0;
    friend bool operator==(const PageMapper&, const PageMapper&) = default;
};

class PageCache {
public:
    /// One cached file page, by the page replacer's slot of its frame.
    struct Entry {
        std::uint32_t file = kNone;   // kNone: the slot holds no file page (anonymous, or empty)
        std::uint64_t page = 0;       // page index in the file
        std::uint32_t frame = 0;
        bool readaheadUnused = false; // read ahead and not yet mapped by any page
        std::vector<PageMapper> mappers;  // the virtual pages that map it (none for a page read ahead)
        friend bool operator==(const Entry&, const Entry&) = default;
    };
    static constexpr std::uint32_t kNone = ~std::uint32_t{0};

    PageCache() = default;
    /// The files and mappings of `regions`' file-backed ones (all in `process`), for pages of
    /// 2^pageShift bytes. Throws TraceError naming the region if a mapping does not start on a page
    /// boundary in memory and in its file, or shares a page with another region.
    PageCache(const std::vector<Region>& regions, unsigned pageShift, std::uint8_t process = 0);
    /// Adds the mappings of `regions`' file-backed ones in `process` (another process's, under
    /// --mix): a file already known by name is the same file, so its cached pages are shared.
    /// Throws TraceError as the constructor does, if `process` already has mappings, or if a region
    /// gives a known file another size. On a throw nothing is added.
    void addMappings(const std::vector<Region>& regions, std::uint8_t process);

    /// No file-backed region: the MMU behaves exactly as it did before files existed.
    bool empty() const { return mappings_.empty(); }
    bool hasCopyWindows() const { return copyWindows_; }
    const std::vector<MappedFile>& files() const { return files_; }
    const std::vector<FileMapping>& mappings() const { return mappings_; }
    /// The mapping holding `va` in `process`, or nullptr (anonymous memory). O(log mappings).
    const FileMapping* mappingAt(std::uint8_t process, std::uint64_t va) const;
    /// True if `va` lies in a copy window of `process` (FileMapping::copyWindow).
    bool inCopyWindow(std::uint8_t process, std::uint64_t va) const {
        const FileMapping* m = mappingAt(process, va);
        return m != nullptr && m->copyWindow;
    }
    /// The index in its file of the page `va` shows (`va` in `m`).
    std::uint64_t filePage(const FileMapping& m, std::uint64_t va) const {
        return (va - m.base + m.offset) >> pageShift_;
    }

    // ---- cached pages (the MMU calls these on its fault and eviction paths) ----
    /// The replacer slot holding page `page` of `file`, if cached.
    std::optional<std::uint32_t> slotOf(std::uint32_t file, std::uint64_t page) const;
    /// Records that `slot` (frame `frame`) now holds page `page` of `file`, just read from storage.
    void insert(std::uint32_t slot, std::uint32_t frame, std::uint32_t file, std::uint64_t page, bool readahead);
    /// Adds a virtual page mapping cached `slot`. Returns true if it was read ahead and not used
    /// until now (a readahead hit).
    bool map(std::uint32_t slot, PageMapper mapper);
    /// True if `slot` holds a file page.
    bool holds(std::uint32_t slot) const { return slot < slots_.size() && slots_[slot].file != kNone; }
    const Entry& entry(std::uint32_t slot) const { return slots_[slot]; }
    /// Drops `slot`'s file page (its frame is being evicted) and returns what it held.
    Entry remove(std::uint32_t slot);

    /// File pages cached now, and those of them read ahead and not used yet.
    std::uint64_t pages() const { return pages_; }
    std::uint64_t unusedReadahead() const { return unusedReadahead_; }
    /// Calls f(slot, entry) for every cached page, in slot order.
    template <class F>
    void forEach(F&& f) const {
        for (std::uint32_t s = 0; s < slots_.size(); ++s)
            if (slots_[s].file != kNone) f(s, slots_[s]);
    }
    /// Heap bytes a copy allocates.
    std::uint64_t stateBytes() const;
    friend bool operator==(const PageCache&, const PageCache&) = default;

private:
    static std::uint64_t pageKey(std::uint32_t file, std::uint64_t page) { return (std::uint64_t{file} << 40) | page; }
    unsigned pageShift_ = 12;
    std::vector<MappedFile> files_;
    std::vector<FileMapping> mappings_;  // sorted by (process, base), disjoint
    bool copyWindows_ = false;
    FlatMap<std::uint32_t> slotByPage_;  // pageKey -> slot
    std::vector<Entry> slots_;           // by replacer slot; grows with the slots that ever held a file page
    std::uint64_t pages_ = 0;
    std::uint64_t unusedReadahead_ = 0;
};

}  // namespace cachescope
