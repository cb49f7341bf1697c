// Session: one source under one config, driven forward (step / runToEnd / runUntil) and, when
// seekable, backward (seek = the nearest checkpoint at or before the target + deterministic replay).
//
// The source is read through a window (`window`, a view from TraceReader::view into `buffer` or
// into the reader's own blocks): a streaming session takes it from the source's
// reader as the run goes; a seekable one from a reader of the encoded replay (replay.hpp), which
// seek() re-opens at the target. Everything that simulates goes through Impl::simulate, which also
// takes the checkpoints (at multiples of `interval`, the first time the run passes there).

#include "cachescope/session/session.hpp"

#include <algorithm>
#include <array>

#include "cachescope/analysis/arrival_history.hpp"
#include "cachescope/analysis/arrival_thread.hpp"
#include "cachescope/config/resources.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/run.hpp"
#include "replay.hpp"

namespace cachescope {

namespace {

constexpr std::size_t kBlock = 4096;  // accesses handed to the simulator at once

/// Watches for one StopCondition while runUntil() runs (attached only then). `met` turns true
/// during the reference that causes the event.
class StopWatcher final : public HierarchyObserver, public MmuObserver {
public:
    explicit StopWatcher(const StopCondition& c) : c_(c) {}
    bool met = false;

    bool needsCaches() const {
        return c_.kind == StopKind::Miss || c_.kind == StopKind::Eviction || c_.kind == StopKind::WriteBack;
    }
    bool needsTranslation() const {
        return c_.kind == StopKind::TlbMiss || c_.kind == StopKind::PageFault || c_.kind == StopKind::WriteBack;
    }

    void onCacheAccess(const CacheEvent& e) override {
        if (!matches(e.cache)) return;
        switch (c_.kind) {
            case StopKind::Miss:
                met = met || !e.hit;
                break;
            case StopKind::Eviction:
                met = met || e.evicted;
                break;
            // A dirty victim is written back (Hierarchy::sendVictim counts it in CacheStats::writebacks).
            case StopKind::WriteBack:
                met = met || (e.evicted && e.victimDirty);
                break;
            default:
                break;
        }
    }
    void onInvalidate(const InvalidateEvent& e) override {
        // The other write-backs CacheStats::writebacks counts: dirty lines of an evicted page
        // (Hierarchy::invalidateRange, between onPageEvict and its onPageFault).
        if (c_.kind == StopKind::WriteBack && evictingPage_ && e.dirty && matches(e.cache)) met = true;
    }
    void onTlbLookup(const TlbLookupEvent& e) override {
        if (c_.kind == StopKind::TlbMiss && !e.hit && matches(e.tlb)) met = true;
    }
    void onPageEvict(const PageEvictEvent&) override { evictingPage_ = true; }
    void onPageFault(const PageFaultEvent&) override {
        evictingPage_ = false;
        if (c_.kind == StopKind::PageFault) met = true;
    }

private:
    bool matches(std::uint32_t structure) const { return !c_.structure || *c_.structure == structure; }
    StopCondition c_;
    bool evictingPage_ = false;
};

/// Bytes one checkpoint (a copy of the simulator and of the classifier) holds: the one place that
/// sizes snapshots. The caches', TLBs' and walk caches' arrays are fixed by their geometry
/// (config/resources.hpp, the same figures the memory budget uses); the rest grows with what is live
/// (Simulator::snapshotBytes(): resident pages, page tables, the replacer's state).
std::uint64_t stateBytes(const Simulator& sim, const MissClassifier* classifier) {
    std::uint64_t bytes = structureBytes(sim.config()) + sim.snapshotBytes();
    if (classifier != nullptr)
        for (std::uint32_t i = 0; i < classifier->caches(); ++i) {
            const LruShadow& shadow = classifier->shadow(i);
            // The shadow's table of every line seen (key + node, at most half full) and its list.
            bytes += 2 * shadow.distinctLines() * 16 + std::min(shadow.capacity(), shadow.distinctLines()) * 16;
        }
    return bytes;
}

}  // namespace

struct Session::Impl {
    SimConfig config;
    SourceSpec source;
    SessionOptions options;
    Simulator sim;

