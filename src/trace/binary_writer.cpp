// The binary trace writer: buffers up to one block of accesses, encodes it per stream, emits it.
//
// Version 2 keeps several lanes (slots) per key (site, kind, size) and picks for each access the
// lane that codes it in the fewest bytes. The whole block is known before it is encoded, so the
// writer looks ahead: a jump forks a lane (keeping the old position) only if the old position will
// serve later records cheaply, and a busy stream beyond slot 14 is swapped into a direct slot.

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "binary_format.hpp"
#include "cachescope/core/json_text.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/trace/allocation.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/crc32.hpp"
#include "cachescope/trace/metadata.hpp"

namespace cachescope {

namespace {

using namespace binfmt;

class BinaryTraceWriter final : public TraceWriter {
public:
    BinaryTraceWriter(std::ostream& out, const TraceMetadata& metadata, bool processes)
        : out_(out), sites_(metadata.sites.size()), processes_(processes) {
        pending_.reserve(kBlockRecords);
        streams_.reserve(kBlockRecords);
        std::string header(kBinaryTraceMagic, kMagicBytes);
        // Invalid UTF-8 in a name becomes U+FFFD rather than an exception.
        const std::string json = jsonText(toJson(metadata), -1);
        if (json.size() > kMaxMetadataBytes)
            throw UsageError("trace metadata is " + std::to_string(json.size()) +
                             " bytes of JSON; the binary format "
                             "holds at most " +
                             std::to_string(kMaxMetadataBytes));
        putU32(header, processes_ ? kBinaryTraceProcessVersion : kBinaryTraceVersion);
        putU32(header, processes_ ? kBinaryFlagProcesses : 0);  // flags
        putU32(header, static_cast<std::uint32_t>(json.size()));
        header += json;
        putU32(header, crc32(header));
        emit(header);
    }

    void write(std::span<const Access> block) override {
        if (!block.empty()) flushAllocations();  // the records written so far come first
        for (const Access& a : block) {
            if (a.size == 0 || a.size > kMaxReferenceSize)
                throw TraceError("binary trace writer: access " + std::to_string(total_ + pending_.size()) +
                                 " has size " + std::to_string(a.size) + " (expected 1 to " +
                                 std::to_string(kMaxReferenceSize) + ")");
            if (a.site >= sites_)
                throw TraceError("binary trace writer: access " + std::to_string(total_ + pending_.size()) +
                                 " has site " + std::to_string(a.site) + " (expected a site of the metadata, below " +
                                 std::to_string(sites_) + ")");
            if (a.process != 0 && !processes_)
                throw TraceError("binary trace writer: access " + std::to_string(total_ + pending_.size()) +
                                 " has process " + std::to_string(a.process) +
                                 " (expected 0: this writer was made without process ids; the text format keeps them)");
            if (processes_ && !pending_.empty() && a.process != pending_.front().process) flushBlock();  // a block is one process's
            pending_.push_back(a);
            if (pending_.size() == kBlockRecords) flushBlock();
        }
    }

    /// Allocation records gather in an allocation block; the accesses written before them are emitted
    /// first (as a shorter access block), so the file keeps the trace's order.
    bool writeAllocation(const AllocationRecord& r) override {
        const std::uint64_t n = allocations_ + allocCount_;
        auto bad = [&](const std::string& what) {
            throw TraceError("binary trace writer: allocation record " + std::to_string(n) + ": " + what);
        };
        if (static_cast<unsigned>(r.op) > static_cast<unsigned>(AllocationOp::EmptyCache))
            bad("unknown operation " + std::to_string(static_cast<unsigned>(r.op)));
        flushBlock();
        allocPayload_.push_back(static_cast<char>(r.op));
        if (r.op != AllocationOp::EmptyCache) {
            if (const std::string p = allocationNameProblem(r.id, false); !p.empty()) bad("ID name " + p);
            putName(allocIds_, r.id);
        }
        if (r.op == AllocationOp::Alloc || r.op == AllocationOp::Realloc) {
            if (r.size > kMaxAllocationSize)
                bad("size " + std::to_string(r.size) + " (expected at most " + std::to_string(kMaxAllocationSize) + ")");
            putVarint(allocPayload_, r.size);
        }
        if (r.op == AllocationOp::Alloc) {
            if (r.align != 0 && ((r.align & (r.align - 1)) != 0 || r.align > kMaxAllocationAlign))
                bad("alignment " + std::to_string(r.align) + " (expected 0 or a power of two up to 2^30)");
            unsigned log = 0;
            while (r.align != 0 && (std::uint64_t{1} << log) != r.align) ++log;
            allocPayload_.push_back(static_cast<char>(r.align == 0 ? 0 : log + 1));
            if (r.site.empty()) {
                allocPayload_.push_back(0);
            } else {
                if (const std::string p = allocationNameProblem(r.site, true); !p.empty()) bad("site name " + p);
                putName(allocSites_, r.site);
            }
        }
        ++allocCount_;
        if (allocCount_ == kBlockRecords || allocPayload_.size() >= kAllocationFlushBytes) flushAllocations();
        return true;
    }

