#pragma once
// ${VAR} and ${VAR:-default} expansion of configuration scalars, with the environment injected so that
// tests never depend on the real one.
#include <functional>
#include <optional>
#include <string>

namespace zra {

class ConfigNode;

// Looks a variable up: its value, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (getenv). The returned object lives for the whole program.
const EnvLookup& process_env();

// Expands every `${NAME}` and `${NAME:-default}` in `text`; `$${` stands for a literal `${`.
// NAME is [A-Za-z_][A-Za-z0-9_]*. `${NAME:-default}` uses the default when NAME is unset or empty; the
// default is literal text up to the first `}` (no nesting). `where` is the node the text came from: every
// error is a ConfigError at its file, line and key path — an unset variable without a default (naming the
// variable), an unterminated `${`, or a bad variable name. Thread-safe if `env` is.
std::string expand_env(const std::string& text, const EnvLookup& env, const ConfigNode& where);

}  // namespace zra
