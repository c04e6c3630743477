/*
 * zra_sync/plugin.h -- the source plugin ABI of zra-sync.
 *
 * A source plugin is a shared library that reads rows from a system zra-sync does not know (a database,
 * a file format, a CRM's API) and hands them to the host in batches. This header is the whole contract:
 * pure C, plain structs and function pointers; no C++ types and no exceptions cross it.
 *
 * VERSIONING. The ABI is versioned apart from zra-sync itself. ZRA_PLUGIN_ABI_MAJOR changes only when an
 * existing struct or function changes meaning; the host refuses a plugin of another major version.
 * ZRA_PLUGIN_ABI_MINOR grows when members are appended at the END of a struct; every struct that can grow
 * starts with `struct_size`, and the host reads only what the plugin's struct_size covers, so a member an
 * older plugin does not know reads as NULL / 0 ("not supported"). Members are never removed or reordered.
 * The host refuses a plugin built against a newer minor version than its own.
 *
 * LIFECYCLE (one stream at a time per instance; never two calls at once on the same instance):
 *   entry point -> create(settings) -> [check()] -> open(stream) -> next_batch()... -> close() -> destroy()
 *
 * MEMORY. Whoever allocates frees. The host owns every string it passes in; they are valid for the call.
 * A batch returned by next_batch() belongs to the plugin and stays valid until the next call on that
 * cursor (next_batch or close). Error messages are written into a host-owned buffer (zra_error).
 *
 * ERRORS. Functions return a zra_status. On a negative status the plugin must have written a message with
 * zra_set_error(); a failure without a message is a plugin bug and the host reports it as such.
 */
#ifndef ZRA_SYNC_PLUGIN_H
#define ZRA_SYNC_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI version this header describes. @since ABI 1.0 */
#define ZRA_PLUGIN_ABI_MAJOR 1
#define ZRA_PLUGIN_ABI_MINOR 0

/** Name of the symbol every plugin exports (see ZRA_SOURCE_PLUGIN_ENTRY). @since ABI 1.0 */
#define ZRA_PLUGIN_ENTRY_SYMBOL "zra_sync_source_plugin"

#if defined(_WIN32)
#define ZRA_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ZRA_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/** Status of a plugin call. @since ABI 1.0 */
typedef enum zra_status {
  ZRA_OK = 0,              /**< success; for next_batch: a batch was produced */
  ZRA_DONE = 1,            /**< next_batch only: the stream has no more rows (no batch) */
  ZRA_ERROR = -1,          /**< any other failure */
  ZRA_ERROR_SETTINGS = -2, /**< settings or stream definition invalid (a user error: fix the config) */
  ZRA_ERROR_IO = -3,       /**< the source could not be reached or was lost mid-read */
  ZRA_ERROR_NOMEM = -4     /**< out of memory */
} zra_status;

/** A host-owned buffer for an error message. Write it with zra_set_error(). @since ABI 1.0 */
typedef struct zra_error {
  char* message;   /**< NUL-terminated UTF-8, empty on entry */
  size_t capacity; /**< bytes available in message, including the NUL */
} zra_error;

/** Writes a printf-style message into err (truncating safely). Returns `status` for `return zra_set_error(...)`. */
static inline int zra_set_error(zra_error* err, int status, const char* fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static inline int zra_set_error(zra_error* err, int status, const char* fmt, ...) {
  if (err != NULL && err->message != NULL && err->capacity > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, err->capacity, fmt, ap);
    va_end(ap);
  }
  return status;
}

/** One value. data == NULL means NULL / absent; otherwise `size` bytes of UTF-8, not NUL-terminated. @since ABI 1.0 */
typedef struct zra_value {
  const char* data;
  size_t size;
} zra_value;

/** One source row. @since ABI 1.0 */
typedef struct zra_row {
  const zra_value* values; /**< batch->n_columns values, in column order */
  const char* locator;     /**< required, NUL-terminated: where the row is in the source ("accounts.csv:1042") */
  const char* error;       /**< NULL, or why this row could not be read (values are then ignored) */
} zra_row;

/** A batch of rows. Column names may differ from one batch to the next (e.g. a REST page). @since ABI 1.0 */
typedef struct zra_batch {
  uint32_t struct_size;            /**< sizeof(zra_batch) as the plugin was built */
  uint32_t n_columns;
  const char* const* column_names; /**< n_columns NUL-terminated UTF-8 names */
  size_t n_rows;
  const zra_row* rows;
} zra_batch;

/** Types of a declared setting. @since ABI 1.0 */
typedef enum zra_setting_type {
  ZRA_SETTING_STRING = 0,
  ZRA_SETTING_INTEGER = 1,
  ZRA_SETTING_BOOLEAN = 2,
  ZRA_SETTING_PATH = 3,   /**< a file path: the host resolves it against the directory of the naming config file */
  ZRA_SETTING_SECRET = 4, /**< a string the host never logs or reports */
  ZRA_SETTING_OBJECT = 5, /**< any JSON object or array, passed through */
  ZRA_SETTING_CHAR = 6    /**< a single character (a delimiter) */
} zra_setting_type;

/**
 * A declared setting. The host rejects keys a plugin did not declare (with file, line and key), checks
 * types and required keys, and fills defaults, before create() or open() sees the JSON. @since ABI 1.0
 */
