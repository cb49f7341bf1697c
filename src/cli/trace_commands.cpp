// `cachescope kernels` and `cachescope trace record|convert|info`, and the source options every
// command that reads a trace file or a live kernel shares (opened by the session library).

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string_view>

#include "cachescope/alloc/allocator.hpp"
#include "cachescope/core/json_text.hpp"
#include "cachescope/core/atomic_file.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/alloc/trace.hpp"
#include "cachescope/kernels/kernel.hpp"
#include "cachescope/preload/record.hpp"
#include "cachescope/report/report.hpp"
#include "cachescope/trace/binary.hpp"
#include "cachescope/trace/info.hpp"
#include "cachescope/trace/line_reader.hpp"
#include "cachescope/trace/valgrind.hpp"
#include "cachescope/trace/writer.hpp"
#include "commands.hpp"

namespace cachescope::cli {

static void addPlacementOption(CLI::App* cmd, std::string& placement) {
    std::string names;
    for (const alloc::AllocatorInfo& a : alloc::allocators())
        if (!a.make(alloc::kUnlimited)->needsPlan()) names += (names.empty() ? "" : ", ") + a.name;
    cmd->add_option("--placement", placement,
                    "Place the kernel's tensors where this allocator would (" + names +
                        "; docs/alloc.md): one fresh heap, tensors allocated in creation order with the align "
                        "parameter as their alignment; default: one after another at multiples of align");
}

void addSourceOptions(CLI::App* cmd, SourceArgs& source) {
    cmd->add_option("--trace-format", source.traceFormat, "Trace format (default: detect from content)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary"}));
    cmd->add_option("--kernel,-k", source.kernel, "Run a built-in kernel instead of reading a trace (see 'kernels')");
    cmd->add_option("--param,-p", source.params, "Kernel parameter NAME=VALUE (repeatable)");
    cmd->add_option("trace", source.trace, "Trace file, or - for standard input");
    addPlacementOption(cmd, source.placement);
    cmd->add_option("--max-memory", source.maxMemory,
                    "Memory the simulator's state and a kernel's tensors may take, e.g. 4GiB (default: half of "
                    "this machine's memory); larger configs and kernels are refused before they start");
    cmd->add_option("--decode-thread", source.decodeThread,
                    "Decode a trace file on a second thread while the first simulates: auto (when more than one "
                    "CPU is available; files, not standard input), on, off")
        ->check(CLI::IsMember({"auto", "on", "off"}));
    cmd->add_option("--mix", source.mix,
                    "Run several sources as processes 0, 1, ... (repeat): a trace file or KERNEL:name=value,... "
                    "(e.g. --mix matmul:n=24 --mix transpose:n=64); round-robin, --quantum references a turn "
                    "(docs/mmu.md, Processes)")
        ->allow_extra_args(false);
    cmd->add_option("--quantum", source.quantum, "References per turn with --mix, at least 1 (default 1000)");
}

namespace {

/// A note on standard error (once per process) when a kernel parameter uses its old name.
void noteOldParamNames(const std::vector<std::string>& params) {
    static bool noted = false;
    for (const std::string& p : params)
        if (!noted && p.rfind(std::string(kOldRowPadName) + "=", 0) == 0) {
            std::cerr << "cachescope: note: --param " << p << " is read as row_pad=" << p.substr(p.find('=') + 1)
                      << " (pad is the old name of row_pad, the elements added to each row of every tensor; "
                         "conv2d's padding is the convolution's border)\n";
            noted = true;
        }
}

}  // namespace

SourceSpec toSpec(const SourceArgs& source) {
    noteOldParamNames(source.params);
    SourceSpec spec;
    spec.trace = source.trace;
    spec.format = parseTraceFormat(source.traceFormat);
    spec.kernel = source.kernel;
    spec.params = source.params;
    spec.placement = source.placement;
    spec.decodeThread = parseDecodeThread(source.decodeThread);
    spec.mix = source.mix;
    spec.quantum = source.quantum;
    if (!source.maxMemory.empty()) {
        const std::optional<std::uint64_t> bytes = parseSize(source.maxMemory);
        if (!bytes || *bytes == 0)
            throw UsageError("--max-memory: expected a size such as 4GiB or 512MiB, got \"" + source.maxMemory + "\"");
        spec.memoryBudget = *bytes;
    }
    return spec;
}

