// Kernel parameters: resolution, normalisation, defaults and every error message.

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "cachescope/core/error.hpp"
#include "cachescope/kernels/kernel.hpp"

using namespace cachescope;

namespace {

std::string errorOf(const std::string& kernel, const std::vector<std::string>& settings) {
    try {
        resolveParams(findKernel(kernel), settings);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string valueOf(const KernelParams& p, const std::string& name) {
    for (const auto& [k, v] : p.all())
        if (k == name) return v;
    return "(absent)";
}

}  // namespace

TEST_CASE("kernel params: defaults in declaration order, common ones last, normalised") {
    const KernelParams p = resolveParams(findKernel("matmul"), {});
    std::vector<std::string> names;
    for (const auto& [k, v] : p.all()) names.push_back(k);
    CHECK(names == std::vector<std::string>{"m", "n", "k", "order", "ti", "tj", "tk", "tile", "transpose_b", "elem",
                                            "base", "align", "row_pad", "fetches"});
    CHECK(valueOf(p, "n") == "64");
    CHECK(valueOf(p, "order") == "ikj");
    CHECK(valueOf(p, "elem") == "4");
    CHECK(valueOf(p, "base") == "0x10000000");  // an address: stored in hex
    CHECK(p.integer("base") == 0x10000000);
    CHECK(p.count("align") == 4096);
    CHECK(p.count("row_pad") == 0);
    CHECK_FALSE(p.flag("fetches"));
}

TEST_CASE("kernel params: hex integers, booleans and choices are normalised") {
    const KernelParams p =
        resolveParams(findKernel("matmul"), {"n=0x20", "base=0X1000", "fetches=yes", "transpose_b=true", "order=kji"});
    CHECK(valueOf(p, "n") == "32");
    CHECK(valueOf(p, "base") == "0x1000");  // an address: hex
    CHECK(valueOf(p, "fetches") == "1");
    CHECK(valueOf(p, "transpose_b") == "1");
    CHECK(p.choice("order") == "kji");
    for (const char* no : {"0", "false", "no"})
        CHECK(valueOf(resolveParams(findKernel("matmul"), {std::string("fetches=") + no}), "fetches") == "0");
    for (const char* yes : {"1", "true", "yes"})
        CHECK(valueOf(resolveParams(findKernel("matmul"), {std::string("fetches=") + yes}), "fetches") == "1");
}

TEST_CASE("kernel params: a choice not among the choices") {
    CHECK(errorOf("matmul", {"order=ikx"}) ==
          "kernel matmul: --param order=ikx: expected one of ijk, ikj, jik, jki, kij, kji");
    CHECK(errorOf("matmul", {"elem=3"}) == "kernel matmul: --param elem=3: expected one of 1, 2, 4, 8");
    CHECK(errorOf("softmax", {"elem=2"}) == "kernel softmax: --param elem=2: expected one of 4, 8");
}

TEST_CASE("kernel params: integers out of range or malformed") {
    const std::string range = ": expected an integer from 1 to 8192 (decimal or 0x hex)";
    CHECK(errorOf("matmul", {"n=0"}) == "kernel matmul: --param n=0" + range);
    CHECK(errorOf("matmul", {"n=8193"}) == "kernel matmul: --param n=8193" + range);
    CHECK(errorOf("matmul", {"n=-1"}) == "kernel matmul: --param n=-1" + range);
    CHECK(errorOf("matmul", {"n=abc"}) == "kernel matmul: --param n=abc" + range);
    CHECK(errorOf("matmul", {"n=12x"}) == "kernel matmul: --param n=12x" + range);
    CHECK(errorOf("matmul", {"n="}) == "kernel matmul: --param n=" + range);
    CHECK(errorOf("matmul", {"n=0x"}) == "kernel matmul: --param n=0x" + range);
    CHECK(errorOf("matmul", {"n=+5"}) == "kernel matmul: --param n=+5" + range);
    CHECK(errorOf("matmul", {"n=99999999999999999999999"}) ==
          "kernel matmul: --param n=99999999999999999999999" + range);
    CHECK(errorOf("matmul", {"pad=-1"}) ==
          "kernel matmul: --param pad=-1: expected an integer from 0 to 65536 (decimal or 0x hex)");
    CHECK(errorOf("matmul", {"row_pad=-1"}) ==
          "kernel matmul: --param row_pad=-1: expected an integer from 0 to 65536 (decimal or 0x hex)");
}

TEST_CASE("kernel params: align must be a power of two") {
    CHECK(errorOf("matmul", {"align=3000"}) == "kernel matmul: --param align=3000: expected a power of two");
    CHECK(errorOf("transpose", {"align=0"}) ==
          "kernel transpose: --param align=0: expected an integer from 1 to 1073741824 (decimal or 0x hex)");
    CHECK(resolveParams(findKernel("matmul"), {"align=1"}).count("align") == 1);
    CHECK(resolveParams(findKernel("matmul"), {"align=0x40"}).count("align") == 64);
}

TEST_CASE("kernel params: booleans") {
    CHECK(errorOf("matmul", {"fetches=maybe"}) ==
          "kernel matmul: --param fetches=maybe: expected one of 0, 1, true, false, yes, no");
}

TEST_CASE("kernel params: missing '=', duplicates, unknown names with did-you-mean") {
    CHECK(errorOf("matmul", {"n64"}) == "kernel matmul: --param n64: expected name=value");
    CHECK(errorOf("matmul", {"n=3", "n=4"}) == "kernel matmul: --param n=4: parameter 'n' given twice");
    CHECK(errorOf("matmul", {"ordr=ijk"}) ==
          "kernel matmul: --param ordr=ijk: unknown parameter 'ordr' (did you mean 'order'?); parameters are m, n, k, "
          "order, ti, tj, tk, tile, transpose_b, elem, base, align, row_pad, fetches");
    const std::string far = errorOf("transpose", {"zzzzzz=1"});
    CHECK(far.find("unknown parameter 'zzzzzz'; parameters are rows, cols, tile, elem, base") != std::string::npos);
    CHECK(far.find("did you mean") == std::string::npos);
    CHECK(errorOf("softmax", {"col=3"}).find("(did you mean 'cols'?)") != std::string::npos);
}

TEST_CASE("kernel registry: the four kernels of this branch, unique names, defaults resolve") {
    std::set<std::string> names;
    for (const KernelInfo& k : kernels()) {
        CHECK(names.insert(k.name).second);
        CHECK_FALSE(k.description.empty());
        CHECK_NOTHROW(resolveParams(k, {}));
    }
    for (const char* name : {"matmul", "transpose", "softmax", "layernorm"}) CHECK(names.count(name) == 1);
    CHECK(&findKernel("matmul") == &kernels().front());
    try {
        findKernel("matmull");
        FAIL("no error");
    } catch (const UsageError& e) {
        const std::string msg = e.what();
        CHECK(msg.rfind("unknown kernel 'matmull' (did you mean 'matmul'?); known kernels: matmul, transpose, softmax, "
                        "layernorm",
                        0) == 0);
    }
}

TEST_CASE("kernel params: row_pad, and its old name pad still works") {
    // pad was renamed row_pad so that conv2d's padding (the convolution's border) and the row
    // padding of every tensor cannot be confused; "pad=N" is read as "row_pad=N".
    const KernelParams old = resolveParams(findKernel("conv2d"), {"pad=3", "padding=2"});
    CHECK(old.count("row_pad") == 3);
    CHECK(old.count("padding") == 2);
    const KernelParams now = resolveParams(findKernel("conv2d"), {"row_pad=3", "padding=2"});
    CHECK(old.all() == now.all());
    CHECK(errorOf("matmul", {"pad=1", "row_pad=2"}) ==
          "kernel matmul: --param row_pad=2: parameter 'row_pad' given twice");
    // base is an address: normalised to hex whatever the user wrote
    CHECK(valueOf(resolveParams(findKernel("matmul"), {"base=4096"}), "base") == "0x1000");
}