    /// An msync: op 4 of an allocation block (docs/trace-format.md, "Control events"), placed as
    /// allocation records are.
    bool writeEvent(const TraceEvent& e) override {
        if (const std::string p = msyncProblem(e.address, e.size); !p.empty())
            throw TraceError("binary trace writer: msync after access " + std::to_string(total_ + pending_.size()) +
                             ": " + p);
        if (e.process != 0 && !processes_)
            throw TraceError("binary trace writer: msync after access " + std::to_string(total_ + pending_.size()) +
                             " is of process " + std::to_string(e.process) +
                             " (expected process 0: this writer was not asked for process ids)");
        flushBlock();
        allocPayload_.push_back(static_cast<char>(kMsyncOp));
        allocPayload_.push_back(static_cast<char>(e.process));
        putVarint(allocPayload_, e.address);
        putVarint(allocPayload_, e.size);
        ++allocCount_;
        if (allocCount_ == kBlockRecords || allocPayload_.size() >= kAllocationFlushBytes) flushAllocations();
        return true;
    }

    void finish() override {
        if (finished_) return;
        flushBlock();
        flushAllocations();
        std::string end;
        putU32(end, 0);
        putU32(end, kEndPayloadBytes);
        std::string total;
        putU64(total, total_);
        putU32(end, crc32(total));
        end += total;
        emit(end);
        out_.flush();
        if (!out_) throw IoError("binary trace writer: the output stream failed");
        finished_ = true;
    }

private:
    struct Slot {
        std::uint64_t key = 0;
        std::uint64_t address = 0;  // previous address
        std::uint64_t delta = 0;    // previous delta, bytes
        std::uint32_t size = 1;
        std::uint32_t lastUse = 0;  // the record that used it last
        AccessKind kind = AccessKind::Read;
    };
    struct Choice {
        unsigned code = kExplicitDelta;
        std::size_t cost = 0;  // bytes beyond the record byte
    };

    static constexpr std::size_t kLookahead = 64;  // records looked at to decide whether a lane lives on

    static std::uint64_t keyOf(const Access& a) {
        return std::uint64_t{a.site} << 40 | std::uint64_t{static_cast<std::uint8_t>(a.kind)} << 32 | a.size;
    }
    static std::size_t varintBytes(std::uint64_t v) {
        std::size_t n = 1;
        while (v >= 0x80) {
            v >>= 7;
            ++n;
        }
        return n;
    }
    /// A step that codes 1..13 express: a multiple of the size within -6 .. +6 elements.
    static bool smallStep(std::uint64_t delta, std::uint32_t size) {
        const auto d = static_cast<std::int64_t>(delta);
        const auto z = static_cast<std::int64_t>(size);
        return d % z == 0 && d / z >= -kMaxSmallStep && d / z <= kMaxSmallStep;
    }
    /// The cheapest delta code for continuing `s` at `address`.
    Choice codeFor(const Slot& s, std::uint64_t address) const {
        const std::uint64_t delta = address - s.address;
        if (delta == s.delta) return {kSameDelta, 0};
        if (smallStep(delta, s.size))
            return {static_cast<unsigned>(static_cast<std::int64_t>(delta) / s.size + kDeltaBias), 0};
        if (address == lastEnd_[static_cast<unsigned>(s.kind)]) return {kContiguous, 0};
        return {kExplicitDelta, varintBytes(zigzag(delta))};
    }
    static std::size_t slotCost(std::size_t slot) {
        return slot < kDirectSlots ? 0 : varintBytes(4 * std::uint64_t{slot} + kOpUse);
    }