    // ---- the source ----
    std::unique_ptr<TraceReader> reader;                  // streaming sessions: the source
    std::optional<session_detail::EncodedSource> replay;  // seekable sessions: the encoded source
    std::unique_ptr<TraceReader> cursor;                  // seekable sessions: reads `replay` from the window on
    std::optional<TraceMetadata> ownMetadata;             // seekable sessions (the source's reader is gone)
    std::vector<std::optional<TraceMetadata>> processMeta;  // --mix: each source's (processMetadata)
    const TraceMetadata* meta = nullptr;
    TraceFormat format = TraceFormat::Auto;
    std::uint64_t totalRecords = 0;  // seekable sessions
    std::uint64_t totalSkipped = 0;  // seekable sessions
    std::optional<std::uint64_t> length;

    // The window of the source at the position: window[head..) are the next accesses.
    std::vector<Access> buffer = std::vector<Access>(kBlock);  // filled by readers that decode on demand
    std::span<const Access> window;
    std::size_t head = 0;
    std::uint64_t position = 0;

    // ---- state beside the simulator ----
    std::optional<MissClassifier> classifier;
    // Streaming sessions with more than one CPU: the classifier takes its arrivals on this thread
    // (declared after the classifier: it goes first). Drained before anyone reads the classifier.
    std::optional<ArrivalThread> classifierThread;
    // SessionOptions::classifyLazily: until the classifier is first needed, only what it will need
    // (analysis/arrival_history.hpp); then the classifier is built from it.
    std::optional<ArrivalHistory> history;
    bool firstLevelHistoryOff = false;  // setFirstLevelHistory(false)
    HierarchyObserver* userCaches = nullptr;
    MmuObserver* userTranslation = nullptr;

    struct Checkpoint {
        Simulator sim;
        std::optional<MissClassifier> classifier;
        std::uint64_t bytes = 0;  // stateBytes()
    };
    std::vector<Checkpoint> checkpoints;  // [j] = the state after j * interval references
    std::uint64_t interval = 0;           // 0 = no checkpoints (streaming)
    std::uint64_t checkpointTotal = 0;    // bytes of all checkpoints
    std::function<void(std::span<const Access>)> tap;
    // Control events not applied yet (msync): a streaming session's reader hands them over as it
    // reads; a seekable one refills this from the replay's list at each repositioning.
    TraceEventQueue events;
    std::function<void(const TraceEvent&, std::uint64_t)> eventTap;

    // Observers currently attached: what the run attaches (classifier, user's) plus extras.
    FanOutObserver caches;
    MmuFanOutObserver translation;

    Impl(SimConfig c, SourceSpec s, SessionOptions o)
        : config(std::move(c)), source(std::move(s)), options(std::move(o)), sim(config) {}

    bool seekable() const { return options.seekable; }

    /// Attaches the classifier and the user's observers, plus `extraCaches` / `extraTranslation`.
    /// The classifier listens as an observer when others do (the narrator reads its classes as it
    /// hears of each event), else as an arrival sink, which keeps the simulator's fast paths.
    void attach(HierarchyObserver* extraCaches = nullptr, MmuObserver* extraTranslation = nullptr, bool user = true) {
        const bool classifierAlone = (!user || userCaches == nullptr) && extraCaches == nullptr;
        drainClassifier();  // the classifier may be read (narration) or observe from here on
        if (history && !classifierAlone) buildClassifier();  // it observes from here on
        caches = FanOutObserver();
        if (!classifierAlone) caches.add(classifier ? &*classifier : nullptr);
        if (user) caches.add(userCaches);
        caches.add(extraCaches);
        translation = MmuFanOutObserver();
        if (user) translation.add(userTranslation);
        translation.add(extraTranslation);
        sim.setObservers(caches.collapsed(), translation.collapsed());
        ArrivalSink* sink = classifierThread ? static_cast<ArrivalSink*>(&*classifierThread) : nullptr;
        if (sink == nullptr && classifier) sink = &*classifier;
        if (history) sink = &*history;
        sim.setArrivalSink(classifierAlone ? sink : nullptr, !(history && firstLevelHistoryOff));
    }
    /// Waits until the classifier has taken every arrival so far (a no-op without its thread).
    void drainClassifier() {
        if (classifierThread) classifierThread->drain();
    }
    /// The classifier from the history (classifyLazily), once.
    void buildClassifier() {
        if (!history) return;
        classifier.emplace(history->classifier(sim.hierarchy()));
        history.reset();
        // The history listened alone (as an arrival sink): so does the classifier now. attach()
        // may then change that.
        sim.setArrivalSink(&*classifier);
    }

