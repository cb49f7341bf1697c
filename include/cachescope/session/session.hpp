#pragma once
// A simulation session: one source (a trace file or a built-in kernel) under one config, driven
// forward and backward by every front end (CLI run / compare / sweep / explain / --vs-opt, and the
// classroom GUI). The plan -> run -> check sequence of OPT exists here once.
//
//   Session s(loadConfig("configs/teaching.json"), SourceSpec::kernelRun("matmul", {"n=16"}),
//             SessionOptions{.seekable = true, .classify = true});
//   s.step(10);                       // references 0..9
//   s.runUntil({StopKind::Miss, 0});  // up to and including the next L1 miss
//   s.seek(3);                        // state after references 0..2 (checkpoint + replay)
//   ReferenceNarration n = s.narrateNext();   // simulates reference 3 and tells what it did
//
// Seekable sessions encode the source once into the compact binary encoding (in memory, spilling
// to a temporary file past SessionOptions::replayMemory) with a block index, and keep snapshots of
// the whole state (simulator + 3C classifier) every K references, K chosen so that the snapshots
// stay within SessionOptions::checkpointMemory (and at least minCheckpointInterval apart). seek(i)
// restores the nearest checkpoint at or before i and replays deterministically. docs/session.md
// tells the whole story. Standard input cannot be sought: opening it with
// seekable = true throws UsageError saying so.
//
// The session does no I/O of its own beyond opening and reading the source (and the spill file).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cachescope/analysis/miss_classes.hpp"
#include "cachescope/analysis/narration.hpp"
#include "cachescope/config/config.hpp"
#include "cachescope/core/access.hpp"
#include "cachescope/mmu/mmu_observer.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/sim/observer.hpp"
#include "cachescope/sim/simulator.hpp"
#include "cachescope/trace/decode_thread.hpp"
#include "cachescope/trace/metadata.hpp"
#include "cachescope/trace/reader.hpp"

namespace cachescope {

/// Where accesses come from: a trace file (or "-" for standard input), a built-in kernel run live,
/// or readers the caller opens (library code and tests whose traces are not files).
struct SourceSpec {
    std::string trace;                       // "-" = standard input; empty with a kernel
    TraceFormat format = TraceFormat::Auto;  // of the trace file
    std::string kernel;                      // empty = read `trace`
    std::vector<std::string> params;         // "name=value" for the kernel
    /// Bytes the simulator's state (config/resources.hpp, checked by Session) and a kernel's tensors
    /// (KernelParams::memoryBudget) may take; 0 = defaultMemoryBudget(), half of this machine's memory.
    std::uint64_t memoryBudget = 0;
    /// A kernel's tensor placement: an allocator name (KernelParams::placement, `--placement`).
    std::string placement;
    /// Decode a trace file on a second thread (trace/decode_thread.hpp); `Auto` does so for files
    /// (not standard input) when the process may use more than one CPU, unless the classifier
    /// takes the second thread (classifyThread) and there are fewer than three.
    DecodeThread decodeThread = DecodeThread::Auto;
    /// When set, opens the source (instead of trace / kernel); every call must give the same
    /// accesses. `label` then names it (describeSource).
    std::function<std::unique_ptr<TraceReader>()> opener;
    std::string label;
    /// Several sources run as processes 0, 1, ... round-robin, `quantum` references each turn
    /// (docs/mmu.md, "Processes"): each a trace file or "KERNEL:name=value,..." (`--mix`). Non-empty:
    /// `trace`, `kernel` and `params` must be empty.
    std::vector<std::string> mix;
    std::uint64_t quantum = 1000;

    static SourceSpec file(std::string path, TraceFormat format = TraceFormat::Auto);
    static SourceSpec kernelRun(std::string name, std::vector<std::string> params = {});
    static SourceSpec custom(std::function<std::unique_ptr<TraceReader>()> open, std::string label);
    static SourceSpec mixOf(std::vector<std::string> sources, std::uint64_t quantum);

