// Rules every option of every subcommand follows, applied once to the whole command tree after
// registration (main.cpp), so a new option cannot forget them:
// - an option of an unsigned type refuses a negative value (CLI11 2.1 would parse "-1" into an
//   unsigned by wrapping it to 18446744073709551615);
// - an option that may be repeated (a vector) takes one value per occurrence, so the word after
//   `--param n=4` or `-c a.json` stays a positional argument (the trace) instead of being
//   swallowed as a second value.

#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace cachescope::cli {

namespace {

/// Refuses a value that starts with '-' (after blanks): "-1", "-0x10".
CLI::Validator nonNegative() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            const std::size_t first = value.find_first_not_of(" \t");
            if (first == std::string::npos || value[first] != '-') return {};
            return "a negative number is not allowed, got " + value + " (expected a whole number, 0 or more)";
        },
        "", "NonNegative");
}

}  // namespace

void applyOptionRules(CLI::App& app) {
    for (CLI::Option* option : app.get_options()) {
        if (option->get_type_name() == "UINT") option->check(nonNegative());
        if (!option->get_positional() && option->get_items_expected_max() > 1) option->allow_extra_args(false);
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) applyOptionRules(*sub);
}

}  // namespace cachescope::cli