    /// The next accesses from the position (at most `max`), without consuming them; empty at the end.
    std::span<const Access> peek(std::uint64_t max) {
        if (head == window.size() && !refill()) return {};
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(max, window.size() - head));
        return window.subspan(head, n);
    }
    void consume(std::size_t n) {
        head += n;
        position += n;
    }
    bool refill() {
        head = 0;
        window = {};
        if (seekable()) {
            // Never read past the end: a replay reader opened at a later block would report the
            // end block's total as wrong.
            const std::uint64_t left = *length - position;
            if (left != 0) window = cursor->view(std::span<Access>(buffer.data(), std::min<std::uint64_t>(kBlock, left)));
        } else if (!length) {
            window = reader->view(std::span<Access>(buffer));
            if (window.empty()) length = position;
        }
        return !window.empty();
    }
    /// Simulates up to `n` references with the observers as attached, applying the control events
    /// at their places and taking checkpoints on the way; returns how many. ForwardWithProgress calls
    /// options.onProgress; Silent (seek's replay) shows neither the accesses nor the events to the taps.
    enum Mode { Forward, ForwardWithProgress, Silent };

    /// Moves the window to `index` (seekable sessions), with the state there: the events after
    /// `index` are pending (those at or before it are in the state).
    void reposition(std::uint64_t index) {
        cursor = replay->readerAt(index);
        window = {};
        head = 0;
        position = index;
        events = TraceEventQueue();
        for (const TraceEvent& e : replay->events())
            if (e.position > index) events.onTraceEvent(e);
    }
    /// Applies the events due at the position (all accesses before them simulated). A streaming
    /// session first reads ahead when its window is used up, so that the events right after the
    /// last access are known (the state at a position includes the events there).
    void applyEvents(Mode mode) {
        if (!seekable() && head == window.size() && !length) peek(1);
        events.applyDue(position, [&](const TraceEvent& e) {
            const std::uint64_t written = sim.apply(e);
            if (eventTap && mode != Silent) eventTap(e, written);
        });
    }

    std::uint64_t simulate(std::uint64_t n, Mode progress) {
        std::uint64_t done = 0;
        std::uint64_t nextProgress = options.progressInterval;
        applyEvents(progress);
        while (done < n) {
            std::uint64_t max = n - done;
            if (interval != 0) max = std::min(max, interval - position % interval);
            std::span<const Access> block = peek(max);
            if (block.empty()) break;
            applyEvents(progress);  // reading may have brought events: the block ends at the next
            block = block.first(events.before(position, block.size()));
            if (tap && progress != Silent) tap(block);
            sim.access(block);
            consume(block.size());
            done += block.size();
            applyEvents(progress);
            maybeCheckpoint();
            if (progress == ForwardWithProgress && options.onProgress && done >= nextProgress) {
                options.onProgress(done);
                nextProgress = done + options.progressInterval;
            }
        }
        return done;
    }
    void maybeCheckpoint() {
        if (interval == 0 || position % interval != 0 || position / interval != checkpoints.size()) return;
        Checkpoint cp{sim, classifier, stateBytes(sim, classifier ? &*classifier : nullptr)};
        cp.sim.setObservers(nullptr, nullptr);
        cp.sim.setArrivalSink(nullptr);
        checkpointTotal += cp.bytes;
        checkpoints.push_back(std::move(cp));
        // Over the budget (the state grew, e.g. the classifier's shadows): keep every other
        // checkpoint and double the interval, until the rest fit (checkpoint 0 always stays).
        while (checkpointTotal > options.checkpointMemory && checkpoints.size() > 1) {
            std::vector<Checkpoint> kept;
            checkpointTotal = 0;
            for (std::size_t j = 0; j < checkpoints.size(); j += 2) {
                checkpointTotal += checkpoints[j].bytes;
                kept.push_back(std::move(checkpoints[j]));
            }
            checkpoints = std::move(kept);
            interval *= 2;
        }
    }

