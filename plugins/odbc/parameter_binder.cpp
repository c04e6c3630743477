#include "plugins/odbc/parameter_binder.h"

#include <algorithm>

#include "plugins/odbc/odbc_diagnostics.h"
#include "plugins/odbc/odbc_failure.h"

namespace zra::odbc {

void ParameterBinder::bind(SQLHSTMT statement, const RewrittenQuery& query, const StreamSettings& stream,
                           const SecretRedactor& redactor) {
  for (size_t i = 0; i < query.parameter_names.size(); ++i) {
    const std::string& name = query.parameter_names[i];
    Slot& slot = slots_.emplace_back();
    if (name == "since") {
      if (stream.since) {
        slot.value.kind = ParameterValue::Kind::kText;
        slot.value.text = *stream.since;
      }
    } else {
      auto it = std::find_if(stream.params.begin(), stream.params.end(), [&](const auto& p) { return p.first == name; });
      if (it == stream.params.end()) {
        throw settings_failure("stream " + stream.name + ": query uses :" + name + " but params defines no \"" + name +
                               "\"");
      }
      slot.value = it->second;
    }
    const auto marker = static_cast<SQLUSMALLINT>(i + 1);
    SQLRETURN rc = SQL_ERROR;
    ParameterValue& v = slot.value;
    switch (v.kind) {
      case ParameterValue::Kind::kNull:
        slot.indicator = SQL_NULL_DATA;
        rc = SQLBindParameter(statement, marker, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 1, 0, nullptr, 0, &slot.indicator);
        break;
      case ParameterValue::Kind::kText:
        slot.indicator = static_cast<SQLLEN>(v.text.size());
        rc = SQLBindParameter(statement, marker, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR,
                              std::max<SQLULEN>(1, v.text.size()), 0, v.text.data(), slot.indicator, &slot.indicator);
        break;
      case ParameterValue::Kind::kInteger:
        rc = SQLBindParameter(statement, marker, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 19, 0, &v.integer, 0,
                              &slot.indicator);
        break;
      case ParameterValue::Kind::kReal:
        rc = SQLBindParameter(statement, marker, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 15, 0, &v.real, 0,
                              &slot.indicator);
        break;
      case ParameterValue::Kind::kBoolean:
        slot.bit = v.integer ? 1 : 0;
        rc = SQLBindParameter(statement, marker, SQL_PARAM_INPUT, SQL_C_BIT, SQL_BIT, 1, 0, &slot.bit, 0, &slot.indicator);
        break;
    }
    check_odbc(rc, SQL_HANDLE_STMT, statement, CallPhase::kPrepare, "cannot bind parameter :" + name, redactor);
  }
}

std::vector<std::string> ParameterBinder::unused_parameters(const RewrittenQuery& query, const StreamSettings& stream) {
  std::vector<std::string> out;
  for (const auto& [name, value] : stream.params) {
    if (std::find(query.parameter_names.begin(), query.parameter_names.end(), name) == query.parameter_names.end()) {
      out.push_back(name);
    }
  }
  return out;
}

}  // namespace zra::odbc
