#pragma once
// Where the CSV parser's bytes come from: a file, or a string in tests (in chunks of any size, so tests
// can cut the input at every possible place).
#include <cstddef>
#include <cstdio>
#include <string>

namespace zra::csv {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes into buf; returns how many (0 only at the end). Throws std::runtime_error on I/O errors.
  virtual size_t read(char* buf, size_t n) = 0;
};

// Reads a file. The constructor throws std::runtime_error ("cannot open FILE: reason").
class FileByteSource : public ByteSource {
 public:
  explicit FileByteSource(const std::string& path);
  ~FileByteSource() override;
  FileByteSource(const FileByteSource&) = delete;
  FileByteSource& operator=(const FileByteSource&) = delete;
  size_t read(char* buf, size_t n) override;

 private:
  std::string path_;
  std::FILE* file_;
};

// Serves a string `chunk` bytes at a time.
class StringByteSource : public ByteSource {
 public:
  explicit StringByteSource(std::string data, size_t chunk = 1 << 16) : data_(std::move(data)), chunk_(chunk) {}
  size_t read(char* buf, size_t n) override;

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

}  // namespace zra::csv