    /// Is `a` one byte from `s`: its previous delta again, or a small step?
    static bool cheapFrom(const Slot& s, const Access& a) {
        const std::uint64_t delta = a.address - s.address;
        return delta == s.delta || smallStep(delta, s.size);
    }
    /// Will the lane `s`, left where it is while the record `i` moves a copy of it to its address,
    /// serve at least two of the next records of its key with a one-byte code that the moved copy
    /// would not? Then the jump forks the lane rather than moving it (a fork costs two bytes).
    bool laneNeeded(const Slot& s, std::size_t i) const {
        Slot stay = s, moved = s;
        moved.delta = pending_[i].address - s.address;
        moved.address = pending_[i].address;
        std::size_t gain = 0;
        const std::size_t stop = std::min(pending_.size(), i + 1 + kLookahead);
        for (std::size_t j = i + 1; j < stop && gain < 2; ++j) {
            const Access& a = pending_[j];
            if (keyOf(a) != s.key) continue;
            Slot* lane = cheapFrom(moved, a) ? &moved : cheapFrom(stay, a) ? &stay : nullptr;
            if (lane == nullptr) continue;
            gain += lane == &stay ? 1 : 0;
            lane->delta = a.address - lane->address;
            lane->address = a.address;
        }
        return gain >= 2;
    }
    /// How many of the next 16 records have this key.
    std::size_t usesSoon(std::uint64_t key, std::size_t i) const {
        const std::size_t stop = std::min(pending_.size(), i + 17);
        std::size_t n = 0;
        for (std::size_t j = i + 1; j < stop; ++j) n += keyOf(pending_[j]) == key ? 1 : 0;
        return n;
    }
    /// The least recently used direct slot other than `except`, or streams_.size() if there is none.
    std::size_t lruDirect(std::size_t except) const {
        std::size_t best = streams_.size();
        const std::size_t direct = std::min<std::size_t>(streams_.size(), kDirectSlots);
        for (std::size_t t = 0; t < direct; ++t)
            if (t != except && (best == streams_.size() || streams_[t].lastUse < streams_[best].lastUse)) best = t;
        return best;
    }

    std::vector<std::uint32_t>& lanesOf(std::uint64_t key) { return lanes_[key]; }
    void dropLane(std::size_t slot) {
        auto& list = lanesOf(streams_[slot].key);
        list.erase(std::find(list.begin(), list.end(), static_cast<std::uint32_t>(slot)));
    }
    /// Puts `s` into slot `t` (t <= streams_.size(); t == size appends), replacing what was there.
    void place(std::size_t t, const Slot& s) {
        if (t == streams_.size()) {
            streams_.push_back(s);
        } else {
            dropLane(t);
            streams_[t] = s;
        }
        lanesOf(s.key).push_back(static_cast<std::uint32_t>(t));
    }

    void flushBlock() {
        if (pending_.empty()) return;
        payload_.clear();
        streams_.clear();
        lanes_.clear();
        lastEnd_[0] = lastEnd_[1] = lastEnd_[2] = 0;
        std::uint64_t last = 0;  // the previous record's address: a new stream starts from it
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            const Access& a = pending_[i];
            const std::uint64_t key = keyOf(a);
            const auto now = static_cast<std::uint32_t>(i);
            const std::vector<std::uint32_t>& lanes = lanesOf(key);
            std::size_t slot = streams_.size();
            Choice choice;
            for (const std::uint32_t t : lanes) {
                Choice c = codeFor(streams_[t], a.address);
                c.cost += slotCost(t);
                // Ties: a lane-specific code (the same delta, a small step) beats the contiguous
                // code, which any lane of the kind gives; among lane-specific codes the most recently
                // used lane wins (a lane that serves by a small step is often another stream's:
                // din's A, B, C reads share one key), among contiguous ones the first lane listed.
                // (Measured: lackey 1.25 B/access against 1.28-1.31 with other tie rules.)
                bool better = slot == streams_.size() || c.cost < choice.cost;
                if (!better && c.cost == choice.cost) {
                    const bool anyLane = c.code == kContiguous, chosenAnyLane = choice.code == kContiguous;
                    const bool newer = streams_[t].lastUse > streams_[slot].lastUse;
                    better = anyLane != chosenAnyLane ? !anyLane : (!anyLane && newer);
                }
                if (better) {
                    slot = t;
                    choice = c;
                }
            }
            unsigned op = kOpUse;
            std::size_t target = slot;  // the slot the record leaves the stream in
            if (slot == streams_.size()) {
                // A key without a lane: a new stream, appended (beyond slot 14 it is reached
                // through escapes until a swap brings it in). Replacing an idle direct slot instead
                // cost more: the key evicted had to be defined again when it came back.
                op = kOpNew;
                target = streams_.size();
                place(target, Slot{key, last, 0, a.size, now, a.kind});
                choice = codeFor(streams_[target], a.address);
            } else if (choice.cost != 0 && slot < kDirectSlots) {
                // A jump: fork the lane if it will be needed where it is, else move it.
                if (laneNeeded(streams_[slot], i)) {
                    std::size_t t = streams_.size() < kDirectSlots ? streams_.size() : lruDirect(slot);
                    // Only an idle lane of a key that keeps another may be overwritten.
                    if (t != streams_.size() &&
                        (now - streams_[t].lastUse < 2 * kLookahead || lanesOf(streams_[t].key).size() < 2))
                        t = kDirectSlots;
                    if (t < kDirectSlots) {
                        op = kOpFork;
                        target = t;
                        const Slot copy = streams_[slot];
                        place(target, copy);
                    }
                }
            } else if (slot >= kDirectSlots && usesSoon(key, i) >= 2) {
                // A busy stream beyond the direct slots: swap it with the least recently used one.
                op = kOpSwap;
                target = lruDirect(streams_.size());
                const std::uint64_t moved = streams_[slot].key, other = streams_[target].key;
                if (moved != other) {  // one key's list holds both indices otherwise: unchanged
                    for (std::uint32_t& l : lanesOf(moved))
                        if (l == slot) l = static_cast<std::uint32_t>(target);
                    for (std::uint32_t& l : lanesOf(other))
                        if (l == target) l = static_cast<std::uint32_t>(slot);
                }
                std::swap(streams_[slot], streams_[target]);
            }
            const bool escaped = op != kOpUse || target >= kDirectSlots;
            payload_.push_back(static_cast<char>((escaped ? kEscape : target) << 4 | choice.code));
            switch (op) {
                case kOpNew:
                    putVarint(payload_, 4 * std::uint64_t{target} + kOpNew);
                    putVarint(payload_, a.site);
                    payload_.push_back(static_cast<char>(a.kind));
                    putVarint(payload_, a.size);
                    break;
                case kOpUse:
                    if (escaped) putVarint(payload_, 4 * std::uint64_t{target} + kOpUse);
                    break;
                default:  // fork, swap: from `slot` into `target`
                    putVarint(payload_, 4 * std::uint64_t{slot} + op);
                    putVarint(payload_, target);
                    break;
            }
            Slot& s = streams_[target];
            const std::uint64_t delta = a.address - s.address;
            if (choice.code == kExplicitDelta) putVarint(payload_, zigzag(delta));
            s.delta = delta;
            s.address = a.address;
            s.lastUse = now;
            lastEnd_[static_cast<unsigned>(a.kind)] = a.address + a.size;
            last = a.address;
        }
        std::string header;
        putU32(header, static_cast<std::uint32_t>(pending_.size()));
        putU32(header, static_cast<std::uint32_t>(payload_.size()));
        if (processes_) {  // the process field, covered by the CRC with the payload
            std::string process;
            putU32(process, pending_.front().process);
            putU32(header, crc32(payload_, crc32(process)));
            header += process;
        } else {
            putU32(header, crc32(payload_));
        }
        emit(header);
        emit(payload_);
        total_ += pending_.size();
        pending_.clear();
    }

