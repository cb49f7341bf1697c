// The text writers (cachescope text, extended din, Valgrind Lackey), makeTraceWriter and copyTrace.

#include "cachescope/trace/writer.hpp"

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/trace/binary.hpp"

namespace cachescope {

namespace {

/// Formats lines into a buffer and hands it to the stream in large writes.
class LineWriter : public TraceWriter {
public:
    explicit LineWriter(std::ostream& out) : out_(out) { buf_.reserve(kFlushBytes + 128); }

    void finish() override {
        flush();
        out_.flush();
        if (!out_) throw IoError("trace writer: the output stream failed");
    }

protected:
    static constexpr std::size_t kFlushBytes = std::size_t{64} * 1024;

    void hex(std::uint64_t v, int minDigits = 1) {
        std::array<char, 16> digits{};
        auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), v, 16);
        (void)ec;
        for (auto n = static_cast<int>(end - digits.data()); n < minDigits; ++n) buf_.push_back('0');
        buf_.append(digits.data(), end);
    }
    void decimal(std::uint64_t v) {
        std::array<char, 20> digits{};
        auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), v);
        (void)ec;
        buf_.append(digits.data(), end);
    }
    void text(std::string_view s) { buf_.append(s); }
    void endLine() {
        buf_.push_back('\n');
        if (buf_.size() >= kFlushBytes) flush();
    }
    void flush() {
        out_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
        buf_.clear();
        if (!out_) throw IoError("trace writer: the output stream failed");
    }

private:
    std::ostream& out_;
    std::string buf_;
};

/// "R 0x1000 4": kind R/W/I, hex address, decimal size. The source goes in a leading comment.
class TextTraceWriter final : public LineWriter {
public:
    TextTraceWriter(std::ostream& out, const TraceMetadata& metadata) : LineWriter(out) {
        if (metadata.source.empty()) return;
        std::string source = metadata.source;
        for (char& c : source)
            if (c == '\n' || c == '\r') c = ' ';
        text("# ");
        text(source);
        endLine();
    }
    void write(std::span<const Access> block) override {
        for (const Access& a : block) {
            text(a.kind == AccessKind::Read ? "R 0x" : a.kind == AccessKind::Write ? "W 0x" : "I 0x");
            hex(a.address);
            text(" ");
            decimal(a.size);
            if (a.process != 0) {  // the optional process field (docs/trace-format.md)
                text(" p");
                decimal(a.process);
            }
            endLine();
        }
    }
    /// "msync 0x10000000 8192" and the process field as for accesses (docs/trace-format.md).
    bool writeEvent(const TraceEvent& e) override {
        if (const std::string p = msyncProblem(e.address, e.size); !p.empty())
            throw TraceError("text trace writer: " + p);
        text("msync 0x");
        hex(e.address);
        text(" ");
        decimal(e.size);
        if (e.process != 0) {
            text(" p");
            decimal(e.process);
        }
        endLine();
        return true;
    }
};

/// Extended din "0 1000 4": label (0 read, 1 write, 2 fetch), hex address, hex size.
class DinTraceWriter final : public LineWriter {
public:
    using LineWriter::LineWriter;
    void write(std::span<const Access> block) override {
        for (const Access& a : block) {
            text(a.kind == AccessKind::Read ? "0 " : a.kind == AccessKind::Write ? "1 " : "2 ");
            hex(a.address);
            text(" ");
            hex(a.size);
            endLine();
        }
    }
};

/// Valgrind Lackey: "I  0400d7d4,8", " L 1ffefff8a0,8", " S ...": hex address zero-padded to at
/// least 8 digits (valgrind prints "%08lx"), decimal size.
class LackeyTraceWriter final : public LineWriter {
public:
    using LineWriter::LineWriter;
    void write(std::span<const Access> block) override {
        for (const Access& a : block) {
            text(a.kind == AccessKind::Read ? " L " : a.kind == AccessKind::Write ? " S " : "I  ");
            hex(a.address, 8);
            text(",");
            decimal(a.size);
            endLine();
        }
    }
};

}  // namespace

std::unique_ptr<TraceWriter> makeTraceWriter(std::ostream& out, TraceFormat format, const TraceMetadata& metadata) {
    switch (format) {
        case TraceFormat::Text:
            return std::make_unique<TextTraceWriter>(out, metadata);
        case TraceFormat::Din:
            return std::make_unique<DinTraceWriter>(out);
        case TraceFormat::Lackey:
            return std::make_unique<LackeyTraceWriter>(out);
        case TraceFormat::Binary:
            return makeBinaryTraceWriter(out, metadata);
        case TraceFormat::Auto:
        case TraceFormat::Kernel:
            break;
    }
    throw UsageError("cannot write a trace in format '" + std::string(toString(format)) +
                     "': expected one of text, din, lackey, binary");
}

std::uint64_t copyTrace(TraceReader& in, TraceWriter& out, std::uint64_t* droppedAllocations,
                        std::uint64_t* droppedEvents) {
    // The reader hands a record over before the accesses after it: written in the same order.
    struct Forward final : AllocationSink {
        TraceWriter& out;
        std::uint64_t dropped = 0;
        explicit Forward(TraceWriter& w) : out(w) {}
        void onAllocation(const AllocationRecord& record) override { dropped += out.writeAllocation(record) ? 0 : 1; }
    } forward(out);
    // Control events come with their positions: each is written once the accesses before it are.
    TraceEventQueue events;
    in.setAllocationSink(&forward);
    in.setEventSink(&events);
    struct Unset {
        TraceReader& in;
        ~Unset() {
            in.setAllocationSink(nullptr);
            in.setEventSink(nullptr);
        }
    } unset{in};
    std::uint64_t droppedEventCount = 0;
    auto write = [&](std::span<const Access> part) { out.write(part); };
    auto writeEvent = [&](const TraceEvent& e) { droppedEventCount += out.writeEvent(e) ? 0 : 1; };
    std::vector<Access> block(4096);
    std::uint64_t total = 0;
    for (;;) {
        const std::size_t n = in.read(block);
        events.applyDue(total, writeEvent);
        if (n == 0) break;
        events.feed(std::span<const Access>(block.data(), n), total, write, writeEvent);
    }
    out.finish();
    if (droppedAllocations != nullptr) *droppedAllocations = forward.dropped;
    if (droppedEvents != nullptr) *droppedEvents = droppedEventCount;
    return total;
}

}  // namespace cachescope