TraceFormat outputFormat(const std::string& name, const std::string& path, std::optional<TraceFormat> fallback) {
    if (name != "auto") {
        const TraceFormat f = parseTraceFormat(name);
        if (f == TraceFormat::Auto || f == TraceFormat::Kernel) throw UsageError("choose an output format");
        return f;
    }
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext == ".bin" || ext == ".cst") return TraceFormat::Binary;
    if (ext == ".din") return TraceFormat::Din;
    if (ext == ".lackey") return TraceFormat::Lackey;
    if (ext == ".trace" || ext == ".txt") return TraceFormat::Text;
    if (fallback) return *fallback;
    throw UsageError("cannot tell the output format of '" + path +
                     "' from its extension (expected .bin, .cst, .din, .lackey, .trace or .txt); name it with --to "
                     "text|din|lackey|binary");
}

void printParamSpecs(std::ostream& os, const std::vector<KernelParamSpec>& params) {
    std::size_t nameWidth = 0, defaultWidth = 0;
    for (const KernelParamSpec& p : params) {
        nameWidth = std::max(nameWidth, p.name.size());
        defaultWidth = std::max(defaultWidth, p.defaultValue.size());
    }
    for (const KernelParamSpec& p : params) {
        std::string values;
        if (p.type == KernelParamSpec::Type::Choice) {
            for (const std::string& c : p.choices) values += (values.empty() ? "" : "|") + c;
        } else if (p.type == KernelParamSpec::Type::Bool) {
            values = "0|1";
        } else {
            values = std::to_string(p.min) + ".." + std::to_string(p.max);
            if (p.type == KernelParamSpec::Type::IntList) values = "comma-separated, each " + values;
        }
        os << "  " << p.name << std::string(nameWidth - p.name.size() + 2, ' ') << p.defaultValue
           << std::string(defaultWidth - p.defaultValue.size() + 2, ' ') << p.description << " (" << values << ")\n";
    }
}

void kernelsCommand(const std::string& name) {
    std::vector<const KernelInfo*> list;
    if (!name.empty()) {
        list.push_back(&findKernel(name));
    } else {
        for (const KernelInfo& k : kernels()) list.push_back(&k);
    }
    const std::vector<KernelParamSpec> common = commonParams();
    for (const KernelInfo* k : list) {
        std::cout << k->name << ": " << k->description << '\n';
        std::vector<KernelParamSpec> params = k->params;
        params.insert(params.end(), common.begin(), common.end());
        printParamSpecs(std::cout, params);
        if (list.size() > 1) std::cout << '\n';
    }
    if (name.empty())
        std::cout << "Run one: cachescope run --config configs/teaching.json --kernel matmul --param n=32\n";
}

namespace {

/// `trace record --allocations -o FILE -- PROGRAM ARGS`: the program's allocations through the
/// preloaded recorder (preload/record.hpp), checked by the allocation-trace reader before the
/// file is written, so a recorder bug is a message, not a file `alloc` cannot read.
void recordAllocationsCommand(const TraceRecordArgs& args) {
    if (!args.kernel.empty() || args.program.empty())
        throw UsageError("trace record --allocations records a program: give it after -- (e.g. 'cachescope trace "
                         "record --allocations -o t.alloc -- ./a.out'), not --kernel");
    const std::string ext = std::filesystem::path(args.output).extension().string();
    const bool binary = args.format == "binary" || (args.format == "auto" && (ext == ".bin" || ext == ".cst"));
    if (args.format != "auto" && args.format != "binary")
        throw UsageError("--format " + args.format + " does not apply to --allocations: it writes the allocation "
                         "trace format of docs/alloc.md, or a binary trace (--format binary, or a .bin or .cst file)");
    checkOutputs({args.output});
    std::string command;
    for (const std::string& a : args.program) command += (command.empty() ? "" : " ") + a;
    AllocRecording recording = recordAllocations(args.program, recorderLibrary());
    if (!recording.trace.empty() && recording.trace.back() != '\n') {
        // The program ended without the recorder's last flush (a signal, or _exit): keep whole lines.
        recording.trace.resize(recording.trace.rfind('\n') + 1);
        std::cerr << "cachescope: note: " << args.program.front()
                  << " ended without flushing the recorder (killed, or _exit); its last allocations are missing\n";
    }
    const std::string text = "# allocations of " + command + " (cachescope trace record --allocations)\n" + recording.trace;
    std::istringstream in(text);
    const alloc::AllocTrace trace = alloc::readAllocTrace(in, "the allocations recorded from '" + args.program[0] + "'");
    writeFileAtomically(args.output, [&](std::ostream& os) {
        if (!binary) {
            os << text;
            return;
        }
        TraceMetadata meta;
        meta.source = "allocations of " + command;
        const std::unique_ptr<TraceWriter> writer = makeTraceWriter(os, TraceFormat::Binary, meta);
        alloc::writeAllocations(*writer, trace);
        writer->finish();
    });
    std::uint64_t counts[3] = {0, 0, 0};
    for (const alloc::AllocEvent& e : trace.events) ++counts[static_cast<int>(e.op)];
    std::cerr << "cachescope: recorded " << withThousands(trace.events.size()) << " allocation events ("
              << withThousands(counts[0]) << " alloc, " << withThousands(counts[1]) << " free, "
              << withThousands(counts[2]) << " realloc) of " << args.program.front() << " to " << args.output;
    if (recording.exitStatus != 0) std::cerr << "; the program exited with status " << recording.exitStatus;
    std::cerr << '\n';
}

}  // namespace

