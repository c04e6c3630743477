#include "plugins/csv/byte_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace zra::csv {

FileByteSource::FileByteSource(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "rb")) {
  if (file_ == nullptr) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
}

FileByteSource::~FileByteSource() { std::fclose(file_); }

size_t FileByteSource::read(char* buf, size_t n) {
  size_t got = std::fread(buf, 1, n, file_);
  if (got == 0 && std::ferror(file_)) throw std::runtime_error("cannot read " + path_ + ": " + std::strerror(errno));
  return got;
}

size_t StringByteSource::read(char* buf, size_t n) {
  size_t take = std::min({n, chunk_, data_.size() - pos_});
  std::memcpy(buf, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

}  // namespace zra::csv
