/* version: the release number and the build's git description; see version.h. */
#include "version.h"

#include <ddpg/version.h>

#include "build_info.h" /* generated at build time: DDPG_GIT_DESCRIBE */

const char *version_string(void) { return DDPG_VERSION_STRING; }

const char *version_git(void) { return DDPG_GIT_DESCRIBE; }
