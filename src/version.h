/* version: which ddpg this is: the release number (project(VERSION) in CMakeLists.txt, also
 * <ddpg/version.h>) and the git description of the sources it was built from, captured at
 * build time ("unknown" outside a git checkout). For `ddpg --version`, exported headers and
 * ddpg_version(); and the line a checkpoint records of the build and CPU that wrote it. */
#ifndef DDPG_VERSION_INTERNAL_H
#define DDPG_VERSION_INTERNAL_H

#include <stddef.h>

/* "0.9.0" */
const char *version_string(void);

/* `git describe --always --dirty --tags` of the build's sources, or "unknown" */
const char *version_git(void);

/* the CPU this runs on, from /proc/cpuinfo and cpuid: "AMD EPYC (family 25 model 1, AVX2)" */
void version_cpu(char *out, size_t n);

/* what a checkpoint records of the build and machine that trained it (checkpoint.h,
 * provenance): "ddpg 0.9.0 (5a76d1e), MuJoCo 2.2.2, OpenBLAS kernel Zen, CPU ..." */
void version_build_line(char *out, size_t n);

#endif
