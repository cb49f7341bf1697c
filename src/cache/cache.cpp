#include "cachescope/cache/cache.hpp"

#include "cachescope/config/resources.hpp"

#include <cassert>

#include "cachescope/policy/registry.hpp"

namespace cachescope {

static_assert(Cache::kWideWays == kWideSetWays, "the memory estimate counts wide sets from the same threshold");
static_assert(kBytesPerNarrowSet == kBytesPerSet + Cache::kFingerprintStride,
              "the memory estimate counts a narrow set's fingerprint bytes");

Cache::Cache(const CacheConfig& config, std::uint64_t seed)
    : Cache(config, makePolicy(config.replacement,
                               PolicyParams{static_cast<std::uint32_t>(config.sets()), config.ways(), seed})) {}

Cache::Cache(const CacheConfig& config, std::unique_ptr<ReplacementPolicy> policy)
    : config_(config),
      layout_(config.lineSize, config.sets()),
      sets_(static_cast<std::uint32_t>(config.sets())),
      ways_(config.ways()),
      tags_(std::size_t{sets_} * ways_ + 1, kInvalidLine),
      dirty_(std::size_t{sets_} * ways_ + 1, 0),
      fp_(ways_ > kWideWays ? 0 : std::size_t{sets_} * kFingerprintStride, 0),
      sentinel_(sets_ * ways_),
      wide_(ways_ > kWideWays),
      policy_(std::move(policy)),
      lru_(dynamic_cast<LruPolicy*>(policy_.get())),
      plru_(dynamic_cast<PlruPolicy*>(policy_.get())),
      opt_(dynamic_cast<OptPolicy*>(policy_.get())),
      skipRehit_(policy_->rehitIsIdempotent()),
      writeBack_(config.writePolicy == WritePolicy::WriteBack) {
    hintSlot_.assign(sets_, sentinel_);
    validInSet_.assign(sets_, 0);
    if (wide_) invalid_ = BitTree(sentinel_, true);
}

Cache::Cache(const Cache& other)
    : config_(other.config_),
      layout_(other.layout_),
      sets_(other.sets_),
      ways_(other.ways_),
      tags_(other.tags_),
      dirty_(other.dirty_),
      fp_(other.fp_),
      hintSlot_(other.hintSlot_),
      validInSet_(other.validInSet_),
      sentinel_(other.sentinel_),
      wide_(other.wide_),
      index_(other.index_),
      invalid_(other.invalid_),
      policy_(other.policy_->clone()),
      lru_(dynamic_cast<LruPolicy*>(policy_.get())),
      plru_(dynamic_cast<PlruPolicy*>(policy_.get())),
      opt_(dynamic_cast<OptPolicy*>(policy_.get())),
      skipRehit_(other.skipRehit_),
      writeBack_(other.writeBack_),
      stats_(other.stats_) {}

Cache& Cache::operator=(const Cache& other) {
    if (this != &other) {
        Cache copy(other);
        *this = std::move(copy);
    }
    return *this;
}

std::uint64_t Cache::validLines() const {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < sentinel_; ++i) n += tags_[i] != kInvalidLine ? 1 : 0;
    return n;
}

SetView Cache::inspectSet(std::uint32_t set) const {
    SetView v;
    v.set = set;
    v.policy = policy_->setState(set);
    v.ways.reserve(ways_);
    std::uint32_t firstInvalid = kNoWay;
    for (std::uint32_t w = 0; w < ways_; ++w) {
        const LineView l = lineAt(set, w);
        WayInspection way;
        way.valid = l.valid;
        if (l.valid) {
            way.dirty = l.dirty;
            way.line = l.line;
            way.tag = layout_.tagOfLine(l.line);
            way.lineAddress = layout_.lineBase(l.line);
        } else if (firstInvalid == kNoWay) {
            firstInvalid = w;
        }
        way.policy = policy_->wayState(set, w);
        v.ways.push_back(way);
    }
    // The same choice fill() makes: the lowest invalid way, else the policy's victim.
    v.nextMissEvicts = firstInvalid == kNoWay;
    v.nextVictim = v.nextMissEvicts ? v.policy.victim : firstInvalid;
    return v;
}

Cache::Placement Cache::fill(std::uint64_t line, bool dirty) {
    const std::uint32_t set = layout_.setOfLine(line);
    if (opt_ != nullptr) arriveOpt(line);
    if (!wide_) return fillNarrow(set, line, dirty);
    // A wide set: the lowest invalid way from the BitTree, the line's way into the tag index.
    const std::size_t base = slot(set, 0);
    Placement p;
    if (validInSet_[set] < ways_) {
        p.way = static_cast<std::uint32_t>(invalid_.next(base) - base);
        invalid_.erase(base + p.way);
        ++validInSet_[set];
    } else {
        p.way = lru_ != nullptr ? lru_->victim(set) : policy_->victim(set);
        assert(p.way < ways_);
        p.evicted = true;
        p.victimLine = tags_[base + p.way];
        p.victimDirty = dirty_[base + p.way] != 0;
        index_.erase(p.victimLine);
    }
    index_.assign(line, p.way);
    tags_[base + p.way] = line;
    dirty_[base + p.way] = dirty ? 1 : 0;
    if (lru_ != nullptr)
        lru_->onFill(set, p.way);
    else
        policy_->onFill(set, p.way);
    hintSlot_[set] = sentinel_;  // a hit after a fill is not a repeated hit (e.g. SRRIP: RRPV 2 -> 0)
    return p;
}

void Cache::arriveOpt(std::uint64_t line) { opt_->arrive(line); }

std::uint32_t Cache::findWide(std::uint64_t line) const {
    const std::uint32_t* way = index_.find(line);
    return way != nullptr ? *way : kNoWay;
}

bool Cache::invalidate(std::uint32_t set, std::uint32_t way) {
    const std::size_t i = slot(set, way);
    assert(tags_[i] != kInvalidLine);
    const bool wasDirty = dirty_[i] != 0;
    if (wide_) {
        index_.erase(tags_[i]);
        invalid_.insert(i);
    } else {
        fp_[std::size_t{set} * kFingerprintStride + way] = 0;
    }
    tags_[i] = kInvalidLine;
    dirty_[i] = 0;
    --validInSet_[set];
    policy_->onInvalidate(set, way);
    hintSlot_[set] = sentinel_;
    return wasDirty;
}

bool Cache::fingerprintsConsistent() const {
    if (wide_) return fp_.empty();
    if (fp_.size() != std::size_t{sets_} * kFingerprintStride) return false;
    for (std::uint32_t set = 0; set < sets_; ++set)
        for (std::uint32_t b = 0; b < kFingerprintStride; ++b) {
            const std::uint8_t want = b >= ways_ || tags_[slot(set, b)] == kInvalidLine ? 0 : fingerprint(tags_[slot(set, b)]);
            if (fp_[std::size_t{set} * kFingerprintStride + b] != want) return false;
        }
    return true;
}

bool Cache::sameState(const Cache& other) const {
    return tags_ == other.tags_ && dirty_ == other.dirty_ && hintSlot_ == other.hintSlot_ && stats_ == other.stats_ &&
           policy_->sameState(*other.policy_);
}

}  // namespace cachescope