void traceRecordCommand(const TraceRecordArgs& args) {
    if (args.allocations) {
        recordAllocationsCommand(args);
        return;
    }
    const TraceFormat format = outputFormat(args.format, args.output, TraceFormat::Binary);
    checkOutputs({args.output});
    if (args.kernel.empty() == args.program.empty())
        throw UsageError("trace record needs either --kernel NAME or a program after -- (e.g. "
                         "'cachescope trace record -o t.bin -- ./a.out')");
    if (!args.kernel.empty()) {
        noteOldParamNames(args.params);
        SourceSpec spec = SourceSpec::kernelRun(args.kernel, args.params);
        spec.placement = args.placement;
        std::unique_ptr<TraceReader> trace = openSource(spec);
        std::uint64_t accesses = 0;
        writeFileAtomically(args.output, [&](std::ostream& os) {
            std::unique_ptr<TraceWriter> writer = makeTraceWriter(os, format, *trace->metadata());
            accesses = copyTrace(*trace, *writer);
        });
        std::cerr << "cachescope: recorded " << withThousands(accesses) << " accesses of " << trace->metadata()->source
                  << " to " << args.output << " (" << toString(format) << ")\n";
        return;
    }
    ProgramTraceResult result;
    writeFileAtomically(args.output, [&](std::ostream& os) {
        TraceMetadata meta;
        for (const std::string& a : args.program) meta.source += (meta.source.empty() ? "valgrind " : " ") + a;
        std::unique_ptr<TraceWriter> writer = makeTraceWriter(os, format, meta);
        result = traceProgram(args.program, *writer);
        writer->finish();
    });
    std::cerr << "cachescope: recorded " << withThousands(result.accesses) << " accesses of " << args.program.front()
              << " to " << args.output << " (" << toString(format) << ")";
    if (result.exitStatus != 0) std::cerr << "; the program exited with status " << result.exitStatus;
    std::cerr << '\n';
}

namespace {

/// The note of a conversion whose output format cannot hold some of the input's records: "N msync
/// events of IN were left out: the din format holds accesses only (keep it text or binary for the
/// msyncs)". Nothing when `count` is 0.
void noteLeftOut(std::uint64_t count, std::string_view what, const std::string& input, std::string_view format,
                 std::string_view holds, std::string_view advice) {
    if (count == 0) return;
    std::cerr << "cachescope: note: " << withThousands(count) << ' ' << what << " of " << input
              << " were left out: the " << format << " format holds " << holds << " only (" << advice << ")\n";
}

/// msync events a conversion to `format` (which holds `holds` only) could not keep.
void noteLeftOutMsyncs(std::uint64_t count, const std::string& input, std::string_view format, std::string_view holds) {
    noteLeftOut(count, "msync events", input, format, holds, "keep it text or binary for the msyncs");
}

/// Is `path` a text allocation trace (its first meaningful line an allocation event)?
bool isAllocText(const std::string& path) {
    std::unique_ptr<std::istream> in = openInputFile(path);
    std::string head(std::size_t{64} * 1024, '\0');
    in->read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in->gcount()));
    return !looksBinary(head) && alloc::looksLikeAllocText(head);
}

