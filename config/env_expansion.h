#pragma once
// ${VAR} and ${VAR:-default} expansion of configuration scalars, with the environment injected so that
// tests never depend on the real one; and ${file:PATH}, a secret read from an owner-only file.
#include <functional>
#include <optional>
#include <string>

namespace zra {

class ConfigNode;

// Looks a variable up: its value, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (getenv). The returned object lives for the whole program.
const EnvLookup& process_env();

// Expands every `${NAME}`, `${NAME:-default}` and `${file:PATH}` in `text`; `$${` stands for a literal `${`.
// NAME is [A-Za-z_][A-Za-z0-9_]*. `${NAME:-default}` uses the default when NAME is unset or empty; the
// default is literal text up to the first `}` (no nesting). `${file:PATH}` is the content of a secret
// file, owner-only, without its trailing line end, registered with add_secret() (see read_secret_file:
// PATH is absolute or relative to the directory of `where`'s file; it has no default form).
// `where` is the node the text came from: every error is a ConfigError at its file, line and key path —
// an unset variable without a default (naming the variable), an unterminated `${`, a bad variable name,
// or any read_secret_file() refusal. Thread-safe if `env` is.
std::string expand_env(const std::string& text, const EnvLookup& env, const ConfigNode& where);

}  // namespace zra
