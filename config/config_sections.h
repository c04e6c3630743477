#pragma once
// Internal to zra_config: one loader per top-level section of the configuration file.
#include <vector>

#include "config/sync_config.h"

namespace zra {

ZraConfig load_zra_section(const ConfigNode& node);
CrmConfig load_crm_section(const ConfigNode& node);
std::vector<SourceConfig> load_sources_section(const ConfigNode& node, const EnvLookup& env);

}  // namespace zra
