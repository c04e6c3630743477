/*
 * zra_sync/plugin.hpp -- optional header-only help for plugins written in C++.
 *
 * The ABI (plugin.h) is C: no exception may cross it. Wrap the body of every callback that returns a status
 * in zra_sync::guarded(), which turns an escaping exception into an error status with its message:
 *
 *   int my_open(void* inst, const char* stream_json, void** cursor, zra_error* err) {
 *     return zra_sync::guarded(err, [&] {
 *       if (bad) throw zra_sync::plugin_error(ZRA_ERROR_SETTINGS, "stream setting 'path' is missing");
 *       *cursor = new MyCursor(...);
 *       return ZRA_OK;
 *     });
 *   }
 *
 * close() and destroy() cannot fail: declare them noexcept. This header also gives the entry point C
 * linkage, so `ZRA_SOURCE_PLUGIN_ENTRY { ... }` in a .cpp file exports the unmangled symbol.
 */
#ifndef ZRA_SYNC_PLUGIN_HPP
#define ZRA_SYNC_PLUGIN_HPP

#include <exception>
#include <new>
#include <stdexcept>
#include <string>

#include "zra_sync/plugin.h"

/* A C++ definition after this declaration gets C linkage (plugin.h's macro does not say extern "C"). */
extern "C" ZRA_PLUGIN_EXPORT const zra_source_plugin* zra_sync_source_plugin(uint32_t host_abi_major,
                                                                            uint32_t host_abi_minor);

namespace zra_sync {

/** An error with the zra_status to return (ZRA_ERROR_SETTINGS, ZRA_ERROR_IO, ...). */
class plugin_error : public std::runtime_error {
 public:
  plugin_error(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

/** Runs fn() (which returns a zra_status) and turns an exception into a status plus message in err. */
template <class F>
int guarded(zra_error* err, F&& fn) noexcept {
  try {
    return fn();
  } catch (const plugin_error& e) {
    return zra_set_error(err, e.status() < 0 ? e.status() : ZRA_ERROR, "%s", e.what());
  } catch (const std::bad_alloc&) {
    return zra_set_error(err, ZRA_ERROR_NOMEM, "out of memory");
  } catch (const std::exception& e) {
    return zra_set_error(err, ZRA_ERROR, "%s", e.what());
  } catch (...) {
    return zra_set_error(err, ZRA_ERROR, "unknown C++ exception");
  }
}

}  // namespace zra_sync

#endif /* ZRA_SYNC_PLUGIN_HPP */
