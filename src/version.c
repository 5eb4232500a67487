/* version: the release number, the build's git description and the build line a checkpoint
 * records; see version.h. */
#define _GNU_SOURCE
#include "version.h"

#include <ddpg/version.h>
#include <mujoco/mujoco.h>
#include <stdio.h>
#include <string.h>

#include "blas.h"
#include "build_info.h" /* generated at build time: DDPG_GIT_DESCRIBE */

const char *version_string(void) { return DDPG_VERSION_STRING; }

const char *version_git(void) { return DDPG_GIT_DESCRIBE; }

/* the value of "key<spaces>: value" lines of /proc/cpuinfo (the first processor's) */
static int cpuinfo_value(const char *text, const char *key, char *out, size_t n) {
  size_t k = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
    if (strncmp(p, key, k) != 0 || (p[k] != ' ' && p[k] != '\t' && p[k] != ':')) continue;
    const char *c = strchr(p, ':'), *e = strchr(p, '\n');
    if (!c || (e && c > e)) continue;
    c++;
    while (*c == ' ') c++;
    size_t len = e ? (size_t)(e - c) : strlen(c);
    if (len >= n) len = n - 1;
    memcpy(out, c, len);
    out[len] = 0;
    return 0;
  }
  return -1;
}

void version_cpu(char *out, size_t n) {
  static char text[8192];
  FILE *f = fopen("/proc/cpuinfo", "r");
  size_t got = f ? fread(text, 1, sizeof text - 1, f) : 0;
  if (f) fclose(f);
  text[got] = 0;
  char name[128] = "unknown CPU", family[16] = "?", model[16] = "?";
  cpuinfo_value(text, "model name", name, sizeof name);
  cpuinfo_value(text, "cpu family", family, sizeof family);
  cpuinfo_value(text, "model", model, sizeof model);
  __builtin_cpu_init();
  const char *simd = __builtin_cpu_supports("avx512f")  ? "AVX-512"
                     : __builtin_cpu_supports("avx2")   ? "AVX2"
                                                        : "no AVX2";
  snprintf(out, n, "%s (family %s model %s, %s)", name, family, model, simd);
}

void version_build_line(char *out, size_t n) {
  char cpu[256];
  version_cpu(cpu, sizeof cpu);
  snprintf(out, n, "ddpg %s (%s), MuJoCo %s, OpenBLAS kernel %s%s, CPU %s", version_string(),
           version_git(), mj_versionString(), blas_corename(),
           blas_coretype_forced() ? " (forced by OPENBLAS_CORETYPE)" : "", cpu);
}