    void seek(std::uint64_t index) {
        if (!seekable())
            throw UsageError(
                "this session was opened without seeking (SessionOptions::seekable = false); it can "
                "only go forward");
        if (index > *length)
            throw UsageError("cannot seek to reference " + std::to_string(index) + ": the source has " +
                             std::to_string(*length) + " references (seek to 0 to " + std::to_string(*length) + ")");
        // Going forward within the current stretch: replaying from here is at least as short.
        const std::uint64_t j = std::min<std::uint64_t>(index / interval, checkpoints.size() - 1);
        if (!(index >= position && position >= j * interval)) {
            const Checkpoint& cp = checkpoints[j];
            sim = cp.sim;
            classifier = cp.classifier;
            reposition(j * interval);
        }
        attach(nullptr, nullptr, false);  // the replay is silent: only the classifier (state) listens
        simulate(index - position, Silent);
        attach();
    }
};

namespace {

/// `config`, once its estimated state fits the source's memory budget (before it is allocated).
SimConfig withinBudget(SimConfig config, const SourceSpec& source, const SessionOptions& options) {
    checkMemoryBudget(config, source.memoryBudget != 0 ? source.memoryBudget : defaultMemoryBudget(),
                      options.configLabel);
    return config;
}

}  // namespace

Session::Session(SimConfig config, SourceSpec source, SessionOptions options)
    : impl_(std::make_unique<Impl>(withinBudget(std::move(config), source, options), std::move(source),
                                   std::move(options))) {
    Impl& m = *impl_;
    if (m.options.seekable && m.source.readsStandardInput())
        throw UsageError("standard input cannot be sought (it can be read only once); give a trace file or a kernel");
    // The classifier's own thread and a decode thread would be three busy threads: on fewer than
    // three CPUs the decode thread (when left to auto) gives way, as it measured faster (issue 12:
    // `run --classify` 1.09 s inline against 1.21 s on a second thread, 67 M references, 2 CPUs).
    const bool lazy = m.options.classify && m.options.classifyLazily && !m.options.seekable;
    const bool classifierThread =
        m.options.classify && !lazy && !m.options.seekable && useDecodeThread(m.options.classifyThread);
    if (classifierThread && m.source.decodeThread == DecodeThread::Auto && availableCpus() < 3)
        m.source.decodeThread = DecodeThread::Off;
    m.reader = openSource(m.source);
    m.reader->setEventSink(&m.events);  // a seekable session's replay takes the events below
    m.format = m.reader->format();
    m.meta = m.reader->metadata();
    // A --mix: each source's regions are its process's (protection, segmentation, mapped files);
    // a mix of one source has no metadata of its own either. Copied now: a seekable session lets
    // the reader go below. (setRegions keeps no pointer.)
    const bool perProcess = m.reader->describedProcesses() > 1 || m.meta == nullptr;
    std::vector<std::optional<TraceMetadata>> processMeta(perProcess ? m.reader->describedProcesses() : 0);
    for (std::uint32_t p = 0; p < processMeta.size(); ++p)
        if (const TraceMetadata* pm = m.reader->processMetadata(p)) processMeta[p] = *pm;
    if (m.options.seekable) {  // encode the whole source once; the reader (a kernel's thread) ends here
        if (m.meta != nullptr) m.ownMetadata = *m.meta;
        m.meta = m.ownMetadata ? &*m.ownMetadata : nullptr;
        m.replay.emplace(*m.reader, m.meta, m.options.replayMemory);
        m.totalRecords = m.reader->records();
        m.totalSkipped = m.reader->skippedLines();
        m.reader.reset();
        m.length = m.replay->length();
        m.cursor = m.replay->readerAt(0);
        for (const TraceEvent& e : m.replay->events()) m.events.onTraceEvent(e);  // all pending
    }
    if (processMeta.empty() && m.meta != nullptr) m.sim.mapFiles(m.meta->regions);  // file-backed regions (docs/mmap.md)
    for (std::uint32_t p = 0; p < processMeta.size(); ++p)  // --mix: each source's files in its process, shared by name
        if (processMeta[p]) m.sim.mapFiles(processMeta[p]->regions, static_cast<std::uint8_t>(p));
    m.sim.setRegions(m.meta);  // protection and segmentation: the trace's regions (process 0)
    for (std::uint32_t p = 0; p < processMeta.size(); ++p)
        if (processMeta[p]) m.sim.setRegions(&*processMeta[p], p);
    m.processMeta = std::move(processMeta);  // for processMetadata() (setRegions kept no pointer)
    m.sim.setStopOnFault(m.options.stopOnFault);
    if (m.options.attribution && m.meta != nullptr && m.meta->sites.size() > 1)
        m.sim.enableAttribution(static_cast<std::uint32_t>(m.meta->sites.size()));
    // The classifier reads the attribution slots: built after attribution.
    if (lazy)
        m.history.emplace(m.sim.hierarchy());
    else if (m.options.classify)
        m.classifier.emplace(m.sim.hierarchy());
    if (m.classifier && classifierThread) m.classifierThread.emplace(*m.classifier);
    if (m.sim.needsFuture()) {  // OPT: earlier passes learn the future
        requireRereadableForOpt(m.source);
        if (m.options.seekable)
            planFutures(m.sim, [&m] { return m.replay->readerAt(0); });
        else
            planFutures(m.sim, [&m] { return openSource(m.source); });
    }
    if (m.options.seekable) {
        // As many checkpoints as fit in the budget at the initial state's size, spread evenly
        // (maybeCheckpoint thins them if the state grows).
        const std::uint64_t one = stateBytes(m.sim, m.classifier ? &*m.classifier : nullptr);
        const std::uint64_t fit =
            std::max<std::uint64_t>(1, m.options.checkpointMemory / std::max<std::uint64_t>(1, one));
        m.interval = std::max<std::uint64_t>({1, m.options.minCheckpointInterval, (*m.length + fit - 1) / fit});
        m.applyEvents(Impl::Silent);  // events before the first reference
        m.maybeCheckpoint();  // checkpoint 0: the state before any reference
    }
    m.attach();
}

