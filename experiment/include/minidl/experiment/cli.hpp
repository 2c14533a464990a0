#pragma once
// The `minidl` command as a library function, so a program that registers its own components
// (an optimizer, a layer, a dataset) and calls run_cli is a complete `minidl` that knows them.
namespace minidl::experiment {

/// Runs the `minidl` command line (train, check, list, ...) with `argv` as its arguments and
/// returns the exit status: 0 success, 1 a runtime failure (files, a diverging loss), 2 a
/// config or usage error. Errors are printed on one line to stderr; nothing is thrown.
int run_cli(int argc, char** argv);

}  // namespace minidl::experiment