/// Converts to or from the allocation trace format: text allocation traces become binary traces of
/// allocation records and back (docs/trace-format.md, "Allocation blocks").
void convertAllocations(const TraceConvertArgs& args, bool fromAlloc, bool toAlloc) {
    if (!fromAlloc) {  // a binary trace's allocation records to the text allocation format
        if (args.from != "auto" && args.from != "binary")
            throw UsageError("--to alloc needs a binary trace or an allocation trace: a " + args.from +
                             " trace holds no allocation events");
        std::unique_ptr<std::istream> in = openInputFile(args.input);
        if (!peekBinary(in))
            throw UsageError("'" + args.input + "' is neither a binary trace nor an allocation trace (docs/alloc.md): "
                             "only those hold allocation events");
    }
    const alloc::AllocTrace trace = alloc::loadAllocTrace(args.input);
    TraceFormat to = TraceFormat::Binary;
    if (!toAlloc) {
        to = outputFormat(args.to, args.output, std::nullopt);
        if (to != TraceFormat::Binary)
            throw UsageError("an allocation trace converts to a binary trace (.bin, .cst) or to the allocation text "
                             "format (.alloc, --to alloc), not to " + std::string(toString(to)) +
                             " (that format holds accesses only)");
    }
    writeFileAtomically(args.output, [&](std::ostream& os) {
        if (toAlloc) {
            alloc::writeAllocTrace(os, trace);
            return;
        }
        TraceMetadata meta;
        meta.source = trace.source;
        const std::unique_ptr<TraceWriter> writer = makeTraceWriter(os, to, meta);
        alloc::writeAllocations(*writer, trace);
        writer->finish();
    });
    if (toAlloc) noteLeftOutMsyncs(trace.msyncs, args.input, "alloc", "allocation events");
}

}  // namespace

void traceConvertCommand(const TraceConvertArgs& args) {
    const bool toAlloc =
        args.to == "alloc" || (args.to == "auto" && std::filesystem::path(args.output).extension() == ".alloc");
    const bool fromAlloc = args.from == "alloc" || (args.from == "auto" && args.input != "-" && isAllocText(args.input));
    if (fromAlloc || toAlloc) {
        checkOutputs({args.output});
        convertAllocations(args, fromAlloc, toAlloc);
        return;
    }
    const TraceFormat to = outputFormat(args.to, args.output, std::nullopt);
    checkOutputs({args.output});
    std::unique_ptr<TraceReader> in = openTrace(args.input, parseTraceFormat(args.from));
    static const TraceMetadata none;
    std::uint64_t dropped = 0, droppedEvents = 0;
    writeFileAtomically(args.output, [&](std::ostream& os) {
        std::unique_ptr<TraceWriter> writer = makeTraceWriter(os, to, in->metadata() ? *in->metadata() : none);
        copyTrace(*in, *writer, &dropped, &droppedEvents);
    });
    noteLeftOut(dropped, "allocation events", args.input, toString(to), "accesses",
                "convert to .alloc for the allocations, or keep it binary");
    noteLeftOutMsyncs(droppedEvents, args.input, toString(to), "accesses");
}

void traceInfoCommand(const TraceInfoArgs& args) {
    const SourceSpec source = toSpec(args.source);
    std::unique_ptr<TraceReader> trace = openSource(source);
    const TraceInfo info = traceInfo(*trace, describeSource(source), args.lineSize, args.pageSize);
    if (args.json) {
        std::cout << jsonText(traceInfoJson(info), 2) << '\n';
    } else {
        printTraceInfo(std::cout, info);
    }
}

// ---- registration (main.cpp) ---------------------------------------------------------------

Command addKernelsCommand(CLI::App& app) {
    auto kernelName = std::make_shared<std::string>();
    CLI::App* kernelsCmd = app.add_subcommand("kernels", "List the built-in kernels and their parameters");
    kernelsCmd->add_option("name", *kernelName, "Show only this kernel");
    kernelsCmd->footer("Examples:\n  cachescope kernels\n  cachescope kernels conv2d");
    return {kernelsCmd, [kernelName] { kernelsCommand(*kernelName); }};
}

