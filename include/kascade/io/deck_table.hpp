#pragma once
// Typed, checked access to one table of a TOML deck. Every key read is remembered; finish()
// rejects the keys nobody read, suggesting the closest known key.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <toml.hpp>
#include <vector>

#include "kascade/io/values_file.hpp"

namespace kascade {

// A path given in the deck `deck`, relative to the deck's own directory (absolute: as given).
std::string deck_relative(const std::string& path, const std::string& deck);

// " (network g)" for value g of `count` per-network values in a message; "" for one value.
std::string which_network(std::size_t g, std::size_t count);

class DeckTable {
 public:
  DeckTable(const toml::value* table, std::string prefix, std::string file);

  bool has(const std::string& key) const;
  bool table_at(const std::string& key) const;  // the key holds a table
  // The key holds a table with `file` or `dataset`: per-network values from a file (numbers()).
  bool values_file(const std::string& key) const;
  double real(const std::string& key, double fallback);
  std::int64_t integer(const std::string& key, std::int64_t fallback);
  bool boolean(const std::string& key, bool fallback);
  std::string string(const std::string& key, const std::string& fallback);
  // A number, an array of `count` numbers (one per network), or a table { file = "x.h5",
  // dataset = "/d" }: the first `count` entries of that dataset (values_file.hpp), `dataset`
  // optional where `default_dataset` is given. Integers only when `integer`.
  std::vector<double> numbers(const std::string& key, double fallback, std::size_t count,
                              bool integer, const std::string& default_dataset = {});
  // A key whose values came from a file (of this table or any table under it).
  struct FileValues : ValueSource {
    // For the deck's text, "100 values of /tuning/theta in tuned.h5, fnv1a <hash>", the file as
    // the deck names it: other values make another deck, another spelling of its path does not.
    std::string record;
  };
  const std::vector<FileValues>& values_from_files() const { return *from_files_; }
  // `message` with the file and dataset of each key it names whose values came from a file.
  std::string with_value_sources(const std::string& message) const;
  // A string or an array of strings (absent: `fallback`).
  std::vector<std::string> string_list(const std::string& key,
                                       const std::vector<std::string>& fallback);
  // An array of numbers of any non-zero length (absent: empty).
  std::vector<double> number_list(const std::string& key);
  DeckTable table(const std::string& key);  // an absent table reads as empty
  // [[key]] arrays of tables (absent: none); entry k is named key[k].
  std::vector<DeckTable> tables(const std::string& key);
  // A list of integers for every network, or a list of lists with one per network.
  std::vector<std::vector<std::int64_t>> integer_lists(const std::string& key, std::size_t count);
  // One array of numbers per network (an array of `count` arrays).
  std::vector<std::vector<double>> number_lists(const std::string& key, std::size_t count);
  // The key holds an array whose first element is an array.
  bool nested_array(const std::string& key) const;
  void finish() const;  // throws on keys that were never read
  // For a message before finish(): " (unknown key 'K' (spikeometric's name; ...))" for the first
  // key not read so far that spikeometric users bring along, else "".
  std::string predecessor_names() const;
  std::vector<std::string> unread() const;  // the keys not read so far

 private:
  const toml::value* find(const std::string& key);
  [[noreturn]] void type_error(const std::string& key, const char* expected) const;
  template <class T, class Read>
  std::vector<std::vector<T>> lists(const std::string& key, std::size_t count, bool nested_only,
                                    const char* expected, Read read);
  std::string name(const std::string& key) const { return prefix_ + key; }
  DeckTable child(const toml::value* table, std::string prefix) const;
  std::vector<double> file_numbers(const std::string& key, const toml::value& spec,
                                   std::size_t count, const std::string& default_dataset);

  const toml::value* table_;
  std::string prefix_, file_;
  std::set<std::string> known_;
  std::shared_ptr<std::vector<FileValues>> from_files_;  // shared with the tables under it
};

}  // namespace kascade
