/* <ddpg/ddpg.h>: the public C API of the ddpg library (docs/api.md).
 *
 * What a C program that embeds ddpg needs: the version, a trained policy loaded from a
 * checkpoint (acting on observations, scored over episodes) and training from the same flags
 * as `ddpg train`. Everything else in the library is internal: its headers are not installed
 * and its names are not part of this API.
 *
 * Conventions. Every name starts with ddpg_ / Ddpg / DDPG_. Handles are opaque. Bad input (a
 * missing or damaged checkpoint, a bad flag) comes back as NULL or a nonzero status with one
 * line in the caller's err buffer (err_len bytes; err may be NULL); programmer errors (NULL
 * handles, wrong sizes) abort. The robots' models are found through DDPG_MODEL_PATH or beside
 * the running executable (PREFIX/bin/.. /share/ddpg/models); a program installed elsewhere
 * sets DDPG_MODEL_PATH (pkg-config --variable=modeldir ddpg). */
#ifndef DDPG_PUBLIC_DDPG_H
#define DDPG_PUBLIC_DDPG_H

#include <stddef.h>

#include <ddpg/version.h>

/* DDPG_API marks the exported functions. The library is compiled with -fvisibility=hidden;
 * the installed libddpg.a keeps only these global (its other symbols are made local after
 * linking its objects into one, since a plain static archive cannot hide names from the
 * static linker; docs/api.md) */
#if defined(__GNUC__)
#define DDPG_API __attribute__((visibility("default")))
#else
#define DDPG_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* the library's version, "MAJOR.MINOR.PATCH" (DDPG_VERSION_STRING of the library that was
 * linked, which may differ from the headers' when linking a shared build) */
DDPG_API const char *ddpg_version(void);

/* the git description of the sources the library was built from, or "unknown" */
DDPG_API const char *ddpg_build(void);

/* a trained deterministic actor (the actor of a checkpoint.ddpg written by `ddpg train`) */
typedef struct DdpgPolicy DdpgPolicy;

/* load the policy of checkpoint file `path`; NULL with a message in err (missing, truncated,
 * corrupt, another format version) */
DDPG_API DdpgPolicy *ddpg_policy_load(const char *path, char *err, size_t err_len);

/* release a policy (NULL is fine) */
DDPG_API void ddpg_policy_free(DdpgPolicy *p);

/* observation and action sizes: ddpg_policy_act reads obs_dim floats, writes act_dim */
DDPG_API int ddpg_policy_obs_dim(const DdpgPolicy *p);
DDPG_API int ddpg_policy_act_dim(const DdpgPolicy *p);

/* the robot the policy was trained on ("half_cheetah", "reacher", ...) */
DDPG_API const char *ddpg_policy_robot(const DdpgPolicy *p);

/* environment steps the policy was trained for */
DDPG_API long ddpg_policy_steps(const DdpgPolicy *p);

/* act = the deterministic action for raw observation obs (the robot's own units), bit for
 * bit what `ddpg act` prints. Allocates nothing; uses scratch inside p, so one policy acts on
 * one thread at a time (load one per thread) */
DDPG_API void ddpg_policy_act(DdpgPolicy *p, const float *obs, float *act);

/* the score of a policy over whole episodes */
typedef struct {
  int episodes;
  double mean_return, std_return; /* undiscounted episode return; std over episodes */
  double min_return, max_return;
  double mean_length;             /* environment steps per episode */
  int unstable_episodes;          /* episodes cut short by a simulation failure */
} DdpgEvalResult;

/* play `episodes` (>= 1) noise-free episodes of p on its robot (the model it was trained
 * with) from initial states drawn from `seed`; seed < 0: the training seed + 100, the seed
 * of the run's own evaluations. The same numbers as `ddpg eval --checkpoint FILE [--seed S]`.
 * 0, or nonzero with a message in err (the robot's model not found, a non-finite action) */
DDPG_API int ddpg_evaluate(DdpgPolicy *p, int episodes, long long seed, DdpgEvalResult *out,
                           char *err, size_t err_len);

/* train a new run into directory out_dir from `ddpg train` flags (flags[0..n_flags), e.g.
 * {"--env", "reacher", "--steps", "5000"}; every flag of `ddpg train --help` that sets the
 * configuration, and "--quiet"), writing out_dir/checkpoint.ddpg, eval.csv and progress.csv.
 * Blocks until the run ends; one ddpg_train at a time per process (the run uses the rollout
 * and learner threads its flags ask for: --learner-threads defaults to auto, the free cores,
 * and with more than one it sets OpenBLAS to one thread for the process). Progress goes to
 * stderr unless "--quiet". 0, or
 * nonzero with a message in err (a bad flag, an unwritable directory, a run that diverged) */
DDPG_API int ddpg_train(const char *const *flags, int n_flags, const char *out_dir, char *err,
                        size_t err_len);

#ifdef __cplusplus
}
#endif

#endif