typedef struct zra_setting_desc {
  const char* name;
  zra_setting_type type;
  int required;              /**< non-zero: the key must be present */
  const char* default_value; /**< as JSON text ("\",\"", "1000", "true"), or NULL for none */
  const char* description;   /**< one line, shown by `zra-sync plugin list` and the docs */
} zra_setting_desc;

/** Log levels of zra_host_api.log. @since ABI 1.0 */
typedef enum zra_log_level { ZRA_LOG_DEBUG = 0, ZRA_LOG_INFO = 1, ZRA_LOG_WARN = 2, ZRA_LOG_ERROR = 3 } zra_log_level;

/** What the host offers a plugin. Valid from create() to destroy(). @since ABI 1.0 */
typedef struct zra_host_api {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  void* host_context; /**< pass back unchanged */
  /** Logs a line through the host's logger (never write secrets). */
  void (*log)(void* host_context, zra_log_level level, const char* message);
} zra_host_api;

/**
 * The plugin's descriptor, returned by the entry point. Static storage: valid until the library is unloaded.
 * @since ABI 1.0
 */
typedef struct zra_source_plugin {
  uint32_t struct_size; /**< sizeof(zra_source_plugin) as the plugin was built */
  uint32_t abi_major;   /**< ZRA_PLUGIN_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;   /**< ZRA_PLUGIN_ABI_MINOR the plugin was built against */
  uint32_t reserved0;   /**< 0 */
  const char* name;        /**< the name configs use in `plugin:`, e.g. "csv" */
  const char* version;     /**< the plugin's own version, e.g. "1.2.0" */
  const char* description; /**< one line */

  const zra_setting_desc* settings; /**< keys of a source's `settings:` */
  uint32_t n_settings;
  uint32_t n_stream_settings;
  const zra_setting_desc* stream_settings; /**< keys of a stream beyond name, object, mapping, mode, cursor */

  /**
   * Creates an instance from the source's settings (a JSON object, declared keys only, defaults filled,
   * paths resolved). Should validate them and fail with ZRA_ERROR_SETTINGS and a message naming the key.
   */
  int (*create)(const zra_host_api* host, const char* settings_json, void** instance, zra_error* err);

  /**
   * Opens one stream for reading. stream_json is a JSON object with "name", "object", the declared stream
   * keys, and optionally "since" (the newest modification time confirmed for this stream, as ISO-8601 UTC)
   * and "batch_rows" (a hint: rows per batch the host would like).
   */
  int (*open)(void* instance, const char* stream_json, void** cursor, zra_error* err);

  /** Produces the next batch (ZRA_OK), or says the stream is finished (ZRA_DONE), or fails (< 0). */
  int (*next_batch)(void* cursor, const zra_batch** batch, zra_error* err);

  /** Releases a cursor (after DONE, after an error, or to stop early). Never fails. */
  void (*close)(void* cursor);

  /** Releases an instance. Never fails. */
  void (*destroy)(void* instance);

  /** Optional (NULL: not supported): tests that the source is reachable without reading data. */
  int (*check)(void* instance, zra_error* err);
} zra_source_plugin;

/** Type of the entry point. Returns NULL when the plugin cannot serve this host's ABI. @since ABI 1.0 */
typedef const zra_source_plugin* (*zra_source_plugin_entry_fn)(uint32_t host_abi_major, uint32_t host_abi_minor);

#ifdef __cplusplus
#define ZRA_EXTERN_C extern "C"
#else
#define ZRA_EXTERN_C
#endif

/** Declares the entry point, unmangled in C and C++: ZRA_SOURCE_PLUGIN_ENTRY { return &my_descriptor; } */
#define ZRA_SOURCE_PLUGIN_ENTRY                                                                              \
  ZRA_EXTERN_C ZRA_PLUGIN_EXPORT const zra_source_plugin* zra_sync_source_plugin(uint32_t host_abi_major,   \
                                                                                 uint32_t host_abi_minor)

#ifdef __cplusplus
}  /* extern "C" */
#endif

/* The v1 layout is frozen: these hold on every LP64 platform (Linux x86_64 and aarch64). */
#if defined(__cplusplus)
#define ZRA_STATIC_ASSERT static_assert
#else
#define ZRA_STATIC_ASSERT _Static_assert
#endif
#if defined(__LP64__)
ZRA_STATIC_ASSERT(sizeof(zra_value) == 16, "zra_value layout is part of ABI 1");
ZRA_STATIC_ASSERT(sizeof(zra_row) == 24, "zra_row layout is part of ABI 1");
ZRA_STATIC_ASSERT(sizeof(zra_batch) == 32, "zra_batch layout is part of ABI 1");
ZRA_STATIC_ASSERT(sizeof(zra_setting_desc) == 32, "zra_setting_desc layout is part of ABI 1");
ZRA_STATIC_ASSERT(sizeof(zra_host_api) == 32, "zra_host_api layout is part of ABI 1");
ZRA_STATIC_ASSERT(offsetof(zra_source_plugin, create) == 64, "zra_source_plugin layout is part of ABI 1");
ZRA_STATIC_ASSERT(sizeof(zra_source_plugin) == 112, "zra_source_plugin v1.0 size");
#endif

#endif /* ZRA_SYNC_PLUGIN_H */
