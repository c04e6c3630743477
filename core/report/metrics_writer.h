#pragma once
// The run's metrics for Prometheus' node_exporter textfile collector (report.metrics_file).
//
// Two kinds of series:
//  - gauges describing the LAST run: zra_sync_records{type,outcome}, zra_sync_failures{phase},
//    zra_sync_last_run_import_calls{type}, zra_sync_last_run_tasks{type}, zra_sync_run_duration_seconds,
//    zra_sync_last_run_exit_code, zra_sync_last_run_timestamp_seconds, zra_sync_last_run_info{run_id};
//  - values carried over from the previous file, so one scrape after a failed run still tells the truth:
//    zra_sync_last_success_timestamp_seconds (advanced only by a run with exit code 0 that was not a dry
//    run; 0 if no run ever succeeded) and the counters zra_sync_import_calls_total, zra_sync_retries_total,
//    zra_sync_rate_limited_total, zra_sync_token_requests_total, zra_sync_api_calls_total{label} and
//    zra_sync_runs_total{exit_code}, which accumulate over runs (a deleted file is a counter reset, which
//    Prometheus' rate()/increase() handle).
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace zra {

// Renders the metrics text for `summary` (RunReport::summary(exit_code)) finished at `finished_unix_s`.
// `previous_text` is the content of the previous metrics file ("" if none); carried values are read
// from it and unparsable lines in it are ignored (logged as a warning). Missing summary keys count as 0.
// Throws Error if a summary value that must be a number is not one. Pure; thread-safe.
std::string render_prometheus_metrics(const nlohmann::json& summary, int64_t finished_unix_s,
                                      const std::string& previous_text);

// Renders as above, reading the previous file at `path` if it exists, and replaces `path` atomically:
// the text goes to a temporary file in the same directory (not ending in .prom, so the collector never
// reads it), is flushed to disk, then renamed over `path`. A reader sees the old file or the new one,
// never a partial one. Creates the parent directory if missing. Throws FatalError naming the path on
// any I/O failure (the temporary file is removed). Not safe against two concurrent writers of one path.
void write_prometheus_metrics(const std::string& path, const nlohmann::json& summary, int64_t finished_unix_s);

// Escapes a label value for the text exposition format: backslash, double quote and newline.
std::string escape_prometheus_label_value(std::string_view value);

}  // namespace zra
