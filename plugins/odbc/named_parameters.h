#pragma once
// Named query parameters (":since", ":region") rewritten to ODBC '?' markers, so values are bound with
// SQLBindParameter and never pasted into the SQL text.
#include <string>
#include <vector>

namespace zra::odbc {

struct RewrittenQuery {
  std::string sql;                           // the query with each :name replaced by '?'
  std::vector<std::string> parameter_names;  // the name of each '?', in order (a name may repeat)
};

// Rewrites every `:name` (name = [A-Za-z_][A-Za-z0-9_]*) outside string literals ('..', E'..'),
// quoted identifiers ("..", `..`), dollar-quoted strings ($tag$..$tag$), and comments (--, /* */).
// `::` (a PostgreSQL cast) is left alone. Throws OdbcFailure(ZRA_ERROR_SETTINGS) when the query holds
// a positional '?' marker outside those places (mixing both would bind values to the wrong markers),
// or an unterminated literal or comment, naming the character offset.
RewrittenQuery rewrite_named_parameters(const std::string& query);

}  // namespace zra::odbc
