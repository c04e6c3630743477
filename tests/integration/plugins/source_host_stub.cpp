// A source host program for test binaries (which cannot serve `__source-host` themselves): what
// `zra-sync __source-host` does, without the rest of zra-sync.
#include "core/plugin_host/isolation.h"

int main(int argc, char** argv) {
  if (auto rc = zra::serve_source_host_if_requested(argc, argv)) return *rc;
  return 2;  // only ever started as `<stub> __source-host --fd N`
}