Session::~Session() = default;

std::uint64_t Session::position() const { return impl_->position; }
std::optional<std::uint64_t> Session::length() const { return impl_->length; }
bool Session::atEnd() const { return impl_->peek(1).empty(); }

std::uint64_t Session::step(std::uint64_t n) { return impl_->simulate(n, Impl::Forward); }

std::uint64_t Session::runToEnd() {
    const std::uint64_t n = impl_->simulate(~std::uint64_t{0}, Impl::ForwardWithProgress);
    checkPlans();
    return n;
}

bool Session::runUntil(const StopCondition& condition, std::uint64_t limit) {
    Impl& m = *impl_;
    const std::size_t caches = m.sim.hierarchy().caches().size();
    const std::size_t tlbs = m.sim.mmu() != nullptr ? m.sim.mmu()->tlbs().size() : 0;
    switch (condition.kind) {
        case StopKind::Miss:
        case StopKind::Eviction:
        case StopKind::WriteBack:
            if (condition.structure && *condition.structure >= caches)
                throw UsageError("runUntil: there is no cache " + std::to_string(*condition.structure) +
                                 " (the config has " + std::to_string(caches) + ")");
            break;
        case StopKind::TlbMiss:
            if (tlbs == 0) throw UsageError("runUntil: a TLB miss cannot happen: the config has no TLB");
            if (condition.structure && *condition.structure >= tlbs)
                throw UsageError("runUntil: there is no TLB " + std::to_string(*condition.structure) +
                                 " (the config has " + std::to_string(tlbs) + ")");
            break;
        case StopKind::PageFault:
            if (m.sim.mmu() == nullptr) throw UsageError("runUntil: a page fault cannot happen: the config has no mmu");
            break;
        case StopKind::TensorAccess: {
            const TraceMetadata* meta = processMetadata(condition.process);
            if (meta == nullptr || condition.region >= meta->regions.size()) {
                const std::string n = std::to_string(meta ? meta->regions.size() : 0);
                throw UsageError("runUntil: there is no region " + std::to_string(condition.region) +
                                 (describedProcesses() > 1 || condition.process != 0
                                      ? " of process " + std::to_string(condition.process) + " (its source has " + n +
                                            "; the source describes " + std::to_string(describedProcesses()) +
                                            " process" + (describedProcesses() == 1 ? "" : "es") + ")"
                                      : " (the source has " + n + ")"));
            }
            break;
        }
    }

    if (condition.kind == StopKind::TensorAccess) {  // read off the accesses: simulate in blocks
        const Region& r = processMetadata(condition.process)->regions[condition.region];
        const bool anyProcess = describedProcesses() == 1;  // else the region is in that process's space only
        auto touches = [&r, anyProcess, &condition](const Access& a) {  // its first or last byte, or the region's base, is inside
            if (!anyProcess && a.process != condition.process) return false;
            const std::uint64_t last = a.address + (a.size - 1);
            return r.contains(a.address) || r.contains(last) || (a.address <= r.base && r.base <= last);
        };
        for (std::uint64_t done = 0; done < limit;) {
            const std::span<const Access> next = m.peek(limit - done);
            if (next.empty()) return false;
            const auto hit = std::find_if(next.begin(), next.end(), touches);
            const auto n = static_cast<std::uint64_t>(hit == next.end() ? next.size() : hit - next.begin() + 1);
            done += m.simulate(n, Impl::Forward);
            if (hit != next.end()) return true;
        }
        return false;
    }
    StopWatcher watcher(condition);  // attached only while this call runs
    struct Restore {
        Impl& m;
        ~Restore() { m.attach(); }
    } restore{m};
    m.attach(watcher.needsCaches() ? &watcher : nullptr,
             watcher.needsTranslation() && m.sim.mmu() != nullptr ? &watcher : nullptr);
    for (std::uint64_t done = 0; done < limit; ++done) {
        if (m.simulate(1, Impl::Forward) == 0) return false;
        if (watcher.met) return true;
    }
    return false;
}

