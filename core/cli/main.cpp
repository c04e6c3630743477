#include "core/cli/commands.h"

int main(int argc, char** argv) { return zra::cli::run_cli(argc, argv); }
