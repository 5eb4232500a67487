/* version: which ddpg this is: the release number (project(VERSION) in CMakeLists.txt, also
 * <ddpg/version.h>) and the git description of the sources it was built from, captured at
 * build time ("unknown" outside a git checkout). For `ddpg --version`, exported headers and
 * ddpg_version(). */
#ifndef DDPG_VERSION_INTERNAL_H
#define DDPG_VERSION_INTERNAL_H

/* "0.9.0" */
const char *version_string(void);

/* `git describe --always --dirty --tags` of the build's sources, or "unknown" */
const char *version_git(void);

#endif
