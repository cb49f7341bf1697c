// cachescope-gui: the classroom GUI (docs/gui.md). A GLFW window with an OpenGL 3.3 core context
// and Dear ImGui's GLFW + OpenGL3 backends (inside Debian's libimgui.a); the panels draw the model
// library's state (gui/model, gui/app/panels).
//
//   cachescope-gui                                   the teaching scene (teaching.json, matmul 16 ijk)
//   cachescope-gui --config FILE (TRACE | --kernel K --param k=v ... | --mix SRC --mix SRC ... [--quantum Q])
//   cachescope-gui --screenshot out.png [--size 1280x800] [--steps N] [--panel NAME] [--script FILE]
//   cachescope-gui --benchmark-frames N
//
// Headless runs render into a framebuffer object of the requested size and write it as PNG
// (stb_image_write, inside libstb; no STB_*_IMPLEMENTATION here), atomically: a temporary name,
// then rename.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <nlohmann/json.hpp>
#include <stb_image_write.h>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

#include "cachescope/core/json_text.hpp"
#include "cachescope/core/error.hpp"
#include "cachescope/sim/run.hpp"
#include "model/benchmark.hpp"
#include "panels/panels.hpp"

// GL 3.0 framebuffer objects: declared by glext.h, resolved at run time through GLFW (the system
// libGL exports only GL 1.x entry points to link against).
#include <GL/glext.h>

namespace cg = cachescope::gui;
using cachescope::Error;

namespace {

struct GlFbo {
    PFNGLGENFRAMEBUFFERSPROC genFramebuffers = nullptr;
    PFNGLBINDFRAMEBUFFERPROC bindFramebuffer = nullptr;
    PFNGLFRAMEBUFFERRENDERBUFFERPROC framebufferRenderbuffer = nullptr;
    PFNGLGENRENDERBUFFERSPROC genRenderbuffers = nullptr;
    PFNGLBINDRENDERBUFFERPROC bindRenderbuffer = nullptr;
    PFNGLRENDERBUFFERSTORAGEPROC renderbufferStorage = nullptr;
    PFNGLCHECKFRAMEBUFFERSTATUSPROC checkFramebufferStatus = nullptr;
    GLuint fbo = 0, colour = 0;

    bool create(int w, int h) {
        genFramebuffers = reinterpret_cast<PFNGLGENFRAMEBUFFERSPROC>(glfwGetProcAddress("glGenFramebuffers"));
        bindFramebuffer = reinterpret_cast<PFNGLBINDFRAMEBUFFERPROC>(glfwGetProcAddress("glBindFramebuffer"));
        framebufferRenderbuffer =
            reinterpret_cast<PFNGLFRAMEBUFFERRENDERBUFFERPROC>(glfwGetProcAddress("glFramebufferRenderbuffer"));
        genRenderbuffers = reinterpret_cast<PFNGLGENRENDERBUFFERSPROC>(glfwGetProcAddress("glGenRenderbuffers"));
        bindRenderbuffer = reinterpret_cast<PFNGLBINDRENDERBUFFERPROC>(glfwGetProcAddress("glBindRenderbuffer"));
        renderbufferStorage = reinterpret_cast<PFNGLRENDERBUFFERSTORAGEPROC>(glfwGetProcAddress("glRenderbufferStorage"));
        checkFramebufferStatus =
            reinterpret_cast<PFNGLCHECKFRAMEBUFFERSTATUSPROC>(glfwGetProcAddress("glCheckFramebufferStatus"));
        if (!genFramebuffers || !bindFramebuffer || !framebufferRenderbuffer || !genRenderbuffers || !bindRenderbuffer ||
            !renderbufferStorage || !checkFramebufferStatus)
            return false;
        genFramebuffers(1, &fbo);
        bindFramebuffer(GL_FRAMEBUFFER, fbo);
        genRenderbuffers(1, &colour);
        bindRenderbuffer(GL_RENDERBUFFER, colour);
        renderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, w, h);
        framebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, colour);
        return checkFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE;
    }
};

/// The panels' canvases as OpenGL textures (nearest texel, so a canvas shown 1:1 keeps its exact
/// colours): created on first use, re-allocated when the size changes, otherwise updated with
/// glTexSubImage2D only when the panel says the pixels changed.
class GlTextures final : public cg::TextureHost {
public:
    GlTextures() = default;
    GlTextures(const GlTextures&) = delete;
    GlTextures& operator=(const GlTextures&) = delete;
    ~GlTextures() override { release(); }
    /// Deletes the textures (while the GL context is still current).
    void release() {
        for (auto& [slot, t] : textures_) glDeleteTextures(1, &t.id);
        textures_.clear();
    }
    void* texture(int slot, const cg::Canvas& canvas, bool changed) override {
        Texture& t = textures_[slot];
        if (t.id == 0) {
            glGenTextures(1, &t.id);
            glBindTexture(GL_TEXTURE_2D, t.id);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
            glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
        }
        glBindTexture(GL_TEXTURE_2D, t.id);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
        if (t.w != canvas.width() || t.h != canvas.height()) {
            t.w = canvas.width();
            t.h = canvas.height();
            glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, t.w, t.h, 0, GL_RGBA, GL_UNSIGNED_BYTE, canvas.rgba());
            ++uploads;
        } else if (changed) {
            glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, t.w, t.h, GL_RGBA, GL_UNSIGNED_BYTE, canvas.rgba());
            ++uploads;
        }
        return reinterpret_cast<void*>(static_cast<std::uintptr_t>(t.id));
    }
    std::uint64_t uploads = 0;

