// minidl: runs YAML experiments; its whole behaviour is minidl::experiment::run_cli (cli.hpp),
// which a program with its own registered components calls the same way.
#include "minidl/experiment/cli.hpp"

int main(int argc, char** argv) { return minidl::experiment::run_cli(argc, argv); }
