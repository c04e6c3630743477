#pragma once
// Binds the values of named parameters to a statement's '?' markers with SQLBindParameter.
// Text and NULL go as SQL_VARCHAR (a type every driver accepts, also for NULL), integers as SQL_BIGINT,
// reals as SQL_DOUBLE, booleans as SQL_BIT. :since is the stream's since value (text) or NULL.
#include <sql.h>
#include <sqlext.h>

#include <deque>
#include <string>
#include <vector>

#include "plugins/odbc/named_parameters.h"
#include "plugins/odbc/odbc_settings.h"
#include "plugins/odbc/secret_redactor.h"

namespace zra::odbc {

class ParameterBinder {
 public:
  // Binds every marker of `query`. The bound values live in this object: keep it alive until the
  // statement is closed. Throws OdbcFailure(ZRA_ERROR_SETTINGS) naming a parameter the query uses
  // that `stream.params` does not define; OdbcFailure from the driver when binding fails.
  void bind(SQLHSTMT statement, const RewrittenQuery& query, const StreamSettings& stream, const SecretRedactor& redactor);

  // Names in stream.params that the query never uses (worth a warning: probably a typo).
  static std::vector<std::string> unused_parameters(const RewrittenQuery& query, const StreamSettings& stream);

 private:
  struct Slot {
    ParameterValue value;
    unsigned char bit = 0;
    SQLLEN indicator = 0;
  };
  std::deque<Slot> slots_;  // a deque: bound addresses must not move
};

}  // namespace zra::odbc
