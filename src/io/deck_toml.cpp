#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "io/deck_text.hpp"
#include "kascade/core/error.hpp"

namespace kascade {

namespace {

// toml11 reports errors over several lines; the user gets one: the reason and the lines it
// shows (a key defined twice: both).
std::string one_line(const std::string& message) {
  std::string first = message.substr(0, message.find('\n'));
  const std::string tag = "[error] ";
  if (first.rfind(tag, 0) == 0) first = first.substr(tag.size());
  std::vector<std::string> lines;
  const std::regex shown("\\n\\s*(\\d+) \\|");
  for (auto it = std::sregex_iterator(message.begin(), message.end(), shown);
       it != std::sregex_iterator(); ++it)
    if (std::find(lines.begin(), lines.end(), (*it)[1].str()) == lines.end())
      lines.push_back((*it)[1].str());
  if (lines.size() == 1) first += " (line " + lines[0] + ")";
  if (lines.size() >= 2) first += " (lines " + lines[0] + " and " + lines[1] + ")";
  return first;
}

// toml11 parses nested arrays and tables recursively: refuse absurd nesting before it runs out
// of stack. Brackets inside strings and comments do not count.
void check_nesting(const std::string& text, const std::string& name) {
  int depth = 0, line = 1;
  char quote = 0;
  bool comment = false;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (c == '\n') ++line, comment = false;
    if (comment) continue;
    if (quote) {
      if (c == '\\' && quote == '"')
        ++k;
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '#')
      comment = true;
    else if (c == '"' || c == '\'')
      quote = c;
    else if (c == '[' || c == '{') {
      if (++depth > 64)
        throw InputError(name + ": syntax error: arrays or tables nested deeper than 64 (line " +
                         std::to_string(line) + ")");
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
}

// TOML documents are UTF-8: anything else is refused here, before toml11, whose error path for
// invalid UTF-8 in a literal string reads out of bounds (found by fuzzing, toml11 3.7).
void check_utf8(const std::string& text, const std::string& name) {
  std::size_t line = 1;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    if (c == '\n') ++line;
    if (c < 0x80) continue;
    const int more = c >= 0xc2 && c <= 0xdf   ? 1
                     : c >= 0xe0 && c <= 0xef ? 2
                     : c >= 0xf0 && c <= 0xf4 ? 3
                                              : -1;
    bool ok = more > 0 && k + more < text.size();
    std::uint32_t code = ok ? c & (0x3f >> more) : 0;
    for (int j = 1; ok && j <= more; ++j) {
      const auto next = static_cast<unsigned char>(text[k + j]);
      ok = (next & 0xc0) == 0x80;
      code = code << 6 | (next & 0x3f);
    }
    // no overlong forms, no surrogates, nothing above U+10FFFF
    ok = ok && !(more == 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) &&
         !(more == 3 && (code < 0x10000 || code > 0x10ffff));
    if (!ok)
      throw InputError(name + ": syntax error: invalid UTF-8 (line " + std::to_string(line) + ")");
    k += more;
  }
}

// toml11 3.7 reads integer literals with operator>>, which saturates: seed = 2^64 - 1 became
// 2^63 - 1, the same data as another seed. A value at either limit is refused unless its literal
// is that limit.
bool literal_is_limit(const toml::value& v) {
  const auto where = v.location();
  if (where.column() < 1 || where.column() - 1 >= where.line_str().size()) return false;
  std::string literal = where.line_str().substr(where.column() - 1, where.region());
  literal.erase(std::remove(literal.begin(), literal.end(), '_'), literal.end());
  std::transform(literal.begin(), literal.end(), literal.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!literal.empty() && literal[0] == '+') literal.erase(0, 1);
  return literal == "9223372036854775807" || literal == "-9223372036854775808" ||
         literal == "0x7fffffffffffffff" || literal == "0o777777777777777777777" ||
         literal == "0b" + std::string(63, '1');
}

void check_integers(const toml::value& v, const std::string& name) {
  if (v.is_integer()) {
    const std::int64_t x = v.as_integer();
    if ((x == std::numeric_limits<std::int64_t>::max() ||
         x == std::numeric_limits<std::int64_t>::min()) &&
        !literal_is_limit(v))
      throw InputError(name + ": integer out of range [-2^63, 2^63 - 1] (line " +
                       std::to_string(v.location().line()) + ")");
  } else if (v.is_array()) {
    for (const toml::value& item : v.as_array()) check_integers(item, name);
  } else if (v.is_table()) {
    for (const auto& [key, item] : v.as_table()) check_integers(item, name);
  }
}

}  // namespace

toml::value parse_toml(const std::string& text, const std::string& name) {
  check_nesting(text, name);
  check_utf8(text, name);
  std::istringstream in(text);
  toml::value root;
  try {
    root = toml::parse(in, name);
  } catch (const std::exception& e) {
    throw InputError(name + ": syntax error: " + one_line(e.what()));
  }
  check_integers(root, name);
  return root;
}

}  // namespace kascade