private:
    struct Texture {
        GLuint id = 0;
        int w = 0, h = 0;
    };
    std::map<int, Texture> textures_;
};

/// Writes the bound framebuffer's pixels as PNG, atomically (temporary name + rename).
void writePng(const std::string& path, int w, int h) {
    std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // GL's rows go bottom-up; PNG's top-down.
    std::vector<unsigned char> flipped(pixels.size());
    const std::size_t row = static_cast<std::size_t>(w) * 4;
    for (int y = 0; y < h; ++y)
        std::copy_n(&pixels[static_cast<std::size_t>(h - 1 - y) * row], row, &flipped[static_cast<std::size_t>(y) * row]);
    for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;  // opaque
    const std::string tmp = path + ".tmp";
    if (stbi_write_png(tmp.c_str(), w, h, 4, flipped.data(), static_cast<int>(row)) == 0)
        throw cachescope::IoError(path + ": cannot write the PNG");
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw cachescope::IoError(path + ": cannot rename " + tmp + ": " + ec.message());
}

void writeLayoutJson(const std::string& path, const cg::AppState& state) {
    nlohmann::ordered_json j;
    j["position"] = state.player ? state.player->position() : 0;
    nlohmann::ordered_json cells = nlohmann::ordered_json::array();
    for (const cg::CellRect& c : state.cells)
        cells.push_back({{"cache", c.cache}, {"set", c.set}, {"way", c.way}, {"x", c.x}, {"y", c.y}, {"w", c.w},
                         {"h", c.h}, {"probe_x", c.probeX}, {"probe_y", c.probeY}});
    j["cells"] = std::move(cells);
    std::ofstream out(path);
    out << cachescope::jsonText(j, 1) << '\n';
    if (!out) throw cachescope::IoError(path + ": cannot write");
}