Command addTraceCommand(CLI::App& app) {
    CLI::App* traceCmd = app.add_subcommand("trace", "Record, convert and describe traces");
    traceCmd->require_subcommand(1);
    traceCmd->footer(
        "Examples:\n"
        "  cachescope trace record --kernel matmul --param n=64 -o matmul.bin\n"
        "  cachescope trace convert traces/sample.din sample.bin\n"
        "  cachescope trace info traces/matmul-ikj.bin\n"
        "Run 'cachescope trace <command> --help' for the options of each.");
    auto record = std::make_shared<TraceRecordArgs>();
    CLI::App* recordCmd = traceCmd->add_subcommand(
        "record", "Record a kernel's accesses, or a program's under Valgrind Lackey, to a trace file");
    recordCmd->add_option("--kernel,-k", record->kernel, "Built-in kernel to record");
    recordCmd->add_option("--param,-p", record->params, "Kernel parameter NAME=VALUE (repeatable)");
    addPlacementOption(recordCmd, record->placement);
    recordCmd->add_option("-o,--output", record->output, "Trace file to write (atomically)")->required();
    recordCmd->add_option("--format", record->format,
                          "Output format (default: from the extension, else binary; with --allocations the "
                          "allocation text format unless binary)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary"}));
    recordCmd->add_option("program", record->program, "Program and its arguments, after --");
    recordCmd->add_flag("--allocations", record->allocations,
                        "Record the program's allocations (malloc, free, new, delete, ...; docs/alloc.md) through a "
                        "preloaded library instead of its memory accesses");
    recordCmd->footer(
        "Examples:\n"
        "  cachescope trace record --kernel matmul --param n=64 --param order=ijk -o matmul.bin\n"
        "  cachescope trace record -o ls.bin -- ls -l /\n"
        "  cachescope trace record --allocations -o ls.alloc -- ls -l /\n"
        "(tracing a program's accesses needs Debian's valgrind package)");
    auto convert = std::make_shared<TraceConvertArgs>();
    CLI::App* convertCmd = traceCmd->add_subcommand("convert", "Convert a trace between formats");
    convertCmd->add_option("input", convert->input, "Trace to read (- = standard input)")->required();
    convertCmd->add_option("output", convert->output, "Trace to write (atomically)")->required();
    convertCmd->add_option("--from", convert->from,
                           "Input format (default: detect; alloc = an allocation trace of docs/alloc.md)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary", "alloc"}));
    convertCmd->add_option("--to", convert->to,
                           "Output format (default: from the output's extension; .alloc = the allocation trace format)")
        ->check(CLI::IsMember({"auto", "text", "din", "lackey", "binary", "alloc"}));
    convertCmd->footer(
        "Examples:\n"
        "  cachescope trace convert traces/sample.din sample.bin\n"
        "  cachescope trace convert matmul.bin matmul.trace\n"
        "  cachescope trace convert traces/textbook-placement.alloc placement.bin\n"
        "  cachescope trace convert placement.bin placement.alloc");
    auto info = std::make_shared<TraceInfoArgs>();
    CLI::App* infoCmd = traceCmd->add_subcommand("info", "Describe a trace: accesses, footprint, regions");
    addSourceOptions(infoCmd, info->source);
    infoCmd->add_flag("--json", info->json, "Print as JSON");
    infoCmd->add_option("--line-size", info->lineSize, "Line size for the footprint (bytes)")
        ->check(CLI::Range(1u, 1u << 30));
    infoCmd->add_option("--page-size", info->pageSize, "Page size for the footprint (bytes)")->check(CLI::Range(1u, 1u << 30));
    infoCmd->footer(
        "Examples:\n"
        "  cachescope trace info traces/matmul-ikj.bin\n"
        "  cachescope trace info --kernel conv2d --param layout=NHWC --json");
    return {traceCmd, [record, convert, info, recordCmd, convertCmd] {
                if (recordCmd->parsed())
                    traceRecordCommand(*record);
                else if (convertCmd->parsed())
                    traceConvertCommand(*convert);
                else
                    traceInfoCommand(*info);
            }};
}

}  // namespace cachescope::cli
