#pragma once
// One open stream: the executed query, its result reader, and the batches it hands to the host.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "plugins/odbc/batch_builder.h"
#include "plugins/odbc/odbc_handles.h"
#include "plugins/odbc/odbc_settings.h"
#include "plugins/odbc/parameter_binder.h"
#include "plugins/odbc/result_reader.h"
#include "plugins/odbc/secret_redactor.h"

namespace zra::odbc {

// A connection shared by the source and its open stream; `lost` is set when a stream saw it die, so
// the source reconnects for the next stream.
struct ConnectionState {
  std::shared_ptr<OdbcEnvironment> environment;  // outlives the connection
  std::unique_ptr<OdbcConnection> connection;
  bool lost = false;
};

class OdbcStream {
 public:
  // Rewrites and binds the named parameters, executes the query, plans the columns and resolves `key`.
  // Throws OdbcFailure (see OdbcSource::open).
  OdbcStream(std::shared_ptr<ConnectionState> connection, StreamSettings settings, std::optional<int> query_timeout_s,
             const SecretRedactor& redactor);

  // The next batch of up to batch_rows rows, or nullptr when the stream is finished. The batch stays
  // valid until the next call. Throws OdbcFailure; after a failure every later call fails the same way.
  const zra_batch* next_batch();

  SQLULEN rows_per_block() const { return reader_->rows_per_block(); }

 private:
  std::string locator_for_current_row(uint64_t row_number) const;

  std::shared_ptr<ConnectionState> connection_;
  StreamSettings settings_;
  SecretRedactor redactor_;  // a copy: the stream may outlive nothing of its source
  std::unique_ptr<OdbcStatement> statement_;
  ParameterBinder parameters_;
  std::unique_ptr<ResultReader> reader_;
  std::unique_ptr<BatchBuilder> batch_;
  std::optional<size_t> key_column_;
  uint64_t rows_read_ = 0;
  bool done_ = false;
  std::optional<std::pair<zra_status, std::string>> failure_;
};

}  // namespace zra::odbc
