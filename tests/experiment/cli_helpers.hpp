#pragma once
// What the command-line tests share: running a program and collecting its exit status and output.
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace minidl::test {

struct CommandResult {
  int status;          // the exit status, -1 when the program did not exit normally
  std::string output;  // stdout and stderr together
};

/// Runs `program args` in the working directory `dir` ("" for this one), with `environment`
/// ("NAME=value ...") set for it.
inline CommandResult run_program(const std::string& program, const std::string& dir, const std::string& args,
                                 const std::string& environment = "") {
  const std::string command =
      (dir.empty() ? "" : "cd '" + dir + "' && ") + environment + " " + program + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace minidl::test
