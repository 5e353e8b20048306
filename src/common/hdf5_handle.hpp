#pragma once
// RAII for HDF5 identifiers and a checked-call helper: every failed call becomes an exception
// naming the file and what was being done. Internal to io.
#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace kascade::detail {

class H5Handle {
 public:
  H5Handle() = default;
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  H5Handle(H5Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  H5Handle& operator=(H5Handle&& o) noexcept {
    reset();
    id_ = std::exchange(o.id_, -1);
    close_ = o.close_;
    return *this;
  }
  ~H5Handle() { reset(); }
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  hid_t release() { return std::exchange(id_, -1); }
  operator hid_t() const { return id_; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

inline hid_t h5_check(hid_t id, const std::string& what) {
  if (id < 0) throw std::runtime_error(what);
  return id;
}

}  // namespace kascade::detail