bool parseSize(const std::string& text, int& w, int& h) {
    return std::sscanf(text.c_str(), "%dx%d", &w, &h) == 2 && w >= 200 && h >= 150 && w <= 8192 && h <= 8192;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"cachescope-gui: the classroom GUI of cachescope (docs/gui.md)", "cachescope-gui"};
    app.set_version_flag("--version", std::string("cachescope-gui ") + CACHESCOPE_VERSION);
    std::string config, trace, kernel, screenshot, size = "1280x800", panel, script, layoutJson;
    std::vector<std::string> params, mix;
    std::uint64_t steps = 0, benchmarkFrames = 0, quantum = cachescope::SourceSpec{}.quantum;
    bool tileAll = false;
    app.add_option("--config,-c", config, "Hierarchy config (JSON); default configs/teaching.json");
    app.add_option("trace", trace, "Trace file to open");
    app.add_option("--kernel,-k", kernel, "Built-in kernel to run (cachescope kernels lists them)");
    app.add_option("--param,-p", params, "Kernel parameter name=value (repeatable)");
    // As `cachescope run --mix ... --quantum Q` (the session parses each source: mixItemSpec).
    app.add_option("--mix", mix,
                   "Run several sources as processes 0, 1, ... (repeat): a trace file or KERNEL:name=value,... "
                   "(e.g. --mix matmul:n=16 --mix transpose:rows=32,cols=32); round-robin, --quantum references a turn "
                   "(docs/mmu.md, Processes)")
        ->allow_extra_args(false);
    app.add_option("--quantum", quantum, "References per turn with --mix, at least 1 (default 1000)");
    app.add_option("--screenshot", screenshot, "Render one frame into FILE.png and exit");
    app.add_option("--size", size, "Window / screenshot size WxH")->capture_default_str();
    app.add_option("--steps", steps, "Simulate N references before showing");
    app.add_option("--panel", panel, "Open and focus a panel: player, caches, inspector, tensors, stats, quiz, tlb, segments, heatmap, compare, config, scene");
    app.add_option("--script", script, "Run a script of actions first (open, step, back, seek, end, select, panel, quiz)");
    app.add_option("--layout-json", layoutJson, "With --screenshot: also write where each cache-grid cell was drawn");
    app.add_option("--benchmark-frames", benchmarkFrames, "Measure frames per second over N frames and exit");
    app.add_flag("--tile", tileAll, "Tile the open panels (Panels > Tile open panels, key T): none overlaps another");
    CLI11_PARSE(app, argc, argv);

    int width = 1280, height = 800;
    if (!parseSize(size, width, height)) {
        std::cerr << "cachescope-gui: error: --size " << size << ": expected WxH, e.g. 1280x800" << std::endl;
        return 1;
    }
    const bool headless = !screenshot.empty();
    const std::string sourceDir = CACHESCOPE_SOURCE_DIR;

    cg::AppState state;
    state.sourceDir = sourceDir;
    state.tileAll = tileAll;
    cg::SceneSpec scene = cg::teachingScene(sourceDir);
    if (!config.empty() || !trace.empty() || !kernel.empty() || !mix.empty()) {
        if (config.empty()) config = scene.configPath;
        scene.configPath = config;
        scene.source = kernel.empty() ? cachescope::SourceSpec::file(trace)
                                      : cachescope::SourceSpec::kernelRun(kernel, params);
        if (!kernel.empty() && !trace.empty()) {
            std::cerr << "cachescope-gui: error: give a trace file or --kernel, not both" << std::endl;
            return 1;
        }
        if (!mix.empty()) {  // with a trace or --kernel too, the session refuses it as `run` does
            scene.source.mix = mix;
            scene.source.quantum = quantum;
        }
    }
    if (benchmarkFrames > 0 && kernel.empty() && trace.empty() && mix.empty())
        scene.source = cachescope::SourceSpec::kernelRun("matmul", {"n=64", "order=ijk"});
    if (!cg::openSceneInto(state, scene)) {
        std::cerr << "cachescope-gui: error: " << state.error << std::endl;
        return 1;
    }

    std::vector<cg::ScriptAction> actions;
    try {
        if (!script.empty()) {
            std::ifstream in(script);
            if (!in) throw cachescope::IoError(script + ": cannot open the script");
            std::stringstream text;
            text << in.rdbuf();
            actions = cg::parseScript(text.str(), script);
        }
        if (!panel.empty()) actions.push_back(cg::parseScript("panel " + panel, "--panel").front());
    } catch (const Error& e) {
        std::cerr << "cachescope-gui: error: " << e.what() << std::endl;
        return 1;
    }

    if (glfwInit() == 0) {
        std::cerr << "cachescope-gui: error: no display (cannot open a window; is DISPLAY set?).\n"
                     "  Use the command line instead (cachescope run / explain), or run the GUI under a virtual "
                     "display:\n    xvfb-run -a cachescope-gui ...\n";
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    if (headless) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* window = glfwCreateWindow(width, height, "cachescope", nullptr, nullptr);
    if (window == nullptr) {
        std::cerr << "cachescope-gui: error: cannot create an OpenGL 3.3 core window; try the command line, or "
                     "xvfb-run -a cachescope-gui ..."
                  << std::endl;
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(headless || benchmarkFrames > 0 ? 0 : 1);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // the same layout every start (and in every screenshot)
    cg::applyStyle();
    const cg::Fonts fonts = cg::loadFonts();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330 core");

    GlTextures textures;
    state.textures = &textures;

    GlFbo fbo;
    if (headless && !fbo.create(width, height)) {
        std::cerr << "cachescope-gui: error: no framebuffer objects in this OpenGL" << std::endl;
        return 1;
    }

    int status = 0;
    // One frame; `buildSeconds` (if given) accumulates the time spent in the panels and the model.
    auto frame = [&](double dt, double* buildSeconds = nullptr) {
        const auto t0 = std::chrono::steady_clock::now();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        if (headless) {  // the FBO's size, whatever the (hidden) window got
            ImGui::GetIO().DisplaySize = ImVec2(static_cast<float>(width), static_cast<float>(height));
            ImGui::GetIO().DisplayFramebufferScale = ImVec2(1, 1);
        }
        ImGui::NewFrame();
        cg::drawFrame(state, fonts, dt);
        ImGui::Render();
        if (buildSeconds != nullptr) *buildSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        int fw = width, fh = height;
        if (!headless) glfwGetFramebufferSize(window, &fw, &fh);
        glViewport(0, 0, fw, fh);
        // The window background's colour: the tiled panels skip drawing their backgrounds.
        const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
        glClearColor(bg.x, bg.y, bg.z, 1.f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    };

    // The font atlas with the nearest texel: glyphs are rasterised at screen size on whole pixels
    // (loadFonts), so it looks the same as bilinear filtering and costs less per pixel under
    // software rendering. The backend creates the texture in its first frame.
    frame(0);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(ImGui::GetIO().Fonts->TexID)));
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);

    try {
        if (headless) {
            if (steps > 0) cg::runAction(state, cg::parseScript("step " + std::to_string(steps), "--steps").front());
            for (const cg::ScriptAction& a : actions) cg::runAction(state, a);
            for (int i = 0; i < 4; ++i) frame(0);  // windows settle their sizes over a few frames
            glFinish();
            writePng(screenshot, width, height);
            if (!layoutJson.empty()) writeLayoutJson(layoutJson, state);
        } else if (benchmarkFrames > 0) {
            for (const cg::ScriptAction& a : actions) cg::runAction(state, a);
            auto measure = [&](const char* what) {
                for (int i = 0; i < 5; ++i) frame(0);  // warm-up
                const auto start = std::chrono::steady_clock::now();
                double build = 0;
                std::uint64_t vertices = 0, commands = 0;
                const std::uint64_t uploads0 = textures.uploads;
                for (std::uint64_t i = 0; i < benchmarkFrames; ++i) {
                    glfwPollEvents();
                    state.player->step();
                    frame(0, &build);
                    const ImDrawData* dd = ImGui::GetDrawData();
                    vertices += static_cast<std::uint64_t>(dd->TotalVtxCount);
                    for (int l = 0; l < dd->CmdListsCount; ++l) commands += static_cast<std::uint64_t>(dd->CmdLists[l]->CmdBuffer.Size);
                    glfwSwapBuffers(window);
                }
                glFinish();
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                const auto n = static_cast<double>(benchmarkFrames);
                std::printf("%-28s %6.1f frames/s (%llu frames, %.1f ms each: %.1f ms panels and model, %.1f ms GL and "
                            "swap; %.0f vertices, %.0f draw calls, %.1f texture uploads a frame)\n",
                            what, n / s, static_cast<unsigned long long>(benchmarkFrames), 1000.0 * s / n,
                            1000.0 * build / n, 1000.0 * (s - build) / n, static_cast<double>(vertices) / n,
                            static_cast<double>(commands) / n, static_cast<double>(textures.uploads - uploads0) / n);
            };
            std::printf("cachescope-gui benchmark: %s, %s, %dx%d\n",
                        cachescope::describeSource(state.scene.source).c_str(), state.scene.configPath.c_str(), width,
                        height);
            measure("default layout");
            for (const std::string& name : cg::panelNames()) state.open[name] = true;
            measure("every panel open, floating");
            state.tileAll = true;  // "Tile open panels" (key T): no panel overlaps another
            measure("every panel open, tiled");
            const cg::SimulationSpeed sp = cg::measureSimulation(state.scene);
            const auto rate = [&](double seconds) { return cg::SimulationSpeed::rate(sp.references, seconds) / 1e6; };
            std::printf("simulation of %llu references, M references/s:\n", static_cast<unsigned long long>(sp.references));
            std::printf("  without 3C: command line %.2f, GUI max mode %.2f (%.0f%%)\n", rate(sp.cliSeconds),
                        rate(sp.maxModePlainSeconds), 100.0 * sp.cliSeconds / std::max(sp.maxModePlainSeconds, 1e-9));
            std::printf("  with 3C:    command line %.2f, GUI max mode %.2f (%.0f%%)\n", rate(sp.cliClassifySeconds),
                        rate(sp.maxModeSeconds), 100.0 * sp.cliClassifySeconds / std::max(sp.maxModeSeconds, 1e-9));
            std::printf("checkpoints every %llu references; slowest seek %.1f ms\n",
                        static_cast<unsigned long long>(sp.checkpointInterval), 1000.0 * sp.seekSeconds);
        } else {
            for (const cg::ScriptAction& a : actions) cg::runAction(state, a);
            // While the player is paused, wait for input instead of redrawing an unchanged frame: an
            // idle window costs nothing. After each wake-up two frames are drawn (ImGui settles
            // some changes, a window opened from a menu, over two frames); the timeout keeps
            // tooltips and the text cursor alive.
            auto previous = std::chrono::steady_clock::now();
            int framesSinceInput = 0;
            while (glfwWindowShouldClose(window) == 0) {
                if (state.player && state.player->playing()) {
                    glfwPollEvents();
                } else if (framesSinceInput < 2) {
                    glfwPollEvents();
                } else {
                    glfwWaitEventsTimeout(0.5);
                    framesSinceInput = 0;
                    previous = std::chrono::steady_clock::now();
                }
                ++framesSinceInput;
                const auto now = std::chrono::steady_clock::now();
                const double dt = std::chrono::duration<double>(now - previous).count();
                previous = now;
                frame(dt);
                glfwSwapBuffers(window);
            }
        }
    } catch (const Error& e) {
        std::cerr << "cachescope-gui: error: " << e.what() << std::endl;
        status = 1;
    }

    state.textures = nullptr;
    textures.release();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return status;
}