    bool readsStandardInput() const { return !opener && mix.empty() && kernel.empty() && trace == "-"; }
};

/// One `--mix` item as a source of its own: "KERNEL" or "KERNEL:name=value,..." when KERNEL is a
/// built-in kernel (and, without a ':', no file of that name exists), else a trace file. Throws
/// UsageError for an empty item.
SourceSpec mixItemSpec(const std::string& item);
/// Interleaves `readers` as processes 0, 1, ...: `quantum` references of each in turn, a reader
/// that ended leaving the turn to the next (deterministic). Sites are dropped (the sources' site
/// tables differ): every access has site 0 and the reader has no metadata. A source's control events
/// (msync) become the mix's, in its process, just before the source's next access or where the mix
/// finds it ended (deterministic whatever the sources' read sizes). Throws UsageError for
/// no reader, more than kMaxProcesses readers or a quantum of 0.
std::unique_ptr<TraceReader> interleaveAsProcesses(std::vector<std::unique_ptr<TraceReader>> readers,
                                                   std::uint64_t quantum);

/// Opens the source (again, for passes that read it twice). Throws UsageError unless exactly one of
/// a trace and a kernel is given, or if kernel parameters come without a kernel; IoError /
/// TraceError / ConfigError as the readers do.
std::unique_ptr<TraceReader> openSource(const SourceSpec& source);
/// The trace path, or "kernel matmul n=64 ..." with every resolved parameter (a custom source: its label).
std::string describeSource(const SourceSpec& source);
/// The same for people (report headers, chart titles): a kernel lists only the parameters the
/// user set and its own parameters whose default is not 0 (sizes, loop order, element size), so
/// "kernel matmul n=32 order=ikj elem=4" rather than every zero and the layout's defaults; base
/// in hex. describeSource stays complete where a label must identify the run (sweep rows, JSON).
std::string describeSourceBriefly(const SourceSpec& source);
/// Throws UsageError if `source` is standard input, which "opt" (page replacement or a replacement
/// policy) cannot use: it reads the trace more than once, first to learn the future.
void requireRereadableForOpt(const SourceSpec& source);

struct SessionOptions {
    /// Encode the source for replay so that seek() and stepBack() work. false: the source is read
    /// once, as it streams (what `cachescope run` needs); seek() then throws UsageError.
    bool seekable = false;
    /// 3C classification of every miss (a MissClassifier observing the whole run; part of every
    /// checkpoint, so it stays exact across seeks).
    bool classify = false;
    /// With `classify` on a streaming session: the classifier's shadows run on a second thread
    /// (analysis/arrival_thread.hpp) as decodeThread says (auto: when the process may use more
    /// than one CPU). Results are identical either way; seekable sessions classify inline.
    DecodeThread classifyThread = DecodeThread::Auto;
    /// With `classify` on a streaming session: classes are wanted only from the first time they
    /// are needed (narrateNext, runUntil, observers, classifier(), summary()), not counted from the
    /// start: `explain --from K`. Until then the session keeps only what the classes will need (each
    /// cache's lines seen and its latest arrivals, compacted; analysis/arrival_history.hpp), on
    /// this thread; then it builds the classifier from that: the same classes from there on as a
    /// classifier that saw everything, its counts from zero.
    bool classifyLazily = false;
    /// Attribution by site when the source's metadata has sites.
    bool attribution = true;
    /// Names the config in the message of a config too large for the memory budget (its file).
    std::string configLabel;
    /// Bytes of the encoded source kept in memory before it spills to a temporary file.
    std::uint64_t replayMemory = std::uint64_t{256} << 20;
    /// Bytes all checkpoints together may take.
    std::uint64_t checkpointMemory = std::uint64_t{256} << 20;
    /// References between checkpoints at least, however small the state: replaying this many
    /// costs well under a millisecond, and small configs then do not fill the budget for nothing.
    std::uint64_t minCheckpointInterval = 4096;
    /// Called about every `progressInterval` references during runToEnd (references so far).
    std::function<void(std::uint64_t)> onProgress;
    std::uint64_t progressInterval = std::uint64_t{1} << 22;
    /// Protection and segmentation faults end the run (SegmentFaultError) instead of being counted
    /// and skipped (`run --on-fault stop`; Simulator::setStopOnFault).
    bool stopOnFault = false;
};

/// Events runUntil() can stop at.
enum class StopKind : std::uint8_t {
    Miss,          // a miss at cache `structure` (any cache when nullopt)
    Eviction,      // a valid line replaced in cache `structure` (any when nullopt)
    WriteBack,     // a dirty victim written back from cache `structure` (any when nullopt)
    TlbMiss,       // a miss in TLB `structure` (any when nullopt)
    PageFault,     // any page fault
    TensorAccess,  // a reference to region `region` of process `process`'s metadata
};

struct StopCondition {
    StopKind kind = StopKind::Miss;
    std::optional<std::uint32_t> structure;  // index into Hierarchy::caches() or Mmu::tlbs()
    std::uint32_t region = 0;                // TensorAccess: index into TraceMetadata::regions
    /// TensorAccess: whose regions (processMetadata(process)). When the source describes several
    /// processes (a --mix) only that process's references count: each has its own address space.
    std::uint32_t process = 0;
};

class Session {
public:
    /// Checks the config's estimated state against the memory budget (ConfigError naming the JSON
    /// path, before anything is allocated), opens the source (kernels start running; seekable
    /// sessions encode the whole source up front, so length() is known), applies attribution and
    /// classification, and plans OPT futures when the config needs them (refusing standard input
    /// then). `config` must be valid.
    Session(SimConfig config, SourceSpec source, SessionOptions options = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// References simulated so far (the index of the next reference).
    std::uint64_t position() const;
    /// Total references; known up front for seekable sessions, otherwise once the end was reached.
    std::optional<std::uint64_t> length() const;
    bool atEnd() const;

    /// Simulates up to `n` more references; returns how many were simulated (fewer at the end).
    std::uint64_t step(std::uint64_t n = 1);
    /// Simulates to the end of the source; returns how many references this call simulated.
    std::uint64_t runToEnd();
    /// Simulates until a reference causes `condition` (that reference included) or `limit` more
    /// references were simulated or the end came. Returns true if the condition was met.
    bool runUntil(const StopCondition& condition, std::uint64_t limit = ~std::uint64_t{0});
    /// The state after references 0..index-1 (index <= length()). Seekable sessions only.
    void seek(std::uint64_t index);
    /// seek(position() - n), clamped at 0.
    void stepBack(std::uint64_t n = 1);
    /// seek(0).
    void reset();

    /// Simulates the next reference with a narrator attached and returns what it did (translation,
    /// every cache step with its set before, victims, 3C class when classifying). Throws UsageError
    /// at the end of the source.
    ReferenceNarration narrateNext();
    /// The reference at `index` (seekable sessions, index < length()).
    Access referenceAt(std::uint64_t index) const;

    const Simulator& simulator() const;
    const SimConfig& config() const;
    const SourceSpec& source() const;
    /// Regions and sites of the source, nullptr when it has none.
    const TraceMetadata* metadata() const;
    /// Processes whose regions the source describes: a --mix's sources (1 otherwise).
    std::uint32_t describedProcesses() const;
    /// The regions and sites of process `process`: a --mix source's own (kept for inspection, e.g.
    /// the GUI's tensor view per process); metadata() for process 0 of other sources; nullptr when
    /// there are none.
    const TraceMetadata* processMetadata(std::uint32_t process) const;
    /// The 3C classifier when SessionOptions::classify, else nullptr.
    const MissClassifier* classifier() const;
    /// The format actually read (after detection) and trace records read so far (a seekable
    /// session read the whole source up front: all of them).
    TraceFormat format() const;
    std::uint64_t records() const;
    /// Lines of the trace that were skipped because they are not records (Lackey's own messages
    /// and the traced program's output mixed into a Lackey log; TraceReader::skippedLines).
    std::uint64_t skippedLines() const;
    /// Bytes the encoded source holds in memory (header, block index, and the blocks unless they
    /// spilled to the temporary file); 0 for streaming sessions.
    std::uint64_t replayBytes() const;
    /// Bytes all checkpoints hold (as the session sizes them; at most checkpointMemory).
    std::uint64_t checkpointBytes() const;
    /// References between checkpoints (K).
    std::uint64_t checkpointInterval() const;

    /// Extra observers for the whole run (not owned; nullptr detaches). They see only references
    /// simulated forward by step/runToEnd/runUntil, never the silent replay of seek().
    void setObservers(HierarchyObserver* caches, MmuObserver* translation);
    /// Called with the accesses as the source gives them, just before they are simulated forward
    /// (never during seek()'s replay): e.g. LocalityObserver::onTraceBlock. Empty detaches.
    void setAccessTap(std::function<void(std::span<const Access>)> tap);
    /// Called with each control event of the source (an msync; trace/event.hpp) just after it was
    /// applied going forward (never during seek()'s replay), with the dirty file pages it wrote
    /// back; describeMsync(event, written) is its narration line. Empty detaches. The state at
    /// position i includes the events at positions up to i (before reference i).
    void setEventTap(std::function<void(const TraceEvent& event, std::uint64_t written)> tap);

    /// After the end: throws Error if an OPT policy saw other accesses than it was planned for
    /// (an internal error). runToEnd() calls it.
    void checkPlans();
    /// The report of the run so far (report/report.hpp), with miss classes when classifying.
    RunSummary summary(const std::string& configPath) const;

    /// classifyLazily, before the classifier is built (else nothing happens): off, the first-level
    /// caches' hits are neither handed to the history nor logged, and what it logged of those
    /// caches is dropped (their misses still name the lines seen); on again, their logs restart
    /// here. The classes are then exact only if the references from here name every line those
    /// shadows hold when the classifier is built: historyComplete() tells (openClassifyingFrom).
    void setFirstLevelHistory(bool on);
    /// False when the history (classifyLazily) could not give exact classes now: a log switched
    /// off, or restarted and naming too few lines (ArrivalHistory::complete). True otherwise.
    bool historyComplete();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// A streaming session at reference `from` (or the end, if sooner) that classifies every miss
/// from there on, as `explain --from` wants: the references before are simulated with
/// classifyLazily (options.classify and classifyLazily are set here; seekable is cleared). Unless
/// the source is standard input, the first-level hits are not even logged until `window`
/// references before `from` (0: defaultHistoryWindow); if the references since name too few lines
/// for exact classes (Session::historyComplete), the source is opened again and run to `from`
/// with every arrival logged. Either way the classes are exactly those of a classifier that saw
/// everything.
std::unique_ptr<Session> openClassifyingFrom(const SimConfig& config, const SourceSpec& source,
                                             SessionOptions options, std::uint64_t from, std::uint64_t window = 0);
/// The references openClassifyingFrom logs in full before `from`: 2^20, or 16 times the
/// first-level caches' lines if more.
std::uint64_t defaultHistoryWindow(const Hierarchy& hierarchy);

}  // namespace cachescope