void Session::seek(std::uint64_t index) { impl_->seek(index); }
void Session::stepBack(std::uint64_t n) { impl_->seek(impl_->position - std::min(n, impl_->position)); }
void Session::reset() { impl_->seek(0); }

ReferenceNarration Session::narrateNext() {
    Impl& m = *impl_;
    const std::span<const Access> next = m.peek(1);
    if (next.empty())
        throw UsageError("no reference left to narrate: the source ends after " + std::to_string(m.position) +
                         " references");
    Narrator narrator(m.sim, m.meta);
    m.buildClassifier();  // classifyLazily: needed from here on
    narrator.setMissClassifier(m.classifier ? &*m.classifier : nullptr);
    struct Restore {
        Impl& m;
        ~Restore() { m.attach(); }
    } restore{m};
    m.attach(&narrator, &narrator);
    narrator.begin(m.position, next.front());
    std::vector<std::string> events;  // the control events right after it (msync), narrated
    auto tap = std::move(m.eventTap);
    m.eventTap = [&events, &tap](const TraceEvent& e, std::uint64_t written) {
        events.push_back(describeMsync(e, written));
        if (tap) tap(e, written);
    };
    struct RestoreTap {
        Impl& m;
        std::function<void(const TraceEvent&, std::uint64_t)>& tap;
        ~RestoreTap() { m.eventTap = std::move(tap); }
    } restoreTap{m, tap};
    m.simulate(1, Impl::Forward);
    ReferenceNarration narration = narrator.finish();
    narration.events = std::move(events);
    return narration;
}

Access Session::referenceAt(std::uint64_t index) const {
    const Impl& m = *impl_;
    if (!m.seekable()) throw UsageError("referenceAt needs a seekable session (SessionOptions::seekable)");
    if (index >= *m.length)
        throw UsageError("no reference " + std::to_string(index) + ": the source has " + std::to_string(*m.length) +
                         " references");
    // The window holds references [position - head, position - head + window.size()): the ones
    // around the position, which views ask for most. Others cost one block's decoding.
    const std::uint64_t windowStart = m.position - m.head;
    if (index >= windowStart && index - windowStart < m.window.size()) return m.window[index - windowStart];
    Access a;
    m.replay->readerAt(index)->read(std::span<Access>(&a, 1));
    return a;
}

