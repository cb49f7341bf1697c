#pragma once
// A small, strict XML well-formedness checker for the SVG tests (no XML library on purpose: the
// tests must not trust the code that writes the SVG). It accepts an optional <?xml ...?>
// declaration, comments, elements with quoted attributes, text and the five predefined entities
// plus numeric character references; it rejects anything else.
//
//   CHECK(xmlError("<svg><g/></svg>", "svg") == "");
//   CHECK(xmlError("<svg><g></svg>", "svg") != "");   // </svg> closes <g>

#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cachescope::testing {

namespace detail {

inline bool nameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
inline bool nameChar(char c) {
    return nameStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

/// Checks an entity starting at s[i] == '&'; advances i past it. Returns false if invalid.
inline bool entity(std::string_view s, std::size_t& i) {
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) return false;
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    i = semi + 1;
    if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") return true;
    if (name.size() >= 2 && name[0] == '#') {
        const bool hex = name[1] == 'x';
        const std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty()) return false;
        for (char c : digits)
            if (!(hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c))))
                return false;
        return true;
    }
    return false;
}

}  // namespace detail

/// Empty if `xml` is well-formed with one root element named `root`; else what is wrong and where.
inline std::string xmlError(std::string_view xml, std::string_view root = "svg") {
    using namespace detail;
    std::vector<std::string> open;
    std::size_t roots = 0;
    std::size_t i = 0;
    auto at = [&](std::size_t pos) { return " at offset " + std::to_string(pos); };
    if (xml.substr(0, 5) == "<?xml") {
        const std::size_t end = xml.find("?>");
        if (end == std::string_view::npos) return "unterminated XML declaration";
        i = end + 2;
    }
    while (i < xml.size()) {
        const char c = xml[i];
        if (c == '<') {
            if (xml.substr(i, 4) == "<!--") {
                const std::size_t end = xml.find("-->", i + 4);
                if (end == std::string_view::npos) return "unterminated comment" + at(i);
                i = end + 3;
                continue;
            }
            if (xml.substr(i, 2) == "<?" || xml.substr(i, 2) == "<!") return "unexpected declaration" + at(i);
            const bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
            std::size_t j = i + (closing ? 2 : 1);
            if (j >= xml.size() || !nameStart(xml[j])) return "bad tag name" + at(i);
            const std::size_t nameBegin = j;
            while (j < xml.size() && nameChar(xml[j])) ++j;
            const std::string name(xml.substr(nameBegin, j - nameBegin));
            if (closing) {
                while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
                if (j >= xml.size() || xml[j] != '>') return "bad closing tag </" + name + at(i);
                if (open.empty() || open.back() != name)
                    return "</" + name + "> does not close " + (open.empty() ? "anything" : "<" + open.back() + ">") +
                           at(i);
                open.pop_back();
                i = j + 1;
                continue;
            }
            std::set<std::string> attributes;
            bool selfClosing = false;
            for (;;) {
                const std::size_t before = j;
                while (j < xml.size() && std::isspace(static_cast<unsigned char>(xml[j]))) ++j;
                if (j >= xml.size()) return "unterminated tag <" + name + at(i);
                if (xml[j] == '>') break;
                if (xml[j] == '/') {
                    if (j + 1 >= xml.size() || xml[j + 1] != '>') return "stray / in <" + name + at(j);
                    selfClosing = true;
                    ++j;
                    break;
                }
                if (j == before) return "attributes of <" + name + "> need spaces between them" + at(j);
                if (!nameStart(xml[j])) return "bad attribute name in <" + name + at(j);
                const std::size_t a = j;
                while (j < xml.size() && nameChar(xml[j])) ++j;
                const std::string attribute(xml.substr(a, j - a));
                if (!attributes.insert(attribute).second) return "duplicate attribute " + attribute + at(a);
                if (j >= xml.size() || xml[j] != '=') return "attribute " + attribute + " without =" + at(j);
                ++j;
                if (j >= xml.size() || (xml[j] != '"' && xml[j] != '\''))
                    return "unquoted attribute " + attribute + at(j);
                const char quote = xml[j++];
                while (j < xml.size() && xml[j] != quote) {
                    if (xml[j] == '<') return "< in attribute " + attribute + at(j);
                    if (xml[j] == '&') {
                        if (!entity(xml, j)) return "bad entity in attribute " + attribute + at(j);
                        continue;
                    }
                    ++j;
                }
                if (j >= xml.size()) return "unterminated attribute " + attribute + at(a);
                ++j;
            }
            if (open.empty()) {
                if (++roots > 1) return "more than one root element" + at(i);
                if (name != root) return "root element is <" + name + ">, expected <" + std::string(root) + ">";
            }
            if (!selfClosing) open.push_back(name);
            i = j + 1;
            continue;
        }
        if (c == '&') {
            const std::size_t e = i;
            if (!entity(xml, i)) return "bad entity" + at(e);
            if (open.empty()) return "text outside the root element" + at(e);
            continue;
        }
        if (c == '>') return "stray >" + at(i);
        if (open.empty() && !std::isspace(static_cast<unsigned char>(c)))
            return "text outside the root element" + at(i);
        ++i;
    }
    if (!open.empty()) return "<" + open.back() + "> is never closed";
    if (roots == 0) return "no root element";
    return "";
}

/// Occurrences of `needle` in `haystack`.
inline std::size_t countOf(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (std::size_t p = haystack.find(needle); p != std::string_view::npos;
         p = haystack.find(needle, p + needle.size()))
        ++n;
    return n;
}

}  // namespace cachescope::testing