    /// An ID or site: its index in the file's table, or (the first time) the next index and the name.
    void putName(std::unordered_map<std::string, std::uint32_t>& table, std::string_view name) {
        const auto [it, added] = table.try_emplace(std::string(name), static_cast<std::uint32_t>(table.size()));
        putVarint(allocPayload_, it->second);
        if (added) {
            putVarint(allocPayload_, name.size());
            allocPayload_.append(name);
        }
    }

    void flushAllocations() {
        if (allocCount_ == 0) return;
        std::string header;
        putU32(header, kAllocationBlock << kBlockTypeShift | allocCount_);
        putU32(header, static_cast<std::uint32_t>(allocPayload_.size()));
        putU32(header, crc32(allocPayload_));
        emit(header);
        emit(allocPayload_);
        allocations_ += allocCount_;
        allocCount_ = 0;
        allocPayload_.clear();
    }

    void emit(const std::string& bytes) {
        out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out_) throw IoError("binary trace writer: the output stream failed");
    }

    std::ostream& out_;
    std::size_t sites_;
    bool processes_ = false;  // version 3: a process id per block
    std::vector<Access> pending_;
    std::vector<Slot> streams_;                                            // the block's slots
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> lanes_;  // the slots of each key
    std::uint64_t lastEnd_[3] = {0, 0, 0};  // per kind: where the block's last access of it ended
    std::string payload_;
    std::uint64_t total_ = 0;
    bool finished_ = false;
    // Allocation records: the pending block, and the file-wide tables of ID and site names, in the
    // order they were first written (site 0 is "no site").
    std::string allocPayload_;
    std::uint32_t allocCount_ = 0;
    std::uint64_t allocations_ = 0;
    std::unordered_map<std::string, std::uint32_t> allocIds_;
    std::unordered_map<std::string, std::uint32_t> allocSites_{{"", 0}};
};

}  // namespace

std::unique_ptr<TraceWriter> makeBinaryTraceWriter(std::ostream& out, const TraceMetadata& metadata, bool processes) {
    return std::make_unique<BinaryTraceWriter>(out, metadata, processes);
}

}  // namespace cachescope
