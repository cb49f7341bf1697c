// The page cache (docs/mmap.md): which file pages the MMU's frames hold, and who maps them.

#include "cachescope/mmu/page_cache.hpp"

#include <algorithm>
#include <sstream>

#include "cachescope/core/error.hpp"

namespace cachescope {

namespace {
std::string hexAddress(std::uint64_t a) {
    std::ostringstream s;
    s << "0x" << std::hex << a;
    return s.str();
}
}  // namespace

PageCache::PageCache(const std::vector<Region>& regions, unsigned pageShift, std::uint8_t process)
    : pageShift_(pageShift) {
    addMappings(regions, process);
}

void PageCache::addMappings(const std::vector<Region>& regions, std::uint8_t process) {
    for (const FileMapping& m : mappings_)
        if (m.process == process)
            throw TraceError("region '" + m.region + "': the file-backed regions of process " + std::to_string(process) +
                             " are given twice (expected one set of regions per process)");
    const unsigned pageShift = pageShift_;
    std::vector<MappedFile> files = files_;  // committed at the end: a throw adds nothing
    std::vector<FileMapping> mappings = mappings_;
    bool copyWindows = copyWindows_;
    const std::uint64_t pageSize = std::uint64_t{1} << pageShift;
    auto firstPage = [&](const Region& r) { return r.base >> pageShift; };
    auto lastPage = [&](const Region& r) { return (r.base + (r.size == 0 ? 0 : r.size - 1)) >> pageShift; };
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const Region& r = regions[i];
        if (!r.fileBacked()) continue;
        const std::string what = "region '" + r.name + "' (file '" + r.file + "')" +
                                 (process != 0 ? " of process " + std::to_string(process) : std::string());
        if (r.base % pageSize != 0 || r.fileOffset % pageSize != 0)
            throw TraceError(what + " starts at " + hexAddress(r.base) + ", file offset " + std::to_string(r.fileOffset) +
                             ": a file-backed region must start on a page boundary (the mmu's page size, " +
                             std::to_string(pageSize) + " bytes) in memory and in its file");
        for (const std::size_t k : {i - 1, i + 1}) {  // regions are sorted and disjoint: only neighbours can share a page
            if (k >= regions.size() || regions[k].size == 0 || r.size == 0) continue;
            if (firstPage(regions[k]) <= lastPage(r) && firstPage(r) <= lastPage(regions[k]))
                throw TraceError(what + " shares a page with region '" + regions[k].name +
                                 "' (expected every page of a file-backed region to belong to it alone: align the "
                                 "regions to the page size, " + std::to_string(pageSize) + " bytes)");
        }
        const std::uint64_t pages = (r.fileSize + pageSize - 1) >> pageShift;
        if (pages >= (std::uint64_t{1} << 40))
            throw TraceError(what + " is " + std::to_string(r.fileSize) + " bytes: at most 2^40 pages are supported");
        // Files are known by name across processes: two processes mapping "data" share its pages.
        auto file = std::find_if(files.begin(), files.end(), [&](const MappedFile& f) { return f.name == r.file; });
        if (file == files.end())
            file = files.insert(files.end(), MappedFile{r.file, r.fileSize, pages});
        else if (file->size != r.fileSize)
            throw TraceError(what + " gives the file " + std::to_string(r.fileSize) + " bytes, but another mapping of it gives " +
                             std::to_string(file->size) + " (expected every region of one file to agree on file_size)");
        FileMapping m;
        m.process = process;
        m.base = r.base;
        m.size = r.size;
        m.file = static_cast<std::uint32_t>(file - files.begin());
        m.offset = r.fileOffset;
        m.copyWindow = r.fileAccess == "read";
        m.region = r.name;
        copyWindows = copyWindows || m.copyWindow;
        mappings.push_back(std::move(m));
    }
    std::sort(mappings.begin(), mappings.end(), [](const FileMapping& a, const FileMapping& b) {
        return a.process != b.process ? a.process < b.process : a.base < b.base;
    });
    files_ = std::move(files);
    mappings_ = std::move(mappings);
    copyWindows_ = copyWindows;
}

const FileMapping* PageCache::mappingAt(std::uint8_t process, std::uint64_t va) const {
    // The first mapping after (process, va), then the one before it.
    auto after = std::upper_bound(mappings_.begin(), mappings_.end(), std::pair{process, va},
                                  [](const std::pair<std::uint8_t, std::uint64_t>& p, const FileMapping& m) {
                                      return p.first != m.process ? p.first < m.process : p.second < m.base;
                                  });
    if (after == mappings_.begin()) return nullptr;
    const FileMapping& m = *(after - 1);
    return m.process == process && va - m.base < m.size ? &m : nullptr;
}

std::optional<std::uint32_t> PageCache::slotOf(std::uint32_t file, std::uint64_t page) const {
    const std::uint32_t* slot = slotByPage_.find(pageKey(file, page));
    if (slot == nullptr) return std::nullopt;
    return *slot;
}

void PageCache::insert(std::uint32_t slot, std::uint32_t frame, std::uint32_t file, std::uint64_t page, bool readahead) {
    if (slot >= slots_.size()) slots_.resize(std::size_t{slot} + 1);
    Entry& e = slots_[slot];
    e = Entry{file, page, frame, readahead, {}};
    slotByPage_.assign(pageKey(file, page), slot);
    ++pages_;
    if (readahead) ++unusedReadahead_;
}

bool PageCache::map(std::uint32_t slot, PageMapper mapper) {
    Entry& e = slots_[slot];
    e.mappers.push_back(mapper);
    if (!e.readaheadUnused) return false;
    e.readaheadUnused = false;
    --unusedReadahead_;
    return true;
}

PageCache::Entry PageCache::remove(std::uint32_t slot) {
    Entry out = std::move(slots_[slot]);
    slots_[slot] = Entry{};
    slotByPage_.erase(pageKey(out.file, out.page));
    --pages_;
    if (out.readaheadUnused) --unusedReadahead_;
    while (!slots_.empty() && slots_.back().file == kNone) slots_.pop_back();  // state follows what is live
    return out;
}

std::uint64_t PageCache::stateBytes() const {
    std::uint64_t bytes = files_.size() * sizeof(MappedFile) + mappings_.size() * sizeof(FileMapping) +
                          slotByPage_.bytes() + slots_.size() * sizeof(Entry);
    for (const MappedFile& f : files_) bytes += f.name.size();
    for (const FileMapping& m : mappings_) bytes += m.region.size();
    for (const Entry& e : slots_) bytes += e.mappers.size() * sizeof(PageMapper);
    return bytes;
}

}  // namespace cachescope