const Simulator& Session::simulator() const { return impl_->sim; }
const SimConfig& Session::config() const { return impl_->config; }
const SourceSpec& Session::source() const { return impl_->source; }
const TraceMetadata* Session::metadata() const { return impl_->meta; }
std::uint32_t Session::describedProcesses() const {
    return std::max<std::uint32_t>(1, static_cast<std::uint32_t>(impl_->processMeta.size()));
}
const TraceMetadata* Session::processMetadata(std::uint32_t process) const {
    const Impl& m = *impl_;
    if (m.processMeta.empty()) return process == 0 ? m.meta : nullptr;
    return process < m.processMeta.size() && m.processMeta[process] ? &*m.processMeta[process] : nullptr;
}
const MissClassifier* Session::classifier() const {
    impl_->drainClassifier();
    impl_->buildClassifier();  // classifyLazily: built at the first need
    return impl_->classifier ? &*impl_->classifier : nullptr;
}
TraceFormat Session::format() const { return impl_->format; }
std::uint64_t Session::records() const { return impl_->reader ? impl_->reader->records() : impl_->totalRecords; }
std::uint64_t Session::skippedLines() const {
    return impl_->reader ? impl_->reader->skippedLines() : impl_->totalSkipped;
}
std::uint64_t Session::replayBytes() const { return impl_->replay ? impl_->replay->memoryBytes() : 0; }
std::uint64_t Session::checkpointBytes() const { return impl_->checkpointTotal; }
std::uint64_t Session::checkpointInterval() const { return impl_->interval; }

void Session::setObservers(HierarchyObserver* caches, MmuObserver* translation) {
    impl_->userCaches = caches;
    impl_->userTranslation = translation;
    impl_->attach();
}

void Session::setAccessTap(std::function<void(std::span<const Access>)> tap) { impl_->tap = std::move(tap); }
void Session::setEventTap(std::function<void(const TraceEvent&, std::uint64_t)> tap) {
    impl_->eventTap = std::move(tap);
}

void Session::checkPlans() {
    if (!impl_->sim.followedPlans())
        throw Error(
            "internal error: an \"opt\" policy saw other accesses than it was planned for; please report "
            "this with the config and trace");
}

RunSummary Session::summary(const std::string& configPath) const {
    const Impl& m = *impl_;
    return summarize(m.sim,
                     RunInfo{configPath, describeSource(m.source), std::string(toString(m.format)), records(),
                             skippedLines(), describeSourceBriefly(m.source)},
                     m.meta, classifier());
}

void Session::setFirstLevelHistory(bool on) {
    Impl& m = *impl_;
    if (!m.history) return;  // not lazy, or the classifier is built: it takes every arrival
    for (const std::uint32_t c : m.sim.hierarchy().firstLevelCaches()) m.history->setLogging(c, on);
    m.firstLevelHistoryOff = !on;
    m.attach();
}

bool Session::historyComplete() {
    Impl& m = *impl_;
    return !m.history || m.history->complete();
}

std::uint64_t defaultHistoryWindow(const Hierarchy& hierarchy) {
    std::uint64_t lines = 0;
    for (const std::uint32_t c : hierarchy.firstLevelCaches()) lines += hierarchy.caches()[c].config().lines();
    return std::max(std::uint64_t{1} << 20, 16 * lines);
}

std::unique_ptr<Session> openClassifyingFrom(const SimConfig& config, const SourceSpec& source,
                                             SessionOptions options, std::uint64_t from, std::uint64_t window) {
    options.seekable = false;
    options.classify = true;
    options.classifyLazily = true;
    // First with the first-level caches' hits unlogged until `window` references before `from`,
    // which is exact when the references since name enough lines (Session::historyComplete);
    // otherwise, or for standard input (read once), again with every arrival logged.
    if (!source.readsStandardInput()) {  // (a --mix refuses standard input)
        auto session = std::make_unique<Session>(config, source, options);
        if (window == 0) window = defaultHistoryWindow(session->simulator().hierarchy());
        if (from > window) {
            session->setFirstLevelHistory(false);
            session->step(from - window);
            session->setFirstLevelHistory(true);
        }
        session->step(from - std::min(from, session->position()));
        if (session->historyComplete()) return session;
    }
    auto session = std::make_unique<Session>(config, source, options);
    session->step(from);
    return session;
}

}  // namespace cachescope
